// CloudFront standard logging (v2) under mocks (issue #20 item 6): the distribution's access logs reach a log
// group in us-east-1 that expires them, through a delivery whose fields leave out the session cookie.
import { beforeAll, describe, expect, it } from 'vitest';
import { EDGE_LOG_FIELDS } from '../global/edge-logging.js';
import { ACCESS_LOG_RETENTION_DAYS } from '../log-bucket.js';
import type { RecordedResource } from './mocks.js';
import { type ProgramRun, runProgram, stackConfig } from './program.js';

const T = {
  provider: 'pulumi:providers:aws',
  distribution: 'aws:cloudfront/distribution:Distribution',
  logGroup: 'aws:cloudwatch/logGroup:LogGroup',
  source: 'aws:cloudwatch/logDeliverySource:LogDeliverySource',
  destination: 'aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination',
  delivery: 'aws:cloudwatch/logDelivery:LogDelivery',
} as const;

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram(stackConfig('global'));
});

const one = (type: string): RecordedResource => {
  const all = run.ofType(type);
  expect(all, type).toHaveLength(1);
  return all[0]!;
};
/** Whether `r` waits for `other` (an input of it comes from `other`, or dependsOn). */
const waitsFor = (r: RecordedResource, other: RecordedResource) =>
  run.optionsOf(r.type, r.name).dependencies.some((urn) => urn.endsWith(`${other.type}::${other.name}`));
const regionOf = (r: RecordedResource) => run.byName(T.provider, r.provider!.split('::')[3]!).inputs.region;

describe('CloudFront access logs', () => {
  it('pairs an ACCESS_LOGS source for the distribution with a log-group destination, all in us-east-1', () => {
    const source = one(T.source);
    const destination = one(T.destination);
    const delivery = one(T.delivery);
    expect(source.inputs).toMatchObject({ logType: 'ACCESS_LOGS', resourceArn: expect.stringMatching(/distribution/) });
    expect(waitsFor(source, one(T.distribution))).toBe(true);
    expect(delivery.inputs.deliverySourceName).toBe(source.inputs.name);
    expect(waitsFor(delivery, destination)).toBe(true);
    expect(waitsFor(delivery, source)).toBe(true);
    const group = run.ofType(T.logGroup).find((g) => g.inputs.name.startsWith('/aws/cloudfront/'))!;
    expect(waitsFor(destination, group)).toBe(true);
    for (const r of [source, destination, delivery, group]) expect(regionOf(r), r.type).toBe('us-east-1');
  });

  it('keeps the records for the access-log retention, and never the Cookie header', () => {
    const group = run.ofType(T.logGroup).find((g) => g.inputs.name.startsWith('/aws/cloudfront/'))!;
    expect(group.inputs.retentionInDays).toBe(ACCESS_LOG_RETENTION_DAYS);
    const fields: string[] = one(T.delivery).inputs.recordFields;
    expect(fields).toEqual(EDGE_LOG_FIELDS);
    expect(fields.map((f) => f.toLowerCase())).not.toContain('cs(cookie)');
    // Who asked for what: the client, the request and the answer.
    expect(fields).toEqual(expect.arrayContaining(['date', 'time', 'c-ip', 'cs-method', 'cs-uri-stem', 'sc-status']));
  });

  it('names the delivery source and destination within CloudWatch Logs’ limits (1-60 of [\\w-])', () => {
    for (const r of [one(T.source), one(T.destination)]) expect(r.inputs.name).toMatch(/^[\w-]{1,60}$/);
  });
});
