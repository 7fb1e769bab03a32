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
 *
 * The durable records (server/src/durable/, implemented in durable/) live in `queue`, `messages`
 * and `state`, created with their indexes by `init()` so that transactions never create them.
 */
import type { Collection, Db, Document, IndexDescription } from 'mongodb';
import { MongoServerError } from 'mongodb';

/** The collection that keeps every version of every resource. */
export const HISTORY_COLLECTION = 'history';
/** The durable work queue (durable/queue.ts). */
export const QUEUE_COLLECTION = 'queue';
/** The inbound message log (durable/messages.ts). */
export const MESSAGES_COLLECTION = 'messages';
/** Key/value process state (durable/state.ts). */
export const STATE_COLLECTION = 'state';

/** NamespaceExists: createCollection on a collection that is already there. */
const NAMESPACE_EXISTS = 48;

/**
 * A durable-record collection whose writes outside transactions wait for a majority of the
 * replica set (a receipt or a lease must survive a failover). Inside a transaction the driver
 * leaves the write concern to the commit, which uses majority too (mongo-store.ts).
 * @param db - the database.
 * @param name - QUEUE_COLLECTION, MESSAGES_COLLECTION or STATE_COLLECTION.
 */
export function durableCollection<T extends Document>(db: Db, name: string): Collection<T> {
  return db.collection<T>(name, { writeConcern: { w: 'majority' } });
}

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

/**
 * Indexes of the work queue: one job per (topic, key) when a key is given (the field is absent
 * otherwise, so the partial index leaves unkeyed jobs out); due jobs per status and topic in
 * lease order; expired leases.
 */
export const QUEUE_INDEXES: readonly IndexDescription[] = [
  { name: 'dedupe', key: { topic: 1, key: 1 }, unique: true, partialFilterExpression: { key: { $exists: true } } },
  { name: 'due', key: { status: 1, topic: 1, availableAt: 1, _id: 1 } },
  { name: 'lease_expiry', key: { status: 1, leaseUntil: 1 } },
  { name: 'topic', key: { topic: 1, _id: 1 } },
];

/** Indexes of the message log: one message per (protocol, sender, control id); listing per status and sender. */
export const MESSAGE_INDEXES: readonly IndexDescription[] = [
  { name: 'control', key: { protocol: 1, sender: 1, controlId: 1 }, unique: true },
  { name: 'status', key: { status: 1, _id: -1 } },
  { name: 'sender', key: { sender: 1, _id: -1 } },
];

/** Creates collections and their indexes once per process (createIndexes is idempotent). */
export class CollectionRegistry {
  private readonly ready = new Map<string, Promise<void>>();

  constructor(private readonly db: Db) {}

  /** Creates the history and durable-record collections and the indexes of every existing type collection. */
  async init(): Promise<void> {
    await this.ensure(HISTORY_COLLECTION, HISTORY_INDEXES);
    await this.ensure(QUEUE_COLLECTION, QUEUE_INDEXES);
    await this.ensure(MESSAGES_COLLECTION, MESSAGE_INDEXES);
    await this.ensure(STATE_COLLECTION, []);
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
      pending = indexes.length > 0 ? this.createIndexes(name, indexes) : this.createCollection(name);
      // A failed attempt is forgotten so that the next write tries again.
      pending.catch(() => this.ready.delete(name));
      this.ready.set(name, pending);
    }
    return pending;
  }

  private async createIndexes(name: string, indexes: readonly IndexDescription[]): Promise<void> {
    await this.db.collection(name).createIndexes([...indexes]);
  }

  /** Creates a collection that needs no index beyond `_id` (idempotent). */
  private async createCollection(name: string): Promise<void> {
    try {
      await this.db.createCollection(name);
    } catch (err) {
      if (!(err instanceof MongoServerError && err.code === NAMESPACE_EXISTS)) {
        throw err;
      }
    }
  }
}
