// The repository describes itself: every relative link in README.md and docs/*.md resolves to a file or
// folder inside the repository (a clone of the project alone has no ../shared/), and every #anchor to a
// heading of the target document.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const text = heading[1]!
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .trim()
      .toLowerCase();
    anchors.add(text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'));
  }
  return anchors;
}

function linksOf(markdown: string): string[] {
  // Code blocks hold commands, not links.
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe.each(DOCS)('%s', (doc) => {
  const markdown = readFileSync(join(ROOT, doc), 'utf8');
  const relativeLinks = linksOf(markdown).filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l));

  it('links only to files inside the repository that exist', () => {
    const broken: string[] = [];
    for (const link of relativeLinks) {
      const [path] = link.split('#');
      if (!path) continue;
      const target = resolve(ROOT, dirname(doc), decodeURIComponent(path));
      if (relative(ROOT, target).startsWith('..') || !existsSync(target)) broken.push(link);
    }
    expect(broken).toEqual([]);
  });

  it('links to headings that exist', () => {
    const broken: string[] = [];
    for (const link of relativeLinks) {
      const [path, anchor] = link.split('#');
      if (!anchor) continue;
      const target = path ? resolve(ROOT, dirname(doc), decodeURIComponent(path)) : join(ROOT, doc);
      if (!existsSync(target) || statSync(target).isDirectory() || !target.endsWith('.md')) continue;
      if (!anchorsOf(readFileSync(target, 'utf8')).has(anchor.toLowerCase())) broken.push(link);
    }
    expect(broken).toEqual([]);
  });
});
