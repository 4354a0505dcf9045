// "Copy diagnostics" (Settings): one text an agent pastes into a support ticket — versions, the
// settings in force, the store, sync, the softphone, the shell's state and the log's last lines.
// It must never carry a secret: the hub token, the SIP password (or its HA1), the web host's
// launch key, a Bearer header in a log line, credentials in a URL. Secret settings are shown as
// "(set)", the secrets' values are replaced wherever they appear, and common secret shapes are
// masked in every line (a log line may quote a header or a URL we did not write ourselves).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { release } from 'node:os';
import type { SoftphoneConfig, StoreStatus } from '../../src-shared/api/contract';
import type { SyncStatus } from '../../src-shared/sync/status';
import type { ConfigSpec } from '../../src-shared/config/define';

/** What the host adds (Electron: versions, its log file, tray/update state). */
export interface HostDiagnostics {
  versions: Record<string, string>;
  /** The rotating log file whose last lines are included; null: the host logs to stderr only. */
  logFile: string | null;
  /** Facts of the host as `key: value` lines (presence, update state…). */
  facts: Record<string, string>;
}

export interface DiagnosticsSources {
  host: 'electron' | 'web';
  now: Date;
  /** The configuration spec and the values in force (src-main/config.ts). */
  config: { spec: ConfigSpec; values: Readonly<Record<string, unknown>> } | null;
  status: StoreStatus | null;
  sync: SyncStatus | null;
  /** The softphone settings the host holds (password included: it is only used to redact). */
  softphone: SoftphoneConfig | null;
  hostInfo: HostDiagnostics | null;
  /** Extra secret values to mask wherever they appear (launch keys…). */
  secrets?: readonly string[];
}

/** A setting whose value is a secret: shown as "(set)" only. */
export const SECRET_SETTING = /TOKEN|PASSWORD|PASSWD|SECRET|_KEY$|CREDENTIAL/i;
const MAX_LINE = 400;
const LOG_TAIL_LINES = 200;
const LOG_TAIL_BYTES = 64 * 1024;

