// electron-builder's beforeBuild hook: runs before it rebuilds the native modules (better-sqlite3)
// for Electron's ABI, at packaging time — never in postinstall. It stops the build when npm's
// config sets `nodedir`: node-gyp would then compile against that Node's headers while tagging
// the module with Electron's ABI, and the packaged app would crash on its first query
// (ENVIRONMENT.md: /root/.npmrc sets nodedir=/usr on the project's build machines).
import { execFileSync } from 'node:child_process';

/** Why native modules cannot be rebuilt for Electron here, or null. */
export function nodedirProblem(nodedir) {
  const dir = typeof nodedir === 'string' ? nodedir.trim() : '';
  if (!dir || dir === 'undefined' || dir === 'null') return null;
  return `npm config sets nodedir=${dir}: native modules would be built against those headers, not Electron's. ` +
    'Package on a machine without it (or run `npm config delete nodedir`).';
}

function npmNodedir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  try {
    return execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

export default async function beforeBuild() {
  const problem = nodedirProblem(npmNodedir());
  if (problem) throw new Error(`Pronto packaging: ${problem}`);
  return true; // go on: electron-builder rebuilds better-sqlite3 for the Electron it packages
}
