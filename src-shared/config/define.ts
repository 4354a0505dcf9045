// The one configuration mechanism, used by each program's own schema (src-main/config.ts for the
// desktop, src-hub/config.ts for the hub). A key names its environment variable, its command-line
// flag where it has one, its default and a one-line description; `loadConfig` reads them once at
// start-up (a flag beats the environment, which beats the default) and returns one typed object
// that the program hands down as options. The README's configuration tables are checked against
// these definitions by a test, so a key cannot go undocumented.
import { z } from 'zod';

export interface KeySpec<T> {
  /** Environment variable (PRONTO_* for Pronto's own settings). */
  env: string;
  /** Command-line flag without the dashes, where the key has one. */
  flag?: string;
  /** Default as it would be typed (parsed by `schema` like any other value); none: the key is optional. */
  default?: string;
  /** The default as the README states it when it is not a literal (e.g. "Electron's userData folder"). */
  defaultText?: string;
  /** One line: what the key does. */
  description: string;
  /** Parses the text of the variable or flag. */
  schema: z.ZodType<T>;
}

export type ConfigSpec = Record<string, KeySpec<unknown>>;

type Value<K> = K extends KeySpec<infer T> ? (K extends { default: string } ? T : T | undefined) : never;
export type ConfigOf<S extends ConfigSpec> = { readonly [P in keyof S]: Value<S[P]> };

export function defineConfig<S extends ConfigSpec>(spec: S): S {
  return spec;
}

/** A config value that is wrong, named by where it came from: `PRONTO_SYNC_AHEAD_MB: …` or `--region: …`. */
export class ConfigError extends Error {}

export interface ConfigSources {
  env?: Readonly<Record<string, string | undefined>>;
  /** Flags as parsed from the command line (name without dashes → value). */
  flags?: Readonly<Record<string, unknown>>;
}

export function loadConfig<S extends ConfigSpec>(spec: S, sources: ConfigSources = {}): ConfigOf<S> {
  const env = sources.env ?? {};
  const flags = sources.flags ?? {};
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, k] of Object.entries(spec)) {
    const fromFlag = k.flag === undefined ? undefined : flags[k.flag];
    const fromEnv = env[k.env];
    let source: string;
    let raw: unknown;
    if (fromFlag !== undefined) [source, raw] = [`--${k.flag}`, fromFlag];
    else if (fromEnv !== undefined && fromEnv !== '') [source, raw] = [k.env, fromEnv];
    else if (k.default !== undefined) [source, raw] = [`${k.env} (default)`, k.default];
    else continue;
    const parsed = k.schema.safeParse(raw);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${source}: ${parsed.error.issues[0]?.message ?? 'invalid'} (got "${String(raw)}")`);
  }
  if (problems.length) throw new ConfigError(problems.join('; '));
  return out as ConfigOf<S>;
}

// Value parsers shared by both programs' schemas.
/** On unless "0", "false", "off" or "no". */
export const onOff = z.string().trim().toLowerCase().transform((s) => !['0', 'false', 'off', 'no'].includes(s));
/** A whole number within [min, max]; `_` separators allowed (`100_000`). */
export const wholeNumber = (min: number, max: number) =>
  z.string().trim().transform((s, ctx) => {
    const n = Number(s.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });
export const text = z.string().min(1, 'must not be empty');
export const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'must start with http:// or https://');

/** The README's configuration table for `spec` (Markdown), as config.test.ts expects to find it. */
export function configTable(spec: ConfigSpec): string {
  const code = (s: string): string => (s ? `\`${s}\`` : '');
  const rows = Object.values(spec).map((k) => {
    const def = k.defaultText ?? (k.default === undefined ? '(none)' : code(k.default));
    return `| ${code(k.env)} | ${code(k.flag ? `--${k.flag}` : '')} | ${def} | ${k.description} |`;
  });
  return ['| variable | flag | default | what it does |', '|---|---|---|---|', ...rows].join('\n');
}
