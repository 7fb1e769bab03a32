/**
 * History, https://hl7.org/fhir/R4/http.html#history: instance, type and system history from the
 * `history` collection, newest first (lastUpdated descending, then `Type/id/version` descending so
 * that versions written in the same millisecond still come newest first). Paging uses an opaque
 * keyset cursor, the (lastUpdatedMs, _id) of the last version returned.
 */
import type { ClientSession, Db, Document } from 'mongodb';
import { fhirError } from '../../errors/outcome';
import type { HistoryPage, HistoryQuery } from '../store';
import { HISTORY_COLLECTION } from './collections';
import { toStoredResource, type HistoryDocument } from './document';

/** Newest first; matches the history indexes (collections.ts). */
export const HISTORY_SORT = { lastUpdatedMs: -1, _id: -1 } as const;

interface HistoryCursor {
  readonly ms: number;
  readonly key: string;
}

/**
 * Encodes the position after `doc` as an opaque cursor.
 * @param doc - the last version of a page.
 */
export function encodeHistoryCursor(doc: Pick<HistoryDocument, 'lastUpdatedMs' | '_id'>): string {
  return Buffer.from(JSON.stringify([doc.lastUpdatedMs, doc._id]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by encodeHistoryCursor.
 * @param cursor - the opaque cursor.
 */
export function decodeHistoryCursor(cursor: string): HistoryCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && typeof parsed[0] === 'number' && typeof parsed[1] === 'string') {
      return { ms: parsed[0], key: parsed[1] };
    }
  } catch {
    // falls through to the error below
  }
  throw fhirError('TESSERA_E_SEARCH_INVALID_CURSOR', 'Invalid history cursor');
}

function instant(value: string, name: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw fhirError('TESSERA_E_SEARCH_INVALID_VALUE', `${name} is not a valid instant`, name);
  }
  return ms;
}

/**
 * The filter of a history query, without its cursor (the count filter).
 * @param query - the history query.
 */
export function historyFilter(query: HistoryQuery): Document {
  const filter: Document = {};
  if (query.resourceType !== undefined) {
    filter.type = query.resourceType;
    if (query.id !== undefined) {
      filter.id = query.id;
    }
  }
  const range: Document = {};
  if (query.since !== undefined) {
    range.$gte = instant(query.since, '_since');
  }
  if (query.at !== undefined) {
    range.$lte = instant(query.at, '_at');
  }
  if (Object.keys(range).length > 0) {
    filter.lastUpdatedMs = range;
  }
  return filter;
}

/**
 * The filter of one page: the query's filter and the versions older than the cursor.
 * @param query - the history query.
 */
export function historyPageFilter(query: HistoryQuery): Document {
  const filter = historyFilter(query);
  if (query.cursor === undefined) {
    return filter;
  }
  const { ms, key } = decodeHistoryCursor(query.cursor);
  return {
    ...filter,
    $or: [{ lastUpdatedMs: { $lt: ms } }, { lastUpdatedMs: ms, _id: { $lt: key } }],
  };
}

/**
 * Reads one page of history.
 * @param db - the database.
 * @param session - the transaction's session, if any.
 * @param query - the history query.
 */
export async function readHistory(
  db: Db,
  session: ClientSession | undefined,
  query: HistoryQuery,
): Promise<HistoryPage> {
  const collection = db.collection<HistoryDocument>(HISTORY_COLLECTION);
  // Like the SQLite backend, the total is reported for instance history only: counting a whole
  // type's or the system's history would scan that index.
  const instance = query.resourceType !== undefined && query.id !== undefined;
  const total = instance ? await collection.countDocuments(historyFilter(query), { session }) : undefined;
  if (query.count <= 0) {
    return total === undefined ? { versions: [] } : { versions: [], total };
  }
  const docs = await collection
    .find(historyPageFilter(query), { session, sort: HISTORY_SORT, limit: query.count + 1 })
    .toArray();
  const page = docs.slice(0, query.count);
  const last = page[page.length - 1];
  const versions = page.map((d) => toStoredResource(d.type, d.id, d));
  const next = docs.length > query.count && last ? encodeHistoryCursor(last) : undefined;
  return { versions, ...(next === undefined ? {} : { next }), ...(total === undefined ? {} : { total }) };
}
