/**
 * The change feed port: committed resource versions in commit order, read from the version
 * history the store keeps anyway. Subscriptions tail it with a persisted cursor, so a
 * notification can never be lost between a commit and its delivery: after a crash the
 * dispatcher resumes from its last saved position.
 */

/** One committed version. */
export interface ChangeRecord {
  readonly resourceType: string;
  readonly id: string;
  readonly versionId: number;
  readonly deleted: boolean;
  readonly lastUpdated: string;
  /** Opaque position of this change; pass it as `after` to read what follows. */
  readonly position: string;
}

/** Reads committed changes in order. */
export interface ChangeFeed {
  /**
   * Changes after a position, in commit order.
   * @param after - a position from a previous ChangeRecord, or undefined for the start.
   * @param limit - the most changes returned.
   */
  changesAfter(after: string | undefined, limit: number): Promise<ChangeRecord[]>;
  /** The position of the latest committed change (undefined when empty): a new reader starts there. */
  latestPosition(): Promise<string | undefined>;
}
