// Deploy twice (issue #10, "Catch this class offline"): every stack runs once in a fresh account, then again in
// the account as the first run left it (its repositories and pushed images visible to the data sources, the
// global stack's outputs read by the regions). A second `pulumi up` with nothing changed must be a no-op: nothing
// the first run created may drop out of the program (Pulumi would delete it: the service image, item 1), no
// resource's inputs may change (an update or a replacement of a database, a key, a secret), and the outputs the
// regions read stay the same.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Registration } from './mocks.js';
import { runEveryStack, type StackRun, stackNames, worldAfter } from './every-stack.js';
import { revealSecrets } from './program.js';

/** Resources whose replacement loses data or identity: they must keep their URN and their inputs. */
const STATEFUL = [
  'aws:rds/cluster:Cluster',
  'aws:rds/clusterInstance:ClusterInstance',
  'aws:rds/globalCluster:GlobalCluster',
  'aws:elasticache/replicationGroup:ReplicationGroup',
  'aws:s3/bucket:Bucket',
  'aws:kms/key:Key',
  'aws:secretsmanager/secret:Secret',
  'aws:secretsmanager/secretVersion:SecretVersion',
  'aws:route53/zone:Zone',
  'aws:ecr/repository:Repository',
  'awsx:ecr:Image',
  'docker-build:index:Image',
  'random:index/randomPassword:RandomPassword',
];

let first: StackRun[];
let second: StackRun[];

beforeAll(async () => {
  first = await runEveryStack();
  second = await runEveryStack({ world: () => worldAfter(first) });
}, 300_000);

const runOf = (runs: StackRun[], stack: string) => runs.find((r) => r.stack === stack)!.run;
const inputsOf = (run: StackRun['run'], r: Registration) =>
  revealSecrets(run.resources.find((x) => x.type === r.type && x.name === r.name)?.inputs);

describe.each(stackNames())('second deploy of %s', (stack) => {
  it('keeps every resource the first deploy created (same URN)', () => {
    const after = new Set(runOf(second, stack).registrations.map((r) => r.urn));
    const dropped = runOf(first, stack)
      .registrations.filter((r) => !after.has(r.urn))
      .map((r) => r.urn);
    expect(dropped, 'Pulumi would delete these on the second deploy').toEqual([]);
  });

  it('keeps the stateful resources (databases, cache, buckets, keys, secrets, zone, repository, image)', () => {
    const before = runOf(first, stack).registrations.filter((r) => STATEFUL.includes(r.type));
    const after = runOf(second, stack).registrations;
    for (const r of before) {
      const again = after.find((a) => a.urn === r.urn);
      expect(again, `${r.urn} is gone on the second deploy`).toBeDefined();
    }
  });

  it('changes no resource inputs (a second deploy with nothing changed is a no-op)', () => {
    const a = runOf(first, stack);
    const b = runOf(second, stack);
    const changed = a.registrations
      .filter((r) => r.custom)
      .flatMap((r) => {
        const again = b.registrations.find((x) => x.urn === r.urn);
        if (!again) return [];
        return JSON.stringify(inputsOf(a, r)) === JSON.stringify(inputsOf(b, again)) ? [] : [r.urn];
      });
    expect(changed).toEqual([]);
  });

  it('exports the same outputs (the regions read them)', () => {
    expect(revealSecrets(runOf(second, stack).outputs)).toEqual(revealSecrets(runOf(first, stack).outputs));
  });
});

describe('the second deploy really sees the first one', () => {
  it('finds the pushed image in ECR', () => {
    const world = worldAfter(first);
    const images = Object.values(world.ecrRepositories ?? {}).flat();
    expect(images.length).toBeGreaterThan(0);
    const lookups = second.flatMap((s) => s.run.invokes).filter((i) => /^aws:ecr\/getImages?:/.test(i.token));
    // Whether or not the program looks the image up, the world it would see holds what the first deploy pushed.
    for (const l of lookups)
      expect(Object.keys(world.ecrRepositories ?? {}).some((k) => k.endsWith(`/${l.inputs.repositoryName}`))).toBe(
        true,
      );
  });
});
