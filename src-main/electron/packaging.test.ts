// build/electron-builder.yml: the fuses, targets, link schemes, update feed and the native
// rebuild at packaging time (never in postinstall), checked without packaging (this machine
// cannot download the Electron zip electron-builder needs). Also validated against
// electron-builder's own schema, as `npm run dist` would before building.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CALL_LINK_SCHEMES } from '../../src-shared/desktop/links';

const ROOT = join(__dirname, '../..');
const require = createRequire(import.meta.url);
const yml = parse(readFileSync(join(ROOT, 'build/electron-builder.yml'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };

describe('electron-builder configuration', () => {
  it('flips the security fuses', () => {
    expect(yml.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(yml.asar).toBe(true);
  });

  it('builds AppImage + deb, NSIS and dmg, with an icon', () => {
    expect(yml.linux.target).toEqual(['AppImage', 'deb']);
    expect(yml.win.target).toBe('nsis');
    expect(yml.mac.target).toBe('dmg');
    expect(yml.icon).toBe('build/icon.png');
    const png = readFileSync(join(ROOT, yml.icon as string));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]); // IHDR width × height
    expect(yml.mac.extendInfo.NSMicrophoneUsageDescription).toBeTruthy();
  });

  it('registers the link schemes the app handles and publishes to a generic feed', () => {
    expect(yml.protocols.flatMap((p: { schemes: string[] }) => p.schemes).sort()).toEqual([...CALL_LINK_SCHEMES].sort());
    // NSIS has no `protocols`: the include registers the same schemes
    const nsh = readFileSync(join(ROOT, yml.nsis.include as string), 'utf8');
    for (const scheme of CALL_LINK_SCHEMES) expect(nsh).toContain(`URLAssociations" "${scheme}" "Pronto.Link"`);
    expect(nsh).toMatch(/!macro customUnInstall[\s\S]*DeleteRegKey SHCTX "Software\\Classes\\Pronto.Link"/);
    expect(yml.publish).toEqual({ provider: 'generic', url: '${env.PRONTO_UPDATE_URL}' });
    expect(pkg.dependencies['electron-updater']).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rebuilds better-sqlite3 at packaging time, never in postinstall', async () => {
    expect(yml.npmRebuild).toBe(true);
    expect(yml.beforeBuild).toBe('./build/before-build.mjs');
    expect(pkg.scripts.postinstall ?? '').not.toMatch(/install-app-deps|electron-rebuild|@electron\/rebuild/);
    const { nodedirProblem } = (await import(pathToFileURL(join(ROOT, 'build/before-build.mjs')).href)) as { nodedirProblem(d: unknown): string | null };
    expect(nodedirProblem('/usr')).toMatch(/nodedir=\/usr/);
    expect(nodedirProblem('')).toBeNull();
    expect(nodedirProblem('undefined\n')).toBeNull();
    expect(nodedirProblem(undefined)).toBeNull();
  });

  it("matches electron-builder's schema", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, log: { add(): void; isEnabled: boolean }): Promise<void>;
    };
    await expect(validateConfiguration(yml, { add() {}, isEnabled: false })).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...yml, fuses: {} }, { add() {}, isEnabled: false })).rejects.toThrow(/unknown property 'fuses'/);
  });
});
