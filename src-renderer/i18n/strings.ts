// The one dictionary of UI strings, by language. English is the reference (en.ts); every other
// language must have every key (it.ts, checked by its type).
import { en, type StringKey } from './en';
import { it } from './it';

export { en, it };
export type { StringKey };
export type Strings = Record<StringKey, string>;

export const dictionaries: Record<'en' | 'it', Strings> = { en, it };
export type Lang = keyof typeof dictionaries;
export const LANGS: readonly Lang[] = ['en', 'it'];
export const LANG_NAMES: Record<Lang, string> = { en: 'English', it: 'Italiano' };
