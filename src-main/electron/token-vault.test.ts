// The Electron token vault with safeStorage stubbed (no Electron binary here): encrypted on disk
// with a keyring backend, never in clear; with `basic_text` (or no encryption) not persisted at all.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test-support/desktop/fixtures';

const storage = { available: true, backend: 'gnome_libsecret' };
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => storage.available,
    getSelectedStorageBackend: () => storage.backend,
    // a stand-in cipher: what matters here is that the clear token never reaches the file
    encryptString: (s: string) => Buffer.from(`enc:${Buffer.from(s).toString('hex')}`),
    decryptString: (b: Buffer) => Buffer.from(b.toString().slice(4), 'hex').toString(),
  },
}));

const { electronTokenVault } = await import('./token-vault');
const SESSION = { hubUrl: 'https://hub.example.com', user: 'nina', token: 'secret-token-value', role: 'agent' as const, team: 'North', displayName: null };
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('Electron token vault', () => {
  it('with a keyring: persisted encrypted, read back after a restart, removed at sign-out', () => {
    if (process.platform !== 'linux') storage.backend = '';
    const d = dir();
    const vault = electronTokenVault(d, () => {});
    expect(vault.persists()).toBe(true);
    expect(vault.save(SESSION)).toBe(true);
    const file = join(d, 'session.json');
    expect(readFileSync(file, 'utf8')).not.toContain('secret-token-value');
    expect(electronTokenVault(d, () => {}).load()).toEqual(SESSION); // the next start
    vault.clear();
    expect(existsSync(file)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('Linux with the basic_text backend: not persisted, and an old file is removed', () => {
    storage.backend = 'basic_text';
    const d = dir();
    writeFileSync(join(d, 'session.json'), '{}');
    const lines: string[] = [];
    const vault = electronTokenVault(d, (l) => lines.push(l));
    expect(existsSync(join(d, 'session.json'))).toBe(false);
    expect(vault.persists()).toBe(false);
    expect(vault.save(SESSION)).toBe(false);
    expect(existsSync(join(d, 'session.json'))).toBe(false);
    expect(vault.load()).toEqual(SESSION); // this run only
    expect(electronTokenVault(d, () => {}).load()).toBeNull(); // asked again at the next start
    expect(lines.join('\n')).toMatch(/basic_text/);
    storage.backend = 'gnome_libsecret';
  });

  it('no OS encryption: not persisted', () => {
    storage.available = false;
    const d = dir();
    const vault = electronTokenVault(d, () => {});
    vault.save(SESSION);
    expect(existsSync(join(d, 'session.json'))).toBe(false);
    storage.available = true;
  });
});
