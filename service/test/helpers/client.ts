// A tiny browser-like client over app.inject: keeps the session cookie between requests.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

export class Client {
  private cookies = new Map<string, string>();

  constructor(private app: FastifyInstance) {}

  /** Sends the same cookies to another app instance (as a load balancer would). */
  useApp(app: FastifyInstance): this {
    this.app = app;
    return this;
  }

  get sessionCookie(): string | undefined {
    return this.cookies.get('sid');
  }

  async request(
    options: InjectOptions & { method: InjectOptions['method']; url: string },
  ): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await this.app.inject({
      ...options,
      headers: { ...(cookie ? { cookie } : {}), ...options.headers },
    });
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now());
      if (expired || c.value === '') this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  get(url: string, headers?: Record<string, string>) {
    return this.request({ method: 'GET', url, headers });
  }
  post(url: string, payload?: unknown, headers?: Record<string, string>) {
    return this.request({ method: 'POST', url, payload: payload as InjectOptions['payload'], headers });
  }
  put(url: string, payload?: unknown) {
    return this.request({ method: 'PUT', url, payload: payload as InjectOptions['payload'] });
  }
  patch(url: string, payload?: unknown) {
    return this.request({ method: 'PATCH', url, payload: payload as InjectOptions['payload'] });
  }
  delete(url: string) {
    return this.request({ method: 'DELETE', url });
  }

  /**
   * Registers, then logs in (registration signs nobody in); like a real client it waits Retry-After and tries
   * again when hashing is busy (503).
   */
  async register(email: string, password = 'correct-horse-battery') {
    let res = await this.post('/api/auth/register', { email, password });
    for (let attempt = 1; res.statusCode === 503 && res.headers['retry-after'] && attempt < 10; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Number(res.headers['retry-after']) * 1000));
      res = await this.post('/api/auth/register', { email, password });
    }
    if (res.statusCode !== 202) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
    return this.login(email, password);
  }

  async login(email: string, password: string) {
    const res = await this.post('/api/auth/login', { email, password });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    return res.json() as { id: string; email: string; role: string };
  }
}
