// Drill 4 (issue #19): a planned switchover of the global database to London and back, while shoppers of both
// populations keep shopping. It does what `aws rds switchover-global-cluster` does ("Performing switchovers for
// Amazon Aurora global databases", Aurora User Guide): the secondary is brought up to date with the primary,
// the primary is demoted, the secondary promoted, and the old primary follows the new one as a secondary; each
// reader endpoint then leads to what its cluster now is (writer, or write-forwarding reader). The service's
// configuration does not change and no path between the regions' VPCs is used: every region keeps writing
// through its own reader endpoint. Reported per direction: the seconds in which checkouts failed, how many,
// and which acknowledged orders the writer no longer has (must be none: a switchover loses no data).
import { setTimeout as sleep } from 'node:timers/promises';
import { lsn } from './aurora/pg-wire.js';
import type { Lab } from './lab.js';
import type { Region } from './rtt.js';
import { type Recorder, startShopping } from './shoppers.js';
import { round, statusCounts } from './stats.js';

export interface SwitchoverLeg {
  from: Region;
  to: Region;
  /** The switchover's own steps, seconds after it began. */
  steps: { at: string; afterSeconds: number }[];
  /** Seconds from the demotion until the first order acknowledged after the new writer took over. */
  secondsUntilOrdersAgain: number | null;
  /** First to last failed checkout (5xx or no answer), seconds; 0 when none failed. */
  secondsCheckoutsFailed: number;
  failedCheckouts: number;
  /** Every answer shoppers got to requests other than checkout meanwhile (status → count; 0 = no answer). */
  otherAnswers: Record<string, number>;
  acknowledgedOrders: number;
  /** Orders acknowledged by each region after the new writer took over (both must keep taking orders). */
  ordersAfterBy: Record<Region, number>;
  lostOrders: string[];
}

export interface SwitchoverDrill {
  name: string;
  legs: SwitchoverLeg[];
}

export interface SwitchoverTiming {
  leadMs: number;
  tailMs: number;
  shoppersPerPopulation: number;
  /** Longest the new writer may take to replay the old one's last WAL. */
  catchUpMs: number;
}

/** Waits until `region`'s server has replayed WAL up to `target` (an LSN), or throws after `ms`. */
async function waitForReplay(lab: Lab, region: Region, target: bigint, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  const server = lab.server(region);
  while (lsn(await server.position()) < target) {
    if (Date.now() > deadline) throw new Error(`${server.name} did not replay up to the old writer's end in ${ms} ms`);
    await sleep(20);
  }
}

/**
 * One switchover from the current writer's region to `to`; marks each step on `mark`. Resolves with the moment
 * the new writer took over (epoch ms): orders acknowledged after it were placed through the new roles.
 */
export async function switchover(
  lab: Lab,
  to: Region,
  catchUpMs: number,
  mark: (step: string) => void,
): Promise<number> {
  const from = lab.writer;
  if (from === to) throw new Error(`${to} is already the writer`);
  const old = lab.server(from);
  const next = lab.server(to);
  // Demote: a clean shutdown ends every session, writes the shutdown checkpoint and streams it to the standby
  // (writes stop here, as they do while AWS demotes the primary).
  await old.shutdown();
  const end = lsn(old.lastCheckpoint());
  mark(`${from}'s writer demoted (clean shutdown); its WAL ends at ${old.lastCheckpoint()}`);
  await waitForReplay(lab, to, end, catchUpMs);
  mark(`${to} has replayed everything ${from} wrote`);
  await next.promote();
  lab.writer = to;
  // Every path now leads the other way: forwarded writes and replication cross the same links, reversed.
  lab.writeLink.retarget(next.port);
  lab.replicationLink.retarget(next.port);
  lab.endpoints[to].setRole({ port: next.port }, null);
  lab.endpoints[from].setRole({ port: old.port }, { port: lab.writeLink.port });
  const promotedAt = Date.now();
  mark(`${to} promoted: its reader endpoint leads to the writer, ${from}'s forwards to it`);
  await old.startAsStandby(lab.replicationLink.port, from);
  mark(`${from}'s database follows ${to} as a secondary (reads in ${from} served locally again)`);
  return promotedAt;
}

async function leg(
  lab: Lab,
  recorder: Recorder,
  to: Region,
  timing: SwitchoverTiming,
  log: (s: string) => void,
): Promise<SwitchoverLeg> {
  const from = lab.writer;
  recorder.phase = `drill 4: switchover ${from} → ${to}`;
  const firstSample = recorder.samples.length;
  const firstOrder = recorder.orders.length;
  const shopping = startShopping(['india', 'uk'], timing.shoppersPerPopulation, lab, recorder);
  await sleep(timing.leadMs);
  const t0 = Date.now();
  const steps: SwitchoverLeg['steps'] = [];
  const mark = (at: string) => steps.push({ at, afterSeconds: round((Date.now() - t0) / 1000, 2) });
  log(`drill 4: switchover ${from} → ${to}`);
  const promotedAt = await switchover(lab, to, timing.catchUpMs, mark);
  await lab.router.waitFor(from, true, 60_000);
  mark(`router: ${from} healthy again`);
  await sleep(timing.tailMs);
  await shopping.stop();
  const samples = recorder.samples.slice(firstSample).filter((s) => s.at > t0);
  const checkouts = samples.filter((s) => s.step === 'checkout');
  const failed = checkouts.filter((s) => s.status === 0 || s.status >= 500);
  const orders = recorder.orders.slice(firstOrder);
  const present = await lab.ordersIn(
    lab.writerUrl(),
    orders.map((o) => o.id),
  );
  const firstAfter = orders.find((o) => o.at > promotedAt);
  const result: SwitchoverLeg = {
    from,
    to,
    steps,
    secondsUntilOrdersAgain: firstAfter ? round((firstAfter.at - t0) / 1000, 2) : null,
    secondsCheckoutsFailed: failed.length ? round((failed.at(-1)!.at - failed[0]!.at) / 1000, 2) : 0,
    failedCheckouts: failed.length,
    otherAnswers: statusCounts(samples.filter((s) => s.step !== 'checkout')),
    acknowledgedOrders: orders.length,
    ordersAfterBy: {
      mumbai: orders.filter((o) => o.at > promotedAt && o.region === 'mumbai').length,
      london: orders.filter((o) => o.at > promotedAt && o.region === 'london').length,
    },
    lostOrders: orders.filter((o) => !present.has(o.id)).map((o) => o.id),
  };
  log(
    `drill 4: ${from} → ${to}: orders again after ${result.secondsUntilOrdersAgain ?? 'never'} s, ` +
      `${result.failedCheckouts} failed checkouts, ${result.lostOrders.length} acknowledged orders lost`,
  );
  return result;
}

/** Drill 4: Mumbai → London, then London → Mumbai (so drill 2 finds Mumbai the primary again). */
export async function switchoverDrill(
  lab: Lab,
  recorder: Recorder,
  timing: SwitchoverTiming,
  log: (s: string) => void,
): Promise<SwitchoverDrill> {
  const there = await leg(lab, recorder, 'london', timing, log);
  const back = await leg(lab, recorder, 'mumbai', timing, log);
  return { name: 'drill 4: planned switchover to London and back', legs: [there, back] };
}
