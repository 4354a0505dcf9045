// The one dictionary: every language has every key (the softphone's included), placeholders
// match the English reference, and `t()` outside React follows the language switch like useT.
import { describe, expect, it } from 'vitest';
import { installFakeBrowser } from '../testing/fakeBrowser';

installFakeBrowser();
const { dictionaries, LANGS } = await import('./strings');
const { t, useLang } = await import('./index');

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionary', () => {
  it('every language has every English key, non-empty, with the same placeholders', () => {
    for (const lang of LANGS) {
      for (const [key, en] of Object.entries(dictionaries.en)) {
        const v = dictionaries[lang][key as keyof typeof dictionaries.en];
        expect(v, `${lang} ${key}`).toBeTruthy();
        expect(placeholders(v), `${lang} ${key}`).toEqual(placeholders(en));
      }
    }
  });

  it('holds the softphone strings too (one dictionary, one t())', () => {
    useLang.setState({ lang: 'en' });
    expect(t('reg.registered')).toBe('Phone ready');
    expect(t('notify.unknown', { number: '+39 02 1234' })).toBe('Unknown caller +39 02 1234');
    useLang.setState({ lang: 'it' });
    expect(t('reg.registered')).toBe('Telefono pronto');
    expect(t('call.end.ended')).toBe('Chiamata terminata');
    useLang.setState({ lang: 'en' });
  });
});
