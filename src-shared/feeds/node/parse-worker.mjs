// Worker bootstrap: loads the TypeScript parser through tsx, like bin/pronto.mjs does.
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker.ts');
