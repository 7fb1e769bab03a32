/**
 * Writes and deletes the search index rows of one resource row (`rid`): one row per IndexEntry
 * in the table of its kind, plus one row per compartment.
 * https://hl7.org/fhir/R4/search.html (entries are extracted upstream at write time).
 */
import type { IndexEntry } from '../../search/index-entries';
import { INDEX_TABLE_KINDS, indexTable, type IndexTableKind } from './schema';
import type { StatementCache } from './statement-cache';
import { encodeCompositePart, encodeIdentifierTypes } from './encoding';
import { toDbNumber, type SqlValue } from './sql';

const INSERT_COLUMNS: Record<IndexTableKind, readonly string[]> = {
  string: ['code', 'norm', 'exact'],
  token: ['code', 'system', 'value', 'text', 'types'],
  reference: ['code', 'target_type', 'target_id', 'ref', 'ident_system', 'ident_value'],
  date: ['code', 'low', 'high'],
  number: ['code', 'value', 'low', 'high'],
  quantity: ['code', 'value', 'low', 'high', 'system', 'unit'],
  uri: ['code', 'value'],
  composite: [
    'code',
    'system',
    'value',
    ...['p2', 'p3'].flatMap((p) => ['a', 'b', 'c', 'low', 'high'].map((c) => `${p}_${c}`)),
  ],
  compartment: ['compartment'],
};

const insertSqlCache = new Map<string, string>();

/** The INSERT statement text of a type's index table, built once per (type, kind): it runs for every entry. */
function insertSql(type: string, kind: IndexTableKind): string {
  const key = `${type}\u0000${kind}`;
  let sql = insertSqlCache.get(key);
  if (sql === undefined) {
    const cols = INSERT_COLUMNS[kind];
    sql = `INSERT INTO ${indexTable(type, kind)} (rid, seq, ${cols.join(', ')}) VALUES (?, ?, ${cols.map(() => '?').join(', ')})`;
    insertSqlCache.set(key, sql);
  }
  return sql;
}

function entryValues(entry: IndexEntry): SqlValue[] {
  switch (entry.kind) {
    case 'string':
      return [entry.code, entry.norm, entry.exact];
    case 'token':
      return [
        entry.code,
        entry.system ?? null,
        entry.value ?? null,
        entry.text ?? null,
        encodeIdentifierTypes(entry.identifierTypes),
      ];
    case 'reference':
      return [
        entry.code,
        entry.targetType ?? null,
        entry.targetId ?? null,
        entry.ref ?? null,
        entry.identifierSystem ?? null,
        entry.identifierValue ?? null,
      ];
    case 'date':
      return [entry.code, toDbNumber(entry.low), toDbNumber(entry.high)];
    case 'number':
      return [entry.code, toDbNumber(entry.value), toDbNumber(entry.low), toDbNumber(entry.high)];
    case 'quantity':
      return [
        entry.code,
        toDbNumber(entry.value),
        toDbNumber(entry.low),
        toDbNumber(entry.high),
        entry.system ?? null,
        entry.unit ?? null,
      ];
    case 'uri':
      return [entry.code, entry.value];
    case 'composite':
      return [
        entry.code,
        entry.system ?? null,
        entry.value ?? null,
        ...encodeCompositePart(entry.second),
        ...encodeCompositePart(entry.third),
      ];
  }
}

/**
 * Inserts the index rows and compartment rows of a resource row.
 * @param cache - statements of the write connection.
 * @param type - the resource type (tables exist).
 * @param rid - the current row's rowid.
 * @param index - the index entries.
 * @param compartments - compartment memberships such as `Patient/123`.
 */
export function insertIndexRows(
  cache: StatementCache,
  type: string,
  rid: number,
  index: readonly IndexEntry[],
  compartments: readonly string[],
): void {
  // seq numbers rows within the resource (the clustered key is (rid, seq)); unique across kinds.
  let seq = 0;
  for (const entry of index) {
    cache.get(insertSql(type, entry.kind)).run(rid, seq++, ...entryValues(entry));
  }
  for (const compartment of new Set(compartments)) {
    cache.get(insertSql(type, 'compartment')).run(rid, seq++, compartment);
  }
}

/**
 * Deletes every index and compartment row of a resource row.
 * @param cache - statements of the write connection.
 * @param type - the resource type (tables exist).
 * @param rid - the current row's rowid.
 */
export function deleteIndexRows(cache: StatementCache, type: string, rid: number): void {
  for (const kind of INDEX_TABLE_KINDS) {
    cache.get(`DELETE FROM ${indexTable(type, kind)} WHERE rid = ?`).run(rid);
  }
}
