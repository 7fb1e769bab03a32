/**
 * How the durable-record tables reach the database: reads on the read connection (committed
 * data only), writes as their own group-committed transaction, or inside an open session.
 */
import type { StatementCache } from '../statement-cache';

/** Connection access for durable-record code. */
export interface DurableAccess {
  /** Statements on the read connection. */
  read(): StatementCache;
  /** Runs `fn` on the write connection as a durable transaction of its own (group commit). */
  write<T>(fn: (cache: StatementCache) => T): Promise<T>;
}
