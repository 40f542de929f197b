// Numbers that two systems must agree on, in one place, so the program, its tests and the policy pack
// (policy/) compare the same constants instead of copies.

/**
 * Largest request body the service accepts (bytes). The regional stacks hand it to the container as
 * BODY_LIMIT_BYTES, so the service's own default (service/src/config.ts) never decides it in production.
 */
export const SERVICE_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Largest request body the web ACL lets through (bytes): the managed SizeRestrictions_BODY rule (8 KB) is set to
 * count and this limit is enforced by the web ACL's own size rule instead. It must be at least the service's
 * limit, or WAF blocks requests the service would accept (issue #10 item 11).
 */
export const WAF_BODY_LIMIT_BYTES = SERVICE_BODY_LIMIT_BYTES;

/**
 * How much of a body WAF inspects for a CloudFront web ACL. The default is 16 KB; bodies beyond the inspection
 * limit are "oversize" and the size rule treats them as matching (blocked), so the limit must be at least
 * WAF_BODY_LIMIT_BYTES. 64 KB is the largest CloudFront allows (AWS WAF Developer Guide, "Managing body
 * inspection size limits"; WAFv2 API AssociationConfig / RequestBodyAssociatedResourceTypeConfig:
 * DefaultSizeInspectionLimit KB_16 | KB_32 | KB_48 | KB_64).
 */
export const WAF_BODY_INSPECTION_LIMIT = 'KB_64';
export const WAF_BODY_INSPECTION_LIMIT_BYTES = 64 * 1024;

/**
 * Seconds a new instance may need from launch to a passing health check: dnf install with retries (≈ 2 min),
 * secrets and the CA bundle (≤ 2 min of retries), `docker pull` retried up to 30 × 10 s while ECR replication
 * catches up (user-data.sh), then migrations in the primary. The ASG's health-check grace period is at least
 * this, so Auto Scaling never replaces an instance that is still booting (issue #10 item 8).
 */
export const INSTANCE_BOOT_SECONDS = 600;
