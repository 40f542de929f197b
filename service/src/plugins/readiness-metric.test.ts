// The readiness reporter: what it publishes, when it keeps quiet, and how it survives a failing publisher.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Readiness } from '../readiness.js';
import { type ReadinessDatum, startReadinessReporter } from './readiness-metric.js';

const READY: Readiness = { ready: true, checks: { database: 'ok', redis: 'ok' } };
const DB_DOWN: Readiness = { ready: false, checks: { database: 'fail', redis: 'ok' } };

function harness(
  options: { readiness?: () => Promise<Readiness>; publish?: (d: ReadinessDatum) => Promise<void> } = {},
) {
  const published: ReadinessDatum[] = [];
  const errors: unknown[] = [];
  let recovered = 0;
  let draining = false;
  const reporter = startReadinessReporter({
    probe: options.readiness ?? (async () => READY),
    publisher: {
      publish: async (datum) => {
        await options.publish?.(datum);
        published.push(datum);
      },
    },
    intervalMs: 1_000,
    isDraining: () => draining,
    onPublishError: (err) => errors.push(err),
    onRecovered: () => recovered++,
  });
  return {
    reporter,
    published,
    errors,
    recovered: () => recovered,
    drain: () => {
      draining = true;
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('readiness reporter', () => {
  it('publishes 1 while the instance can take an order and 0 when a dependency fails', async () => {
    let state = READY;
    const h = harness({ readiness: async () => state });
    await h.reporter.tick();
    state = DB_DOWN;
    await h.reporter.tick();
    h.reporter.stop();
    expect(h.published.map((d) => d.value)).toEqual([1, 0]);
    expect(h.published[0]!.timestamp).toBeInstanceOf(Date);
  });

  it('publishes once per interval', async () => {
    vi.useFakeTimers();
    const h = harness();
    await vi.advanceTimersByTimeAsync(3_500);
    h.reporter.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.published).toHaveLength(3);
  });

  it('publishes nothing while draining (a leaving instance must not count against its region)', async () => {
    const h = harness();
    h.drain();
    await h.reporter.tick();
    h.reporter.stop();
    expect(h.published).toEqual([]);
  });

  it('runs one check at a time when a probe is slower than the interval', async () => {
    let release!: () => void;
    let probes = 0;
    const h = harness({
      readiness: () => {
        probes++;
        return new Promise((resolve) => {
          release = () => resolve(READY);
        });
      },
    });
    const first = h.reporter.tick();
    await h.reporter.tick();
    release();
    await first;
    h.reporter.stop();
    expect(probes).toBe(1);
    expect(h.published).toHaveLength(1);
  });

  it('reports a failing publisher once per streak, keeps trying, and says when it recovers', async () => {
    let fail = true;
    const h = harness({
      publish: async () => {
        if (fail) throw new Error('AccessDenied');
      },
    });
    await h.reporter.tick();
    await h.reporter.tick();
    expect(h.errors).toHaveLength(1);
    fail = false;
    await h.reporter.tick();
    h.reporter.stop();
    expect(h.recovered()).toBe(1);
    expect(h.published.map((d) => d.value)).toEqual([1]);
  });

  it('treats a probe that throws as a failed publish, not a crash', async () => {
    const h = harness({ readiness: () => Promise.reject(new Error('boom')) });
    await expect(h.reporter.tick()).resolves.toBeUndefined();
    h.reporter.stop();
    expect(h.errors).toHaveLength(1);
  });
});
