// The short rehearsal in `npm test`: the whole lab (real PostgreSQL primary and replica, Redis, four service
// instances, delayed links, router, each region's emulated Aurora reader endpoint) with short phases, asserting
// the invariants of issues #12, #14 and #19.
// Slow by nature (minutes on a busy 2-core machine: four service processes start), hence its own timeout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive } from './processes.js';
import { writeReport } from './report.js';
import { loadRttTable, DEFAULT_RTT_FILE } from './rtt.js';
import { defaultOptions, type LabReport, runRehearsal } from './run.js';

let report: LabReport;
const dir = mkdtempSync(join(tmpdir(), 'edgecart-lab-report-'));

beforeAll(async () => {
  const rtt = loadRttTable();
  report = await runRehearsal({
    ...defaultOptions(true),
    rtt,
    rttFile: DEFAULT_RTT_FILE,
    log: () => {},
  });
  await writeReport(report, dir);
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run lab (short)', () => {
  it('two regions beat one for UK shoppers by at least half the UK–Mumbai minus UK–London RTT', () => {
    expect(report.ukGain.gainMs).toBeGreaterThanOrEqual(report.ukGain.requiredMs);
  });

  it('a London checkout forwarded whole crosses the Mumbai↔London link once, and so does its replay', () => {
    // One forwarded statement; the emulator pipelines Aurora's commit-point reply into the same exchange.
    expect(report.londonCheckout.oneStatement.firstRoundTrips).toBe(1);
    expect(report.londonCheckout.oneStatement.replayRoundTrips).toBeLessThanOrEqual(1);
  });

  it('with the one statement refused, London checks out through the fallback transaction, every time', () => {
    const f = report.londonCheckout.fallback;
    expect(f.runs).toHaveLength(report.options.checkoutRuns);
    expect(f.firstRoundTrips).toBeGreaterThan(report.londonCheckout.oneStatement.firstRoundTrips);
  });

  it('read-your-writes and retried checkouts hold in London under real replica lag, on both paths', () => {
    for (const c of [report.londonCheckout.oneStatement, report.londonCheckout.fallback]) {
      expect(c.readYourWrites).toBe(c.runs.length);
      expect(c.replaysReturningFirst).toBe(c.runs.length);
      // The reads were sent while the replica did not have the order yet: they proved something.
      expect(c.readsUnderLag).toBe(c.runs.length);
      expect(c.replicaLagMs).toBeGreaterThan(c.heldLagMs / 2);
    }
    expect(report.readYourWrites.checks).toBeGreaterThan(0);
    expect(report.readYourWrites.failures).toBe(0);
  });

  it('drill 1 (London lost): UK shoppers are served by Mumbai and no acknowledged order is lost', () => {
    const d = report.drills.find((x) => x.name.startsWith('drill 1'))!;
    expect(d.secondsUntilServed).not.toBeNull();
    expect(d.acknowledgedOrders).toBeGreaterThan(0);
    expect(d.lostOrders).toEqual([]);
  });

  it("drill 3 (London's database path cut): UK shoppers are served by Mumbai and no acknowledged order is lost", () => {
    const d = report.drills.find((x) => x.name.startsWith('drill 3'))!;
    expect(d.secondsUntilServed).not.toBeNull();
    expect(d.acknowledgedOrders).toBeGreaterThan(0);
    expect(d.lostOrders).toEqual([]);
  });

  it('drill 3: London leaves DNS once its forwarding path is cut (readiness is really forwarded)', () => {
    const d = report.drills.find((x) => x.name.startsWith('drill 3'))!;
    expect(d.routerSaw.some((t) => t.region === 'london' && !t.healthy)).toBe(true);
  });

  it('drill 4 (switchover to London and back): both regions take orders again, no acknowledged order lost', () => {
    expect(report.switchover.legs.map((l) => `${l.from}→${l.to}`)).toEqual(['mumbai→london', 'london→mumbai']);
    for (const l of report.switchover.legs) {
      expect(l.secondsUntilOrdersAgain, `${l.from}→${l.to}`).not.toBeNull();
      expect(l.ordersAfterBy.mumbai, `${l.from}→${l.to}: Mumbai takes orders`).toBeGreaterThan(0);
      expect(l.ordersAfterBy.london, `${l.from}→${l.to}: London takes orders`).toBeGreaterThan(0);
      expect(l.lostOrders).toEqual([]);
    }
  });

  it('drill 2 (Mumbai lost): after promotion India shoppers place orders in London', () => {
    const d = report.drills.find((x) => x.name.startsWith('drill 2'))!;
    expect(d.secondsUntilServed).not.toBeNull();
  });

  // Issue #22: the edge tier (lab/edge-tier.ts).
  it('the edge serves catalog steps from its copy for both populations, near the population↔edge RTT', () => {
    for (const p of ['india', 'uk'] as const) {
      for (const step of ['page', 'list', 'product']) {
        const c = report.edge.steps[p][step]!;
        expect(c.hits.n, `${p} ${step}`).toBeGreaterThan(0);
        // Far below a trip to any region (≥ 12 ms more than the edge's RTT), whatever the machine's load.
        expect(c.hits.p50, `${p} ${step}`).toBeLessThan(c.withoutEdge.p50);
      }
      expect(report.edge.hitRatio[p]).toBeGreaterThan(0.5);
    }
  });

  it('drills 1 and 2: the affected population gets every catalog answer (the edge serves its copy), no order lost', () => {
    expect(report.edge.drills.map((d) => d.name.slice(0, 7))).toEqual(['drill 1', 'drill 2']);
    for (const d of report.edge.drills) {
      // The short run's edge has seen only a few seconds of shopping: a page it never cached cannot be served
      // from a copy (nor at CloudFront). Every page it had a copy of must be served (the full run: 0 errors).
      expect(d.catalogErrors - d.errorsWithoutCopy, d.name).toBe(0);
      expect(d.fromEdgeCopy, d.name).toBeGreaterThan(0);
      expect(d.lostOrders, d.name).toBe(0);
    }
  });

  it('internal endpoints: shoppers get 404 at the load balancer and on the public port, health checks get them', () => {
    const { throughLoadBalancer, onPublicPort, onInternalPort } = report.internalEndpoints;
    for (const path of ['/metrics', '/ready', '/docs', '/docs/json']) {
      expect(throughLoadBalancer[path], path).toEqual([404]);
      expect(onPublicPort[path], path).toEqual([404]);
    }
    expect(onInternalPort['/metrics']).toEqual([200]);
    expect(onInternalPort['/ready']).toEqual([200]);
    expect(onInternalPort['/docs/json']).toEqual([200]);
  });

  it('every process the lab started is gone afterwards', () => {
    expect(report.processes.started).toBeGreaterThanOrEqual(8);
    expect(report.processes.stillRunning.filter(alive)).toEqual([]);
  });
});
