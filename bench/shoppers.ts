// Sessions for the bench's load: an anonymous cart session (first PUT creates it) or a registered shopper.
// Cookies are kept as the `name=value` pairs the service set; nothing else from Set-Cookie matters here.
import { ALB_HEADERS } from './measure.js';

function cookieHeader(res: Response, previous = ''): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair] as const),
  );
  for (const line of res.headers.getSetCookie()) {
    const pair = line.split(';', 1)[0]!.trim();
    jar.set(pair.slice(0, pair.indexOf('=')), pair);
  }
  return [...jar.values()].join('; ');
}

async function expectStatus(res: Response, expected: number, what: string): Promise<void> {
  if (res.status !== expected) throw new Error(`${what}: expected ${expected}, got ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

/** A fresh anonymous session holding one cart item; returns its Cookie header. */
/** The password of every shopper the bench registers. */
export const SHOPPER_PASSWORD = 'bench-password-0123456789';

export async function cartSession(baseUrl: string, productId: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/cart/items/${productId}`, {
    method: 'PUT',
    headers: { ...ALB_HEADERS, 'content-type': 'application/json' },
    body: JSON.stringify({ quantity: 1 }),
  });
  await expectStatus(res, 200, 'PUT /api/cart/items/:id');
  const cookie = cookieHeader(res);
  if (cookie === '') throw new Error('PUT /api/cart/items/:id set no session cookie');
  return cookie;
}

/** Registers a new shopper, then logs in (registration signs nobody in); returns its Cookie header. */
export async function registeredShopper(baseUrl: string, email: string): Promise<string> {
  const post = (path: string) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { ...ALB_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: SHOPPER_PASSWORD }),
    });
  // 202 since issue #23; a release before it (--service) answers 201 and signs in, and the login works either way.
  const registered = await post('/api/auth/register');
  await expectStatus(registered, registered.status === 201 ? 201 : 202, 'POST /api/auth/register');
  const login = await post('/api/auth/login');
  const cookie = cookieHeader(login);
  await expectStatus(login, 200, 'POST /api/auth/login');
  return cookie;
}

/** Walks the catalog's pages once and returns every cursor, so the load can ask for any page. */
export async function listCursors(baseUrl: string, limit: number): Promise<string[]> {
  const cursors: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const res = await fetch(`${baseUrl}/api/products?limit=${limit}${query}`, { headers: ALB_HEADERS });
    if (!res.ok) throw new Error(`GET /api/products answered ${res.status}`);
    const body = (await res.json()) as { nextCursor: string | null };
    if (body.nextCursor === null) break;
    cursors.push(body.nextCursor);
    cursor = body.nextCursor;
  }
  return cursors;
}
