// The policy pack over the mocked graph of every stack file (all must pass), and each policy over a deliberately
// broken copy of a real resource of that graph (it must fail): the same code `pulumi preview --policy-pack policy`
// runs, called the way the engine calls it (./run-policies.ts).
import type { PolicyResource, ResourceValidationArgs } from '@pulumi/policy';
import { beforeAll, describe, expect, it } from 'vitest';
import { type StackRun, runEveryStack, stackNames } from '../../infra/test/every-stack.js';
import { SERVICE_BODY_LIMIT_BYTES } from '../../infra/limits.js';
import { policies } from '../policies.js';
import { T, userDataVariables } from '../types.js';
import { type PolicyGraph, policyGraph, runPolicies } from './run-policies.js';

let runs: StackRun[];
const graphs = new Map<string, PolicyGraph>();

beforeAll(async () => {
  runs = await runEveryStack();
  for (const { stack, run } of runs) graphs.set(stack, policyGraph(run));
}, 240_000);

const graphOf = (role: string): PolicyGraph => graphs.get(runs.find((r) => r.role === role)!.stack)!;

/** The graph with one custom resource's inputs (and state) changed. */
function breakResource(graph: PolicyGraph, type: string, change: (props: Record<string, any>) => void): PolicyGraph {
  const target = graph.inputs.find((r) => r.type === type);
  if (!target) throw new Error(`no ${type} in this stack`);
  const props = structuredClone(target.props);
  change(props);
  const inputs = graph.inputs.map((r): ResourceValidationArgs => (r === target ? { ...r, props } : r));
  const resources = graph.resources.map(
    (r): PolicyResource => (r.urn === target.urn ? { ...r, props: { ...r.props, ...props } } : r),
  );
  return { inputs, resources };
}

async function violationsOf(policy: string, graph: PolicyGraph): Promise<string[]> {
  return (await runPolicies(policies, graph)).filter((v) => v.policy === policy).map((v) => v.message);
}

describe('the policy pack over every stack file', () => {
  it('covers every Pulumi.<stack>.yaml of the project', () => {
    expect(runs.map((r) => r.stack).sort()).toEqual(stackNames().sort());
    expect(stackNames().length).toBeGreaterThanOrEqual(3);
  });

  it.each(stackNames())('%s passes every policy', async (stack) => {
    const violations = await runPolicies(policies, graphs.get(stack)!);
    expect(violations).toEqual([]);
  });
});

