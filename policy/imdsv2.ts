// Instances answer the metadata service only with a session token (IMDSv2): a server-side request forgery in the
// service cannot read the instance role's credentials with a plain GET. EC2 User Guide, "Configure the instance
// metadata options" (HttpTokens required); Security Hub EC2.8 and AutoScaling.3.
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { T } from './types.js';

export const imdsv2Required: ResourceValidationPolicy = {
  name: 'imdsv2-required',
  description: 'Launch templates and instances require IMDSv2 session tokens (metadataOptions.httpTokens).',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (args.type !== T.launchTemplate && args.type !== T.instance) return;
    const options = args.props.metadataOptions ?? {};
    // A disabled endpoint cannot leak anything either.
    if (options.httpEndpoint === 'disabled') return;
    if (options.httpTokens !== 'required') {
      report(`metadataOptions.httpTokens is ${JSON.stringify(options.httpTokens)}; set it to "required" (IMDSv2)`);
    }
  },
};
