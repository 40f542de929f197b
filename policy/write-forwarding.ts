// Every region writes through its own cluster's reader endpoint, whatever role its cluster has (issue #19;
// infra/region/index.ts, serviceWriteEndpoint). That holds only if every member of the global database has
// both kinds of write forwarding requested, and runs a version that has them:
// - global write forwarding (a secondary's readers forward to the primary's writer; on the primary it "does
//   nothing until" a global cluster API operation demotes it: RDS API, CreateDBCluster EnableGlobalWriteForwarding);
// - local write forwarding (the primary's readers forward to its own writer), Aurora PostgreSQL 16.4+, 15.8+ or
//   14.13+ (Aurora User Guide, "Local write forwarding in Aurora PostgreSQL").
// Without the first, a region's writes stop when its cluster is demoted; without the second, the primary region
// cannot write at all through its reader endpoint.
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { hasLocalWriteForwarding } from '../infra/write-forwarding-versions.js';
import { T } from './types.js';

export const globalMembersForwardWrites: ResourceValidationPolicy = {
  name: 'global-members-forward-writes',
  description:
    'Every Aurora global database member requests global and local write forwarding, on a version that has both.',
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props }, report) => {
    if (type !== T.rdsCluster || !props.globalClusterIdentifier) return;
    if (props.enableGlobalWriteForwarding !== true) {
      report(
        'enableGlobalWriteForwarding must be true: the instances write through the reader endpoint, which forwards to the primary only with it (and a demoted primary uses it at once)',
      );
    }
    if (props.enableLocalWriteForwarding !== true) {
      report(
        'enableLocalWriteForwarding must be true: while this cluster is the primary, its reader endpoint forwards writes to its own writer only with it',
      );
    }
    if (typeof props.engineVersion === 'string' && !hasLocalWriteForwarding(props.engineVersion)) {
      report(
        `engineVersion ${props.engineVersion} has no local write forwarding (Aurora PostgreSQL 16.4+, 15.8+ or 14.13+)`,
      );
    }
  },
};
