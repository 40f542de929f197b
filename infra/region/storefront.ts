// The built storefront (web/dist) as objects in an assets bucket, which CloudFront serves from the edge.
// Keys keep their dist-relative paths, so CloudFront's `/assets/*` behaviour finds `assets/...` in the bucket.
// - Content-hashed files (Vite's manifest lists them) are immutable for a year, and are kept in the bucket
//   when a later build no longer has them: a shopper holding the previous index.html can still load its
//   scripts while the new release rolls out.
// - index.html is short-lived and uploaded last, so it never names a file that is not there yet.
// - Other files (generated product images, stable names) get a one-hour cache.
// Run `npm run build:web` before `pulumi up`; a missing build stops the program rather than deleting the site.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { contentType } from 'mime-types';

export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html: browsers and CloudFront re-check within a minute, so a deploy shows everywhere quickly. */
export const CACHE_PAGE = 'public, max-age=60, must-revalidate';
export const CACHE_SHORT = 'public, max-age=3600';

export interface StorefrontFilesArgs {
  /** Name of the assets bucket it goes into (each region uploads into its own; see region/index.ts). */
  bucket: pulumi.Input<string>;
  /** The Vite build output; web/dist of this checkout by default. */
  distDir?: string;
  /**
   * Resources every upload waits for, e.g. the bucket's policy or replication configuration (S3 replicates
   * only objects written after a rule exists).
   */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface StorefrontFile {
  /** Object key: the dist-relative POSIX path. */
  key: string;
  path: string;
  contentType: string;
  cacheControl: string;
  hashed: boolean;
}

/** dist-relative paths of the files Vite named by content hash (.vite/manifest.json). */
export function hashedFiles(distDir: string): Set<string> {
  const manifestPath = join(distDir, '.vite', 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: build with \`npm run build:web\``);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<
    string,
    { file: string; css?: string[]; assets?: string[] }
  >;
  const files = new Set<string>();
  for (const chunk of Object.values(manifest)) {
    if (!chunk.file.endsWith('.html')) files.add(chunk.file);
    for (const f of [...(chunk.css ?? []), ...(chunk.assets ?? [])]) files.add(f);
  }
  return files;
}

/** Every file to upload with its metadata; dotfiles (the build manifest) stay out of the bucket. */
export function storefrontFiles(distDir: string): StorefrontFile[] {
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new Error(`The storefront is not built (${distDir} has no index.html): run \`npm run build:web\` first`);
  }
  const hashed = hashedFiles(distDir);
  const files: StorefrontFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      const key = relative(distDir, path).split(sep).join('/');
      const type = contentType(extname(entry.name));
      // An unknown type would be served as a download; better to stop than to publish a broken file.
      if (!type) throw new Error(`No content type known for storefront file ${key}`);
      const isHashed = hashed.has(key);
      const cacheControl = isHashed ? CACHE_IMMUTABLE : key.endsWith('.html') ? CACHE_PAGE : CACHE_SHORT;
      files.push({ key, path, contentType: type, cacheControl, hashed: isHashed });
    }
  };
  walk(distDir);
  return files.sort((a, b) => a.key.localeCompare(b.key));
}

export class StorefrontFiles extends pulumi.ComponentResource {
  /** Object keys uploaded, sorted. */
  readonly keys: string[];
  readonly objects: aws.s3.BucketObjectv2[];

  constructor(name: string, args: StorefrontFilesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('edgecart:region:StorefrontFiles', name, {}, opts);
    const files = storefrontFiles(args.distDir ?? DEFAULT_DIST_DIR);

    const upload = (file: StorefrontFile, dependsOn: pulumi.Input<pulumi.Resource>[]) =>
      new aws.s3.BucketObjectv2(
        `${name}-${file.key}`,
        {
          bucket: args.bucket,
          key: file.key,
          source: new pulumi.asset.FileAsset(file.path),
          contentType: file.contentType,
          cacheControl: file.cacheControl,
        },
        { parent: this, dependsOn, retainOnDelete: file.hashed },
      );

    const pages = files.filter((f) => f.key.endsWith('.html'));
    const others = files.filter((f) => !f.key.endsWith('.html'));
    const assets = others.map((f) => upload(f, args.dependsOn ?? []));
    const html = pages.map((f) => upload(f, [...(args.dependsOn ?? []), ...assets]));

    this.objects = [...assets, ...html];
    this.keys = files.map((f) => f.key);
    this.registerOutputs({ keys: this.keys });
  }
}
