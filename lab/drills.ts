// The drills: a region or a path lost while shoppers of both populations keep shopping. Each reports the
// seconds until the affected shoppers are served again (and by whom), what they saw meanwhile, what they had
// to redo, and which acknowledged orders (a 201/200 a shopper received) the writer no longer has.
import { setTimeout as sleep } from 'node:timers/promises';
import { type SwitchoverDrill, switchoverDrill } from './drill-switchover.js';
import { FROM_EDGE_COPY } from './edge.js';
import type { Lab } from './lab.js';
import type { Population, Region } from './rtt.js';
import { type AcknowledgedOrder, type Recorder, startShopping } from './shoppers.js';
import { round, statusCounts } from './stats.js';

export interface DrillTiming {
  /** How long the shoppers shop before the fault, and at most how long the lab waits for recovery. */
  leadMs: number;
  maxWaitMs: number;
  /** How long the shoppers keep shopping once served again. */
  tailMs: number;
  shoppersPerPopulation: number;
}

export interface DrillResult {
  name: string;
  /** Seconds from the fault until the first 2xx answer for `population` from `recoveredBy`; null if never. */
  secondsUntilServed: number | null;
  population: Population;
  recoveredBy: Region;
  /** Seconds from the fault until the affected population had an order acknowledged by the region it moved to. */
  secondsUntilFirstOrder: number | null;
  /** What the affected population got between the fault and recovery (status → count; 0 = no answer). */
  meanwhile: Record<string, number>;
  /** Shoppers who found themselves signed out (session in a Redis they no longer reach) and signed in again. */
  signedInAgain: number;
  /** Of those, how many had a cart that was lost with the session. */
  cartsLost: number;
  acknowledgedOrders: number;
  /** Acknowledged orders (during the drill) that the writer does not have. */
  lostOrders: string[];
  /** When the router saw the fault (seconds after it), per region. */
  routerSaw: { region: Region; healthy: boolean; afterSeconds: number }[];
  notes: string[];
}

interface Fault {
  name: string;
  population: Population;
  recoveredBy: Region;
  /** What counts as served again: any 2xx answer, or only an acknowledged order (when reads kept working). */
  servedWhen: 'answer' | 'order';
  /** Breaks something; returns what the operator does next (runs concurrently with the shoppers). */
  inject(lab: Lab, t0: number): Promise<void>;
  /** Where acknowledged orders must be afterwards. */
  writerUrl(lab: Lab): string;
  /** Puts the lab back as it was (when later drills need it). */
  repair?(lab: Lab): Promise<void>;
  notes: string[];
}

async function drill(
  lab: Lab,
  recorder: Recorder,
  fault: Fault,
  timing: DrillTiming,
  log: (s: string) => void,
): Promise<DrillResult> {
  recorder.phase = fault.name;
  const firstSample = recorder.samples.length;
  const firstOrder = recorder.orders.length;
  const firstSignOut = recorder.signedOut.length;
  const firstTransition = lab.router.transitions.length;
  const shopping = startShopping(['india', 'uk'], timing.shoppersPerPopulation, lab, recorder);
  await sleep(timing.leadMs);
  const t0 = Date.now();
  log(`${fault.name}: fault injected`);
  const operator = fault.inject(lab, t0);
  let recoveredAt: number | undefined;
  const deadline = t0 + timing.maxWaitMs;
  while (Date.now() < deadline) {
    const hit = recorder.samples.slice(firstSample).find(
      (s) =>
        s.at > t0 &&
        s.population === fault.population &&
        s.servedBy === fault.recoveredBy &&
        (fault.servedWhen === 'order' ? s.step === 'checkout' : true) &&
        s.status >= 200 &&
        s.status < 300 &&
        // A fresh request resolved after the fault, not one that was already on its way.
        s.step !== 'page' &&
        // Issue #22: an answer from the edge's copy says nothing about the region serving again.
        !(s.edgeCache && FROM_EDGE_COPY.has(s.edgeCache)),
    );
    if (hit) {
      recoveredAt = hit.at;
      break;
    }
    await sleep(50);
  }
  await operator;
  await sleep(timing.tailMs);
  await shopping.stop();
  const samples = recorder.samples.slice(firstSample);
  const meanwhile = samples.filter(
    (s) => s.population === fault.population && s.at > t0 && s.at <= (recoveredAt ?? Date.now()),
  );
  const orders: AcknowledgedOrder[] = recorder.orders.slice(firstOrder);
  const present = await lab.ordersIn(
    fault.writerUrl(lab),
    orders.map((o) => o.id),
  );
  const signOuts = recorder.signedOut.slice(firstSignOut).filter((s) => s.at > t0);
  const result: DrillResult = {
    name: fault.name,
    secondsUntilServed: recoveredAt === undefined ? null : round((recoveredAt - t0) / 1000, 2),
    secondsUntilFirstOrder: (() => {
      const first = orders.find(
        (o) => o.at > t0 && o.population === fault.population && o.region === fault.recoveredBy,
      );
      return first ? round((first.at - t0) / 1000, 2) : null;
    })(),
    population: fault.population,
    recoveredBy: fault.recoveredBy,
    meanwhile: statusCounts(meanwhile),
    signedInAgain: signOuts.length,
    cartsLost: signOuts.filter((s) => s.hadCart).length,
    acknowledgedOrders: orders.length,
    lostOrders: orders.filter((o) => !present.has(o.id)).map((o) => o.id),
    routerSaw: lab.router.transitions
      .slice(firstTransition)
      .map((t) => ({ region: t.region, healthy: t.healthy, afterSeconds: round((t.at - t0) / 1000, 2) })),
    notes: fault.notes,
  };
  log(
    `${fault.name}: served again after ${result.secondsUntilServed ?? 'never'} s, ${result.lostOrders.length} acknowledged orders lost`,
  );
  if (fault.repair) {
    log(`${fault.name}: repairing`);
    await fault.repair(lab);
  }
  return result;
}

