// The one place the page talks to the service: same-origin paths (CloudFront routes /api/* to the nearest
// region), cookies sent by the browser, JSON in and out. Every response's x-region header and round trip
// time are published for the footer.
import type { Cart, ErrorBody, Order, Product, ProductPage, RegistrationAccepted, User } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: ErrorBody,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Timing {
  region: string | null;
  roundTripMs: number;
}

type TimingListener = (timing: Timing) => void;
const listeners = new Set<TimingListener>();
let lastTiming: Timing | null = null;

/** Calls `listener` with every measured API round trip (and at once with the last one). */
export function onTiming(listener: TimingListener): () => void {
  listeners.add(listener);
  if (lastTiming) listener(lastTiming);
  return () => listeners.delete(listener);
}

/** A sentence a shopper can act on, for failures whose body says nothing useful. */
function fallbackMessage(status: number): string {
  if (status === 401) return 'Please sign in first.';
  if (status === 404) return 'That item no longer exists.';
  if (status === 429) return 'Too many requests. Please wait a moment and try again.';
  if (status >= 500) return `Something went wrong on our side (error ${status}). Please try again.`;
  return `The request failed (error ${status}).`;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'Could not reach the shop. Check your connection and try again.');
  }
  lastTiming = { region: res.headers.get('x-region'), roundTripMs: performance.now() - started };
  for (const listener of listeners) listener(lastTiming);

  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = data as ErrorBody | undefined;
    // Server messages of 4xx answers are written for people (API.md); 5xx ones are not shown.
    const message = res.status < 500 && err?.message ? err.message : fallbackMessage(res.status);
    throw new ApiError(res.status, message, err);
  }
  return data as T;
}

export const api = {
  products: (limit: number, cursor?: string | null) =>
    request<ProductPage>(
      'GET',
      `/api/products?${new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) })}`,
    ),
  product: (id: string) => request<Product>('GET', `/api/products/${encodeURIComponent(id)}`),

  me: () => request<User>('GET', '/api/auth/me'),
  /** Signs nobody in, and answers the same whether or not the e-mail has an account (docs/api.md). */
  register: (email: string, password: string) =>
    request<RegistrationAccepted>('POST', '/api/auth/register', { email, password }),
  login: (email: string, password: string) => request<User>('POST', '/api/auth/login', { email, password }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  logoutEverywhere: () => request<void>('POST', '/api/auth/logout-everywhere'),

  cart: () => request<Cart>('GET', '/api/cart'),
  setCartItem: (productId: string, quantity: number) =>
    request<Cart>('PUT', `/api/cart/items/${encodeURIComponent(productId)}`, { quantity }),
  removeCartItem: (productId: string) => request<Cart>('DELETE', `/api/cart/items/${encodeURIComponent(productId)}`),

  // No Idempotency-Key: the service keys a checkout by the session's cart and its revision, which every tab of
  // the shopper shares, so a double click, a retry after a lost answer and the same cart checked out from two
  // tabs make one order (docs/api.md). A key made per tab would make the second tab's checkout a new one.
  placeOrder: () => request<Order>('POST', '/api/orders'),
  orders: () => request<{ items: Order[] }>('GET', '/api/orders'),
  order: (id: string) => request<Order>('GET', `/api/orders/${encodeURIComponent(id)}`),
};
