// StorefrontFiles under Pulumi mocks: every built file lands in the bucket under its dist-relative key with
// the content type and cache policy a browser and CloudFront need.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installMocks, type MockRun, type RecordedResource } from './mocks.js';

const OBJECT = 'aws:s3/bucketObjectv2:BucketObjectv2';
let dist: string;
let run: MockRun;
let storefront: typeof import('../region/storefront.js');

function writeDist(dir: string, extra: Record<string, string> = {}): void {
  const files: Record<string, string> = {
    'index.html': '<!doctype html><div id="app"></div>',
    'assets/index-AbCd1234.js': 'console.log(1)',
    'assets/index-XyZ98765.css': 'body{}',
    'assets/products/TEA-001.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    '.vite/manifest.json': JSON.stringify({
      'index.html': { file: 'assets/index-AbCd1234.js', css: ['assets/index-XyZ98765.css'], isEntry: true },
    }),
    ...extra,
  };
  for (const [key, body] of Object.entries(files)) {
    mkdirSync(join(dir, key, '..'), { recursive: true });
    writeFileSync(join(dir, key), body);
  }
}

async function registered(component: { objects: pulumi.Resource[] }): Promise<void> {
  await new Promise((resolve) => pulumi.all(component.objects.map((o) => o.urn)).apply(resolve));
}

beforeAll(async () => {
  run = installMocks({ region: 'ap-south-1' });
  storefront = await import('../region/storefront.js');
  dist = mkdtempSync(join(tmpdir(), 'edgecart-storefront-'));
  writeDist(dist);
  const files = new storefront.StorefrontFiles('ap-south-1-storefront', {
    bucket: 'edgecart-assets-123456789012-ap-south-1',
    distDir: dist,
  });
  await registered(files);
});

afterAll(() => rmSync(dist, { recursive: true, force: true }));

function object(key: string): RecordedResource {
  const found = run.ofType(OBJECT).find((r) => r.inputs.key === key);
  if (!found) throw new Error(`no object for ${key}; have ${run.ofType(OBJECT).map((r) => r.inputs.key)}`);
  return found;
}

describe('StorefrontFiles', () => {
  it('uploads every built file under its dist-relative key, and not the build manifest', () => {
    expect(
      run
        .ofType(OBJECT)
        .map((r) => r.inputs.key)
        .sort(),
    ).toEqual(['assets/index-AbCd1234.js', 'assets/index-XyZ98765.css', 'assets/products/TEA-001.svg', 'index.html']);
    for (const r of run.ofType(OBJECT)) {
      expect(r.inputs.bucket).toBe('edgecart-assets-123456789012-ap-south-1');
      expect(r.name).toBe(`ap-south-1-storefront-${r.inputs.key}`);
    }
    expect(run.ofType('edgecart:region:StorefrontFiles')).toHaveLength(1);
  });

  it('sets content types browsers need (scripts as JavaScript, SVG as an image)', () => {
    expect(object('index.html').inputs.contentType).toMatch(/^text\/html/);
    expect(object('assets/index-AbCd1234.js').inputs.contentType).toMatch(/^text\/javascript/);
    expect(object('assets/index-XyZ98765.css').inputs.contentType).toMatch(/^text\/css/);
    expect(object('assets/products/TEA-001.svg').inputs.contentType).toBe('image/svg+xml');
  });

  it('caches hashed files forever, index.html briefly, unhashed images for an hour', () => {
    expect(object('assets/index-AbCd1234.js').inputs.cacheControl).toBe('public, max-age=31536000, immutable');
    expect(object('assets/index-XyZ98765.css').inputs.cacheControl).toBe('public, max-age=31536000, immutable');
    expect(object('index.html').inputs.cacheControl).toBe('public, max-age=60, must-revalidate');
    expect(object('assets/products/TEA-001.svg').inputs.cacheControl).toBe('public, max-age=3600');
  });

  it('uploads the file contents themselves', async () => {
    const source = object('assets/index-AbCd1234.js').inputs.source;
    expect(source).toBeInstanceOf(pulumi.asset.FileAsset);
    expect(await source.path).toBe(join(dist, 'assets', 'index-AbCd1234.js'));
  });

  it('marks only content-hashed files as kept across releases', () => {
    const hashed = storefront
      .storefrontFiles(dist)
      .filter((f) => f.hashed)
      .map((f) => f.key);
    expect(hashed).toEqual(['assets/index-AbCd1234.js', 'assets/index-XyZ98765.css']);
  });

  it('stops with a clear message when the storefront is not built', () => {
    expect(() => storefront.storefrontFiles(join(dist, 'nope'))).toThrow(/npm run build:web/);
  });

  it('refuses a file whose content type is unknown rather than publishing it as a download', () => {
    const odd = mkdtempSync(join(tmpdir(), 'edgecart-storefront-odd-'));
    writeDist(odd, { 'assets/blob.unknownext': 'x' });
    try {
      expect(() => storefront.storefrontFiles(odd)).toThrow(/assets\/blob.unknownext/);
    } finally {
      rmSync(odd, { recursive: true, force: true });
    }
  });
});
