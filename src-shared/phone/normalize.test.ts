import { describe, expect, it } from 'vitest';
import { toE164, phoneSearchTokens } from './normalize';
import { parseIdentity, identityUser } from './identity';

// [input, default region, expected E.164 or null]
const TABLE: [string, string, string | null][] = [
  // Italy keeps its trunk 0 in E.164
  ['02 8765 4321', 'IT', '+390287654321'],
  ['0287654321', 'IT', '+390287654321'],
  ['+39 02 8765 4321', 'IT', '+390287654321'],
  ['+39 02 8765 4321', 'DE', '+390287654321'],
  ['0039 02 8765 4321', 'IT', '+390287654321'],
  ['0039 02 8765 4321', 'US', '+390287654321'],
  ['02.8765.4321', 'IT', '+390287654321'],
  ['02-8765-4321', 'IT', '+390287654321'],
  ['347 123 4567', 'IT', '+393471234567'],
  ['+39 347 123 4567', 'GB', '+393471234567'],
  ['06 1234 5678', 'IT', '+390612345678'],
  // Germany: trunk 0 dropped, "(0)" after the country code
  ['030 1234567', 'DE', '+49301234567'],
  ['+49 (0)30 1234567', 'DE', '+49301234567'],
  ['+49 (0)30 1234567', 'IT', '+49301234567'],
  ['0049 30 1234567', 'IT', '+49301234567'],
  ['0171 2345678', 'DE', '+491712345678'],
  // France
  ['01 42 68 53 00', 'FR', '+33142685300'],
  ['01.42.68.53.00', 'FR', '+33142685300'],
  ['+33 1 42 68 53 00', 'IT', '+33142685300'],
  ['+33 (0)1 42 68 53 00', 'IT', '+33142685300'],
  ['06 12 34 56 78', 'FR', '+33612345678'],
  // Spain (no trunk prefix)
  ['91 123 45 67', 'ES', '+34911234567'],
  ['+34 612 34 56 78', 'IT', '+34612345678'],
  ['0034 91 123 45 67', 'FR', '+34911234567'],
  // United Kingdom
  ['020 7946 0018', 'GB', '+442079460018'],
  ['+44 (0)20 7946 0018', 'IT', '+442079460018'],
  ['07911 123456', 'GB', '+447911123456'],
  // United States
  ['(212) 555-0147', 'US', '+12125550147'],
  ['212-555-0100', 'US', '+12125550100'],
  ['212.555.0100', 'US', '+12125550100'],
  ['+1 212 555 0147', 'IT', '+12125550147'],
  ['011 49 30 1234567', 'US', '+49301234567'],
  ['1 (212) 555-0147', 'US', '+12125550147'],
  // not phone numbers
  ['abc', 'IT', null],
  ['12', 'IT', null],
  ['02 8765 4321 ext', 'IT', null],
  ['', 'IT', null],
  ['+39', 'IT', null],
  ['999999999999999999999', 'IT', null],
];

describe('toE164', () => {
  it.each(TABLE)('%s (%s) → %s', (input, region, expected) => {
    expect(toE164(input, region as never)).toBe(expected);
  });
});

describe('identity parsing', () => {
  const cases: [string, ReturnType<typeof parseIdentity>][] = [
    ['sip:+390287654321@pbx.example.com;user=phone', { kind: 'number', e164: '+390287654321' }],
    ['sips:0287654321@pbx.example.com', { kind: 'number', e164: '+390287654321' }],
    ['sip:0287654321@127.0.0.1:5060;transport=udp', { kind: 'number', e164: '+390287654321' }],
    ['tel:+39-02-8765-4321', { kind: 'number', e164: '+390287654321' }],
    ['tel:0287654321;phone-context=+39', { kind: 'number', e164: '+390287654321' }],
    ['"Mario Rossi" <sip:+390287654321@x>', { kind: 'number', e164: '+390287654321' }],
    ['<tel:+12125550147>', { kind: 'number', e164: '+12125550147' }],
    ['sip:%2B390287654321@x', { kind: 'number', e164: '+390287654321' }],
    ['anonymous', { kind: 'withheld' }],
    ['Anonymous', { kind: 'withheld' }],
    ['', { kind: 'withheld' }],
    ['   ', { kind: 'withheld' }],
    ['unknown', { kind: 'withheld' }],
    ['restricted', { kind: 'withheld' }],
    ['sip:anonymous@anonymous.invalid', { kind: 'withheld' }],
    ['"Anonymous" <sip:anonymous@anonymous.invalid>', { kind: 'withheld' }],
    ['sip:alice@example.com', { kind: 'invalid' }],
    ['hello world', { kind: 'invalid' }],
    ['12', { kind: 'invalid' }],
  ];
  it.each(cases)('%j', (raw, expected) => {
    expect(parseIdentity(raw, 'IT')).toEqual(expected);
  });

  it('extracts the user part of URIs', () => {
    expect(identityUser('sip:1001@127.0.0.1;transport=ws')).toBe('1001');
    expect(identityUser('tel:+12125550147;ext=12')).toBe('+12125550147');
  });
});

describe('phoneSearchTokens', () => {
  it('holds what people type: E.164 digits, national number, digits as written', () => {
    const t = phoneSearchTokens('+390287654321', 'IT', '02 8765 4321').split(' ');
    expect(t).toContain('390287654321');
    expect(t).toContain('0287654321');
  });
});
