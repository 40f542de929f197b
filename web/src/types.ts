// Shapes of the service's JSON (docs/api.md), derived from the service's TypeBox schemas so the two cannot
// drift. Type-only imports: the compiler erases them, so nothing of the server reaches the browser bundle
// (service/src/schemas/ depends on nothing but typebox). Money is always integer minor units.
import type { User as SignedInUser } from '../../service/src/schemas/auth.js';

export type { RegistrationAccepted } from '../../service/src/schemas/auth.js';

export type { Cart, CartLine } from '../../service/src/schemas/cart.js';
export type { ErrorBody } from '../../service/src/schemas/common.js';
export type { Order, OrderLine } from '../../service/src/schemas/orders.js';
export type { Product, ProductPage } from '../../service/src/schemas/products.js';

/** The signed-in shopper (registration signs nobody in: the storefront logs in right after it). */
export type User = Pick<SignedInUser, 'id' | 'email'> & Partial<Pick<SignedInUser, 'role'>>;
