// drizzle-kit config for the hub (PostgreSQL). `npx drizzle-kit generate --config drizzle.hub.config.ts`
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src-hub/db/schema.ts',
  out: './migrations/hub',
});
