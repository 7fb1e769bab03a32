/**
 * Tiny helpers for building parameterized SQL: a fragment is SQL text plus its positional
 * parameters, so compiled plans never splice values into the text (and the text stays a good
 * prepared-statement cache key).
 */

/** A value better-sqlite3 can bind. */
export type SqlValue = string | number | bigint | Buffer | null;

/** A piece of SQL with its `?` parameters, in order. */
export interface Sql {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

/** A fragment that never matches (compiled `none`, empty OR, type without tables). */
export const FALSE: Sql = { text: '0', params: [] };

/** A fragment that always matches (empty AND). */
export const TRUE: Sql = { text: '1', params: [] };

/**
 * Builds a fragment.
 * @param text - SQL text with `?` placeholders.
 * @param params - values for the placeholders, in order.
 */
export function sql(text: string, ...params: SqlValue[]): Sql {
  return { text, params };
}

/**
 * Joins fragments with a separator (e.g. `' AND '`), concatenating their parameters.
 * @param parts - the fragments.
 * @param separator - SQL text placed between fragments.
 */
export function joinSql(parts: readonly Sql[], separator: string): Sql {
  return { text: parts.map((p) => p.text).join(separator), params: parts.flatMap((p) => p.params) };
}

/**
 * ANDs fragments (TRUE when empty), parenthesized.
 * @param parts - the fragments.
 */
export function andSql(parts: readonly Sql[]): Sql {
  if (parts.length === 0) {
    return TRUE;
  }
  if (parts.length === 1) {
    return parts[0] as Sql;
  }
  const joined = joinSql(parts, ' AND ');
  return { text: `(${joined.text})`, params: joined.params };
}

/**
 * ORs fragments (FALSE when empty), parenthesized.
 * @param parts - the fragments.
 */
export function orSql(parts: readonly Sql[]): Sql {
  if (parts.length === 0) {
    return FALSE;
  }
  if (parts.length === 1) {
    return parts[0] as Sql;
  }
  const joined = joinSql(parts, ' OR ');
  return { text: `(${joined.text})`, params: joined.params };
}

/**
 * A `?, ?, ?` placeholder list for an IN list.
 * @param count - number of placeholders (at least 1).
 */
export function placeholders(count: number): string {
  return new Array<string>(count).fill('?').join(', ');
}

/**
 * Upper bound for an index-friendly prefix range: every string starting with `prefix` sorts
 * (BINARY collation, UTF-8 byte order) at or above `prefix` and below `prefix + U+10FFFF`.
 * @param prefix - the prefix.
 */
export function prefixUpperBound(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

/**
 * Largest magnitude stored for number/date bounds. SQLite REAL could hold IEEE infinities, but
 * they do not survive every binding path, so `-Infinity`/`Infinity` (open-ended periods, ranges
 * without a bound) are stored and compared as `-Number.MAX_VALUE`/`Number.MAX_VALUE`.
 */
export const MAX_BOUND = Number.MAX_VALUE;

/**
 * Maps a number/date bound to the value stored and compared in SQLite (infinities clamped to
 * +/- MAX_BOUND; NaN rejected).
 * @param value - the bound.
 */
export function toDbNumber(value: number): number {
  if (Number.isNaN(value)) {
    throw new RangeError('NaN cannot be stored or compared as a search bound');
  }
  return Math.max(-MAX_BOUND, Math.min(MAX_BOUND, value));
}
