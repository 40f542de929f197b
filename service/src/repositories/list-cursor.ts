// The catalog's list cursors, signed so that only pages the service itself linked to are cached (issue #23): a
// cursor is `<id of the last product shown>.<tag>`, the tag an HMAC of the page size and that id. Walking the
// catalog from the first page at a given limit meets one cursor per page, so the cacheable pages are at most
// "catalog size / limit" per limit, however many cursors a client invents. An unsigned or foreign cursor of the
// right shape (a bare id, as older releases handed out, or one signed for another limit) is still answered, from
// the database and uncached; any other shape is refused by the schema (schemas/products.ts).
// Hand-written: a few lines over node:crypto's HMAC; a token library would add a format, expiry and claims we
// do not need.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Bytes of HMAC-SHA256 kept in the tag: 128 bits, 22 base64url characters. */
const TAG_BYTES = 16;

export interface ListPosition {
  /** The product id after which the page starts (lower-case). */
  after: string;
  /** Whether the service handed this cursor out for this limit (so the page may be cached). */
  signed: boolean;
}

export function createListCursors(secret: string) {
  // A key of its own, derived from the session secret, so a cursor tag can never serve as anything else.
  const key = createHmac('sha256', secret).update('edgecart list cursor v1').digest();
  const tag = (limit: number, id: string) =>
    createHmac('sha256', key).update(`${limit}:${id}`).digest().subarray(0, TAG_BYTES);

  return {
    /** The cursor of the page after the one that ended with product `id`, at page size `limit`. */
    sign(limit: number, id: string): string {
      return `${id}.${tag(limit, id).toString('base64url')}`;
    },

    /** Reads a cursor the schema accepted (a lower-case uuid, optionally `.` and a tag). */
    read(limit: number, cursor: string): ListPosition {
      const dot = cursor.indexOf('.');
      if (dot < 0) return { after: cursor, signed: false };
      const after = cursor.slice(0, dot);
      const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
      const expected = tag(limit, after);
      return { after, signed: given.length === TAG_BYTES && timingSafeEqual(given, expected) };
    },
  };
}

export type ListCursors = ReturnType<typeof createListCursors>;
