/** Key/value process state on SQLite (server/src/durable/state.ts), in `tessera_state`. */
import type { DurableState, StateWriter } from '../../../durable/state';
import { STATE_TABLE } from '../schema';
import type { StatementCache } from '../statement-cache';
import type { DurableAccess } from './access';

function writeState(cache: StatementCache, key: string, value: string): void {
  cache
    .get(`INSERT INTO ${STATE_TABLE} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
    .run(key, value);
}

/** A StateWriter bound to an open session's write connection. */
export class SqliteStateWriter implements StateWriter {
  /**
   * @param cache - statements of the session's write connection.
   */
  constructor(private readonly cache: () => StatementCache) {}

  /** {@inheritDoc StateWriter.setState} */
  async setState(key: string, value: string): Promise<void> {
    writeState(this.cache(), key, value);
  }
}

/** Key/value state on SQLite. */
export class SqliteDurableState implements DurableState {
  /**
   * @param db - read and write access.
   */
  constructor(private readonly db: DurableAccess) {}

  /** {@inheritDoc DurableState.getState} */
  async getState(key: string): Promise<string | undefined> {
    const row = this.db.read().get(`SELECT value FROM ${STATE_TABLE} WHERE key = ?`).get(key) as
      { value: string } | undefined;
    return row?.value;
  }

  /** {@inheritDoc StateWriter.setState} */
  setState(key: string, value: string): Promise<void> {
    return this.db.write((cache) => writeState(cache, key, value));
  }
}
