/**
 * History queries over the global history table, newest first: instance
 * (`[type]/[id]/_history`), type (`[type]/_history`) and system (`/_history`) level, with
 * `_since`, `_at`, `_count` and an opaque cursor (the history sequence number of the last version
 * returned). https://hl7.org/fhir/R4/http.html#history
 */
import { fhirError } from '../../errors/outcome';
import type { HistoryPage, HistoryQuery } from '../store';
import { RESOURCE_COLUMNS, toEpochMs, toStoredResource, type ResourceRow } from './rows';
import { HISTORY_TABLE } from './schema';
import { andSql, sql, TRUE, type Sql } from './sql';
import type { StatementCache } from './statement-cache';

const CURSOR_PREFIX = 'h1:';

/**
 * Encodes a history sequence number as an opaque cursor.
 * @param seq - the sequence number of the last version on the page.
 */
export function encodeHistoryCursor(seq: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${seq}`, 'utf8').toString('base64url');
}

/**
 * Decodes a cursor from encodeHistoryCursor; throws TESSERA_E_SEARCH_INVALID_CURSOR otherwise.
 * @param cursor - the opaque cursor.
 */
export function decodeHistoryCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const seq = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(seq) || seq < 0) {
    throw fhirError('TESSERA_E_SEARCH_INVALID_CURSOR', 'Invalid history paging cursor');
  }
  return seq;
}

function filters(query: HistoryQuery): Sql {
  const parts: Sql[] = [];
  if (query.resourceType !== undefined) {
    parts.push(sql('type = ?', query.resourceType));
    if (query.id !== undefined) {
      parts.push(sql('id = ?', query.id));
    }
  }
  if (query.since !== undefined) {
    parts.push(sql('last_updated_ms >= ?', toEpochMs(query.since, '_since')));
  }
  if (query.at !== undefined) {
    parts.push(sql('last_updated_ms <= ?', toEpochMs(query.at, '_at')));
  }
  return andSql(parts);
}

/**
 * Reads one page of history. `total` is reported for instance history only (cheap there; a
 * count over the whole type or system history would scan it).
 * @param cache - statements of the connection to read from.
 * @param query - the history query.
 */
export function queryHistory(cache: StatementCache, query: HistoryQuery): HistoryPage {
  const where = filters(query);
  const cursor = query.cursor === undefined ? TRUE : sql('seq < ?', decodeHistoryCursor(query.cursor));
  const all = andSql([where, cursor]);
  const count = Math.max(0, query.count);
  const rows = cache
    .get(`SELECT seq, type, ${RESOURCE_COLUMNS} FROM ${HISTORY_TABLE} WHERE ${all.text} ORDER BY seq DESC LIMIT ?`)
    .all(...all.params, count + 1) as (ResourceRow & { seq: number; type: string })[];
  const page = rows.slice(0, count);
  const last = page[page.length - 1];
  const next = rows.length > count && last !== undefined ? encodeHistoryCursor(last.seq) : undefined;
  const instance = query.resourceType !== undefined && query.id !== undefined;
  const total = instance
    ? (
        cache.get(`SELECT count(*) AS n FROM ${HISTORY_TABLE} WHERE ${where.text}`).get(...where.params) as {
          n: number;
        }
      ).n
    : undefined;
  return {
    versions: page.map((r) => toStoredResource(r.type, r)),
    ...(next === undefined ? {} : { next }),
    ...(total === undefined ? {} : { total }),
  };
}
