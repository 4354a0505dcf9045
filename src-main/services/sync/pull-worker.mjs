// Worker bootstrap: loads the TypeScript pull worker through tsx, like bin/pronto.mjs does.
import { register } from 'tsx/esm/api';

register();
await import('./pull-worker.ts');
