// The catalog's shapes: a product as the API returns it, a list page, and the admin's create/change bodies.
import { type Static, Type } from 'typebox';
import { UuidSchema } from './common.js';

export const ProductSchema = Type.Object({
  id: UuidSchema,
  sku: Type.String(),
  name: Type.String(),
  description: Type.String(),
  priceCents: Type.Integer({ description: 'Price in minor units of currency (paise, pence)' }),
  currency: Type.String({ minLength: 3, maxLength: 3 }),
  stock: Type.Integer(),
  imageUrl: Type.Union([Type.String(), Type.Null()]),
});
export type Product = Static<typeof ProductSchema>;

export const ProductPageSchema = Type.Object({
  items: Type.Array(ProductSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type ProductPage = Static<typeof ProductPageSchema>;

/**
 * A list cursor as the service hands it out (`nextCursor`): the last product id of the page, lower-case, and a
 * tag (repositories/list-cursor.ts). A bare lower-case id is accepted too (older releases' cursors). Nothing
 * else: every other spelling would be a page of its own to cache.
 */
export const ListCursorSchema = Type.String({
  pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\\.[A-Za-z0-9_-]{22})?$',
  maxLength: 59,
  description: "The previous page's nextCursor, as it was given (opaque)",
});

export const ProductListQuerySchema = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(ListCursorSchema),
  },
  { additionalProperties: false },
);

const sku = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', description: 'Letters, digits, - and _' });
const name = Type.String({ minLength: 1, maxLength: 200 });
const description = Type.String({ maxLength: 4000 });
const priceCents = Type.Integer({ minimum: 0, maximum: 100_000_000 });
const currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. INR or GBP' });
const stock = Type.Integer({ minimum: 0, maximum: 1_000_000 });
/** The characters RFC 3986 allows in a path, query and fragment (anything else is percent-encoded). */
const URL_CHARS = "[A-Za-z0-9._~:/?#\\[\\]@!$&'()*+,;=%-]";
/**
 * An image is an absolute https URL (a host of letters, digits, dots and hyphens, no user-info, optional port) or
 * a path on this site. Not `//host/x.png` or `/\host/x.png` (issue #23): browsers read both as another site's
 * URL of the page's scheme, so a "path" could point anywhere. No backslash, space or control character at all.
 */
export const IMAGE_URL_PATTERN = `^(https://[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?(/${URL_CHARS}*)?|/([A-Za-z0-9._~:?#\\[\\]@!$&'()*+,;=%-]${URL_CHARS}*)?)$`;

const imageUrl = Type.Union([
  Type.String({
    maxLength: 2048,
    pattern: IMAGE_URL_PATTERN,
    description: 'An absolute https:// URL, or a path on this site starting with a single /',
  }),
  Type.Null(),
]);

export const CreateProductSchema = Type.Object(
  {
    sku,
    name,
    description: Type.Optional(description),
    priceCents,
    currency: Type.Optional(currency),
    stock: Type.Optional(stock),
    imageUrl: Type.Optional(imageUrl),
  },
  { additionalProperties: false },
);
export type CreateProduct = Static<typeof CreateProductSchema>;

export const UpdateProductSchema = Type.Object(
  {
    sku: Type.Optional(sku),
    name: Type.Optional(name),
    description: Type.Optional(description),
    priceCents: Type.Optional(priceCents),
    currency: Type.Optional(currency),
    stock: Type.Optional(stock),
    imageUrl: Type.Optional(imageUrl),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateProduct = Static<typeof UpdateProductSchema>;
