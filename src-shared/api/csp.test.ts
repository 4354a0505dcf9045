import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSP, CSP_META } from './csp';

describe('one CSP', () => {
  it('the meta tag carries the header policy less what a meta tag cannot carry', () => {
    expect(CSP_META).not.toMatch(/frame-ancestors/);
    expect(CSP_META.split('; ')).toEqual(CSP.split('; ').filter((d) => !d.startsWith('frame-ancestors')));
  });
  it('index.html holds no copy of its own: the build writes the policy in', () => {
    const html = readFileSync(join(__dirname, '../../src-renderer/index.html'), 'utf8');
    expect(html).toContain('content="%RENDERER_CSP%"');
    expect(html).not.toMatch(/default-src/);
  });
});
