// The edgecart policy pack (CrossGuard): `pulumi preview --policy-pack policy` loads this file, which serves the
// policies to the engine over gRPC. Every policy is mandatory: a violation fails the preview or the deploy.
import { PolicyPack } from '@pulumi/policy';
import { policies } from './policies.js';

new PolicyPack('edgecart', { policies, enforcementLevel: 'mandatory' });
