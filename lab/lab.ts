// The two-region deployment on this machine, from the project's own code: the PostgreSQL primary (Mumbai) and
// its streaming replica (London), each region's reader endpoint (an emulation of Aurora's, with global write
// forwarding while the cluster is secondary: lab/aurora/), Redis, instances and load balancer, the links between
// places (delayed by the RTT table) and the router. `Lab.start` builds it; `destroy` takes every piece down again.
//
//   India ─28ms─┐                    ┌─ Mumbai: ALB → 2 instances → Mumbai's reader endpoint → primary
//               ├─ router (Route 53) ┤
//   UK ────12ms─┘                    └─ London: ALB → 2 instances → London's reader endpoint → replica (reads)
//                                         forwarded writes ──110ms link──▶ primary; replication ◀──110ms link
//
// Each region's instances have DATABASE_URL = their own reader endpoint with write forwarding and
// DATABASE_READ_URL = their own database, as infra/region/index.ts gives them (there both are the reader
// endpoint; the lab's DATABASE_READ_URL skips the emulator, which would answer those plain reads the same way).
// A switchover or failover changes what the endpoints lead to (`setRole`), never the service's configuration.
import pg from 'pg';
import { applyMigrations, ensureDatabase } from '../prisma/migrate.js';
import { seed } from '../prisma/seed.js';
import { WriteForwardingEndpoint } from './aurora/write-forwarding-endpoint.js';
import type { WritingSelect } from './aurora/statement-class.js';
import { type Cluster, createCluster, type PostgresServer } from './postgres-cluster.js';
import { Link } from './link.js';
import { Region } from './region.js';
import { type HealthPolicy, Router } from './router.js';
import { POPULATIONS, type Population, type Region as RegionName, REGIONS, type RttTable } from './rtt.js';
import type { Directions } from './shoppers.js';

export interface LabSetup {
  rtt: RttTable;
  health: HealthPolicy;
  log: (line: string) => void;
}

/** Stock high enough that a rehearsal never runs out (stock conflicts are the concurrency tests' business). */
const LAB_STOCK = 1_000_000;

export class Lab implements Directions {
  private constructor(
    readonly setup: LabSetup,
    readonly cluster: Cluster,
    /** London's instances → the primary (what Aurora write forwarding crosses). */
    readonly writeLink: Link,
    /** The replica's WAL stream from the primary. */
    readonly replicationLink: Link,
    /**
     * Each region's reader endpoint, what its instances have as DATABASE_URL: the writer while the region's
     * cluster is primary, a write-forwarding instance while it is secondary (lab/aurora/).
     */
    readonly endpoints: Record<RegionName, WriteForwardingEndpoint>,
    readonly regions: Record<RegionName, Region>,
    readonly populationLinks: Map<string, Link>,
    readonly router: Router,
  ) {}

  static async start(setup: LabSetup): Promise<Lab> {
    const { rtt, log } = setup;
    const undo: (() => Promise<void>)[] = [];
    try {
      let replicationLink: Link | undefined;
      log('creating the PostgreSQL primary (Mumbai), migrating and seeding it');
      const cluster = await createCluster(
        async (url) => {
          await ensureDatabase(url);
          await applyMigrations(url);
          await seed({ databaseUrl: url });
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          await client.query('UPDATE products SET stock = $1', [LAB_STOCK]);
          await client.end();
          log('taking a base backup for the London replica (pg_basebackup -R)');
        },
        async (primaryPort) => {
          replicationLink = await new Link('Mumbai↔London replication', rtt.interRegion(), primaryPort).listen();
          return replicationLink.port;
        },
      );
      undo.push(() => cluster.destroy());
      undo.push(async () => replicationLink?.close());
      const writeLink = await new Link('Mumbai↔London writes', rtt.interRegion(), cluster.primary.port).listen();
      undo.push(() => writeLink.close());
      // The cluster parameter group's consistency mode is Aurora's default (session); the service asks for
      // global on the connections that must see a write (service/src/db.ts). The one-statement checkout starts
      // forwarded; run.ts measures it, then switches to refusing it (setWritingSelect).
      const endpoint = (name: string, local: PostgresServer, writer: number | null) =>
        new WriteForwardingEndpoint({
          name,
          local: { port: local.port },
          writer: writer === null ? null : { port: writer },
          writingSelect: 'forward',
          defaultMode: 'session',
        }).listen();
      const endpoints = {
        mumbai: await endpoint('Mumbai reader endpoint', cluster.primary, null),
        london: await endpoint('London reader endpoint', cluster.replica, writeLink.port),
      };
      for (const e of Object.values(endpoints)) undo.push(() => e.close());
      log('starting each region: Redis, two service instances, a load balancer');
      const started = await Promise.allSettled([
        Region.start('mumbai', { DATABASE_URL: endpoints.mumbai.url, DATABASE_READ_URL: cluster.primary.url() }),
        Region.start('london', { DATABASE_URL: endpoints.london.url, DATABASE_READ_URL: cluster.replica.url() }),
      ]);
      // One region failing to start must not leave the other one running.
      for (const r of started) if (r.status === 'fulfilled') undo.push(() => r.value.destroy());
      const failed = started.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      const [mumbai, london] = started.map((r) => (r as PromiseFulfilledResult<Region>).value) as [Region, Region];
      const regions = { mumbai, london };
      const populationLinks = new Map<string, Link>();
      for (const p of POPULATIONS) {
        for (const r of REGIONS) {
          const link = await new Link(`${p}→${r}`, rtt.shopper(p, r), regions[r].port).listen();
          populationLinks.set(`${p}→${r}`, link);
          undo.push(() => link.close());
        }
      }
      const router = new Router(rtt, (r) => regions[r].instances.map((i) => i.internalUrl), setup.health);
      router.start();
      return new Lab(setup, cluster, writeLink, replicationLink!, endpoints, regions, populationLinks, router);
    } catch (err) {
      for (const u of undo.reverse()) await u().catch(() => {});
      throw err;
    }
  }

  resolve(population: Population): RegionName {
    return this.router.resolve(population);
  }

  /** Issue #22: while set, every shopper request goes to its population's edge (lab/edge-tier.ts). */
  edge?: { url(population: Population): string };

  linkUrl(population: Population, region: RegionName): string {
    return this.edge?.url(population) ?? this.populationLinks.get(`${population}→${region}`)!.url;
  }

  /** The database server that is the writer now (drills 2 and 4 change it). */
  writer: 'mumbai' | 'london' = 'mumbai';

  /** The database server of `region`. */
  server(region: RegionName): PostgresServer {
    return region === 'mumbai' ? this.cluster.primary : this.cluster.replica;
  }

  writerUrl(): string {
    return this.server(this.writer).url();
  }

  /**
   * What both regions' write forwarding does with a top-level SELECT whose CTEs write (checkout's one-statement
   * path): AWS documents neither, so the lab runs both (run.ts, london-checkout.ts).
   */
  setWritingSelect(mode: WritingSelect): void {
    for (const e of Object.values(this.endpoints)) e.options.writingSelect = mode;
  }

  /** Which of `ids` the database at `url` has. */
  async ordersIn(url: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>('SELECT id::text FROM orders WHERE id = ANY($1::uuid[])', [
        ids,
      ]);
      return new Set(rows.map((r) => r.id));
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    this.router.stop();
    await Promise.all(Object.values(this.regions).map((r) => r.destroy().catch(() => {})));
    for (const link of this.populationLinks.values()) await link.close();
    for (const e of Object.values(this.endpoints)) await e.close();
    await this.writeLink.close();
    await this.replicationLink.close();
    await this.cluster.destroy();
  }
}
