// Data at rest is encrypted everywhere it can be turned off. Where AWS always encrypts, nothing is checked:
// Secrets Manager (User Guide, "Secret encryption and decryption in AWS Secrets Manager": every secret is
// encrypted with a KMS key), CloudWatch Logs ("Log group data is always encrypted in CloudWatch Logs") and ECR
// (User Guide, "Encryption at rest": SSE-S3 by default).
import type { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { ofType, T } from './types.js';

const truthy = (v: unknown) => v === true || v === 'true';

export const encryptionAtRest: ResourceValidationPolicy = {
  name: 'encryption-at-rest',
  description: 'Aurora, ElastiCache, EBS volumes and SNS topics are encrypted at rest.',
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props }, report) => {
    switch (type) {
      // Aurora User Guide, "Encrypting Amazon Aurora resources": encryption is chosen at creation and cannot be
      // turned on later; a global database's secondaries must be encrypted when the primary is.
      case T.rdsCluster:
      case T.rdsGlobalCluster:
        if (!truthy(props.storageEncrypted)) report('storageEncrypted must be true');
        break;
      // ElastiCache User Guide, "At-Rest Encryption in ElastiCache" and "In-transit encryption": both are
      // creation-time settings of the replication group (sessions and the AUTH token live there).
      case T.replicationGroup:
        if (!truthy(props.atRestEncryptionEnabled)) report('atRestEncryptionEnabled must be true');
        if (!truthy(props.transitEncryptionEnabled)) report('transitEncryptionEnabled must be true');
        break;
      // EC2 User Guide, "Amazon EBS encryption": a launch template's block device sets `encrypted` per volume.
      case T.launchTemplate:
        for (const mapping of props.blockDeviceMappings ?? []) {
          if (mapping.ebs && !truthy(mapping.ebs.encrypted)) {
            report(`block device ${mapping.deviceName} is not encrypted (ebs.encrypted must be "true")`);
          }
        }
        break;
      case T.ebsVolume:
        if (!truthy(props.encrypted)) report('encrypted must be true');
        break;
      // SNS Developer Guide, "Encryption at rest": server-side encryption is off unless a KMS key is set.
      case T.snsTopic:
        if (!props.kmsMasterKeyId) report('kmsMasterKeyId must be set (SNS topics are not encrypted by default)');
        break;
    }
  },
};

/**
 * Every bucket states its default encryption. S3 encrypts new objects with SSE-S3 since January 2023 (S3 User
 * Guide, "Setting default server-side encryption behavior for Amazon S3 buckets"); the explicit configuration
 * keeps the choice (and the bucket key) in the program, where a change is reviewed.
 */
export const bucketsEncrypted: StackValidationPolicy = {
  name: 'buckets-encrypted',
  description: 'Every S3 bucket has a server-side encryption configuration.',
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, report) => {
    const configs = ofType(resources, T.bucketEncryption);
    for (const bucket of ofType(resources, T.bucket)) {
      const configured = configs.some(
        (c) =>
          (c.propertyDependencies.bucket ?? []).some((d) => d.urn === bucket.urn) ||
          (c.props.bucket !== undefined &&
            (c.props.bucket === bucket.props.bucket || c.props.bucket === bucket.props.id)),
      );
      const inline = bucket.props.serverSideEncryptionConfiguration?.rule?.applyServerSideEncryptionByDefault;
      if (!configured && !inline)
        report(`bucket ${bucket.name} has no server-side encryption configuration`, bucket.urn);
    }
  },
};
