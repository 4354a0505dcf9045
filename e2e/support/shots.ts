// Where the specs leave screenshots for people to look at (kept across runs, outside test-results).
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SHOTS_DIR = process.env.PRONTO_SHOTS_DIR ?? join(tmpdir(), 'pronto-telephony-shots');
