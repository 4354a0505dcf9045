/**
 * Run the SIPp scenarios of this folder from Node (tests, benchmarks). Node built-ins only.
 *
 *   const reg = await registerAgent({ pbxUdpPort, user: '1001', localPort });
 *   const uas = startSipp({ scenario: 'uas-ring', localPort });          // background
 *   const uac = await runSipp({ scenario: 'uac-invite-cancel', remote: pbxUdpPort,
 *                               csv: [callRow({ caller: '+15551234567', target: '600' })] });
 *   parseMessageLog(uac.messageLog)  // every SIP message sent/received, with time
 *
 * Every run is bounded: SIPp's own -timeout (global) plus a SIGKILL watchdog.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SIPP_DIR = dirname(fileURLToPath(import.meta.url));
export const DEV_PASSWORD = 'pronto-dev';

export type Scenario =
  | 'register-auth'
  | 'register-wrong-password'
  | 'uas-ring'
  | 'uas-answer'
  | 'uac-invite-cancel'
  | 'uac-invite-answer'
  | 'uac-invite-reject';

export interface SippOptions {
  scenario: Scenario | 'custom';
  /** A scenario file of its own (scenario 'custom'), e.g. a filled template (queue-agents.ts). */
  scenarioFile?: string;
  /** UDP port of the PBX (client scenarios). Omit for UAS scenarios. */
  remote?: number;
  /** Local SIP port (-p). Default 0 = SIPp picks one. */
  localPort?: number;
  /** -inf rows (without the SEQUENTIAL header). */
  csv?: string[];
  /** Number of calls (-m). Default 1. */
  calls?: number;
  /** Duration of <pause/> elements, ms (-d). */
  pauseMs?: number;
  /** SIPp global timeout in seconds (-timeout, with -timeout_error). Default 15. */
  timeoutS?: number;
  /** Call rate (-r) for client scenarios. */
  rate?: number;
  /** More SIPp arguments. */
  extraArgs?: string[];
}

export interface SippResult {
  /** SIPp exit code: 0 = all calls succeeded, 1 = some failed, 255+ = error/timeout. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Contents of the -trace_msg message log. */
  messageLog: string;
  /** Milliseconds from spawn to exit. */
  elapsedMs: number;
}

export interface SippRun {
  pid: number;
  done: Promise<SippResult>;
  kill(): void;
}

export function sippBinary(): string {
  return process.env.PRONTO_SIPP_BIN ?? 'sipp';
}

/** One CSV row for the uac-* scenarios: caller;target;up to 5 extra header lines. */
export function callRow(o: { caller: string; target: string; headers?: string[] }): string {
  const extra = [...(o.headers ?? [])];
  if (extra.length > 5) throw new Error('at most 5 extra header lines');
  for (const v of [o.caller, o.target, ...extra]) {
    if (v.includes(';') || /[\r\n]/.test(v)) throw new Error(`SIPp CSV field cannot contain ';' or newlines: ${v}`);
  }
  while (extra.length < 5) extra.push('');
  return [o.caller, o.target, ...extra].join(';');
}

/** One CSV row for register-auth / register-wrong-password. */
export function registerRow(user: string, password = DEV_PASSWORD, expires = 3600): string {
  return `${user};[authentication username=${user} password=${password}];${expires}`;
}

