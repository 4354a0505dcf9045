import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from './csv-quote';

describe('csvField', () => {
  it('leaves plain text as it is', () => {
    expect(csvField('Rossi Impianti S.r.l.')).toBe('Rossi Impianti S.r.l.');
    expect(csvField('')).toBe('');
    expect(csvField("O'Brien; Müller")).toBe("O'Brien; Müller");
  });

  it('quotes commas, quotes and line breaks, doubling embedded quotes', () => {
    expect(csvField('Bianchi, Verdi & C. S.n.c.')).toBe('"Bianchi, Verdi & C. S.n.c."');
    expect(csvField('Monitor 24" FHD')).toBe('"Monitor 24"" FHD"');
    expect(csvField('"><script>')).toBe('"""><script>"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rlf')).toBe('"cr\rlf"');
  });
});

describe('csvLine', () => {
  it('joins quoted cells with commas', () => {
    expect(csvLine(['C1', 'A, B', 'x"y', ''])).toBe('C1,"A, B","x""y",');
  });
});
