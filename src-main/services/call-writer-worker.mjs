// Worker bootstrap: loads the TypeScript call writer through tsx, like bin/pronto.mjs does.
import { register } from 'tsx/esm/api';

register();
await import('./call-writer-worker.ts');
