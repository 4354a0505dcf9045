#!/usr/bin/env node
// `pronto-hub` CLI (the sync hub). Runs the TypeScript sources through tsx's loader, like
// bin/pronto.mjs, so the CLI executes exactly the code the tests cover.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-hub/cli.ts');
process.exitCode = await main(process.argv.slice(2));
