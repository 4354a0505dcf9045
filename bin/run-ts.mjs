#!/usr/bin/env node
// Runs a TypeScript entry (benchmarks, scripts) with the same loader as the CLI. Also the one
// bootstrap of every worker thread run from source: src-shared/node/worker-host.ts starts it in
// the thread with the worker's `.ts` as its argument (the Electron bundle has its own files).
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

register();
const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: run-ts.mjs FILE.ts [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], resolve(entry), ...rest];
await import(pathToFileURL(resolve(entry)).href);
