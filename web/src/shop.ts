// Shopper state shared by every page: who is signed in, the cart, and the products it refers to.
// The session cookie is the source of truth; this only mirrors what the service last said.
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api } from './api.js';
import type { Cart, Product, User } from './types.js';

const productCache = new Map<string, Product>();

export function rememberProducts(products: Product[]): void {
  for (const p of products) productCache.set(p.id, p);
}

export function cachedProduct(id: string): Product | undefined {
  return productCache.get(id);
}

export async function loadProduct(id: string, fresh = false): Promise<Product> {
  const known = productCache.get(id);
  if (known && !fresh) return known;
  const product = await api.product(id);
  productCache.set(id, product);
  return product;
}

export interface Shop {
  /** undefined while the first /api/auth/me is in flight. */
  user: User | null | undefined;
  cart: Cart | null;
  /** Why the cart could not be loaded (e.g. sessions are unavailable), if it could not. */
  cartError: string | null;
  cartCount: number;
  setQuantity(productId: string, quantity: number): Promise<void>;
  remove(productId: string): Promise<void>;
  refreshCart(): Promise<void>;
  signIn(mode: 'login' | 'register', email: string, password: string): Promise<void>;
  /** Ends this session, or with `everywhere` every session of the account on any device and region. */
  signOut(everywhere?: boolean): Promise<void>;
  /** Forget the user after the service answered 401 (e.g. the session expired). */
  signedOut(): void;
  /** Read out by screen readers (polite live region). */
  announce(message: string): void;
  announcement: string;
}

export const ShopContext = createContext<Shop | null>(null);

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error('useShop outside ShopContext');
  return shop;
}

export function useShopState(): Shop {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [cart, setCart] = useState<Cart | null>(null);
  const [cartError, setCartError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');

  const refreshCart = useCallback(async () => {
    setCart(await api.cart());
    setCartError(null);
  }, []);

  useEffect(() => {
    api.me().then(setUser, (err: unknown) => {
      setUser(null);
      if (!(err instanceof ApiError && err.status === 401)) console.warn(err);
    });
    refreshCart().catch((err: unknown) => setCartError(err instanceof ApiError ? err.message : String(err)));
  }, [refreshCart]);

  const announce = useCallback((message: string) => {
    // Clearing first makes a repeated message ("Cart updated") be read again.
    setAnnouncement('');
    setTimeout(() => setAnnouncement(message), 50);
  }, []);

  return useMemo<Shop>(
    () => ({
      user,
      cart,
      cartError,
      cartCount: cart?.items.reduce((n, line) => n + line.quantity, 0) ?? 0,
      refreshCart,
      async setQuantity(productId, quantity) {
        setCart(await api.setCartItem(productId, quantity));
      },
      async remove(productId) {
        setCart(await api.removeCartItem(productId));
      },
      async signIn(mode, email, password) {
        // Registration never signs in (it must not tell whether the e-mail had an account): log in next.
        if (mode === 'register') await api.register(email, password);
        const signedIn = await api.login(email, password);
        setUser(signedIn);
        // The service keeps the anonymous cart across sign-in; show what it kept.
        await refreshCart();
      },
      async signOut(everywhere = false) {
        await (everywhere ? api.logoutEverywhere() : api.logout());
        setUser(null);
        await refreshCart();
      },
      signedOut: () => setUser(null),
      announce,
      announcement,
    }),
    [user, cart, cartError, refreshCart, announce, announcement],
  );
}
