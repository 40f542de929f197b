// Liveness and readiness answers.
import { Type } from 'typebox';

export const LiveSchema = Type.Object({ status: Type.Literal('ok'), region: Type.String() });
export const DrainingSchema = Type.Object({ status: Type.Literal('draining') });

const CheckSchema = Type.Union([Type.Literal('ok'), Type.Literal('fail')]);
export const ReadinessSchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Object({ database: CheckSchema, redis: CheckSchema }),
});
