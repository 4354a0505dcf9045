// Where a TypeScript worker can start: its `.mjs` bootstrap (which loads the `.ts` through tsx)
// beside its source, as in the tsx-run CLI and web host. A bundle (the packaged Electron main)
// has neither file next to it: callers then do the work on their own thread.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** `moduleUrl`: import.meta.url of the caller; `name`: the worker's file name without extension. */
export function tsWorkerBootstrap(moduleUrl: string, name: string): string | null {
  try {
    const here = dirname(fileURLToPath(moduleUrl));
    const file = join(here, `${name}.mjs`);
    return existsSync(file) && existsSync(join(here, `${name}.ts`)) ? file : null;
  } catch {
    return null;
  }
}
