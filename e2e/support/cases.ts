// Case-logging e2e support: a `pronto serve` of our own (own data dir, so drafts, cases and
// contacts made here never leak into the shared store of the pop tests), restartable on the same
// port (a crash is SIGKILL + start again), and the CLI's view of the store (`pronto cases --json`,
// `pronto lookup --json`) read straight from the data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, REPO_ROOT, freePort, launchKeyOf, runCli } from './server';

export interface CasesHost {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** SIGKILL: no shutdown hook runs (a crash). */
  kill(): Promise<void>;
  stop(): Promise<void>;
  /** Starts again on the same data dir and port. */
  restart(): Promise<void>;
}

/** Starts `pronto serve`; resolves with the child and the URL it printed (it carries the launch key). */
function spawnServe(dataDir: string, port: number, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--data-dir', dataDir, '--port', String(port)], {
    cwd: REPO_ROOT,
    env: { ...process.env, PRONTO_HUB_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (out += d));
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`pronto serve did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /Pronto web host: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ child, url: m[1]! });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`pronto serve exited (${code ?? signal}) before it listened:\n${out}`));
    });
  });
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    child.once('exit', () => ok());
  });
}

export async function startCasesHost(dataDir: string, opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CasesHost> {
  const port = await freePort();
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const env = opts.env ?? {};
  const first = await spawnServe(dataDir, port, env, timeoutMs);
  // A restart keeps the launch key, so a page left open (its cookie) keeps working, as it would
  // across a crash of a host whose URL the agent still has open.
  const restartEnv = { ...env, PRONTO_WEB_KEY: launchKeyOf(first.url) };
  const host: CasesHost = {
    url: first.url,
    port,
    dataDir,
    child: first.child,
    async kill() {
      const c = host.child;
      c.kill('SIGKILL');
      await waitExit(c);
    },
    async stop() {
      const c = host.child;
      if (c.exitCode !== null || c.signalCode !== null) return;
      const hard = setTimeout(() => c.kill('SIGKILL'), 5_000);
      c.kill('SIGTERM');
      await waitExit(c);
      clearTimeout(hard);
    },
    async restart() {
      await host.stop();
      // The port was ours a moment ago; retry briefly in case the kernel has not released it.
      let lastErr: unknown;
      for (let i = 0; i < 5; i++) {
        try {
          host.child = (await spawnServe(dataDir, port, restartEnv, timeoutMs)).child;
          return;
        } catch (err) {
          lastErr = err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      throw lastErr;
    },
  };
  return host;
}

/** A fresh data dir under a temp root, with the given feed files imported. */
export async function seededDataDir(prefix: string, feedFiles: string[]): Promise<{ root: string; dataDir: string; cleanup(): void }> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(root, 'data');
  if (feedFiles.length) await runCli(['import', '--data-dir', dataDir, ...feedFiles], { timeoutMs: 170_000 });
  return { root, dataDir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** The feed files of the global setup's seeded store (plus its fixture rows). */
export function globalFeedFiles(): string[] {
  const dirs = [process.env.PRONTO_E2E_FEEDS, process.env.PRONTO_E2E_FIXTURES].filter((d): d is string => !!d);
  if (dirs.length === 0) throw new Error('PRONTO_E2E_FEEDS is not set: run through playwright.config.ts (global setup)');
  return dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.csv')).map((f) => join(d, f)));
}

/** One plain customer for the crash test (a store of its own, imported in a second). */
export const CRASH_CUSTOMER = { id: 'E2E-CASE-1', name: 'Paola Bianchi', company: 'Bianchi Forniture S.r.l.', phone: '+390240007777' };

export function writeCrashFeeds(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'customers.csv');
  writeFileSync(
    file,
    'customer_id,name,company,email,segment,region,country,phones,created_at\n' +
      `${CRASH_CUSTOMER.id},${CRASH_CUSTOMER.name},${CRASH_CUSTOMER.company},paola@example.com,SMB,Lombardia,IT,office=${CRASH_CUSTOMER.phone},2020-01-01\n`,
  );
  return [file];
}

/** Runs the CLI and returns stdout only (stderr is kept for the error message). */
export function cliStdout(args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) ok(out);
      else fail(new Error(`pronto ${args.join(' ')} failed (${code ?? signal}):\n${err}${out}`));
    });
  });
}

export interface CliCase {
  caseId: string;
  customerId: string | null;
  callId: string | null;
  disposition: string | null;
  notes: string;
  status: 'draft' | 'wrap_up' | 'submitted';
  pending: boolean;
  callDurationS: number | null;
  followUpDate: string | null;
  followUpTask: string;
  offers: { sku: string; kind: string; outcome: string }[];
}

export async function cliCases(dataDir: string): Promise<CliCase[]> {
  return JSON.parse(await cliStdout(['cases', '--data-dir', dataDir, '--json'])) as CliCase[];
}

export interface CliLookup {
  match: string;
  normalized: string | null;
  candidates: { customerId: string; name: string }[];
  pop: { customer: { customerId: string; name: string }; offers: { sku: string; kind: string; reason: string }[] } | null;
}

export async function cliLookup(dataDir: string, identity: string): Promise<CliLookup> {
  return JSON.parse(await cliStdout(['lookup', '--data-dir', dataDir, '--json', identity])) as CliLookup;
}
