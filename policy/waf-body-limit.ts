// WAF must let through every body the service accepts (issue #10 item 11). The effective WAF limit is the
// smallest of:
// - AWSManagedRulesCommonRuleSet's SizeRestrictions_BODY, which blocks bodies over 8 KB unless its action is
//   overridden (AWS WAF Developer Guide, "Baseline rule groups: Core rule set (CRS) managed rule group");
// - any rule of the web ACL that blocks on a body size constraint (`GT size`);
// - the body inspection limit, when such a rule treats oversize bodies as matching (`oversizeHandling: MATCH`):
//   16 KB by default for CloudFront, up to 64 KB (Developer Guide, "Managing body inspection size limits";
//   AssociationConfig.RequestBody.CLOUDFRONT.DefaultSizeInspectionLimit).
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { SERVICE_BODY_LIMIT_BYTES } from '../infra/limits.js';
import { T } from './types.js';

const CRS = 'AWSManagedRulesCommonRuleSet';
const CRS_BODY_LIMIT = 8 * 1024;
const INSPECTION_LIMITS: Record<string, number> = { KB_16: 16_384, KB_32: 32_768, KB_48: 49_152, KB_64: 65_536 };

/** The largest body the web ACL lets through, and why. */
export function wafBodyLimit(props: Record<string, any>): { bytes: number; because: string } {
  let limit = { bytes: Number.POSITIVE_INFINITY, because: 'no rule limits the body' };
  const lower = (bytes: number, because: string) => {
    if (bytes < limit.bytes) limit = { bytes, because };
  };
  const inspection =
    INSPECTION_LIMITS[props.associationConfig?.requestBodies?.[0]?.cloudfront?.defaultSizeInspectionLimit ?? 'KB_16']!;
  for (const rule of props.rules ?? []) {
    const managed = rule.statement?.managedRuleGroupStatement;
    if (managed?.name === CRS && managed.vendorName === 'AWS' && !rule.overrideAction?.count) {
      const override = (managed.ruleActionOverrides ?? []).find((o: any) => o.name === 'SizeRestrictions_BODY');
      const action = override?.actionToUse ?? {};
      if (!override || action.block)
        lower(CRS_BODY_LIMIT, `${rule.name}: SizeRestrictions_BODY blocks bodies over 8 KB`);
    }
    const size = rule.statement?.sizeConstraintStatement;
    if (
      size?.fieldToMatch?.body &&
      rule.action?.block &&
      (size.comparisonOperator === 'GT' || size.comparisonOperator === 'GE')
    ) {
      lower(
        size.comparisonOperator === 'GT' ? Number(size.size) : Number(size.size) - 1,
        `${rule.name}: blocks bodies over ${size.size} bytes`,
      );
      if (size.fieldToMatch.body.oversizeHandling === 'MATCH') {
        lower(
          inspection,
          `${rule.name}: bodies over the ${inspection}-byte inspection limit count as oversize and match`,
        );
      }
    }
  }
  return limit;
}

export const wafBodyLimitCoversService: ResourceValidationPolicy = {
  name: 'waf-body-limit-covers-service',
  description: `The web ACL lets through every body the service accepts (${SERVICE_BODY_LIMIT_BYTES} bytes, infra/limits.ts).`,
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props }, report) => {
    if (type !== T.webAcl) return;
    const { bytes, because } = wafBodyLimit(props);
    if (bytes < SERVICE_BODY_LIMIT_BYTES) {
      report(`WAF blocks bodies over ${bytes} bytes (${because}) but the service accepts ${SERVICE_BODY_LIMIT_BYTES}`);
    }
  },
};
