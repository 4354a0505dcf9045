// The page's report to the desktop shell.
import { describe, expect, it } from 'vitest';
import { sameReport, shellReportOf } from './shellReport';

describe('shellReportOf', () => {
  it('counts live calls (not ended ones) and the wrap-up on screen', () => {
    const r = shellReportOf({ kind: 'registered', since: 1 }, [{ state: 'ringing' }, { state: 'held' }, { state: 'ended' }], 'wrap_up');
    expect(r).toEqual({ registration: 'registered', calls: 2, wrapUp: 1 });
    expect(shellReportOf({ kind: 'unconfigured' }, [], null)).toEqual({ registration: 'unconfigured', calls: 0, wrapUp: 0 });
    expect(shellReportOf({ kind: 'failed', reason: 'auth', detail: '' }, [{ state: 'ended' }], 'draft')).toEqual({ registration: 'failed', calls: 0, wrapUp: 0 });
  });

  it('tells a changed report from a repeat', () => {
    const a = { registration: 'registered' as const, calls: 0, wrapUp: 0 };
    expect(sameReport(null, a)).toBe(false);
    expect(sameReport(a, { ...a })).toBe(true);
    expect(sameReport(a, { ...a, calls: 1 })).toBe(false);
  });
});
