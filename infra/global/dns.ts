// The Route 53 hosted zone of the shop's domain: created here, or an existing (already delegated) zone
// adopted by id. Everything else in the platform adds its records to this zone.
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface DnsArgs {
  domain: string;
  /** Use this zone instead of creating one (it must already be authoritative for `domain`). */
  hostedZoneId?: string;
  provider: aws.Provider;
  protect: boolean;
}

export class Dns extends pulumi.ComponentResource {
  readonly zoneId: pulumi.Output<string>;
  /** Name servers to delegate the domain to; empty when an existing zone is used (it is delegated already). */
  readonly nameServers: pulumi.Output<string[]>;

  constructor(name: string, args: DnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:global:Dns', name, {}, opts);
    if (args.hostedZoneId) {
      this.zoneId = pulumi.output(args.hostedZoneId);
      this.nameServers = pulumi.output([]);
    } else {
      const zone = new aws.route53.Zone(
        `${name}-zone`,
        {
          name: args.domain,
          comment: `edgecart: ${args.domain} (managed by Pulumi)`,
          // Never delete a zone that still has records other stacks made.
          forceDestroy: false,
        },
        { parent: this, provider: args.provider, protect: args.protect },
      );
      this.zoneId = zone.zoneId;
      this.nameServers = zone.nameServers;
    }
    this.registerOutputs({ zoneId: this.zoneId, nameServers: this.nameServers });
  }
}
