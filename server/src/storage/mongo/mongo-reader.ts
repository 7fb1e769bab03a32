/**
 * The read side of the Store port on MongoDB, shared by the store (no session) and by transaction
 * sessions (every read carries the session, so it sees the transaction's own writes).
 */
import type { ClientSession, Db } from 'mongodb';
import type { SearchPlan } from '../../search/plan';
import type { HistoryPage, HistoryQuery, StoreReader, StoreSearchResult, StoredResource } from '../store';
import { HISTORY_COLLECTION, typeCollectionName } from './collections';
import { historyKey, toStoredResource, VERSION_PROJECTION, type HistoryDocument, type VersionFields } from './document';
import { readHistory } from './history';
import { databaseSearchSource, runSearch } from './search';

type CurrentVersion = VersionFields & { _id: string };

/** StoreReader over a database, optionally inside a transaction. */
export class MongoReader implements StoreReader {
  /**
   * @param db - the database.
   * @param session - the transaction's session; undefined outside transactions.
   */
  constructor(
    protected readonly db: Db,
    protected readonly session: ClientSession | undefined,
  ) {}

  /** @inheritdoc */
  async readCurrent(resourceType: string, id: string): Promise<StoredResource | undefined> {
    const doc = await this.db
      .collection<CurrentVersion>(typeCollectionName(resourceType))
      .findOne({ _id: id }, { projection: VERSION_PROJECTION, session: this.session });
    return doc ? toStoredResource(resourceType, id, doc) : undefined;
  }

  /** @inheritdoc */
  async readMany(refs: readonly { resourceType: string; id: string }[]): Promise<StoredResource[]> {
    const byType = new Map<string, Set<string>>();
    for (const { resourceType, id } of refs) {
      byType.set(resourceType, (byType.get(resourceType) ?? new Set()).add(id));
    }
    const found = new Map<string, StoredResource>();
    for (const [resourceType, ids] of byType) {
      const docs = await this.db
        .collection<CurrentVersion>(typeCollectionName(resourceType))
        .find({ _id: { $in: [...ids] } }, { projection: VERSION_PROJECTION, session: this.session })
        .toArray();
      for (const doc of docs) {
        found.set(`${resourceType}/${doc._id}`, toStoredResource(resourceType, doc._id, doc));
      }
    }
    // In the order asked for, each resource once.
    const out: StoredResource[] = [];
    for (const key of new Set(refs.map((r) => `${r.resourceType}/${r.id}`))) {
      const stored = found.get(key);
      if (stored) {
        out.push(stored);
      }
    }
    return out;
  }

  /** @inheritdoc */
  async readVersion(resourceType: string, id: string, versionId: number): Promise<StoredResource | undefined> {
    const doc = await this.db
      .collection<HistoryDocument>(HISTORY_COLLECTION)
      .findOne({ _id: historyKey(resourceType, id, versionId) }, { session: this.session });
    return doc ? toStoredResource(doc.type, doc.id, doc) : undefined;
  }

  /** @inheritdoc */
  search(plan: SearchPlan): Promise<StoreSearchResult> {
    return runSearch(databaseSearchSource(this.db, this.session), plan);
  }

  /** @inheritdoc */
  history(query: HistoryQuery): Promise<HistoryPage> {
    return readHistory(this.db, this.session, query);
  }
}
