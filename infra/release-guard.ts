// How a release proves itself in a region (issue #21), in one place: the instance refresh (infra/region/compute.ts),
// the alarms it watches (infra/region/monitoring.ts), the policy that checks both (policy/instance-refresh.ts) and
// the lab's release drill (lab/release.ts) read these numbers, so the rehearsal and production follow one rule.

/**
 * Checkpoints of the instance refresh, in percent of the group that runs the new launch template version. The
 * first is the canary: with the default 2 instances the first replacement is 50 % (AWS skips to the highest
 * checkpoint reached), with 10 it is 3 instances. The last must be 100 to replace every instance (EC2 Auto Scaling
 * API Reference, RefreshPreferences: CheckpointPercentages "in ascending order. Each number must be unique. To
 * replace all instances in the Auto Scaling group, the last number in the array must be 100").
 */
export const RELEASE_CHECKPOINT_PERCENTAGES = [25, 100] as const;

/**
 * Seconds the refresh waits at a checkpoint. The alarms of the alarm specification are watched the whole time, so
 * the wait must outlast the slowest of them: its datapoints to alarm, plus one period for the last datapoint to
 * close (policy/instance-refresh.ts checks this against the alarms of the stack). API range 0-172800, and without a
 * value AWS waits 3600 s (RefreshPreferences: CheckpointDelay).
 */
export const RELEASE_CHECKPOINT_DELAY_SECONDS = 600;

/**
 * The latency alarm on the shopper paths (checkout and catalog): the service logs each request slower than
 * SLOW_REQUEST_MS (service/src/plugins/metrics.ts, LOG_REQUESTS=errors) and a metric filter counts those on
 * POST /api/orders and GET /api/products*. In ALARM at SLOW_SHOPPER_REQUESTS_THRESHOLD or more a minute in
 * SLOW_DATAPOINTS_TO_ALARM of the last SLOW_EVALUATION_PERIODS minutes: the SLO is 300 ms, so a handful of
 * requests over a second each minute is a regression, not noise.
 */
export const SLOW_SHOPPER_REQUESTS_THRESHOLD = 5;
export const SLOW_EVALUATION_PERIODS = 3;
export const SLOW_DATAPOINTS_TO_ALARM = 2;

/**
 * Checkout answering 5xx: a release that breaks only checkout moves the region-wide 5xx ratio little (catalog
 * reads are most requests), so checkout's own 5xx answers are counted from the same log lines. In ALARM at this
 * many a minute in 2 of 3 minutes.
 */
export const CHECKOUT_ERRORS_THRESHOLD = 3;

/** Where the metric filters publish (CloudWatch metrics are regional: one region's filters never mix with another's). */
export const RELEASE_METRIC_NAMESPACE = 'Edgecart/Release';
export const SLOW_SHOPPER_REQUESTS_METRIC = 'SlowShopperRequests';
export const CHECKOUT_ERRORS_METRIC = 'CheckoutErrors';
