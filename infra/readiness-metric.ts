// The readiness metric the service publishes and the region's health alarms read (issue #14), named once for both
// sides: service/src/plugins/readiness-metric.ts publishes `Ready` (1 ready, 0 not: database writer reachable
// through the path the app uses, Redis reachable) with the dimension Region, under the namespace the regional
// stack hands it (READINESS_METRIC_NAMESPACE). infra/test/region-health.test.ts checks the service's names
// against these.

export const READINESS_NAMESPACE = 'Edgecart/Service';
export const READINESS_METRIC_NAME = 'Ready';
export const READINESS_DIMENSION = 'Region';
/** How often each instance publishes (the service's READINESS_METRIC_INTERVAL_MS default, 30 s). */
export const READINESS_PUBLISH_SECONDS = 30;
