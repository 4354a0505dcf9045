#!/usr/bin/env node
// `pronto` CLI. Runs the TypeScript sources through tsx's loader (compiled once per process),
// so the CLI, the web host and the benchmarks execute exactly the code the tests cover.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
