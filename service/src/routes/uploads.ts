// Product image uploads go straight from the admin's browser to S3 with a presigned POST: the service signs
// a policy that only allows one key, image content types and a bounded size, and never handles the bytes.
import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError, NotFoundError } from '../errors.js';
import { errorResponses, IdParamsSchema } from '../schemas/common.js';
import {
  IMAGE_TYPES,
  type ImageType,
  MAX_IMAGE_BYTES,
  UploadFormSchema,
  UploadRequestSchema,
} from '../schemas/uploads.js';
import { requireAdmin } from './guards.js';

const URL_LIFETIME_SECONDS = 300;

const uploadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config, products } = app.deps;

  // Credentials come from the instance profile in AWS (the SDK's default chain). Every region uploads to the
  // primary region's bucket, which replicates to the others, so an image added in London is everywhere.
  // The S3 SDK loads on the first upload, not at start-up (s3-signer.ts says why).
  let s3: Promise<{ client: S3Client; presign: typeof import('./s3-signer.js').createPresignedPost }> | undefined;
  const signer = () =>
    (s3 ??= import('./s3-signer.js').then(({ createS3Client, createPresignedPost }) => ({
      client: createS3Client(config.assetsBucketRegion),
      presign: createPresignedPost,
    })));
  app.addHook('onClose', async () => {
    if (s3) (await s3.catch(() => undefined))?.client.destroy();
  });

  app.post(
    '/api/products/:id/image-upload',
    {
      preHandler: requireAdmin,
      schema: {
        tags: ['catalog'],
        summary: 'A presigned S3 POST for a product image (admin)',
        params: IdParamsSchema,
        body: UploadRequestSchema,
        response: { 201: UploadFormSchema, ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      if (!config.assetsBucket) throw new HttpError(503, 'Image uploads are not configured (ASSETS_BUCKET is not set)');
      const product = (await products.getProduct(request.params.id))?.value;
      if (!product) throw new NotFoundError('Product not found');
      const contentType = request.body.contentType as ImageType;
      // `assets/` is the prefix CloudFront serves from the bucket at /assets/*.
      const path = `products/${product.id}/${randomUUID()}.${IMAGE_TYPES[contentType]}`;
      const { client, presign } = await signer();
      const { url, fields } = await presign(client, {
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
};

export default uploadRoutes;
