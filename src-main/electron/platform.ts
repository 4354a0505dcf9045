// Electron-only platform hooks: the softphone password kept with safeStorage (OS keychain),
// getting the agent's attention when a call rings, the softphone's report for the shell (tray,
// close-to-tray, updates) and the shell's part of the diagnostics.
import { BrowserWindow, Notification, safeStorage } from 'electron';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { SoftphoneConfig } from '../../src-shared/api/contract';
import type { PlatformHooks } from '../api/desktop-api';
import type { HostDiagnostics } from '../services/diagnostics';
import type { SoftphoneReport } from '../../src-shared/desktop/presence';

export interface ShellHooks {
  report(r: SoftphoneReport): void;
  diagnostics(): HostDiagnostics;
}

export function electronPlatform(dataDir: string, window: () => BrowserWindow | null, shell: ShellHooks): PlatformHooks {
  // shared desks: each signed-in agent's own settings file ('' nobody: the desk's, as before)
  const fileOf = (owner = ''): string =>
    join(dataDir, owner ? `softphone-${createHash('sha256').update(owner).digest('hex').slice(0, 16)}.json` : 'softphone.json');
  return {
    loadSoftphone(owner) {
      const file = fileOf(owner);
      if (!existsSync(file)) return null;
      const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { passwordEnc?: string };
      const password = raw.passwordEnc && safeStorage.isEncryptionAvailable()
        ? safeStorage.decryptString(Buffer.from(raw.passwordEnc, 'base64'))
        : '';
      const parsed = SoftphoneConfig.safeParse({ ...raw, password });
      return parsed.success ? parsed.data : null;
    },
    saveSoftphone(c, owner) {
      const file = fileOf(owner);
      const canEncrypt = safeStorage.isEncryptionAvailable();
      const { password, ...rest } = c;
      // Never write the password in clear: without OS encryption it is kept for this run only.
      const body = { ...rest, passwordEnc: canEncrypt ? safeStorage.encryptString(password).toString('base64') : undefined };
      writeFileSync(`${file}.tmp`, JSON.stringify(body, null, 2), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      return { ok: true, persisted: canEncrypt };
    },
    attention(title, body) {
      const w = window();
      if (w) {
        if (w.isMinimized()) w.restore();
        w.show();
        w.focus();
        w.flashFrame(true);
        w.once('focus', () => w.flashFrame(false));
      }
      if (Notification.isSupported()) new Notification({ title, body, silent: true }).show();
      return true;
    },
    shellReport(r) {
      shell.report(r);
      return true;
    },
    diagnostics: () => shell.diagnostics(),
  };
}
