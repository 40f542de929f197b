// The ALB, its listener, the CloudFront-only rule and the target group in every regional stack.
import { describe, expect, it } from 'vitest';
import { containsSecret, unsecret } from '../region-harness.js';
import { T, eachRegion, byName } from './stacks.js';

eachRegion((region, run) => {
  describe('load balancer', () => {
    it('is HTTPS only with TLS 1.3, drops invalid headers and is protected from deletion', () => {
      const alb = byName(run(), T.alb, region, 'alb');
      expect(alb.inputs.dropInvalidHeaderFields).toBe(true);
      expect(alb.inputs.enableDeletionProtection).toBe(true);
      expect(alb.inputs.subnets).toEqual(['a', 'b', 'c'].map((s) => `subnet-public-${region}${s}`));
      const listeners = run().ofType(T.listener);
      expect(listeners.map((l) => [l.inputs.port, l.inputs.protocol])).toEqual([[443, 'HTTPS']]);
      expect(listeners[0]!.inputs.sslPolicy).toMatch(/^ELBSecurityPolicy-TLS13-/);
      expect(listeners[0]!.inputs.certificateArn).toContain(`${region}-origin-cert`);
    });

    it('answers 403 unless the request carries the CloudFront origin header', () => {
      const listener = run().ofType(T.listener)[0]!;
      expect(listener.inputs.defaultActions).toEqual([
        expect.objectContaining({
          type: 'fixed-response',
          fixedResponse: expect.objectContaining({ statusCode: '403' }),
        }),
      ]);
      const rules = run()
        .ofType(T.rule)
        .filter((r) => r.inputs.priority === 10);
      expect(rules).toHaveLength(1);
      expect(containsSecret(rules[0]!.inputs.conditions)).toBe(true);
      expect(unsecret(rules[0]!.inputs.conditions)).toEqual([
        { httpHeader: { httpHeaderName: 'x-origin-verify', values: ['origin-secret-value'] } },
      ]);
      expect(rules[0]!.inputs.actions).toEqual([
        expect.objectContaining({ type: 'forward', targetGroupArn: expect.stringContaining(`${region}-tg`) }),
      ]);
    });

    it('refuses the internal endpoints with 404 before anything is forwarded (issue #23)', () => {
      const refusals = run()
        .ofType(T.rule)
        .filter((r) => r.inputs.priority < 10);
      const paths = refusals.flatMap((r) =>
        (r.inputs.conditions as Array<{ pathPattern?: { values: string[] } }>).flatMap(
          (c) => c.pathPattern?.values ?? [],
        ),
      );
      expect(paths.sort()).toEqual(['/docs', '/docs/*', '/metrics', '/ready']);
      for (const r of refusals) {
        // Within the ALB's quota: three match evaluations per condition, five per rule.
        expect(r.inputs.conditions).toHaveLength(1);
        expect(r.inputs.conditions[0].pathPattern.values.length).toBeLessThanOrEqual(3);
        expect(r.inputs.actions).toEqual([
          expect.objectContaining({
            type: 'fixed-response',
            fixedResponse: expect.objectContaining({ statusCode: '404' }),
          }),
        ]);
      }
    });

    it('health-checks /health on the internal port (never forwarded to) and drains for 30 s', () => {
      const tg = byName(run(), T.tg, region, 'tg');
      expect(tg.inputs.healthCheck).toMatchObject({ path: '/health', port: '9100', matcher: '200', protocol: 'HTTP' });
      expect(tg.inputs.deregistrationDelay).toBe(30);
      expect(tg.inputs.port).toBe(3000);
      expect(tg.inputs.targetType).toBe('instance');
    });
  });
});
