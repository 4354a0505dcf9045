// Starts `pronto serve` as a child process and waits for its URL line.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = resolve(REPO_ROOT, 'bin/pronto.mjs');

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

export interface ServeHandle {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export async function startServe(dataDir: string, opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ServeHandle> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve', '--data-dir', dataDir, '--port', String(port)], {
    cwd: REPO_ROOT,
    env: { ...process.env, PRONTO_HUB_URL: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (out += d));

  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`pronto serve did not print its URL within ${opts.timeoutMs ?? 90_000} ms:\n${out}`));
    }, opts.timeoutMs ?? 90_000);
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /Pronto web host: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`pronto serve exited (${code ?? signal}) before printing its URL:\n${out}`));
    });
  });

  return {
    url,
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null || child.signalCode !== null) return ok();
        const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(hard);
          ok();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Runs the CLI to completion; rejects with its output on a non-zero exit. */
export function runCli(args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) ok(out);
      else fail(new Error(`pronto ${args.join(' ')} failed (${code ?? signal}):\n${out}`));
    });
  });
}

/** The launch key in a URL `pronto serve` printed (`…/?key=K`); '' when it has none. */
export function launchKeyOf(url: string): string {
  return new URL(url).searchParams.get('key') ?? '';
}

/** Calls one API method the way the renderer does (for status checks in setup only); `baseUrl` is the printed URL (it carries the key). */
export async function api<T>(baseUrl: string, method: string, input: unknown): Promise<T> {
  const res = await fetch(new URL(`/api/${method}`, baseUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Pronto-Client': 'renderer', 'X-Pronto-Key': launchKeyOf(baseUrl) },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; result?: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.result as T;
}
