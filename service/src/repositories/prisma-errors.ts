// What a Prisma error means for a repository, in one place (codes: https://www.prisma.io/docs/orm/reference/error-reference).
import { Prisma } from '../generated/prisma/client.js';

interface DriverAdapterCause {
  kind?: string;
  constraint?: { index?: string; fields?: string[] };
}

function driverCause(err: Prisma.PrismaClientKnownRequestError): DriverAdapterCause | undefined {
  return (err.meta as { driverAdapterError?: { cause?: DriverAdapterCause } } | undefined)?.driverAdapterError?.cause;
}

/**
 * A unique constraint refused the write: P2002 from a model query, or a raw query's UniqueConstraintViolation.
 * With `constraint`, only a violation of that constraint (its index name, or a column it covers) counts.
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return false;
  const cause = driverCause(err);
  if (err.code !== 'P2002' && cause?.kind !== 'UniqueConstraintViolation') return false;
  if (constraint === undefined) return true;
  const named = [cause?.constraint?.index, ...(cause?.constraint?.fields ?? [])].filter(Boolean);
  return named.some((n) => n!.replaceAll('"', '').includes(constraint));
}

/** An update or delete found no row to change (P2025). */
export function isRecordNotFound(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2025';
}
