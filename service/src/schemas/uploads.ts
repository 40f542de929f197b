// Presigned product-image uploads: which image types, how large, and the form the client posts to S3.
import { Type } from 'typebox';

export const IMAGE_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/avif': 'avif',
} as const;
export type ImageType = keyof typeof IMAGE_TYPES;
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export const UploadRequestSchema = Type.Object(
  {
    contentType: Type.Union(
      Object.keys(IMAGE_TYPES).map((t) => Type.Literal(t)),
      { description: 'One of image/jpeg, image/png, image/webp, image/avif' },
    ),
  },
  { additionalProperties: false },
);

export const UploadFormSchema = Type.Object({
  url: Type.String(),
  fields: Type.Record(Type.String(), Type.String()),
  imageUrl: Type.String(),
  maxBytes: Type.Integer(),
  expiresInSeconds: Type.Integer(),
});
