// Product image uploads go straight from the admin's browser to S3 with a presigned POST: the service signs
// a policy that only allows one key, image content types and a bounded size, and never handles the bytes.
import { randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { HttpError, notFound } from '../errors.js';
import { requireAdmin } from './guards.js';
import { errors, IdParams } from './schemas.js';

export const IMAGE_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/avif': 'avif',
} as const;
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const URL_LIFETIME_SECONDS = 300;

const UploadRequest = Type.Object(
  {
    contentType: Type.Union(
      Object.keys(IMAGE_TYPES).map((t) => Type.Literal(t)),
      { description: 'One of image/jpeg, image/png, image/webp, image/avif' },
    ),
  },
  { additionalProperties: false },
);

const UploadForm = Type.Object({
  url: Type.String(),
  fields: Type.Record(Type.String(), Type.String()),
  imageUrl: Type.String(),
  maxBytes: Type.Integer(),
  expiresInSeconds: Type.Integer(),
});

export default async function uploadRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { config, catalog } = app.deps;
  // Credentials come from the instance profile in AWS (the SDK's default chain). Every region uploads to the
  // primary region's bucket, which replicates to the others, so an image added in London is everywhere.
  const s3 = config.assetsBucket ? new S3Client({ region: config.assetsBucketRegion }) : undefined;
  app.addHook('onClose', async () => s3?.destroy());

  r.post(
    '/api/products/:id/image-upload',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['catalog'],
        summary: 'A presigned S3 POST for a product image (admin)',
        params: IdParams,
        body: UploadRequest,
        response: { 201: UploadForm, ...errors(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      if (!s3 || !config.assetsBucket) throw new HttpError(503, 'Image uploads are not configured (ASSETS_BUCKET is not set)');
      const product = (await catalog.getProduct(request.params.id))?.value;
      if (!product) throw notFound('Product not found');
      const contentType = request.body.contentType as keyof typeof IMAGE_TYPES;
      // `assets/` is the prefix CloudFront serves from the bucket at /assets/*.
      const path = `products/${product.id}/${randomUUID()}.${IMAGE_TYPES[contentType]}`;
      const { url, fields } = await createPresignedPost(s3, {
        Bucket: config.assetsBucket,
        Key: `assets/${path}`,
        Conditions: [
          ['content-length-range', 1, MAX_IMAGE_BYTES],
          ['eq', '$Content-Type', contentType],
        ],
        Fields: { 'Content-Type': contentType, 'Cache-Control': 'public, max-age=31536000, immutable' },
        Expires: URL_LIFETIME_SECONDS,
      });
      return reply.code(201).send({
        url,
        fields,
        imageUrl: `${config.assetsBaseUrl}/${path}`,
        maxBytes: MAX_IMAGE_BYTES,
        expiresInSeconds: URL_LIFETIME_SECONDS,
      });
    },
  );
}