const SHAPES: readonly [RegExp, string][] = [
  [/\b(Bearer|Basic|Digest)\s+[^\s,;"']+/gi, '$1 [redacted]'],
  [/\b(authorization|proxy-authorization|cookie|set-cookie|x-pronto-[a-z-]*key|x-pronto-[a-z-]*secret)(\s*[:=]\s*)[^\n]*/gi, '$1$2[redacted]'],
  [/\b((?:[a-z_-]*)(?:password|passwd|pwd|token|secret|ha1|apikey|api_key|key))(\s*["']?\s*[:=]\s*["']?)(?![([])[^\s"'&,;}]+/gi, '$1$2[redacted]'],
  [/\b(response|nonce|cnonce)=("[^"]*"|[^\s,]+)/gi, '$1=[redacted]'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, '$1[redacted]@'],
];

/**
 * The text with every secret masked: each value in `secrets` (4 characters or more: shorter
 * ones would mask ordinary text and are covered by the shapes), then the common shapes.
 */
export function redact(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  const values = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort((a, b) => b.length - a.length);
  for (const v of values) {
    out = out.split(v).join('[redacted]');
    const enc = encodeURIComponent(v);
    if (enc !== v) out = out.split(enc).join('[redacted]');
  }
  for (const [re, to] of SHAPES) out = out.replace(re, to);
  return out;
}

/** The last lines of a log file (at most 64 KB read from its end); [] when it cannot be read. */
export function readLogTail(file: string, maxLines = LOG_TAIL_LINES): string[] {
  let fd: number | null = null;
  try {
    const size = statSync(file).size;
    const length = Math.min(size, LOG_TAIL_BYTES);
    const buf = Buffer.alloc(length);
    fd = openSync(file, 'r');
    readSync(fd, buf, 0, length, size - length);
    const lines = buf.toString('utf8').split(/\r?\n/);
    if (length < size) lines.shift(); // a cut first line
    return lines.filter((l) => l.trim() !== '').slice(-maxLines);
  } catch {
    return [];
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** A URL without credentials, query or fragment (a hub URL may carry a token as a parameter). */
function plainUrl(url: string | null | undefined): string {
  if (!url) return '(none)';
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

const line = (s: string): string => (s.length > MAX_LINE ? `${s.slice(0, MAX_LINE)}…` : s);

function settingsLines(config: NonNullable<DiagnosticsSources['config']>): string[] {
  const out: string[] = [];
  for (const [key, k] of Object.entries(config.spec)) {
    const v = config.values[key];
    if (v === undefined) continue;
    const shown = SECRET_SETTING.test(k.env) || SECRET_SETTING.test(key) ? '(set)' : typeof v === 'string' && /^[a-z]+:\/\//i.test(v) ? plainUrl(v) : String(v);
    out.push(`  ${k.env}=${shown}`);
  }
  return out;
}

/** The diagnostics text; every line passes through redact() with the known secret values. */
export function diagnosticsText(src: DiagnosticsSources): string {
  const values = src.config?.values ?? {};
  const secrets: (string | undefined)[] = [
    ...Object.entries(src.config?.spec ?? {})
      .filter(([key, k]) => SECRET_SETTING.test(k.env) || SECRET_SETTING.test(key))
      .map(([key]) => (typeof values[key] === 'string' ? (values[key] as string) : undefined)),
    src.softphone?.password,
    ...(src.secrets ?? []),
  ];
  const out: string[] = [`Pronto diagnostics — ${src.now.toISOString()}`, `host: ${src.host}`];
  // the web host adds no versions of its own: the Node it runs on and the OS
  const versions = src.hostInfo?.versions ?? { node: process.versions.node, os: `${process.platform} ${release()} ${process.arch}` };
  for (const [k, v] of Object.entries(versions)) out.push(`${k}: ${v}`);
  if (src.status) {
    const s = src.status;
    out.push('', 'store:', `  dataDir: ${s.dataDir}`, `  region: ${s.region}`, `  customers: ${s.customers}`, `  purchases: ${s.purchases}`, `  demo: ${s.demo ? `yes (${s.demo.customers}, ${s.demo.loadedAt})` : 'no'}`);
  }
  if (src.sync) {
    const y = src.sync;
    out.push('', 'sync:', `  hub: ${y.configured ? plainUrl(y.hubUrl) : 'standalone'}`, `  online: ${y.online}, live: ${y.live}`, `  cursor: ${y.cursor}`, `  lastSyncedAt: ${y.lastSyncedAt ?? '(never)'}`, `  pending: ${y.pending}, rejected: ${y.rejected}`);
    if (y.error) out.push(`  error: ${y.error}`);
  }
  out.push('', 'softphone:');
  if (src.softphone) {
    const p = src.softphone;
    out.push(`  server: ${plainUrl(p.server)}`, `  uri: ${p.uri}`, `  user: ${p.user}`, `  password: ${p.password ? '(set)' : '(none)'}`, `  region: ${p.region}`);
  } else {
    out.push('  (not configured)');
  }
  if (src.hostInfo && Object.keys(src.hostInfo.facts).length) {
    out.push('', 'shell:');
    for (const [k, v] of Object.entries(src.hostInfo.facts)) out.push(`  ${k}: ${v}`);
  }
  if (src.config) out.push('', 'settings:', ...settingsLines(src.config));
  out.push('', 'log:');
  if (src.hostInfo?.logFile) {
    out.push(`  file: ${src.hostInfo.logFile}`);
    const tail = readLogTail(src.hostInfo.logFile);
    out.push(...(tail.length ? tail.map((l) => `  ${l}`) : ['  (empty)']));
  } else {
    out.push(`  (the ${src.host === 'web' ? 'web host' : 'host'} logs to its standard error)`);
  }
  // masked before a long line is cut: a cut through a secret would leave part of it unmatched
  return out.map((l) => line(redact(l, secrets))).join('\n');
}
