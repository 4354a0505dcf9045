// The signed-in agent's hub token in Electron (issue 20): encrypted with safeStorage by the main
// process when the policy allows (src-shared/desktop/token-storage.ts), else kept in memory for
// this run only (Linux with the `basic_text` backend, or no OS encryption: the agent signs in at
// each start). The renderer never sees it: it is not in any reply of the contract.
import { safeStorage } from 'electron';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Role } from '../../src-shared/sync/protocol';
import { tokenStorage, type TokenStorage } from '../../src-shared/desktop/token-storage';
import { memoryVault, type StoredSession, type TokenVault } from '../services/session/service';

const Saved = z.object({
  hubUrl: z.string(), user: z.string(), role: Role, team: z.string().nullable(), displayName: z.string().nullable(),
  tokenEnc: z.string().min(1),
});

/** What this machine allows (safeStorage answers only once the app is ready). */
export function electronTokenStorage(): TokenStorage {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null;
  return tokenStorage({ host: 'electron', encryptionAvailable: safeStorage.isEncryptionAvailable(), backend });
}

export function electronTokenVault(dataDir: string, log: (line: string) => void): TokenVault {
  const policy = electronTokenStorage();
  const file = join(dataDir, 'session.json');
  log(`session token: ${policy.reason}`);
  if (policy.mode !== 'encrypted') {
    // a file left from a time the keyring worked is not readable now: forget it
    if (existsSync(file)) rmSync(file, { force: true });
    return memoryVault();
  }
  let held: StoredSession | null = null;
  return {
    load() {
      if (held) return held;
      if (!existsSync(file)) return null;
      try {
        const s = Saved.parse(JSON.parse(readFileSync(file, 'utf8')));
        const { tokenEnc, ...rest } = s;
        held = { ...rest, token: safeStorage.decryptString(Buffer.from(tokenEnc, 'base64')) };
        return held;
      } catch (err) {
        log(`session token: ${file} unreadable (${(err as Error).message}); sign in again`);
        return null;
      }
    },
    save(s) {
      held = s;
      const { token, ...rest } = s;
      const body = { ...rest, tokenEnc: safeStorage.encryptString(token).toString('base64') };
      writeFileSync(`${file}.tmp`, JSON.stringify(body, null, 2), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      return true;
    },
    clear() {
      held = null;
      rmSync(file, { force: true });
    },
    persists: () => true,
  };
}
