// NDJSON feeds: one JSON object per line, keyed by the CSV column names of the feed. Values are
// turned into the text a CSV cell would hold and read by the same row readers as CSV
// (src-shared/feeds/spec.ts), so both formats accept and reject exactly the same rows.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { FEED_COLUMNS, readers, type FeedKind, type FeedRows, type FieldError } from '../../src-shared/feeds/spec';
import type { FeedProblem, FeedRecord, FeedSource, ReadFeedOptions } from '../../src-shared/feeds/node/csv';

function toStream(src: FeedSource): Readable {
  if (typeof src === 'string') return createReadStream(src, { highWaterMark: 1 << 20 });
  if (Buffer.isBuffer(src)) return Readable.from([src]);
  return src;
}

function cell(v: unknown): string | null {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return null;
}

/** Same contract as readFeed (src-shared/feeds/node/csv.ts) for NDJSON input. */
export async function readNdjsonFeed<K extends FeedKind>(kind: K, src: FeedSource, opts: ReadFeedOptions<K>): Promise<number> {
  const columns = FEED_COLUMNS[kind] as readonly string[];
  const read = readers[kind] as (rec: Record<string, string>) => { row: FeedRows[K]; errors: FieldError[] };
  const batchSize = opts.batchSize ?? 5000;
  const problem = (p: FeedProblem) => opts.onProblem(p);
  let batch: FeedRecord<K>[] = [];
  let line = 0;
  let seen = 0;
  const rl = createInterface({ input: toStream(src), crlfDelay: Infinity });
  for await (const text of rl) {
    line++;
    const t = line === 1 ? text.replace(/^\uFEFF/, '').trim() : text.trim();
    if (t === '') continue;
    seen++;
    let obj: unknown;
    try {
      obj = JSON.parse(t);
    } catch (e) {
      problem({ line, column: '*', reason: `is not valid JSON (${(e as Error).message})` });
      continue;
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
      problem({ line, column: '*', reason: 'is not a JSON object' });
      continue;
    }
    const rec: Record<string, string> = {};
    let bad = false;
    for (const c of columns) {
      const v = cell((obj as Record<string, unknown>)[c]);
      if (v === null) {
        problem({ line, column: c, reason: 'must be a string, a number or null' });
        bad = true;
      } else rec[c] = v;
    }
    if (bad) continue;
    const { row, errors } = read(rec);
    if (errors.length) for (const e of errors) problem({ line, ...e });
    else batch.push({ line, row });
    if (batch.length >= batchSize) {
      const out = batch;
      batch = [];
      await opts.onBatch(out);
    }
  }
  if (batch.length) await opts.onBatch(batch);
  return seen;
}
