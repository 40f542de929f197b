// The router's choices: latency first among healthy regions, the readiness rule of issue #14, status
// changes only after the failure threshold, and Route 53's fail-open when nothing is healthy.
import { describe, expect, it } from 'vitest';
import { chooseRegion, HealthStatus, regionPasses } from './router.js';
import { parseRttTable } from './rtt.js';

const rtt = parseRttTable({
  links: [
    { from: 'india', to: 'mumbai', rttMs: 28, source: null, note: 'test' },
    { from: 'india', to: 'london', rttMs: 138, source: null, note: 'test' },
    { from: 'uk', to: 'london', rttMs: 12, source: null, note: 'test' },
    { from: 'uk', to: 'mumbai', rttMs: 122, source: null, note: 'test' },
    { from: 'mumbai', to: 'london', rttMs: 110, source: null, note: 'test' },
  ],
});
const both = ['mumbai', 'london'] as const;

describe('chooseRegion', () => {
  it('sends each population to its lowest-latency region when both are healthy', () => {
    expect(chooseRegion('india', rtt, both, () => true)).toBe('mumbai');
    expect(chooseRegion('uk', rtt, both, () => true)).toBe('london');
  });

  it('skips an unhealthy region', () => {
    expect(chooseRegion('uk', rtt, both, (r) => r !== 'london')).toBe('mumbai');
    expect(chooseRegion('india', rtt, both, (r) => r !== 'mumbai')).toBe('london');
  });

  it('answers as if all were healthy when none is (Route 53 fails open)', () => {
    expect(chooseRegion('uk', rtt, both, () => false)).toBe('london');
  });

  it('only considers enabled regions (the one-region deployment)', () => {
    expect(chooseRegion('uk', rtt, ['mumbai'], () => true)).toBe('mumbai');
  });
});

describe('regionPasses (issue #14: instances answer and readiness holds on most)', () => {
  const live = (ready: boolean) => ({ live: true, ready });
  it('passes with every instance live and ready', () => expect(regionPasses([live(true), live(true)])).toBe(true));
  it('fails when readiness fails on half the instances or more', () => {
    expect(regionPasses([live(true), live(false)])).toBe(false);
    expect(regionPasses([live(false), live(false)])).toBe(false);
  });
  it('passes when a minority is not ready', () =>
    expect(regionPasses([live(true), live(true), live(false)])).toBe(true));
  it('fails when no instance answers, and with no instance at all', () => {
    expect(
      regionPasses([
        { live: false, ready: false },
        { live: false, ready: false },
      ]),
    ).toBe(false);
    expect(regionPasses([])).toBe(false);
  });
  it('does not count an instance that is ready but not live', () =>
    expect(regionPasses([{ live: false, ready: true }, live(true), { live: false, ready: true }])).toBe(false));
});

describe('HealthStatus', () => {
  it('flips only after the threshold of consecutive results, both ways', () => {
    const s = new HealthStatus(3);
    expect([s.record(false), s.record(false)]).toEqual([false, false]);
    expect(s.healthy).toBe(true);
    expect(s.record(false)).toBe(true);
    expect(s.healthy).toBe(false);
    s.record(true);
    s.record(true);
    expect(s.healthy).toBe(false);
    s.record(true);
    expect(s.healthy).toBe(true);
  });

  it('a single blip does not flap the region (the streak restarts)', () => {
    const s = new HealthStatus(3);
    for (const r of [false, false, true, false, false, true]) s.record(r);
    expect(s.healthy).toBe(true);
  });
});
