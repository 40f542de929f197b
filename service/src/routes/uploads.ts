// Product image uploads go straight from the admin's browser to S3 with a presigned POST: the service signs
// a policy that only allows one key, image content types and a bounded size, and never handles the bytes.
import { randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
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
  const s3 = config.assetsBucket ? new S3Client({ region: config.assetsBucketRegion }) : undefined;
  app.addHook('onClose', async () => s3?.destroy());

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
      if (!s3 || !config.assetsBucket)
        throw new HttpError(503, 'Image uploads are not configured (ASSETS_BUCKET is not set)');
      const product = (await products.getProduct(request.params.id))?.value;
      if (!product) throw new NotFoundError('Product not found');
      const contentType = request.body.contentType as ImageType;
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
};

export default uploadRoutes;
