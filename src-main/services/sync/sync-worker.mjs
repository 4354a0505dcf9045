// Worker bootstrap: loads the TypeScript sync thread through tsx, like bin/pronto.mjs does.
import { register } from 'tsx/esm/api';

register();
await import('./sync-worker.ts');
