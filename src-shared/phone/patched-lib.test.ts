// libphonenumber-js is patched at install time (patches/, applied by `postinstall`): it kept
// recompiling the metadata's regular expressions on every call, about half of the cost of a
// number at import and at every national-format pop. An install that skipped the patch still
// normalises correctly, only slower, so nothing else would notice: this test does.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toE164 } from './normalize';

const root = dirname(createRequire(import.meta.url).resolve('libphonenumber-js/package.json'));

describe('the libphonenumber-js patch', () => {
  // both builds: ES modules (Node, the renderer bundle) and CommonJS (require)
  for (const build of ['es6', 'build']) {
    it(`is applied to the ${build} build`, () => {
      expect(readFileSync(join(root, build, 'helpers/matchesEntirely.js'), 'utf8')).toContain('cache.get(regularExpressionText)');
      expect(readFileSync(join(root, build, 'parsePhoneNumberWithError_.js'), 'utf8')).toContain('Object.assign({}, options');
    });
  }

  it('keeps answers the same when the same patterns are used again and again', () => {
    // the kept expressions carry no state from one number to the next (no g/y flag)
    for (let i = 0; i < 3; i++) {
      expect(toE164('02 8765 4321', 'IT')).toBe('+390287654321');
      expect(toE164('02 87', 'IT')).toBeNull();
      expect(toE164('347 123 4567', 'IT')).toBe('+393471234567');
      expect(toE164('(212) 555-0147', 'US')).toBe('+12125550147');
      expect(toE164('(212) 555-014', 'US')).toBeNull();
    }
  });
});
