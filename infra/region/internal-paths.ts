// The paths the ALB's listener refuses, since the service serves them only on its internal listener (issue #23),
// and how an ALB path-pattern condition matches them. Pure (no Pulumi), so the lab's load balancer applies the
// same rules as the listener in load-balancer.ts.

/**
 * Two rules, because an ALB rule takes at most three match evaluations per condition and five per rule
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html).
 */
export const INTERNAL_PATH_GROUPS = [
  ['/metrics', '/ready'],
  ['/docs', '/docs/*'],
] as const;

/** The refusal: the same 404 as a path that does not exist, in the API's error shape. */
export const INTERNAL_PATH_RESPONSE = {
  statusCode: 404,
  contentType: 'application/json',
  messageBody: '{"statusCode":404,"error":"Not Found","message":"Not Found"}',
} as const;

/**
 * Whether an ALB path-pattern value matches a request path: case-sensitive, `*` matches 0 or more characters and
 * `?` exactly one, and only the path is compared, not the query string (PathPatternConfig,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-elasticloadbalancingv2-listenerrule-pathpatternconfig.html).
 */
export function albPathPatternMatches(pattern: string, url: string): boolean {
  const path = url.split('?')[0]!;
  const source = [...pattern]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(path);
}

/** Whether the listener's internal-path rules refuse `url`. */
export function refusedAtListener(url: string): boolean {
  return INTERNAL_PATH_GROUPS.some((group) => group.some((pattern) => albPathPatternMatches(pattern, url)));
}
