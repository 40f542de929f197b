// Shapes of the service's JSON (shared/API.md). Money is always integer minor units.

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
  imageUrl: string | null;
}

export interface ProductPage {
  items: Product[];
  nextCursor: string | null;
}

export interface CartLine {
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

export interface Cart {
  items: CartLine[];
  totalCents: number;
  /** Not in the contract yet; used when the service sends it. */
  currency?: string;
}

export interface User {
  id: string;
  email: string;
  role?: 'customer' | 'admin';
}

export interface OrderLine {
  productId: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
}

export interface Order {
  id: string;
  status: string;
  items: OrderLine[];
  totalCents: number;
  createdAt: string;
  /** Not in the contract yet; used when the service sends it. */
  currency?: string;
}

/** Every error body of the service. `productId` names the product a 409 stock conflict is about. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  productId?: string;
}
