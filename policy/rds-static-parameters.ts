// RDS refuses `immediate` for a static parameter ("cannot use immediate apply method for static parameter") and
// accepts `pending-reboot` for every parameter (RDS User Guide, "Modifying parameters in a DB cluster parameter
// group": static parameters take effect after a reboot; ModifyDBClusterParameterGroup, ApplyMethod). The table
// below holds the parameters this program sets, with the apply type and allowed values from the engine's
// parameter metadata (`aws rds describe-engine-default-cluster-parameters --db-parameter-group-family
// aurora-postgresql16`). A parameter missing from the table fails: look it up and add it.
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { T } from './types.js';

export interface ParameterMetadata {
  applyType: 'static' | 'dynamic';
  /** Allowed values as the metadata lists them (case matters), when it is an enumeration. */
  allowedValues?: string[];
}

export const PARAMETER_METADATA: Record<string, ParameterMetadata> = {
  // Aurora User Guide, "Configuration parameters for write forwarding in Aurora PostgreSQL".
  'apg_write_forward.consistency_mode': {
    applyType: 'static',
    allowedValues: ['off', 'eventual', 'session', 'global'],
  },
  // Aurora User Guide, "Securing Aurora PostgreSQL data with SSL/TLS" (dynamic since Aurora PostgreSQL 11).
  'rds.force_ssl': { applyType: 'dynamic', allowedValues: ['0', '1'] },
  // PostgreSQL docs, "Runtime Config: Logging" (context superuser: dynamic).
  log_min_duration_statement: { applyType: 'dynamic' },
};

export const staticParametersPendingReboot: ResourceValidationPolicy = {
  name: 'rds-static-parameters-pending-reboot',
  description: 'Static RDS parameters use pending-reboot, values are ones the engine allows, every parameter is known.',
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props }, report) => {
    if (type !== T.rdsClusterParameterGroup && type !== T.rdsParameterGroup) return;
    for (const p of props.parameters ?? []) {
      const meta = PARAMETER_METADATA[p.name];
      if (!meta) {
        report(
          `parameter ${p.name} is not in policy/rds-static-parameters.ts: add its apply type from the parameter metadata`,
        );
        continue;
      }
      if (meta.applyType === 'static' && p.applyMethod !== 'pending-reboot') {
        report(
          `${p.name} is static: applyMethod must be "pending-reboot", not ${JSON.stringify(p.applyMethod ?? 'immediate')}`,
        );
      }
      if (meta.allowedValues && !meta.allowedValues.includes(String(p.value))) {
        report(`${p.name}=${JSON.stringify(p.value)} is not one of ${meta.allowedValues.join(', ')}`);
      }
    }
  },
};
