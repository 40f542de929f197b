// Every policy of the pack, in one list: index.ts serves them to the Pulumi CLI and policy/test runs them over
// the mocked graph of every stack.
import type { Policies } from '@pulumi/policy';
import { albAccessLogs, cloudfrontAccessLogs, s3ServerAccessLogging, wafLogging } from './access-logs.js';
import { asgWaitsForHealthyTargets } from './asg-healthy-targets.js';
import { cacheKeysExcludeCookies, noCachedCookiePaths } from './edge-caching.js';
import { bucketsEncrypted, encryptionAtRest } from './encryption-at-rest.js';
import { imdsv2Required } from './imdsv2.js';
import { instanceRefreshGuarded } from './instance-refresh.js';
import { namesWithinAwsLimits } from './name-lengths.js';
import { noWorldOpenIngress } from './no-world-open-ingress.js';
import { staticParametersPendingReboot } from './rds-static-parameters.js';
import { route53AlarmHealthChecks } from './route53-alarm-health-checks.js';
import { secondaryNotOnOwnWriterEndpoint } from './secondary-database-endpoint.js';
import { statefulResourcesProtected } from './stateful-protection.js';
import { wafBodyLimitCoversService } from './waf-body-limit.js';
import { globalMembersForwardWrites } from './write-forwarding.js';

export const policies: Policies = [
  noWorldOpenIngress,
  imdsv2Required,
  encryptionAtRest,
  bucketsEncrypted,
  staticParametersPendingReboot,
  secondaryNotOnOwnWriterEndpoint,
  globalMembersForwardWrites,
  asgWaitsForHealthyTargets,
  instanceRefreshGuarded,
  wafBodyLimitCoversService,
  namesWithinAwsLimits,
  statefulResourcesProtected,
  route53AlarmHealthChecks,
  albAccessLogs,
  s3ServerAccessLogging,
  wafLogging,
  cloudfrontAccessLogs,
  cacheKeysExcludeCookies,
  noCachedCookiePaths,
];