/** Start SIPp in the background. */
export function startSipp(o: SippOptions): SippRun {
  const work = mkdtempSync(join(tmpdir(), `pronto-sipp-${o.scenario}-`));
  const messageFile = join(work, 'messages.log');
  const timeoutS = o.timeoutS ?? 15;
  const args = [
    '-sf', o.scenarioFile ?? resolve(SIPP_DIR, `${o.scenario}.xml`),
    '-i', '127.0.0.1',
    '-p', String(o.localPort ?? 0),
    '-m', String(o.calls ?? 1),
    '-timeout', `${timeoutS}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_msg',
    '-message_file', messageFile,
  ];
  if (o.csv) {
    const csvFile = join(work, 'input.csv');
    writeFileSync(csvFile, `SEQUENTIAL\n${o.csv.join('\n')}\n`);
    args.push('-inf', csvFile);
  }
  if (o.pauseMs !== undefined) args.push('-d', String(o.pauseMs));
  if (o.rate !== undefined) args.push('-r', String(o.rate));
  if (o.extraArgs) args.push(...o.extraArgs);
  if (o.remote !== undefined) args.push(`127.0.0.1:${o.remote}`);

  const started = Date.now();
  const child = spawn(sippBinary(), args, { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 100_000) stderr += d.toString();
  });
  // SIPp's -timeout bounds the run; this is the belt and braces
  const watchdog = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 10) * 1000);
  const done = new Promise<SippResult>((res) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null, extra = '') => {
      clearTimeout(watchdog);
      const messageLog = existsSync(messageFile) ? readFileSync(messageFile, 'utf8') : '';
      rmSync(work, { recursive: true, force: true });
      res({ code, signal, stderr: stderr + extra, messageLog, elapsedMs: Date.now() - started });
    };
    child.once('error', (e) => finish(null, null, `\nspawn error: ${e.message}`));
    child.once('exit', (code, signal) => finish(code, signal));
  });
  return { pid: child.pid ?? 0, done, kill: () => child.kill('SIGKILL') };
}

/** Run SIPp to completion. */
export function runSipp(o: SippOptions): Promise<SippResult> {
  return startSipp(o).done;
}

/** REGISTER `user` (digest auth) with Contact 127.0.0.1:localPort. */
export function registerAgent(o: {
  pbxUdpPort: number;
  user: string;
  localPort: number;
  password?: string;
  expires?: number;
}): Promise<SippResult> {
  return runSipp({
    scenario: 'register-auth',
    remote: o.pbxUdpPort,
    localPort: o.localPort,
    csv: [registerRow(o.user, o.password, o.expires)],
    timeoutS: 10,
  });
}

export interface SipMessage {
  direction: 'sent' | 'received';
  /** Time SIPp logged it (ms since epoch), NaN if missing. */
  time: number;
  firstLine: string;
  text: string;
  /** First value of a header (case-insensitive), undefined if absent. */
  header(name: string): string | undefined;
  /** All values of a header. */
  headers(name: string): string[];
  /** "INVITE", "CANCEL", ... for requests; "200" etc. for responses. */
  kind: string;
}

/** Parse a SIPp -trace_msg log into messages. */
export function parseMessageLog(log: string): SipMessage[] {
  const out: SipMessage[] = [];
  const blocks = log.split(/^-{20,}[ ]?/m).slice(1);
  for (const block of blocks) {
    const nl = block.indexOf('\n');
    const stamp = block.slice(0, nl).trim();
    const rest = block.slice(nl + 1);
    const m = /^(UDP|TCP) message (sent|received)[^\n]*\n\n?/i.exec(rest);
    if (!m) continue; // "Ignoring provisional ..." notes etc.
    const text = rest.slice(m[0].length).replace(/\n+$/, '\n');
    const lines = text.split(/\r?\n/);
    const headerLines: string[] = [];
    for (const l of lines.slice(1)) {
      if (l === '') break;
      headerLines.push(l);
    }
    const values = (name: string) =>
      headerLines
        .filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
        .map((l) => l.slice(name.length + 1).trim());
    const firstLine = lines[0] ?? '';
    const kind = firstLine.startsWith('SIP/2.0 ') ? firstLine.split(' ')[1] ?? '' : firstLine.split(' ')[0] ?? '';
    out.push({
      direction: m[2]!.toLowerCase() as 'sent' | 'received',
      time: stamp ? Date.parse(stamp.replace(' ', 'T')) : Number.NaN,
      firstLine,
      text,
      kind,
      header: (n) => values(n)[0],
      headers: values,
    });
  }
  return out;
}
