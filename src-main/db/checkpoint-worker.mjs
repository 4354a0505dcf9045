// Worker bootstrap: loads the TypeScript checkpoint worker through tsx, like bin/pronto.mjs does.
import { register } from 'tsx/esm/api';

register();
await import('./checkpoint-worker.ts');
