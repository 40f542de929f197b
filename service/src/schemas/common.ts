// Schemas every route shares: the error body, UUID ids, and the error responses a route declares.
// Dependency-free apart from typebox, so the storefront can `import type` the shapes (web/src/types.ts).
import { type Static, Type } from 'typebox';

export const ErrorBodySchema = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
    productId: Type.Optional(Type.String()),
  },
  { $id: 'ErrorBody', description: 'Every error: statusCode, the HTTP reason phrase, and a readable message' },
);
/** Every error body of the service. `productId` names the product a 409 stock conflict is about. */
export type ErrorBody = Static<typeof ErrorBodySchema>;

export const UuidSchema = Type.String({ format: 'uuid', maxLength: 36, description: 'A UUID' });

export const IdParamsSchema = Type.Object({ id: UuidSchema }, { additionalProperties: false });

/** The standard error responses of a route, for OpenAPI (and so the serializer keeps the shape). */
export const errorResponses = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [c, Type.Ref('ErrorBody')])) as Record<number, ReturnType<typeof Type.Ref>>;
