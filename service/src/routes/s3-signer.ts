// The S3 side of image uploads, imported by routes/uploads.ts on the first upload rather than at start-up: uploads
// are a rare admin action, and the S3 SDK is a large share of the service's start-up work and memory. Our own ES
// module in front of the SDK keeps the named imports working in the build's lazily loaded chunk (the SDK's
// CommonJS build, imported dynamically, would expose them under `default` only).
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';

export { createPresignedPost };

export function createS3Client(region: string): S3Client {
  return new S3Client({ region });
}