describe('each policy fails on a broken resource', () => {
  it('no-world-open-ingress: the ALB open to 0.0.0.0/0', async () => {
    const broken = breakResource(graphOf('primary'), T.ingressRule, (p) => {
      delete p.prefixListId;
      p.cidrIpv4 = '0.0.0.0/0';
    });
    expect(await violationsOf('no-world-open-ingress', broken)).toEqual([
      expect.stringMatching(/open to 0\.0\.0\.0\/0/),
    ]);
  });

  it('imdsv2-required: a launch template allowing IMDSv1', async () => {
    const broken = breakResource(graphOf('secondary'), T.launchTemplate, (p) => {
      p.metadataOptions.httpTokens = 'optional';
    });
    expect(await violationsOf('imdsv2-required', broken)).toEqual([expect.stringMatching(/httpTokens/)]);
  });

  it('encryption-at-rest: an unencrypted Redis, Aurora cluster, root volume and alarm topic', async () => {
    let broken = breakResource(graphOf('primary'), T.replicationGroup, (p) => {
      p.atRestEncryptionEnabled = false;
    });
    broken = breakResource(broken, T.rdsCluster, (p) => {
      p.storageEncrypted = false;
    });
    broken = breakResource(broken, T.launchTemplate, (p) => {
      p.blockDeviceMappings[0].ebs.encrypted = 'false';
    });
    broken = breakResource(broken, T.snsTopic, (p) => {
      delete p.kmsMasterKeyId;
    });
    const messages = await violationsOf('encryption-at-rest', broken);
    expect(messages).toHaveLength(4);
  });

  it('buckets-encrypted: a bucket without its encryption configuration', async () => {
    const graph = graphOf('global');
    const broken = { ...graph, resources: graph.resources.filter((r) => r.type !== T.bucketEncryption) };
    const buckets = graph.resources.filter((r) => r.type === T.bucket).length;
    expect(buckets).toBeGreaterThan(0);
    expect(await violationsOf('buckets-encrypted', broken)).toHaveLength(buckets);
  });

  it('rds-static-parameters-pending-reboot: issue #10 item 3 (SESSION, immediate) and an unknown parameter', async () => {
    const broken = breakResource(graphOf('secondary'), T.rdsClusterParameterGroup, (p) => {
      const mode = p.parameters.find((x: any) => x.name === 'apg_write_forward.consistency_mode');
      Object.assign(mode, { value: 'SESSION', applyMethod: 'immediate' });
      p.parameters.push({
        name: 'shared_preload_libraries',
        value: 'pg_stat_statements',
        applyMethod: 'pending-reboot',
      });
    });
    const messages = await violationsOf('rds-static-parameters-pending-reboot', broken);
    expect(messages).toEqual([
      expect.stringMatching(/consistency_mode is static: applyMethod must be "pending-reboot"/),
      expect.stringMatching(/"SESSION" is not one of off, eventual, session, global/),
      expect.stringMatching(/shared_preload_libraries is not in policy/),
    ]);
  });

  it("secondary-not-on-own-writer-endpoint: issue #10 item 2 (London's app on London's cluster endpoint)", async () => {
    const graph = graphOf('secondary');
    const cluster = graph.resources.find((r) => r.type === T.rdsCluster)!;
    const broken = breakResource(graph, T.launchTemplate, (p) => {
      const script = Buffer.from(p.userData, 'base64').toString('utf8');
      const [name] = Object.entries(userDataVariables(p.userData)).find(([, v]) => v === cluster.props.readerEndpoint)!;
      const wrong = script.replace(new RegExp(`^(readonly ${name}=)'[^']*'`, 'm'), `$1'${cluster.props.endpoint}'`);
      p.userData = Buffer.from(wrong).toString('base64');
    });
    expect(await violationsOf('secondary-not-on-own-writer-endpoint', broken)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/cluster endpoint, which serves no writes while the cluster is a secondary/),
      ]),
    );
  });

  it("secondary-not-on-own-writer-endpoint: the primary's app on its own cluster endpoint (wrong after a switchover)", async () => {
    const graph = graphOf('primary');
    const cluster = graph.resources.find((r) => r.type === T.rdsCluster)!;
    const broken = breakResource(graph, T.launchTemplate, (p) => {
      const script = Buffer.from(p.userData, 'base64').toString('utf8');
      const wrong = script.replace(/^(readonly DB_HOST=)'[^']*'/m, `$1'${cluster.props.endpoint}'`);
      expect(wrong).not.toBe(script);
      p.userData = Buffer.from(wrong).toString('base64');
    });
    expect(await violationsOf('secondary-not-on-own-writer-endpoint', broken)).toHaveLength(2);
  });

  it("secondary-not-on-own-writer-endpoint: issue #19 item 6 (the primary's app on the global writer endpoint)", async () => {
    const broken = breakResource(graphOf('primary'), T.launchTemplate, (p) => {
      const script = Buffer.from(p.userData, 'base64').toString('utf8');
      const wrong = script.replace(
        /^(readonly DB_HOST=)'[^']*'/m,
        "$1'edgecart-global-db.global-c0ffee.global.rds.amazonaws.com'",
      );
      expect(wrong).not.toBe(script);
      p.userData = Buffer.from(wrong).toString('base64');
    });
    expect(await violationsOf('secondary-not-on-own-writer-endpoint', broken)).toEqual([
      expect.stringMatching(/not this region's reader endpoint/),
    ]);
  });

  it.each(['primary', 'secondary'])(
    'global-members-forward-writes: issue #19 (%s member without local write forwarding, or on 16.2)',
    async (role) => {
      const broken = breakResource(graphOf(role), T.rdsCluster, (p) => {
        delete p.enableLocalWriteForwarding;
        p.enableGlobalWriteForwarding = false;
        p.engineVersion = '16.2';
      });
      expect(await violationsOf('global-members-forward-writes', broken)).toEqual([
        expect.stringMatching(/enableGlobalWriteForwarding must be true/),
        expect.stringMatching(/enableLocalWriteForwarding must be true/),
        expect.stringMatching(/16.2 has no local write forwarding/),
      ]);
    },
  );

  it('asg-waits-for-healthy-targets: issue #10 item 8 (no wait, 180 s grace)', async () => {
    const broken = breakResource(graphOf('primary'), T.autoScalingGroup, (p) => {
      delete p.waitForElbCapacity;
      delete p.minElbCapacity;
      p.healthCheckGracePeriod = 180;
    });
    expect(await violationsOf('asg-waits-for-healthy-targets', broken)).toEqual([
      expect.stringMatching(/minElbCapacity/),
      expect.stringMatching(/healthCheckGracePeriod 180 s is shorter than the boot time/),
    ]);
  });

  it('asg-waits-for-healthy-targets: issue #21 (waitForElbCapacity, an exact count on every capacity update)', async () => {
    const broken = breakResource(graphOf('secondary'), T.autoScalingGroup, (p) => {
      p.waitForElbCapacity = p.minElbCapacity;
    });
    expect(await violationsOf('asg-waits-for-healthy-targets', broken)).toEqual([
      expect.stringMatching(/waitForElbCapacity makes every minSize\/desiredCapacity update wait for exactly/),
    ]);
  });

  it('instance-refresh-guarded: rollback on $Latest with an SSM image, no canary, unknown or slow alarms', async () => {
    let broken = breakResource(graphOf('primary'), T.autoScalingGroup, (p) => {
      p.launchTemplate.version = '$Latest';
      p.instanceRefresh.preferences.checkpointPercentages = [50, 25];
      p.instanceRefresh.preferences.checkpointDelay = '60';
      p.instanceRefresh.preferences.alarmSpecification.alarms.push('not-an-alarm');
      p.instanceRefresh.preferences.maxHealthyPercentage = 250;
    });
    broken = breakResource(broken, T.launchTemplate, (p) => {
      p.imageId = 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
    });
    const messages = await violationsOf('instance-refresh-guarded', broken);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/maxHealthyPercentage 250 is outside 100-200/),
        expect.stringMatching(/checkpointPercentages \[50,25\] must be unique integers 1-100, ascending/),
        expect.stringMatching(/the last checkpoint is 25, not 100/),
        expect.stringMatching(/launch template version "\$Latest"; rollback needs a numbered version/),
        expect.stringMatching(/takes its AMI from an SSM parameter/),
        expect.stringMatching(/alarm "not-an-alarm" is not an alarm of this stack/),
        expect.stringMatching(/region-5xx-ratio needs 240 s to reach ALARM, longer than the checkpoint delay of 60 s/),
      ]),
    );
    // Also: 250 and 100 are over 100 apart, and each of the other three alarms is slower than 60 s.
    expect(messages).toHaveLength(11);
  });

  it('instance-refresh-guarded: no rollback, no alarms, skip matching on a mutable image tag', async () => {
    let broken = breakResource(graphOf('secondary'), T.autoScalingGroup, (p) => {
      p.instanceRefresh.preferences.autoRollback = false;
      p.instanceRefresh.preferences.alarmSpecification.alarms = [];
    });
    broken = breakResource(broken, T.launchTemplate, (p) => {
      const script = Buffer.from(p.userData, 'base64').toString('utf8');
      p.userData = Buffer.from(script.replace(/^(readonly IMAGE='[^@']+)@[^']+'/m, "$1:latest'")).toString('base64');
    });
    expect(await violationsOf('instance-refresh-guarded', broken)).toEqual([
      expect.stringMatching(/autoRollback is not true/),
      expect.stringMatching(/no alarmSpecification/),
      expect.stringMatching(/skipMatching with an image not pinned by digest/),
    ]);
  });

  it('waf-body-limit-covers-service: issue #10 item 11 (the common rule set as AWS ships it)', async () => {
    const broken = breakResource(graphOf('global'), T.webAcl, (p) => {
      for (const rule of p.rules) delete rule.statement?.managedRuleGroupStatement?.ruleActionOverrides;
    });
    expect(await violationsOf('waf-body-limit-covers-service', broken)).toEqual([
      `WAF blocks bodies over 8192 bytes (AWSManagedRulesCommonRuleSet: SizeRestrictions_BODY blocks bodies over 8 KB) but the service accepts ${SERVICE_BODY_LIMIT_BYTES}`,
    ]);
  });

  it('names-within-aws-limits: a 41-character replication group id', async () => {
    const broken = breakResource(graphOf('secondary'), T.replicationGroup, (p) => {
      p.replicationGroupId = 'edgecart-production-eu-west-2-sessions-xy';
    });
    expect(await violationsOf('names-within-aws-limits', broken)).toEqual([
      expect.stringMatching(/replicationGroupId .* is 41 characters; at most 40/),
    ]);
  });

  it('stateful-resources-protected: an unprotected cluster without deletion protection', async () => {
    const graph = graphOf('primary');
    const target = graph.inputs.find((r) => r.type === T.rdsCluster)!;
    const broken = breakResource(
      {
        ...graph,
        inputs: graph.inputs.map((r) => (r === target ? { ...r, opts: { ...r.opts, protect: false } } : r)),
      },
      T.rdsCluster,
      (p) => {
        p.deletionProtection = false;
      },
    );
    expect(await violationsOf('stateful-resources-protected', broken)).toEqual([
      expect.stringMatching(/protect resource option/),
      'deletionProtection must be true',
    ]);
  });

  it('route53-alarm-health-checks: a health check on the composite or the metric-math alarm, or no data healthy', async () => {
    const graph = graphOf('primary');
    const composite = graph.resources.find((r) => r.type === T.compositeAlarm)!;
    const ratio = graph.resources.find((r) => r.type === T.metricAlarm && (r.props.metricQueries ?? []).length > 0)!;
    const checks = graph.resources.filter((r) => r.type === T.healthCheck && r.props.type === 'CLOUDWATCH_METRIC');
    expect(checks.length).toBeGreaterThanOrEqual(2);
    const rewired = (targets: PolicyResource[], extra: Record<string, unknown> = {}): PolicyGraph => ({
      ...graph,
      resources: graph.resources.map((r, i) =>
        r === checks[0] || r === checks[1]
          ? {
              ...r,
              props: { ...r.props, ...extra },
              propertyDependencies: { ...r.propertyDependencies, cloudwatchAlarmName: [targets[checks.indexOf(r)]!] },
            }
          : graph.resources[i]!,
      ),
    });
    expect(await violationsOf('route53-alarm-health-checks', rewired([composite, ratio]))).toEqual([
      expect.stringMatching(/follows the composite alarm/),
      expect.stringMatching(/a metric-math alarm/),
    ]);
    const silent = rewired(
      [
        checks[0]!.propertyDependencies.cloudwatchAlarmName![0]!,
        checks[1]!.propertyDependencies.cloudwatchAlarmName![0]!,
      ],
      {
        insufficientDataHealthStatus: 'Healthy',
      },
    );
    expect(await violationsOf('route53-alarm-health-checks', silent)).toHaveLength(2);
    // A single-metric alarm with "M of N" datapoints: Route 53 does not carry DatapointsToAlarm.
    const followed = checks[0]!.propertyDependencies.cloudwatchAlarmName![0]!;
    const mOfN = { ...followed, props: { ...followed.props, evaluationPeriods: 5, datapointsToAlarm: 3 } };
    expect(
      await violationsOf(
        'route53-alarm-health-checks',
        rewired([mOfN, checks[1]!.propertyDependencies.cloudwatchAlarmName![0]!]),
      ),
    ).toEqual([expect.stringMatching(/"M of N" alarm \(3 of 5\)/)]);
  });

  it('alb-access-logs: a load balancer without access logs', async () => {
    const broken = breakResource(graphOf('secondary'), T.loadBalancer, (p) => {
      p.accessLogs = { bucket: p.accessLogs.bucket, enabled: false };
    });
    expect(await violationsOf('alb-access-logs', broken)).toEqual([expect.stringMatching(/ELB\.5/)]);
  });

  it('s3-server-access-logging: the trail bucket and an assets bucket without it', async () => {
    const graph = graphOf('global');
    const loggings = graph.resources.filter((r) => r.type === 'aws:s3/bucketLogging:BucketLogging');
    expect(loggings.length).toBeGreaterThanOrEqual(3);
    const without = (names: RegExp): PolicyGraph => ({
      inputs: graph.inputs,
      resources: graph.resources.filter(
        (r) => !(r.type === 'aws:s3/bucketLogging:BucketLogging' && names.test(r.name)),
      ),
    });
    // (Their log buckets, no longer anyone's target, are reported too.)
    expect(await violationsOf('s3-server-access-logging', without(/trail|ap-south-1-assets/))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^audit-trail has no server access logging/),
        expect.stringMatching(/^ap-south-1-assets has no server access logging/),
      ]),
    );
  });

  it('waf-logging: the web ACL without its logging configuration', async () => {
    const graph = graphOf('global');
    const silent: PolicyGraph = {
      inputs: graph.inputs,
      resources: graph.resources.filter(
        (r) => r.type !== 'aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration',
      ),
    };
    expect(await violationsOf('waf-logging', silent)).toEqual([expect.stringMatching(/no logging configuration/)]);
  });

  it('cloudfront-access-logs: the distribution without its delivery, and a delivery that logs cookies', async () => {
    const graph = graphOf('global');
    const isDelivery = (r: { type: string }) => r.type === 'aws:cloudwatch/logDelivery:LogDelivery';
    expect(graph.resources.filter(isDelivery)).toHaveLength(1);
    const silent: PolicyGraph = { inputs: graph.inputs, resources: graph.resources.filter((r) => !isDelivery(r)) };
    expect(await violationsOf('cloudfront-access-logs', silent)).toEqual([
      expect.stringMatching(/-cdn has no standard logging/),
    ]);
    const withCookies: PolicyGraph = {
      inputs: graph.inputs,
      resources: graph.resources.map((r) =>
        isDelivery(r)
          ? { ...r, props: { ...r.props, recordFields: [...(r.props.recordFields as string[]), 'cs(Cookie)'] } }
          : r,
      ),
    };
    expect(await violationsOf('cloudfront-access-logs', withCookies)).toEqual([
      expect.stringMatching(/without cs\(Cookie\)/),
    ]);
  });

  it('every policy of the pack has a breaking case above', () => {
    const tested = [
      'waf-logging',
      'cloudfront-access-logs',
      'alb-access-logs',
      's3-server-access-logging',
      'no-world-open-ingress',
      'imdsv2-required',
      'encryption-at-rest',
      'buckets-encrypted',
      'rds-static-parameters-pending-reboot',
      'secondary-not-on-own-writer-endpoint',
      'global-members-forward-writes',
      'asg-waits-for-healthy-targets',
      'instance-refresh-guarded',
      'waf-body-limit-covers-service',
      'names-within-aws-limits',
      'stateful-resources-protected',
      'route53-alarm-health-checks',
      // issue #22, below
      'cache-keys-exclude-cookies',
      'no-cached-cookie-paths',
    ];
    expect(policies.map((p) => p.name).sort()).toEqual(tested.sort());
  });
});

