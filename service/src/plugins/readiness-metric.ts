// Publishes this instance's readiness (1 ready, 0 not) to CloudWatch every READINESS_METRIC_INTERVAL_MS, under
// READINESS_METRIC_NAMESPACE with the dimension Region. The region's health alarm averages it over the region's
// instances (infra/region/monitoring.ts): below one half means most instances cannot take an order, and Route 53
// stops sending shoppers there. Off when no namespace is configured (local runs, tests).
// A draining instance publishes nothing: it is leaving on purpose (scale-in, instance refresh), and a 0 from it
// would count against a healthy region. A failed publish is logged once per streak and retried next tick.
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { checkReadiness, type Readiness, type ReadinessProbes } from '../readiness.js';

export const READINESS_METRIC_NAME = 'Ready';

export interface ReadinessDatum {
  value: 0 | 1;
  timestamp: Date;
}

export interface MetricPublisher {
  publish(datum: ReadinessDatum): Promise<void>;
  close?(): void;
}

export function cloudWatchPublisher(options: { namespace: string; region: string }): MetricPublisher {
  const client = new CloudWatchClient({ region: options.region });
  return {
    async publish({ value, timestamp }) {
      await client.send(
        new PutMetricDataCommand({
          Namespace: options.namespace,
          MetricData: [
            {
              MetricName: READINESS_METRIC_NAME,
              Dimensions: [{ Name: 'Region', Value: options.region }],
              Value: value,
              Unit: 'None',
              Timestamp: timestamp,
            },
          ],
        }),
      );
    },
    close: () => client.destroy(),
  };
}

export interface ReadinessReporterOptions {
  probe: () => Promise<Readiness>;
  publisher: MetricPublisher;
  intervalMs: number;
  isDraining: () => boolean;
  onPublishError: (err: unknown) => void;
  onRecovered: () => void;
}

/** Starts the periodic check-and-publish; returns the function that stops it. One tick at a time. */
export function startReadinessReporter(options: ReadinessReporterOptions): { tick(): Promise<void>; stop(): void } {
  let running = false;
  let failing = false;
  const tick = async () => {
    if (running || options.isDraining()) return;
    running = true;
    try {
      const { ready } = await options.probe();
      if (options.isDraining()) return;
      await options.publisher.publish({ value: ready ? 1 : 0, timestamp: new Date() });
      if (failing) options.onRecovered();
      failing = false;
    } catch (err) {
      if (!failing) options.onPublishError(err);
      failing = true;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return {
    tick,
    stop: () => clearInterval(timer),
  };
}

export interface ReadinessMetricPluginOptions {
  probes: ReadinessProbes;
  publisher: MetricPublisher;
  intervalMs: number;
}

async function readinessMetricPlugin(app: FastifyInstance, options: ReadinessMetricPluginOptions) {
  const reporter = startReadinessReporter({
    probe: () => checkReadiness(options.probes),
    publisher: options.publisher,
    intervalMs: options.intervalMs,
    isDraining: () => app.draining,
    onPublishError: (err) => app.log.warn({ err }, 'could not publish the readiness metric; retrying every interval'),
    onRecovered: () => app.log.info('readiness metric published again'),
  });
  // The first datum as soon as the instance serves, so a new region does not wait an interval to count.
  app.addHook('onReady', async () => {
    void reporter.tick();
  });
  app.addHook('onClose', async () => {
    reporter.stop();
    options.publisher.close?.();
  });
}

export default fp(readinessMetricPlugin, { name: 'edgecart-readiness-metric' });
