// The one way the desktop reads typed rows: a prepared statement whose row type comes from the
// drizzle schema (schema.ts) — each result column named by its drizzle column, so its TypeScript
// type (nullability and enums included) is the table's `$inferSelect` type of that column — and
// whose SQL is checked against those columns once, when it is prepared. Rows stay raw arrays or
// plucked values, exactly as better-sqlite3 returns them: no query building and no per-row copy
// on the hot path (the pop measured 4-5x slower with drizzle queries rebuilt per call).
import type Database from 'better-sqlite3';
import { getTableName, type Column, type GetColumnData } from 'drizzle-orm';
import type { Sqlite } from '../sqlite';

/** A result column the SQL computes (aggregate, subquery, sqlite_master, pragma): its type is declared here. */
export interface Computed<T> {
  readonly computed: true;
  /** Type only: never set. */
  readonly type?: T;
}
const COMPUTED: Computed<never> = { computed: true };
/** `computed<number>()`: a result column with no table column behind it. */
export function computed<T>(): Computed<T> {
  return COMPUTED as Computed<T>;
}

export type ResultColumn = Column | Computed<unknown>;
export type ValueOf<C> = C extends Column ? GetColumnData<C> : C extends Computed<infer T> ? T : never;
/** The raw row of a list of result columns: a tuple in their order. */
export type RowOf<C extends readonly ResultColumn[]> = { -readonly [I in keyof C]: ValueOf<C[I]> };

export type TypedStatement<Row, Params extends unknown[] = unknown[]> = Database.Statement<Params, Row>;

/**
 * `SELECT … ` returning raw rows typed by `columns`. Throws when prepared if the statement's
 * result columns are not these (count, and the table and column of each schema column): a
 * renamed column or a reordered SELECT fails at start-up and in the unit tests, not in a pop.
 */
export function rawStatement<const C extends readonly ResultColumn[], Params extends unknown[] = unknown[]>(
  sqlite: Sqlite, sql: string, columns: C,
): TypedStatement<RowOf<C>, Params> {
  const stmt = sqlite.prepare<Params, RowOf<C>>(sql);
  checkColumns(stmt, columns);
  return stmt.raw();
}

/** A statement returning the single value of its only result column (`.pluck()`), typed by `column`. */
export function pluckStatement<const C extends ResultColumn, Params extends unknown[] = unknown[]>(
  sqlite: Sqlite, sql: string, column: C,
): TypedStatement<ValueOf<C>, Params> {
  const stmt = sqlite.prepare<Params, ValueOf<C>>(sql);
  checkColumns(stmt, [column]);
  return stmt.pluck();
}

function checkColumns(stmt: { source: string; columns(): Database.ColumnDefinition[] }, columns: readonly ResultColumn[]): void {
  const got = stmt.columns();
  const fail = (why: string) => {
    throw new Error(`typed statement: ${why}\n  in: ${stmt.source.replace(/\s+/g, ' ').trim()}`);
  };
  if (got.length !== columns.length) fail(`returns ${got.length} columns, ${columns.length} declared`);
  columns.forEach((c, i) => {
    if ('computed' in c) return;
    const g = got[i]!;
    const table = getTableName(c.table);
    if (g.table !== table || g.column !== c.name) {
      fail(`result column ${i + 1} (${g.name}) is ${g.table ? `${g.table}.${g.column}` : 'computed'}, declared ${table}.${c.name}`);
    }
  });
}
