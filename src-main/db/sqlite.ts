// The SQLite handle type, on its own so the query modules and the store that runs them do not import each other.
import type Database from 'better-sqlite3';

export type Sqlite = Database.Database;
