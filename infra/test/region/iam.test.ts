// IAM policies and app secrets of every regional stack.
import { READINESS_NAMESPACE } from '../../readiness-metric.js';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_ID } from '../mocks.js';
import { bucketOf, PRIMARY, policyOf, STACK_OF } from '../region-harness.js';
import { T, eachRegion, byName } from './stacks.js';

eachRegion((region, run) => {
  describe('IAM', () => {
    const statements = () =>
      run()
        .ofType(T.rolePolicy)
        .flatMap((p) => policyOf(p).Statement.map((s): Record<string, any> => ({ policy: p.name, ...s })));
    const list = (v: unknown) => (Array.isArray(v) ? v : [v]);

    it('grants no wildcard action and no broad service wildcard on every resource', () => {
      for (const s of statements()) {
        for (const action of list(s.Action)) {
          expect(action, `${s.policy}`).not.toBe('*');
          expect(String(action), `${s.policy}`).not.toMatch(/:\*$/);
          if (list(s.Resource).includes('*')) {
            // Only actions without resource-level permissions: the ECR login, and the readiness metric (issue
            // #14), which a condition limits to the service's namespace.
            expect(['ecr:GetAuthorizationToken', 'cloudwatch:PutMetricData'], s.policy).toContain(action);
            if (action === 'cloudwatch:PutMetricData') {
              expect(s.Condition?.StringEquals?.['cloudwatch:namespace'], s.policy).toBe(READINESS_NAMESPACE);
            }
          }
        }
      }
    });

    it('lets the instances read only this region’s secrets, write only this region’s logs and assets', () => {
      const policy = policyOf(byName(run(), T.rolePolicy, region, 'instance-policy')).Statement;
      const sid = (s: string) => policy.find((x) => x.Sid === s)!;
      expect(sid('ReadServiceSecrets').Resource).toEqual([
        `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:edgecart-global/database/master-??????`,
        expect.stringContaining(`${region}-redis-auth`),
        expect.stringContaining(`${region}-session-secret`),
      ]);
      expect(sid('EcrPullServiceImage').Resource).toBe(
        `arn:aws:ecr:${region}:${ACCOUNT_ID}:repository/edgecart-global/service`,
      );
      expect(sid('UploadProductImages')).toMatchObject({
        Action: ['s3:PutObject'],
        Resource: `arn:aws:s3:::${bucketOf(PRIMARY)}/assets/products/*`,
      });
      expect(sid('WriteServiceLogs').Resource).toContain(`${region}-service-logs`);
    });

    it('keeps the Redis AUTH token and session secret in this region’s Secrets Manager', () => {
      const names = run()
        .ofType(T.secret)
        .map((s) => s.inputs.namePrefix);
      // Stack-scoped (issue #10 item 9): a second environment in the account gets its own names.
      const ns = `edgecart-${STACK_OF[region]}`;
      expect(names.sort()).toEqual([`${ns}/redis-auth-`, `${ns}/session-secret-`]);
    });
  });
});
