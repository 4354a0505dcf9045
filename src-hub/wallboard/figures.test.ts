// The wallboard's pure rules (figures.js is served to the browser as-is; tested here in Node).
import { describe, expect, it } from 'vitest';
import {
  ageText, agentKey, backoffMs, clock, countAgents, gridFor, isStale, parseStats, percent, slBand, tokenFromFragment, waitBand,
} from './figures.js';

describe('wallboard figures', () => {
  it('writes waits as m:ss (h:mm:ss past an hour) and nothing as a dash', () => {
    expect([clock(0), clock(5), clock(65.9), clock(600), clock(3725), clock(null), clock(-1), clock(Number.NaN)])
      .toEqual(['0:00', '0:05', '1:05', '10:00', '1:02:05', '—', '—', '—']);
  });

  it('service level bands: ≥ 80 good, ≥ 60 warn, else bad — each with a word and a symbol; null is "no calls yet"', () => {
    expect(slBand(80)).toMatchObject({ band: 'good', symbol: '✓', word: 'on target' });
    expect(slBand(79.6).band).toBe('good'); // shown as 80%: the band agrees with the number on screen
    expect(slBand(79.4)).toMatchObject({ band: 'warn', symbol: '▲' });
    expect(slBand(60).band).toBe('warn');
    expect(slBand(59.4)).toMatchObject({ band: 'bad', symbol: '✕' });
    expect(slBand(null)).toMatchObject({ band: 'none', word: 'no calls yet' });
    for (const v of [100, 70, 10]) expect(slBand(v).word.length).toBeGreaterThan(0);
    expect([percent(84.6), percent(null), percent(0)]).toEqual(['85%', '—', '0%']);
  });

  it('the longest wait is "over target" past the queue\'s service-level time, only while someone waits', () => {
    expect(waitBand(21, 20, 1)).toEqual({ band: 'bad', word: 'over target' });
    expect(waitBand(20, 20, 1).band).toBe('good');
    expect(waitBand(99, 20, 0).band).toBe('none');
  });

  it('says how old the data is, and calls it stale past 15 s (or when there is none)', () => {
    expect([ageText(null), ageText(400), ageText(3_200), ageText(119_000), ageText(125_000), ageText(3 * 3600_000)])
      .toEqual(['no data yet', 'updated just now', 'updated 3 s ago', 'updated 119 s ago', 'updated 2 min ago', 'updated 3 h ago']);
    expect([isStale(null), isStale(15_000), isStale(15_001)]).toEqual([true, false, true]);
  });

  it('backs off 1, 2, 4, 8, 15, then 30 s, up to 20 % shorter at random', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((a) => backoffMs(a, () => 0))).toEqual([1000, 2000, 4000, 8000, 15000, 30000, 30000]);
    expect(backoffMs(5, () => 1)).toBe(24000);
  });

  it('takes the token from the fragment only when it looks like one', () => {
    expect(tokenFromFragment('#token=pht_abcdef123456')).toBe('pht_abcdef123456');
    expect(tokenFromFragment('#x=1&token=pht_abcdef123456')).toBe('pht_abcdef123456');
    expect([tokenFromFragment(''), tokenFromFragment('#'), tokenFromFragment('#token='), tokenFromFragment('#token=a b c d e f g h')])
      .toEqual([null, null, null, null]);
  });

  it('counts agents by state with the hub\'s state names', () => {
    expect(['available', 'oncall', 'wrapup', 'ringing', 'break', 'offline', 'weird', null].map(agentKey))
      .toEqual(['available', 'onCall', 'wrapUp', 'ringing', 'break', 'offline', 'offline', 'offline']);
    expect(countAgents([{ state: 'oncall' }, { state: 'oncall' }, { state: 'break' }]))
      .toEqual({ available: 0, ringing: 0, onCall: 2, wrapUp: 0, break: 1, offline: 0 });
  });

  it('reads a stats message and drops anything else', () => {
    const msg = {
      type: 'stats', at: '2026-12-07T21:00:00.000Z',
      queues: [{ queue: 'sales', label: 'Sales', waiting: 2, longestWaitS: 31.5, offered: 10, answered: 7, abandoned: 1, shortAbandoned: 1, timedOut: 1,
        serviceLevelPct: 66.7, abandonRatePct: 11.1, asaS: 12, ahtS: null, slSeconds: 20,
        agents: { available: 1, ringing: 0, onCall: 2, wrapUp: 0, break: 1, offline: 3 } }, { label: 'no name' }],
      agents: [{ name: 'nina', extension: '1001', team: 'North', state: 'oncall', reason: null, sinceS: 40, handled: 3, ahtS: 100 }],
    };
    const p = parseStats(msg)!;
    expect(p.queues).toHaveLength(1);
    expect(p.queues[0]).toMatchObject({ queue: 'sales', label: 'Sales', waiting: 2, serviceLevelPct: 66.7, ahtS: null, agents: { onCall: 2, offline: 3 } });
    expect(p.agents).toEqual([{ name: 'nina', state: 'onCall', reason: null, sinceS: 40 }]);
    expect(parseStats({ ...msg, type: 'agentState' })).toBeNull();
    expect(parseStats({ at: msg.at })).toBeNull();
    expect(parseStats(null)).toBeNull();
  });

  it('lays n tiles out as the grid that shows the largest figures', () => {
    // a 1920×1080 board minus the top and bottom bars: about 2:1
    expect([1, 2, 3, 4, 6, 9, 12].map((n) => gridFor(n, 2))).toEqual([
      { cols: 1, rows: 1 }, { cols: 1, rows: 2 }, { cols: 1, rows: 3 }, { cols: 2, rows: 2 }, { cols: 2, rows: 3 }, { cols: 3, rows: 3 }, { cols: 3, rows: 4 },
    ]);
  });
});
