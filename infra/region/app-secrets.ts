// The service's regional secrets: the Redis AUTH token and the session-signing secret. Generated here, kept as
// Pulumi secrets, stored in this region's Secrets Manager and read by the instances at boot, never written into
// the launch template. Sessions and Redis are regional, so each region has its own.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import { type RegionContext, regionalName, stackNamespace } from './context.js';

export interface AppSecretsArgs {
  ctx: RegionContext;
}

export class AppSecrets extends pulumi.ComponentResource {
  /** The Redis AUTH token (a Pulumi secret), for the replication group. */
  readonly redisAuthToken: pulumi.Output<string>;
  readonly redisAuthSecretArn: pulumi.Output<string>;
  readonly sessionSecretArn: pulumi.Output<string>;

  constructor(name: string, args: AppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:AppSecrets', name, {}, opts);
    const { ctx } = args;

    // Alphanumeric only: valid as a Redis AUTH token and safe inside a rediss:// URL without escaping.
    const redisToken = new random.RandomPassword(
      regionalName(ctx, 'redis-auth-token'),
      { length: 64, special: false },
      { parent: this },
    );
    const sessionSecret = new random.RandomPassword(
      regionalName(ctx, 'session-secret'),
      { length: 64, special: false },
      { parent: this },
    );

    const store = (suffix: string, description: string, value: pulumi.Output<string>) => {
      const secret = new aws.secretsmanager.Secret(
        regionalName(ctx, suffix),
        {
          namePrefix: `${stackNamespace(ctx)}/${suffix}-`,
          description,
          recoveryWindowInDays: ctx.config.protectData ? 30 : 0,
        },
        { parent: this },
      );
      new aws.secretsmanager.SecretVersion(
        regionalName(ctx, `${suffix}-value`),
        { secretId: secret.id, secretString: value },
        { parent: this },
      );
      return secret;
    };

    this.redisAuthToken = pulumi.secret(redisToken.result);
    this.redisAuthSecretArn = store('redis-auth', `Redis AUTH token in ${ctx.region}`, redisToken.result).arn;
    this.sessionSecretArn = store(
      'session-secret',
      `Session signing secret in ${ctx.region}`,
      sessionSecret.result,
    ).arn;
    this.registerOutputs({ redisAuthSecretArn: this.redisAuthSecretArn, sessionSecretArn: this.sessionSecretArn });
  }
}
