/**
 * Collection naming and index specifications.
 *
 * One collection per resource type, named exactly like the type (`Patient`, `Observation`), holds
 * current versions; the `history` collection holds every version. Type collections are created
 * lazily, with their indexes, the first time a type is written (outside the writing transaction,
 * see MongoStoreSession.write); `init()` (re)creates the indexes of every type collection that
 * already exists. Index arrays are matched with `$elemMatch`, so each multikey compound index
 * below starts with the entry's `c` (parameter code) and can bound every field of the match
 * (https://www.mongodb.com/docs/manual/core/indexes/index-types/index-multikey/).
 */
import type { Db, IndexDescription } from 'mongodb';

/** The collection that keeps every version of every resource. */
export const HISTORY_COLLECTION = 'history';

const TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;

/**
 * The collection holding current versions of a resource type.
 * @param resourceType - a FHIR resource type name.
 */
export function typeCollectionName(resourceType: string): string {
  if (!TYPE_NAME.test(resourceType)) {
    throw new Error(`Not a resource type name: ${JSON.stringify(resourceType)}`);
  }
  return resourceType;
}

/**
 * Whether a collection name is a resource type collection (other collections of the database,
 * like `history`, the work queue or GridFS buckets, start with a lower-case letter).
 * @param name - a collection name.
 */
export function isTypeCollectionName(name: string): boolean {
  return TYPE_NAME.test(name);
}

/** Indexes of every resource type collection. */
export const TYPE_INDEXES: readonly IndexDescription[] = [
  { name: 'tok', key: { 'tok.c': 1, 'tok.v': 1, 'tok.s': 1 } },
  { name: 'str_norm', key: { 'str.c': 1, 'str.n': 1 } },
  { name: 'str_exact', key: { 'str.c': 1, 'str.e': 1 } },
  { name: 'ref', key: { 'ref.c': 1, 'ref.ti': 1, 'ref.tt': 1 } },
  { name: 'ref_url', key: { 'ref.c': 1, 'ref.r': 1 } },
  { name: 'dt', key: { 'dt.c': 1, 'dt.lo': 1, 'dt.hi': 1 } },
  { name: 'num', key: { 'num.c': 1, 'num.lo': 1, 'num.hi': 1 } },
  { name: 'qty', key: { 'qty.c': 1, 'qty.lo': 1, 'qty.hi': 1 } },
  { name: 'uri', key: { 'uri.c': 1, 'uri.v': 1 } },
  { name: 'cmp', key: { 'cmp.c': 1, 'cmp.v': 1, 'cmp.s': 1 } },
  { name: 'compartments', key: { compartments: 1 } },
  { name: 'last_updated', key: { lastUpdatedMs: 1 } },
];

/** Indexes of the history collection: instance, type and system history, newest first. */
export const HISTORY_INDEXES: readonly IndexDescription[] = [
  { name: 'instance', key: { type: 1, id: 1, lastUpdatedMs: -1, _id: -1 } },
  { name: 'type', key: { type: 1, lastUpdatedMs: -1, _id: -1 } },
  { name: 'system', key: { lastUpdatedMs: -1, _id: -1 } },
];

/** Creates collections and their indexes once per process (createIndexes is idempotent). */
export class CollectionRegistry {
  private readonly ready = new Map<string, Promise<void>>();

  constructor(private readonly db: Db) {}

  /** Creates the history collection and the indexes of every existing type collection. */
  async init(): Promise<void> {
    await this.ensure(HISTORY_COLLECTION, HISTORY_INDEXES);
    const names = await this.db.listCollections({}, { nameOnly: true }).toArray();
    for (const { name } of names) {
      if (isTypeCollectionName(name)) {
        await this.ensureType(name);
      }
    }
  }

  /**
   * Makes sure the collection of `resourceType` exists with its indexes.
   * @param resourceType - the resource type about to be written.
   */
  ensureType(resourceType: string): Promise<void> {
    return this.ensure(typeCollectionName(resourceType), TYPE_INDEXES);
  }

  private ensure(name: string, indexes: readonly IndexDescription[]): Promise<void> {
    let pending = this.ready.get(name);
    if (!pending) {
      pending = this.db
        .collection(name)
        .createIndexes([...indexes])
        .then(() => undefined);
      // A failed attempt is forgotten so that the next write tries again.
      pending.catch(() => this.ready.delete(name));
      this.ready.set(name, pending);
    }
    return pending;
  }
}
