// Stateful resources survive a mistaken `pulumi destroy` or a change that would replace them. Pulumi's `protect`
// option makes the engine refuse to delete a resource (Pulumi docs, "Resource options: protect"); AWS's own
// deletion protection makes the API refuse too (RDS User Guide, "Deletion protection for Aurora clusters"), and
// Secrets Manager keeps a deleted secret recoverable for RecoveryWindowInDays (7-30; 0 deletes it at once:
// DeleteSecret, ForceDeleteWithoutRecovery). Throwaway stacks (protectData: false) run the pack with this policy
// disabled: `--policy-pack-config` with {"stateful-resources-protected": "disabled"}.
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { T } from './types.js';

/** Resources whose loss loses data or identity: protected in the engine. */
export const PROTECTED_TYPES = [
  T.rdsCluster,
  T.rdsClusterInstance,
  T.rdsGlobalCluster,
  T.replicationGroup,
  T.bucket,
  T.kmsKey,
  T.zone,
  T.ecrRepository,
] as const;

export const statefulResourcesProtected: ResourceValidationPolicy = {
  name: 'stateful-resources-protected',
  description: 'Databases, cache, buckets, keys, zone and repository are protected; secrets keep a recovery window.',
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props, opts }, report) => {
    if ((PROTECTED_TYPES as readonly string[]).includes(type) && !opts.protect) {
      report('set the protect resource option (protectData) on this stateful resource');
    }
    if ((type === T.rdsCluster || type === T.rdsGlobalCluster) && props.deletionProtection !== true) {
      report('deletionProtection must be true');
    }
    if (type === T.rdsCluster && props.skipFinalSnapshot === true) report('skipFinalSnapshot must be false');
    if (type === T.bucket && props.forceDestroy === true)
      report('forceDestroy must be false (it empties the bucket on delete)');
    if (type === T.ecrRepository && props.forceDelete === true)
      report('forceDelete must be false (it deletes the images)');
    if (type === T.secret && Number(props.recoveryWindowInDays ?? 30) === 0) {
      report('recoveryWindowInDays 0 deletes the secret without recovery; use 7-30');
    }
  },
};
