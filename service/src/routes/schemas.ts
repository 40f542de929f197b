// Schemas shared by several routes. Route-specific schemas live next to their routes.
import { Type, type Static } from 'typebox';

export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
    productId: Type.Optional(Type.String()),
  },
  { $id: 'ErrorBody', description: 'Every error: statusCode, the HTTP reason phrase, and a readable message' },
);

export const Uuid = Type.String({ format: 'uuid', maxLength: 36, description: 'A UUID' });

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const Product = Type.Object({
  id: Uuid,
  sku: Type.String(),
  name: Type.String(),
  description: Type.String(),
  priceCents: Type.Integer({ description: 'Price in minor units of currency (paise, pence)' }),
  currency: Type.String({ minLength: 3, maxLength: 3 }),
  stock: Type.Integer(),
  imageUrl: Type.Union([Type.String(), Type.Null()]),
});
export type ProductT = Static<typeof Product>;

/** Standard error responses, for OpenAPI (and so the serializer keeps the shape). */
export const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [c, Type.Ref('ErrorBody')])) as Record<number, ReturnType<typeof Type.Ref>>;
