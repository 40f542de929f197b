// One shopper's cookies, like a browser profile: what the service sets is sent back on later requests.
import { parseCookie } from 'undici';

export class CookieJar {
  readonly #cookies = new Map<string, { value: string; expiresAt: number }>();

  /** Takes the Set-Cookie header(s) of a response. */
  store(setCookie: string | string[] | undefined): void {
    for (const line of setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const cookie = parseCookie(line);
      if (cookie === null) continue;
      const expiresAt =
        cookie.maxAge !== undefined
          ? Date.now() + cookie.maxAge * 1000
          : cookie.expires instanceof Date
            ? cookie.expires.getTime()
            : Number.POSITIVE_INFINITY;
      if (cookie.value === '' || expiresAt <= Date.now()) this.#cookies.delete(cookie.name);
      else this.#cookies.set(cookie.name, { value: cookie.value, expiresAt });
    }
  }

  /** The Cookie header to send, or undefined when there is nothing to send. */
  header(): string | undefined {
    const now = Date.now();
    const pairs: string[] = [];
    for (const [name, { value, expiresAt }] of this.#cookies) {
      if (expiresAt > now) pairs.push(`${name}=${value}`);
    }
    return pairs.length > 0 ? pairs.join('; ') : undefined;
  }
}
