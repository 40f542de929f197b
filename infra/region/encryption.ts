// The regional customer-managed KMS key: Aurora storage and Performance Insights, Redis at rest and the alarm
// topic. One key per region because KMS keys are regional and a secondary Aurora cluster must be encrypted with a
// key in its own region.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { type RegionContext, regionalName, stackNamespace } from './context.js';
import { policyDocument } from './iam.js';

export interface EncryptionArgs {
  ctx: RegionContext;
}

export class Encryption extends pulumi.ComponentResource {
  readonly keyArn: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;

  constructor(name: string, args: EncryptionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:Encryption', name, {}, opts);
    const { ctx } = args;

    const key = new aws.kms.Key(
      regionalName(ctx, 'key'),
      {
        description: `edgecart data at rest in ${ctx.region}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: policyDocument([
          {
            // The account keeps control of its key (the default key policy); IAM decides who may use it.
            Sid: 'AccountAdministers',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ctx.accountId}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
          {
            // CloudWatch alarms publish to the encrypted SNS topic; the AWS-managed SNS key cannot allow that.
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': ctx.accountId } },
          },
        ]),
      },
      { parent: this, protect: ctx.config.protectData },
    );
    new aws.kms.Alias(
      regionalName(ctx, 'key-alias'),
      { name: `alias/${stackNamespace(ctx)}`, targetKeyId: key.keyId },
      { parent: this },
    );

    this.keyArn = key.arn;
    this.keyId = key.keyId;
    this.registerOutputs({ keyArn: this.keyArn });
  }
}
