// What a Prometheus scrape of the service would store: every series name and the label names seen on it.
// Histogram and summary families also yield their _bucket/_sum/_count series even before any sample exists.

export type Exported = Map<string, Set<string>>;

const SERIES_SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** Labels Prometheus attaches at scrape time, not part of the exposition. */
export const SCRAPE_LABELS = ['instance', 'job'];

export function parseExposition(body: string): Exported {
  const exported: Exported = new Map();
  const add = (name: string) => {
    let labels = exported.get(name);
    if (labels === undefined) {
      labels = new Set(SCRAPE_LABELS);
      exported.set(name, labels);
    }
    return labels;
  };
  for (const line of body.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      for (const suffix of SERIES_SUFFIXES[type[2]!] ?? ['']) add(`${type[1]}${suffix}`);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s/.exec(line);
    if (sample === null) continue;
    const labels = add(sample[1]!);
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(m[1]!);
  }
  return exported;
}
