/**
 * A copy of the dev PBX's data folder (deploy/kamailio/data) with more agents: users 1001…(1000+n),
 * password pronto-dev (DEV-ONLY), for tests and benchmarks that need more than the ten dev users
 * (e.g. bench:media, one browser agent per concurrent call). The new users join no group.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export function pbxDataWithAgents(n: number, from = resolve(import.meta.dirname, '../../deploy/kamailio/data')): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'pronto-pbx-data-')), 'data');
  cpSync(from, dir, { recursive: true });
  const file = join(dir, 'pronto_users');
  const text = readFileSync(file, 'utf8');
  const have = new Set(text.split('\n').map((l) => l.split(':')[0]));
  let add = '';
  for (let i = 1; i <= n; i++) {
    const user = String(1000 + i);
    if (!have.has(user)) add += `${user}:0:0:pronto-dev:0\n`;
  }
  writeFileSync(file, text.endsWith('\n') || !text ? text + add : `${text}\n${add}`);
  return dir;
}
