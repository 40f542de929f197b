// NAT gateways need Elastic IPs, one per gateway: `natGateways: perAz` takes one per Availability Zone (3 of the
// default 5 per region with the default 3 AZs), and an account has 5 per region unless it asked for more (Amazon
// VPC User Guide, "Elastic IP address quotas"; Service Quotas: ec2 L-0263D0A3, "EC2-VPC Elastic IPs"). Allocating
// the sixth fails with AddressLimitExceeded midway through the region's first `up`, after the VPC and subnets were
// built. So the preview counts first: the region's quota, minus the addresses other resources hold (this stack's
// own carry its Project and Stack tags, from the provider's default tags), must cover the gateways.
import * as aws from '@pulumi/aws';
import { ConfigError, PROJECT, type RegionalConfig } from '../config.js';

export const ELASTIC_IP_QUOTA_CODE = 'L-0263D0A3';

/** Elastic IPs the NAT gateways of this config take. */
export function natElasticIps(config: Pick<RegionalConfig, 'natGateways' | 'availabilityZones'>): number {
  return config.natGateways === 'perAz' ? config.availabilityZones : 1;
}

export async function checkElasticIpQuota(config: RegionalConfig, provider: aws.Provider): Promise<void> {
  const needed = natElasticIps(config);
  const quota = await aws.servicequotas.getServiceQuota(
    { serviceCode: 'ec2', quotaCode: ELASTIC_IP_QUOTA_CODE },
    { provider },
  );
  const all = await aws.ec2.getEips({}, { provider });
  // The provider's default tags as this stack sets them (config.tags, where a stack's own `tags` may override).
  const ownTags = { Project: config.tags.Project ?? PROJECT, Stack: config.tags.Stack ?? config.stack };
  const own = await aws.ec2.getEips({ tags: ownTags }, { provider });
  const others = all.allocationIds.length - own.allocationIds.length;
  const free = Math.floor(quota.value) - others;
  if (needed > free) {
    throw new ConfigError(
      'natGateways',
      `${config.natGateways} with ${config.availabilityZones} AZs needs ${needed} Elastic IPs in ${config.region}, and ${Math.max(free, 0)} of the account's ${quota.value} are free (${others} held by other resources); set natGateways: single (one NAT gateway), use fewer availabilityZones, release unused addresses, or raise the quota "EC2-VPC Elastic IPs" (Service Quotas, ec2 ${ELASTIC_IP_QUOTA_CODE}) first`,
    );
  }
}
