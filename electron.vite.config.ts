import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { workerBundleInputs } from './src-shared/node/worker-entries';
import { CSP_META } from './src-shared/api/csp';

/** index.html's CSP meta tag holds the policy both hosts send (src-shared/api/csp.ts), not a copy. */
const cspMeta = { name: 'pronto-csp-meta', transformIndexHtml: (html: string) => html.replace('%RENDERER_CSP%', CSP_META) };

// Main and preload are CommonJS so the preload runs with sandbox: true (an ESM preload would not).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // The main and every worker of the list (src-shared/node/worker-entries.ts): out/main/index.cjs
        // and out/main/workers/<name>.cjs, where the Electron main starts them (useBundledWorkers).
        input: { index: resolve(__dirname, 'src-main/electron/main.ts'), ...workerBundleInputs(__dirname) },
        external: ['better-sqlite3', 'electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/electron/preload.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [react(), cspMeta],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: process.env.PRONTO_NO_MINIFY ? false : true,
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
