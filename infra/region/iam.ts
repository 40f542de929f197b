// Small helpers for IAM JSON documents. Statements are written out by hand (not aws.iam.getPolicyDocument) so
// that they can take Outputs directly and tests can read them back as plain JSON.
import * as pulumi from '@pulumi/pulumi';

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: pulumi.Input<string> | pulumi.Input<string>[];
  Principal?: Record<string, unknown> | '*';
  Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[]>>;
}

/** A policy document as a JSON string Output. */
export function policyDocument(statements: Statement[]): pulumi.Output<string> {
  return pulumi.output({ Version: '2012-10-17', Statement: statements }).apply((doc) => JSON.stringify(doc));
}

/**
 * Trust policy letting one AWS service assume a role. With `accountId`, only on behalf of this account (the
 * confused-deputy guard; EC2 does not send aws:SourceAccount, so instance roles go without it).
 */
export function serviceTrustPolicy(service: string, accountId?: string): pulumi.Output<string> {
  return policyDocument([
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      ...(accountId ? { Condition: { StringEquals: { 'aws:SourceAccount': accountId } } } : {}),
    },
  ]);
}
