// Start-up configuration: a missing or malformed setting stops the service with one line naming it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url));

describe('loadConfig', () => {
  it('has working defaults for local use', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      region: 'local',
      cacheTtlSeconds: 60,
      rateLimitMax: 600,
    });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be an integer/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must use postgres: or postgresql:/],
    [{ REDIS_URL: 'not a url' }, /REDIS_URL must be a URL/],
    [{ SESSION_SECRET: 'short' }, /SESSION_SECRET must be at least 32 characters/],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/x' }, /SESSION_SECRET is required/],
    [{ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) }, /DATABASE_URL is required/],
    [{ CACHE_TTL_SECONDS: '-1' }, /CACHE_TTL_SECONDS must be an integer from 0/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ LOG_REQUESTS: 'some' }, /LOG_REQUESTS must be one of all, errors/],
    [{ CACHE_SINGLE_FLIGHT: 'maybe' }, /CACHE_SINGLE_FLIGHT must be true or false/],
  ])('rejects %j naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

it('the server exits 1 with one line naming a malformed setting', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', SERVER], {
    env: { PATH: process.env.PATH, PORT: 'abc' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr.trim()).toBe('Invalid configuration: PORT must be an integer from 0 to 65535, got "abc"');
});
