// The layer rules of eslint.config.js, checked on small snippets placed (virtually) in each tree:
// a rule that silently stops matching (a moved folder, a changed glob) fails here, not in review.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: import.meta.dirname });

/** Rule ids reported for `code` as if it were the file at `path` (relative to the repo root). */
async function rulesFor(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}
const IMPORTS = 'no-restricted-imports';
const SYNTAX = 'no-restricted-syntax';

describe('layer rules', () => {
  it('renderer: no desktop, hub, Node built-ins, node/ parts of src-shared or electron', async () => {
    const file = 'src-renderer/app/probe.ts';
    for (const spec of ['../../src-main/db/store', '../../src-hub/http/app', 'node:fs', 'path', 'electron', '../../src-shared/feeds/node/csv']) {
      expect(await rulesFor(file, `import '${spec}';\n`), spec).toContain(IMPORTS);
    }
    expect(await rulesFor(file, "import '../../src-shared/feeds/csv-quote';\nimport 'zustand';\n")).toEqual([]);
    expect(await rulesFor(file, "export const m = import('../../src-main/seed/generate');\n")).toContain(SYNTAX);
  });

  it('desktop and hub do not import each other, except in *.int.test.ts', async () => {
    expect(await rulesFor('src-main/services/probe.ts', "import '../../src-hub/http/app';\n")).toContain(IMPORTS);
    expect(await rulesFor('src-hub/sync/probe.ts', "import '../../src-main/db/store';\n")).toContain(IMPORTS);
    expect(await rulesFor('src-hub/sync/probe.test.ts', "import '../../test-support/desktop/fixtures';\n")).toContain(IMPORTS);
    expect(await rulesFor('src-hub/sync/probe.int.test.ts', "import '../../src-main/db/store';\nimport '../../test-support/desktop/fixtures';\n")).toEqual([]);
    expect(await rulesFor('src-main/sync/probe.int.test.ts', "import '../../src-hub/http/app';\n")).toEqual([]);
  });

  it('only src-main/electron imports electron', async () => {
    expect(await rulesFor('src-main/electron/probe.ts', "import 'electron';\n")).toEqual([]);
    for (const file of ['src-main/services/probe.ts', 'src-hub/probe.ts', 'src-shared/probe.ts', 'bench/probe.ts']) {
      expect(await rulesFor(file, "import 'electron';\n"), file).toContain(IMPORTS);
    }
  });

  it('src-shared imports none of the programs; product code no test infrastructure', async () => {
    for (const spec of ['../src-main/db/store', '../src-hub/http/app', '../src-renderer/app/App']) {
      expect(await rulesFor('src-shared/probe.ts', `import '${spec}';\n`), spec).toContain(IMPORTS);
    }
    expect(await rulesFor('src-main/services/probe.ts', "import '../../test-support/desktop/fixtures';\n")).toContain(IMPORTS);
    expect(await rulesFor('src-main/services/probe.test.ts', "import '../../test-support/desktop/fixtures';\n")).toEqual([]);
  });

  it('process.env.PRONTO_* is read only in the config modules, tests, benches, e2e and the build tooling', async () => {
    const reads = "export const a = process.env.PRONTO_A;\nexport const b = process.env['PRONTO_B'];\nexport const { PRONTO_C } = process.env;\n";
    expect((await rulesFor('src-main/services/probe.ts', reads)).filter((r) => r === SYNTAX)).toHaveLength(3);
    expect(await rulesFor('src-shared/probe.ts', reads)).toContain(SYNTAX);
    expect(await rulesFor('drizzle.config.ts', reads)).toContain(SYNTAX);
    for (const file of ['src-main/config.ts', 'src-hub/config.ts', 'src-main/services/probe.test.ts', 'bench/probe.ts', 'e2e/probe.spec.ts', 'test-support/probe.ts', 'electron.vite.config.ts']) {
      expect(await rulesFor(file, reads), file).toEqual([]);
    }
    expect(await rulesFor('src-main/services/probe.ts', 'export const a = process.env.HOME;\n')).toEqual([]);
  });
});