describe('edge caching policies (issue #22)', () => {
  it('cache-keys-exclude-cookies: a cache policy keyed on the session cookie, and one with a Minimum TTL', async () => {
    const keyed = breakResource(graphOf('global'), T.cachePolicy, (p) => {
      p.parametersInCacheKeyAndForwardedToOrigin.cookiesConfig = {
        cookieBehavior: 'whitelist',
        cookies: { items: ['sid'] },
      };
      p.minTtl = 60;
    });
    expect(await violationsOf('cache-keys-exclude-cookies', keyed)).toEqual([
      expect.stringMatching(/cookies in the cache key \(cookieBehavior whitelist\)/),
      expect.stringMatching(/minTtl 60 caches answers the origin marks no-store/),
    ]);
  });

  it('no-cached-cookie-paths: /api/* on a caching policy, or a catalog pattern that swallows the cart', async () => {
    const graph = graphOf('global');
    const withBehaviours = (change: (props: Record<string, any>) => void) =>
      breakResource(graph, T.distribution, (p) => change(p));
    const apiCached = withBehaviours((p) => {
      const api = p.orderedCacheBehaviors.find((b: any) => b.pathPattern === '/api/*');
      api.cachePolicyId = p.defaultCacheBehavior.cachePolicyId; // the page policy: caches what the origin allows
    });
    const apiViolations = await violationsOf('no-cached-cookie-paths', apiCached);
    // The four GET routes under /api/* (me, cart, orders, an order); their POSTs CloudFront never caches.
    expect(apiViolations.length).toBeGreaterThanOrEqual(4);
    expect(apiViolations).toContainEqual(
      expect.stringMatching(/GET \/api\/cart can set a cookie .* \/api\/\*, which may cache/),
    );
    const greedy = withBehaviours((p) => {
      const catalog = p.orderedCacheBehaviors.find((b: any) => b.pathPattern === '/api/products');
      catalog.pathPattern = '/api/*';
    });
    expect(await violationsOf('no-cached-cookie-paths', greedy)).toContainEqual(
      expect.stringMatching(/GET \/api\/orders can set a cookie/),
    );
    const unknownPolicy = withBehaviours((p) => {
      p.orderedCacheBehaviors.find((b: any) => b.pathPattern === '/api/*').cachePolicyId = undefined;
      p.orderedCacheBehaviors.find((b: any) => b.pathPattern === '/api/*').maxTtl = 86_400;
    });
    expect(await violationsOf('no-cached-cookie-paths', unknownPolicy)).toContainEqual(
      expect.stringMatching(/GET \/api\/auth\/me can set a cookie/),
    );
  });
});
