/**
 * The change feed on SQLite (server/src/durable/change-feed.ts): the history table's `seq`.
 * SQLite has one writer and a group commits atomically, so `seq` order is commit order and a
 * reader on the committed connection never sees a gap that fills in later.
 */
import type { ChangeFeed, ChangeRecord } from '../../../durable/change-feed';
import { HISTORY_TABLE } from '../schema';
import type { DurableAccess } from './access';

interface ChangeRow {
  seq: number;
  type: string;
  id: string;
  version: number;
  deleted: number;
  last_updated: string;
}

/** The change feed on SQLite. */
export class SqliteChangeFeed implements ChangeFeed {
  /**
   * @param db - read access.
   */
  constructor(private readonly db: Pick<DurableAccess, 'read'>) {}

  /** {@inheritDoc ChangeFeed.changesAfter} */
  async changesAfter(after: string | undefined, limit: number): Promise<ChangeRecord[]> {
    const from = after === undefined ? 0 : Number(after);
    if (!Number.isSafeInteger(from)) {
      throw new Error(`Invalid change feed position ${JSON.stringify(after)}`);
    }
    const rows = this.db
      .read()
      .get(
        `SELECT seq, type, id, version, deleted, last_updated FROM ${HISTORY_TABLE} WHERE seq > ? ORDER BY seq LIMIT ?`,
      )
      .all(from, limit) as ChangeRow[];
    return rows.map((r) => ({
      resourceType: r.type,
      id: r.id,
      versionId: r.version,
      deleted: r.deleted === 1,
      lastUpdated: r.last_updated,
      position: String(r.seq),
    }));
  }

  /** {@inheritDoc ChangeFeed.latestPosition} */
  async latestPosition(): Promise<string | undefined> {
    const row = this.db.read().get(`SELECT max(seq) AS seq FROM ${HISTORY_TABLE}`).get() as { seq: number | null };
    return row.seq === null ? undefined : String(row.seq);
  }
}
