import { describe, expect, it } from 'vitest';
import { parseMinor, toMajor, minorDigits, isCurrencyCode } from './money';
import { parseIsoDate, parseIsoInstant } from './dates';

describe('money', () => {
  it('knows minor digits per currency', () => {
    expect(minorDigits('EUR')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('KWD')).toBe(3);
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(isCurrencyCode('EURO')).toBe(false);
  });
  it.each([
    ['1250.50', 'EUR', 125050],
    ['1250.5', 'EUR', 125050],
    ['-3', 'EUR', -300],
    ['0.01', 'EUR', 1],
    ['1000', 'JPY', 1000],
    ['1.000', 'KWD', 1000],
    ['12.50', 'JPY', null],
    ['1,250.50', 'EUR', null],
    ['12.345', 'EUR', null],
    ['abc', 'EUR', null],
    ['', 'EUR', null],
  ])('%s %s → %s', (text, cur, expected) => {
    const r = parseMinor(text, cur);
    if (expected === null) expect(r.ok).toBe(false);
    else expect(r).toEqual({ ok: true, minor: expected });
  });
  it('accepts trailing zero decimals beyond the currency digits', () => {
    expect(parseMinor('12.500', 'EUR')).toEqual({ ok: true, minor: 1250 });
  });
  it('converts back to major units', () => {
    expect(toMajor(125050, 'EUR')).toBe(1250.5);
    expect(toMajor(1000, 'JPY')).toBe(1000);
  });
});

describe('dates', () => {
  it('validates calendar days', () => {
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(parseIsoDate('2023-02-29')).toBeNull();
    expect(parseIsoDate('2024-13-01')).toBeNull();
    expect(parseIsoDate('01/02/2024')).toBeNull();
  });
  it('normalises instants to UTC', () => {
    expect(parseIsoInstant('2024-03-01')).toBe('2024-03-01T00:00:00.000Z');
    expect(parseIsoInstant('2024-03-01T10:00:00Z')).toBe('2024-03-01T10:00:00.000Z');
    expect(parseIsoInstant('2024-03-01T10:00:00+01:00')).toBe('2024-03-01T09:00:00.000Z');
    expect(parseIsoInstant('2024-03-01 10:00')).toBe('2024-03-01T10:00:00.000Z');
    expect(parseIsoInstant('2024-03-01T25:00:00Z')).toBeNull();
    expect(parseIsoInstant('yesterday')).toBeNull();
  });
});
