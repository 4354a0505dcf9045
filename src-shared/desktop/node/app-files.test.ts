// app:// answers with files of the renderer folder only, with the CSP and nosniff.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CSP } from '../../api/csp';
import { appFileResponse, resolveAppFile } from './app-files';

const top = mkdtempSync(join(tmpdir(), 'pronto-app-files-'));
const root = join(top, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Pronto</title>');
writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(top, 'secret.txt'), 'outside the renderer folder');
afterAll(() => rmSync(top, { recursive: true, force: true }));

describe('app:// files', () => {
  it('serves the renderer folder with its content type, CSP and nosniff', async () => {
    const res = await appFileResponse(root, 'app://pronto/assets/app.js', CSP);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('console.log(1)');
    expect(await (await appFileResponse(root, 'app://pronto/', CSP)).text()).toContain('<title>Pronto</title>');
  });

  it('never reaches outside the folder', async () => {
    for (const url of ['app://pronto/..%2fsecret.txt', 'app://pronto/%2e%2e%2fsecret.txt', 'app://pronto/..%5csecret.txt', 'app://pronto/a\\..\\..\\secret.txt']) {
      expect(resolveAppFile(root, url).ok, url).toBe(false);
      const res = await appFileResponse(root, url, CSP);
      expect(res.status, url).toBe(403);
      expect(await res.text()).not.toContain('outside');
    }
    // a folded `..` lands inside the folder, not outside
    const folded = resolveAppFile(root, 'app://pronto/../secret.txt');
    expect(folded).toEqual({ ok: true, file: join(root, 'secret.txt') });
    expect((await appFileResponse(root, 'app://pronto/../secret.txt', CSP)).status).toBe(404);
  });

  it('answers 404 for a missing file and 403 for another origin', async () => {
    expect((await appFileResponse(root, 'app://pronto/nope.js', CSP)).status).toBe(404);
    expect((await appFileResponse(root, 'app://other/index.html', CSP)).status).toBe(403);
  });
});
