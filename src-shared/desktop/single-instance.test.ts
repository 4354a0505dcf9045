// Single-instance arbitration: a second launch quits at once and hands its link to the first.
import { describe, expect, it } from 'vitest';
import { secondLaunchAction, startupDecision } from './single-instance';

describe('single instance', () => {
  it('runs with the lock and quits without it (before opening the store)', () => {
    expect(startupDecision(true)).toBe('run');
    expect(startupDecision(false)).toBe('quit');
  });

  it('a plain second launch focuses the first', () => {
    expect(secondLaunchAction(['/opt/Pronto/pronto'], { argv: ['/opt/Pronto/pronto'] })).toEqual({ focus: true, link: null });
    expect(secondLaunchAction([], undefined)).toEqual({ focus: true, link: null });
  });

  it('forwards the link of the second launch, preferring what it sent itself', () => {
    const viaData = secondLaunchAction(['pronto', '--some-chromium-switch'], { argv: ['pronto', 'tel:+39 02 1234'] });
    expect(viaData).toEqual({ focus: true, link: { scheme: 'tel', target: '+39021234', display: '+39 02 1234' } });
    const viaArgv = secondLaunchAction(['pronto', 'sip:1001@pbx.example.com'], null);
    expect(viaArgv.link?.target).toBe('sip:1001@pbx.example.com');
    // malformed additionalData is ignored, the argv still read
    expect(secondLaunchAction(['pronto', 'tel:0212345'], { argv: 'tel:999' }).link?.target).toBe('0212345');
  });

  it('a bad link focuses without dialling', () => {
    expect(secondLaunchAction(['pronto', 'tel:drop table'], { argv: ['pronto', 'sip:@@'] })).toEqual({ focus: true, link: null });
  });
});
