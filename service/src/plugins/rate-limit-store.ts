// A @fastify/rate-limit store on node-redis v5. The plugin's built-in Redis store only speaks ioredis
// (defineCommand), and a second Redis client just for rate limiting is not worth it, so this small adapter
// runs the same fixed-window logic as one atomic Lua script.
import type { FastifyRateLimitOptions } from '@fastify/rate-limit';
import type { RedisClient } from '../redis.js';

const SCRIPT = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}`;

type IncrCallback = (error: Error | null, result?: { current: number; ttl: number }) => void;

export function redisRateLimitStore(redis: RedisClient, prefix: string) {
  class NodeRedisRateLimitStore {
    constructor(
      _options?: FastifyRateLimitOptions,
      private readonly keyPrefix = `${prefix}rl:`,
    ) {}

    incr(key: string, callback: IncrCallback, timeWindow: number): void {
      redis
        .eval(SCRIPT, { keys: [this.keyPrefix + key], arguments: [String(timeWindow)] })
        .then((reply) => {
          const [current, ttl] = reply as [number, number];
          callback(null, { current, ttl });
        })
        .catch((err: Error) => callback(err));
    }

    child(routeOptions: { method?: string | string[]; url?: string; routeInfo?: { method: string; url: string } }) {
      const info = routeOptions.routeInfo ?? { method: String(routeOptions.method), url: String(routeOptions.url) };
      return new NodeRedisRateLimitStore(undefined, `${this.keyPrefix}${info.method}${info.url}:`);
    }
  }
  return NodeRedisRateLimitStore;
}
