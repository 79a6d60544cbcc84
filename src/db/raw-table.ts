import type { Database, SQLQueryBindings } from "bun:sqlite";
import { getTableColumns, getTableName, type Table } from "drizzle-orm";
import type { Db } from "./client.ts";

/**
 * Cached raw statements for a drizzle table, for code that runs many times a second (the
 * download reconciler's tick). Building SQL through drizzle on every call is the hottest code
 * of a long download: JSC's top JIT tier then compiles drizzle's query builder and briefly takes
 * 15-25 MB of native memory. Here the SQL text is built once per call site and bun:sqlite
 * caches the compiled statement; rows come back in drizzle's shape (booleans, buffers).
 */

export function sqliteOf(db: Db): Database {
  return (db as unknown as { $client: Database }).$client;
}

/** A list bound as one parameter: `"col" IN (SELECT value FROM json_each(?))` keeps one statement for every length. */
export const IN_LIST = "(SELECT value FROM json_each(?))";
export const inList = (values: readonly (string | number)[]): string => JSON.stringify(values);

/** Column kinds whose raw SQLite value needs no mapping, or the one done below. */
const SUPPORTED = new Set(["SQLiteText", "SQLiteInteger", "SQLiteReal", "SQLiteBoolean", "SQLiteBlobBuffer"]);

export interface RawTable<Row> {
  readonly name: string;
  /** Every column, quoted, comma-separated (optionally without some). */
  columnList(omit?: readonly string[]): string;
  all(db: Db, sqlText: string, ...params: SQLQueryBindings[]): Row[];
  get(db: Db, sqlText: string, ...params: SQLQueryBindings[]): Row | undefined;
  /**
   * UPDATE … SET (the patch's defined keys) WHERE `key` = ?; returns the rows changed. With
   * `sticky`, a row whose column already holds that value keeps it (the other keys are written).
   */
  update(
    db: Db,
    keyColumn: string,
    key: string | number,
    patch: Record<string, unknown>,
    sticky?: { column: string; value: string },
  ): number;
}

export function rawTable<Row>(table: Table): RawTable<Row> {
  const name = getTableName(table);
  const columns = Object.entries(getTableColumns(table));
  // The raw rows are returned as drizzle rows: that only holds when keys are the column names.
  for (const [key, column] of columns)
    if (key !== column.name) throw new Error(`${name}.${key}: property and column names differ`);
  for (const [key, column] of columns)
    if (!SUPPORTED.has(column.columnType))
      throw new Error(`${name}.${key}: ${column.columnType} is not mapped here`);
  const names = new Set(columns.map(([key]) => key));
  const booleans = columns.filter(([, c]) => c.columnType === "SQLiteBoolean").map(([key]) => key);
  const buffers = columns.filter(([, c]) => c.columnType === "SQLiteBlobBuffer").map(([key]) => key);

  const toRow = (raw: Record<string, unknown>): Row => {
    for (const key of booleans) if (key in raw) raw[key] = raw[key] === 1;
    for (const key of buffers) {
      const value = raw[key];
      if (value instanceof Uint8Array && !Buffer.isBuffer(value))
        raw[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
    return raw as Row;
  };
  const bindable = (value: unknown): SQLQueryBindings =>
    typeof value === "boolean" ? (value ? 1 : 0) : (value as SQLQueryBindings);

  return {
    name,
    columnList(omit = []) {
      return [...names]
        .filter((n) => !omit.includes(n))
        .map((n) => `"${n}"`)
        .join(", ");
    },
    all(db, sqlText, ...params) {
      const rows = sqliteOf(db)
        .query(sqlText)
        .all(...params) as Array<Record<string, unknown>>;
      for (const row of rows) toRow(row);
      return rows as Row[];
    },
    get(db, sqlText, ...params) {
      const row = sqliteOf(db)
        .query(sqlText)
        .get(...params) as Record<string, unknown> | null;
      return row ? toRow(row) : undefined;
    },
    update(db, keyColumn, key, patch, sticky) {
      const keys = Object.keys(patch).filter((k) => patch[k] !== undefined);
      if (keys.length === 0) return 0;
      for (const k of keys) if (!names.has(k)) throw new Error(`${name} has no column ${k}`);
      if (sticky && !names.has(sticky.column)) throw new Error(`${name} has no column ${sticky.column}`);
      const assign = (k: string) =>
        sticky?.column === k
          ? `"${k}" = CASE WHEN "${k}" = '${sticky.value.replaceAll("'", "''")}' THEN "${k}" ELSE ? END`
          : `"${k}" = ?`;
      const sqlText = `UPDATE "${name}" SET ${keys.map(assign).join(", ")} WHERE "${keyColumn}" = ?`;
      const result = sqliteOf(db)
        .query(sqlText)
        .run(...keys.map((k) => bindable(patch[k])), key);
      return result.changes;
    },
  };
}
