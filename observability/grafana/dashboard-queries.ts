// Reads the PromQL out of a Grafana dashboard and parses it with Prometheus's own grammar (lezer-promql), so a
// test can check every metric and label a panel asks for against what the service really exports.
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

export interface Selector {
  metric: string;
  labels: string[];
}

export interface DashboardQuery {
  /** Where the query lives, e.g. `panel "p99 latency by route" A` or `variable region`. */
  where: string;
  expr: string;
  selectors: Selector[];
  /** Labels in `by (...)`, `without (...)`, `on (...)`, `ignoring (...)` and label_values(). */
  groupingLabels: string[];
  syntaxErrors: string[];
}

interface Panel {
  title?: string;
  targets?: Array<{ expr?: string; refId?: string }>;
  panels?: Panel[];
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: Array<{ name: string; type: string; query?: string | { query?: string } }> };
}

// Grafana replaces these before Prometheus sees the query; any valid duration parses the same way.
function substituteVariables(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{?\w+\}?/g, 'var');
}

function text(source: string, node: SyntaxNode): string {
  return source.slice(node.from, node.to);
}

export function parsePromql(where: string, raw: string): DashboardQuery {
  const expr = substituteVariables(raw);
  const selectors: Selector[] = [];
  const groupingLabels: string[] = [];
  const syntaxErrors: string[] = [];
  const tree = parser.parse(expr);
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) syntaxErrors.push(`syntax error at ${ref.from}: "${expr.slice(ref.from, ref.from + 20)}"`);
      if (ref.name === 'VectorSelector') {
        const node = ref.node;
        const name = node.getChild('Identifier');
        const labels = node
          .getChild('LabelMatchers')
          ?.getChildren('UnquotedLabelMatcher')
          .map((m) => m.getChild('LabelName'))
          .filter((l): l is SyntaxNode => l !== null)
          .map((l) => text(expr, l));
        selectors.push({ metric: name ? text(expr, name) : '', labels: labels ?? [] });
      }
      if (ref.name === 'GroupingLabels') {
        for (const label of ref.node.getChildren('LabelName')) groupingLabels.push(text(expr, label));
      }
    },
  });
  return { where, expr: raw, selectors, groupingLabels, syntaxErrors };
}

function panelQueries(panels: Panel[]): DashboardQuery[] {
  return panels.flatMap((panel) => [
    ...(panel.targets ?? [])
      .filter((t) => t.expr !== undefined)
      .map((t) => parsePromql(`panel "${panel.title}" ${t.refId}`, t.expr!)),
    ...panelQueries(panel.panels ?? []),
  ]);
}

/** Every PromQL query of the dashboard: panel targets and `label_values(selector, label)` variables. */
export function dashboardQueries(dashboard: Dashboard): DashboardQuery[] {
  const variables = (dashboard.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((v) => {
      const q = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
      const labelValues = /^label_values\((.+),\s*(\w+)\)$/.exec(q.trim());
      if (labelValues === null) return parsePromql(`variable ${v.name}`, q);
      const parsed = parsePromql(`variable ${v.name}`, labelValues[1]!);
      return { ...parsed, expr: q, groupingLabels: [...parsed.groupingLabels, labelValues[2]!] };
    });
  return [...panelQueries(dashboard.panels), ...variables];
}
