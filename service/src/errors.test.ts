// Which failures mean "a dependency is unavailable" (503, retry) rather than a bug (500) or a bad request.
// Real errors from the real libraries wherever they can be produced here: a Prisma client against a closed port
// and against the local PostgreSQL, and node-redis's own error classes.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  ErrorReply,
  SocketClosedUnexpectedlyError,
  TimeoutError,
} from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_URL } from '../test/helpers/env.js';
import { dependencyOf } from './errors.js';
import { Prisma, PrismaClient } from './generated/prisma/client.js';

const clientVersion = Prisma.prismaVersion.client;
const clients: { client: PrismaClient; pool: pg.Pool }[] = [];

function prismaOn(connectionString: string, options: pg.PoolConfig = {}): PrismaClient {
  const pool = new pg.Pool({ connectionString, connectionTimeoutMillis: 2_000, ...options });
  pool.on('error', () => {});
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
  clients.push({ client, pool });
  return client;
}

async function failureOf(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (err) {
    return err;
  }
  throw new Error('expected the work to fail');
}

afterAll(async () => {
  await Promise.allSettled(clients.map(({ client }) => client.$disconnect()));
  await Promise.allSettled(clients.map(({ pool }) => pool.end()));
});

/** A port on 127.0.0.1 that nothing listens on (port 1 is reserved and unused here). */
const CLOSED = 'postgresql://postgres@127.0.0.1:1/none';

describe('dependencyOf: the database', () => {
  it('a database that cannot be reached, through a model query and a raw query', async () => {
    const dead = prismaOn(CLOSED);
    expect(dependencyOf(await failureOf(dead.user.findFirst()))).toBe('database');
    expect(dependencyOf(await failureOf(dead.$queryRaw`SELECT 1`))).toBe('database');
  });

  it('a statement cancelled by statement_timeout (57014)', async () => {
    const slow = prismaOn(ADMIN_URL, { statement_timeout: 50 });
    expect(dependencyOf(await failureOf(slow.$queryRaw`SELECT pg_sleep(2)`))).toBe('database');
  });

  it('a connection the server terminates (57P01, as in a failover or restart)', async () => {
    const client = prismaOn(ADMIN_URL);
    const err = await failureOf(client.$queryRaw`SELECT pg_terminate_backend(pg_backend_pid())`);
    expect(dependencyOf(err)).toBe('database');
  });

  it('pg errors that carry no code, once they come through Prisma', () => {
    const dropped = new Prisma.PrismaClientUnknownRequestError('Connection terminated unexpectedly', { clientVersion });
    expect(dependencyOf(dropped)).toBe('database');
    const poolTimeout = Object.assign(new Error('timeout exceeded when trying to connect'), { clientVersion });
    expect(dependencyOf(poolTimeout)).toBe('database');
  });

  it('is not fooled by a wrong query: SQL errors and constraint violations are bugs or conflicts, not outages', async () => {
    const client = prismaOn(ADMIN_URL);
    expect(dependencyOf(await failureOf(client.$queryRaw`SELECT 1 / 0`))).toBeUndefined();
    expect(dependencyOf(await failureOf(client.$queryRaw`SELECT * FROM no_such_table`))).toBeUndefined();
    const duplicate = new Prisma.PrismaClientKnownRequestError('Unique constraint failed', {
      code: 'P2002',
      clientVersion,
    });
    expect(dependencyOf(duplicate)).toBeUndefined();
  });

  it('does not blame the database for a network error of another client (S3, CloudWatch)', () => {
    const s3Down = Object.assign(new Error('connect ECONNREFUSED 52.95.150.1:443'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
    });
    expect(dependencyOf(s3Down)).toBeUndefined();
    expect(dependencyOf(new Error('the database said no'))).toBeUndefined();
  });
});

describe('dependencyOf: Redis', () => {
  it.each([
    ['offline (no connection, offline queue off)', new ClientOfflineError()],
    ['closed', new ClientClosedError()],
    ['a command past its deadline', new TimeoutError()],
    ['a connect timeout', new ConnectionTimeoutError()],
    ['a socket closed mid-command', new SocketClosedUnexpectedlyError()],
  ])('%s', (_what, err) => {
    expect(dependencyOf(err)).toBe('redis');
  });

  it('also when wrapped by a library that keeps it as the cause (the session store)', () => {
    expect(dependencyOf(new Error('could not load session', { cause: new ClientOfflineError() }))).toBe('redis');
  });

  it('not for a reply error: Redis answered, the command was wrong', () => {
    expect(
      dependencyOf(new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value')),
    ).toBeUndefined();
  });

  it('not for anything else', () => {
    expect(dependencyOf(new TypeError('x is undefined'))).toBeUndefined();
    expect(dependencyOf('a string')).toBeUndefined();
    expect(dependencyOf(undefined)).toBeUndefined();
  });
});
