// Just enough of the PostgreSQL frontend/backend protocol (version 3) for the write-forwarding endpoint: framing
// of messages in both directions, the few fields it reads (query text, statement names, ReadyForQuery status,
// a DataRow's first column), and the messages it writes itself (ErrorResponse, CommandComplete, ReadyForQuery,
// Query). Hand-written: pg-protocol (node-postgres) parses only backend messages and has no frontend parser.
// Protocol reference: https://www.postgresql.org/docs/15/protocol-message-formats.html

export interface Message {
  /** The type byte ('Q', 'P', …); '' for the untyped startup-phase messages. */
  type: string;
  /** The whole message as on the wire (type byte and length included). */
  raw: Buffer;
  /** The body after the length. */
  body: Buffer;
}

/** Splits a byte stream into messages; `untypedFirst` for a client's startup phase (no type byte). */
export class MessageReader {
  private pending: Buffer = Buffer.alloc(0);
  untyped: boolean;

  constructor(untypedFirst: boolean) {
    this.untyped = untypedFirst;
  }

  push(chunk: Buffer): Message[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Message[] = [];
    for (;;) {
      const head = this.untyped ? 0 : 1;
      if (this.pending.length < head + 4) break;
      const length = this.pending.readInt32BE(head);
      const total = head + length;
      if (this.pending.length < total) break;
      const raw = this.pending.subarray(0, total);
      out.push({ type: this.untyped ? '' : String.fromCharCode(raw[0]!), raw, body: raw.subarray(head + 4) });
      this.pending = this.pending.subarray(total);
    }
    return out;
  }
}

/** The startup-phase requests that are not a StartupMessage. */
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;

export function startupCode(message: Message): number {
  return message.body.readInt32BE(0);
}

function cstring(buf: Buffer, offset: number): [string, number] {
  const end = buf.indexOf(0, offset);
  return [buf.toString('utf8', offset, end), end + 1];
}

/** Query ('Q'): the SQL text. */
export function queryText(message: Message): string {
  return cstring(message.body, 0)[0];
}

/** Parse ('P'): statement name and SQL text. */
export function parseFields(message: Message): { name: string; text: string } {
  const [name, next] = cstring(message.body, 0);
  const [text] = cstring(message.body, next);
  return { name, text };
}

/** Bind ('B'): the statement it binds. */
export function bindStatement(message: Message): string {
  const [, next] = cstring(message.body, 0);
  return cstring(message.body, next)[0];
}

/** Describe ('D') / Close ('C') of a statement ('S') or portal ('P'). */
export function describeTarget(message: Message): { what: 'S' | 'P'; name: string } {
  return { what: String.fromCharCode(message.body[0]!) as 'S' | 'P', name: cstring(message.body, 1)[0] };
}

/** ReadyForQuery ('Z'): 'I' idle, 'T' in a transaction, 'E' in a failed transaction. */
export function readyStatus(message: Message): 'I' | 'T' | 'E' {
  return String.fromCharCode(message.body[0]!) as 'I' | 'T' | 'E';
}

/** DataRow ('D'): the first column as text (null for SQL NULL). */
export function firstColumn(message: Message): string | null {
  const length = message.body.readInt32BE(2);
  return length < 0 ? null : message.body.toString('utf8', 6, 6 + length);
}

/** ErrorResponse ('E'): its SQLSTATE. */
export function errorCode(message: Message): string | undefined {
  let offset = 0;
  while (offset < message.body.length && message.body[offset] !== 0) {
    const field = String.fromCharCode(message.body[offset]!);
    const [value, next] = cstring(message.body, offset + 1);
    if (field === 'C') return value;
    offset = next;
  }
  return undefined;
}

function typed(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const z = (s: string) => Buffer.from(`${s}\0`, 'utf8');

export function errorResponse(code: string, message: string): Buffer {
  return typed('E', Buffer.concat([z('SERROR'), z('VERROR'), z(`C${code}`), z(`M${message}`), Buffer.from([0])]));
}

export function commandComplete(tag: string): Buffer {
  return typed('C', z(tag));
}

export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return typed('Z', Buffer.from(status, 'latin1'));
}

export function query(sql: string): Buffer {
  return typed('Q', z(sql));
}

/** Parses 'X/Y' (pg_lsn text) into a number comparable with others. */
export function lsn(text: string | null): bigint {
  if (!text) return 0n;
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}
