/**
 * The change feed on MongoDB (server/src/durable/change-feed.ts): the `history` collection read
 * in (lastUpdatedMs, _id) order, the order of its `system` index. A position is that pair,
 * `1714979289123/Patient/0190…/0000000002`, readable in the `state` collection where a
 * dispatcher keeps it.
 *
 * Limitation: on SQLite the feed is in commit order by construction (one writer, a sequence
 * number). Here several processes commit concurrently, and `lastUpdated` is stamped by the
 * writing process *before* its transaction commits, so a transaction with an earlier timestamp
 * can commit after one with a later timestamp. A reader that had already moved past the later
 * one would never see the earlier one. MongoDB offers no commit sequence that a document can
 * carry (a shared counter document would serialize every writer of the cluster), and change
 * streams only reach back as far as the oplog, which a feed that must never lose a change
 * cannot rely on.
 *
 * Mitigation: the feed only shows versions whose lastUpdated is older than a settle window
 * (default 2 s, `changeSettleMs`). A transaction that committed within the window after its
 * timestamp, the normal case by orders of magnitude (repository transactions take
 * milliseconds), is always seen, in its place. What the window cannot cover: a transaction
 * that commits later than `changeSettleMs` after its timestamp, or writers whose clocks run
 * behind the reader's by more than the window (run NTP; widen the window where transactions
 * are long). A reader should still tolerate re-delivery (enqueue with a deduplication key such
 * as `Type/id/version`): then it may also re-read an overlap from an older position, which is
 * the remedy when a wider window is needed after the fact.
 */
import type { Collection, Db, Document } from 'mongodb';
import type { ChangeFeed, ChangeRecord } from '../../../durable/change-feed';
import { HISTORY_COLLECTION } from '../collections';
import type { HistoryDocument } from '../document';

/** How long a version stays out of the feed after its lastUpdated, by default. */
export const DEFAULT_CHANGE_SETTLE_MS = 2000;

/** Commit order as far as the feed knows it; the `system` history index read forwards. */
export const CHANGE_ORDER = { lastUpdatedMs: 1, _id: 1 } as const;

/** The feed reads version metadata only, never the resource JSON. */
const CHANGE_PROJECTION = { type: 1, id: 1, versionId: 1, deleted: 1, lastUpdated: 1, lastUpdatedMs: 1 } as const;

type ChangeDocument = Pick<HistoryDocument, keyof typeof CHANGE_PROJECTION | '_id'>;

/**
 * The position of a history document.
 * @param doc - its lastUpdatedMs and `_id`.
 */
export function encodeChangePosition(doc: Pick<HistoryDocument, 'lastUpdatedMs' | '_id'>): string {
  return `${doc.lastUpdatedMs}/${doc._id}`;
}

/**
 * Reads a position made by encodeChangePosition.
 * @param position - the position.
 */
export function decodeChangePosition(position: string): { ms: number; key: string } {
  const match = /^(-?\d{1,16})\/(.+)$/s.exec(position);
  const ms = Number(match?.[1]);
  if (!match?.[2] || !Number.isSafeInteger(ms)) {
    throw new Error(`Invalid change feed position ${JSON.stringify(position)}`);
  }
  return { ms, key: match[2] };
}

/**
 * The settled versions after a position.
 * @param after - a position, or undefined for the start.
 * @param cutoffMs - versions with a later lastUpdatedMs are not settled yet.
 */
export function changesFilter(after: string | undefined, cutoffMs: number): Document {
  const settled = { lastUpdatedMs: { $lte: cutoffMs } };
  if (after === undefined) {
    return settled;
  }
  const { ms, key } = decodeChangePosition(after);
  return { ...settled, $or: [{ lastUpdatedMs: { $gt: ms } }, { lastUpdatedMs: ms, _id: { $gt: key } }] };
}

/**
 * A history document as a change record.
 * @param doc - the version metadata.
 */
export function toChangeRecord(doc: ChangeDocument): ChangeRecord {
  return {
    resourceType: doc.type,
    id: doc.id,
    versionId: doc.versionId,
    deleted: doc.deleted,
    lastUpdated: doc.lastUpdated,
    position: encodeChangePosition(doc),
  };
}

/** The change feed on MongoDB. */
export class MongoChangeFeed implements ChangeFeed {
  private readonly history: Collection<HistoryDocument>;

  /**
   * @param db - the database.
   * @param settleMs - the settle window (see the header).
   * @param clock - the current time in epoch ms.
   */
  constructor(
    db: Db,
    private readonly settleMs: number = DEFAULT_CHANGE_SETTLE_MS,
    private readonly clock: () => number = Date.now,
  ) {
    // Majority reads: a version the feed hands out can no longer be rolled back by a failover.
    this.history = db.collection<HistoryDocument>(HISTORY_COLLECTION, { readConcern: { level: 'majority' } });
  }

  /** {@inheritDoc ChangeFeed.changesAfter} */
  async changesAfter(after: string | undefined, limit: number): Promise<ChangeRecord[]> {
    const filter = changesFilter(after, this.cutoff());
    if (limit <= 0) {
      return [];
    }
    const docs = await this.history
      .find<ChangeDocument>(filter, { sort: CHANGE_ORDER, limit, projection: CHANGE_PROJECTION })
      .toArray();
    return docs.map(toChangeRecord);
  }

  /** {@inheritDoc ChangeFeed.latestPosition} -- the latest settled change. */
  async latestPosition(): Promise<string | undefined> {
    const doc = await this.history.findOne<ChangeDocument>(changesFilter(undefined, this.cutoff()), {
      sort: { lastUpdatedMs: -1, _id: -1 },
      projection: CHANGE_PROJECTION,
    });
    return doc === null ? undefined : encodeChangePosition(doc);
  }

  private cutoff(): number {
    return this.clock() - this.settleMs;
  }
}
