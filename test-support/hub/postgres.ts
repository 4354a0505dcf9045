// A throwaway PostgreSQL server for tests: initdb + pg_ctl under a temp dir, on a free port of
// 127.0.0.1, stopped and deleted afterwards. initdb refuses to run as root, so as root the server
// runs as the `postgres` user (runuser). Missing binaries FAIL loudly: CI installs postgresql.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface TestPostgres {
  /** URL of the `postgres` database (superuser). */
  url: string;
  port: number;
  /** The cluster's data directory (postmaster.pid lives there). */
  dataDir: string;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

function findBinDir(): string {
  const fromEnv = process.env.PRONTO_PG_BIN;
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base).map(Number).filter((v) => v >= 15).sort((a, b) => b - a)
    : [];
  for (const v of versions) {
    const dir = join(base, String(v), 'bin');
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error(
    'PostgreSQL server binaries (initdb, pg_ctl) not found: looked in $PRONTO_PG_BIN and /usr/lib/postgresql/<15+>/bin. ' +
      'Install them (Debian: apt-get install -y postgresql) — the hub tests need a real PostgreSQL 15+.',
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startPostgres(opts: { settings?: string[] } = {}): Promise<TestPostgres> {
  const bin = findBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'pronto-pg-'));
  const password = randomBytes(12).toString('hex');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, password + '\n');
  if (asRoot) {
    chownSync(dir, uidOf('postgres'), gidOf('postgres'));
    chownSync(pwfile, uidOf('postgres'), gidOf('postgres'));
  }
  const exec = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args);
  const data = join(dir, 'data');
  try {
    await exec('initdb', ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`, '-N', '-E', 'UTF8', '--locale=C']);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`);
  }
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await exec('pg_ctl', [
        '-D', data, '-l', join(dir, 'pg.log'), '-w', '-t', '60',
        '-o', `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -F -c full_page_writes=off -c max_connections=200 ${(opts.settings ?? []).map((x) => `-c ${x}`).join(' ')}`,
        'start',
      ]);
      break;
    } catch (e) {
      if (attempt >= 2) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`pg_ctl start failed: ${(e as { stderr?: string }).stderr ?? (e as Error).message}`);
      }
    }
  }
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  let n = 0;
  return {
    url,
    port,
    dataDir: data,
    async createDatabase(name = `t${process.pid}_${++n}_${randomBytes(3).toString('hex')}`) {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${c.escapeIdentifier(name)}`);
      } finally {
        await c.end();
      }
      return `postgres://postgres:${password}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      try {
        await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function idOf(flag: '-u' | '-g', user: string): number {
  return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
}
function uidOf(user: string): number {
  return idOf('-u', user);
}
function gidOf(user: string): number {
  return idOf('-g', user);
}