/** Drill 1: London's instances and Redis killed mid-traffic. UK shoppers should end up on Mumbai. */
export function londonLost(): Fault {
  return {
    name: 'drill 1: London lost',
    population: 'uk',
    recoveredBy: 'mumbai',
    servedWhen: 'answer',
    async inject(lab) {
      await lab.regions.london.killInstancesAndRedis();
    },
    writerUrl: (lab) => lab.cluster.primary.url(),
    async repair(lab) {
      await lab.regions.london.redis.start();
      await lab.regions.london.startInstances();
      await lab.router.waitFor('london', true, 60_000);
    },
    notes: [],
  };
}

/** Drill 3 (issue #14): London's path to the primary cut (writes and replication), its instances alive. */
export function londonDatabasePathCut(): Fault {
  return {
    name: 'drill 3: London database path cut',
    population: 'uk',
    recoveredBy: 'mumbai',
    servedWhen: 'answer',
    async inject(lab) {
      lab.writeLink.partition();
      lab.replicationLink.partition();
    },
    writerUrl: (lab) => lab.cluster.primary.url(),
    async repair(lab) {
      lab.writeLink.heal();
      lab.replicationLink.heal();
      await lab.router.waitFor('london', true, 60_000);
    },
    notes: [],
  };
}

/**
 * Drill 2: Mumbai lost (primary and its instances killed). The lab then does what docs/deploy.md's unplanned
 * failover says: once the region is seen unhealthy, promote London's database to writer (pg_promote, where AWS
 * runs failover-global-cluster); London's reader endpoint then leads to its own writer, as Aurora's does once
 * London's cluster is the primary, and the service's configuration does not change. India's shoppers should end
 * up on London.
 */
export function mumbaiLost(timeline: { at: string; afterSeconds: number }[]): Fault {
  return {
    name: 'drill 2: Mumbai lost',
    population: 'india',
    recoveredBy: 'london',
    servedWhen: 'order',
    async inject(lab, t0) {
      const mark = (at: string) => timeline.push({ at, afterSeconds: round((Date.now() - t0) / 1000, 2) });
      // A lost region takes its network with it: WAL not yet across the link never arrives in London.
      lab.replicationLink.partition();
      lab.writeLink.partition();
      mark('Mumbai cut off: the links to London carry nothing more; SIGKILL to its primary and instances');
      await Promise.all([lab.regions.mumbai.killInstances(), lab.cluster.primary.kill()]);
      mark("every process of Mumbai's primary and instances gone");
      await lab.router.waitFor('mumbai', false, 60_000);
      mark('router: Mumbai unhealthy (the operator is paged and decides to fail over)');
      await lab.cluster.replica.promote();
      lab.writer = 'london';
      lab.endpoints.london.setRole({ port: lab.cluster.replica.port }, null);
      mark("London's database promoted (pg_promote); London's reader endpoint now leads to it as the writer");
      await lab.router.waitFor('london', true, 60_000);
      mark('router: London healthy again (readiness holds)');
    },
    writerUrl: (lab) => lab.cluster.replica.url(),
    notes: [],
  };
}

export async function runDrills(
  lab: Lab,
  recorder: Recorder,
  timing: DrillTiming,
  log: (s: string) => void,
): Promise<{
  drills: DrillResult[];
  failoverTimeline: { at: string; afterSeconds: number }[];
  recoveryPoint: RecoveryPoint;
  switchover: SwitchoverDrill;
}> {
  const drills: DrillResult[] = [];
  drills.push(await drill(lab, recorder, londonDatabasePathCut(), timing, log));
  drills.push(await drill(lab, recorder, londonLost(), timing, log));
  // Drill 4 before drill 2: it ends with Mumbai the primary again, which drill 2 then loses.
  const switchover = await switchoverDrill(
    lab,
    recorder,
    {
      leadMs: timing.leadMs,
      tailMs: timing.tailMs,
      shoppersPerPopulation: timing.shoppersPerPopulation,
      catchUpMs: timing.maxWaitMs,
    },
    log,
  );
  const ackedBeforeFailover = [...recorder.orders];
  const timeline: { at: string; afterSeconds: number }[] = [];
  drills.push(await drill(lab, recorder, mumbaiLost(timeline), { ...timing, maxWaitMs: timing.maxWaitMs * 2 }, log));
  // The recovery point: every order acknowledged before Mumbai was lost, looked up in the promoted replica.
  const killedAt = drills[2]!;
  const present = await lab.ordersIn(
    lab.cluster.replica.url(),
    ackedBeforeFailover.map((o) => o.id),
  );
  const missing = ackedBeforeFailover.filter((o) => !present.has(o.id));
  return {
    drills,
    failoverTimeline: timeline,
    switchover,
    recoveryPoint: {
      acknowledgedBeforeLoss: ackedBeforeFailover.length + killedAt.acknowledgedOrders,
      missingAfterPromotion: missing.length + killedAt.lostOrders.length,
      missing: [...missing.map((o) => o.id), ...killedAt.lostOrders],
    },
  };
}

export interface RecoveryPoint {
  acknowledgedBeforeLoss: number;
  missingAfterPromotion: number;
  missing: string[];
}
