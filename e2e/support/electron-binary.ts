// Where the Electron binary would be, looked up on disk: require('electron') would try to
// download it, which this machine kind cannot do.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function electronBinary(): string | null {
  const dir = resolve('node_modules/electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const rel = readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist');
  const bin = join(dist, rel);
  return existsSync(bin) ? bin : null;
}

export const ELECTRON_SKIP_REASON =
  'SKIPPED: no Electron binary installed (node_modules/electron/dist missing; it cannot be downloaded on this machine). The same renderer and contract are tested through the web host.';
