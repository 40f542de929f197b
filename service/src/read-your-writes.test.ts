// Where a session's reads of its own data go: the writer for READ_YOUR_WRITES_WINDOW_MS after it wrote, else the reader.
import type { Session } from 'fastify';
import { describe, expect, it } from 'vitest';
import { readFromFor, rememberWrite } from './read-your-writes.js';
import './types.js';

const session = () => ({}) as Session;

describe('read-your-writes routing', () => {
  it('sends a session that never wrote to the reader', () => {
    expect(readFromFor(session(), 5_000)).toBe('reader');
  });

  it('sends a session to the writer for the window after it wrote, then back to the reader', () => {
    const s = session();
    rememberWrite(s, 1_000);
    expect(readFromFor(s, 5_000, 1_000)).toBe('writer');
    expect(readFromFor(s, 5_000, 5_999)).toBe('writer');
    expect(readFromFor(s, 5_000, 6_000)).toBe('reader');
  });

  it('a later write opens the window again', () => {
    const s = session();
    rememberWrite(s, 1_000);
    rememberWrite(s, 20_000);
    expect(readFromFor(s, 5_000, 21_000)).toBe('writer');
  });

  it('a window of 0 turns it off: every read goes to the reader', () => {
    const s = session();
    rememberWrite(s, 1_000);
    expect(readFromFor(s, 0, 1_000)).toBe('reader');
  });
});
