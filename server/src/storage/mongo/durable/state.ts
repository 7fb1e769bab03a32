/**
 * Key/value process state on MongoDB (server/src/durable/state.ts): one document per key in
 * `state`, `{ _id: key, value }`, written by upsert so that a set inside a transaction commits
 * with it (e.g. a change-feed position saved with the jobs it produced).
 */
import type { ClientSession, Collection, Db } from 'mongodb';
import type { DurableState, StateWriter } from '../../../durable/state';
import { durableCollection, STATE_COLLECTION } from '../collections';

/** One state value. */
export interface StateDocument {
  _id: string;
  value: string;
}

async function writeState(
  state: Collection<StateDocument>,
  session: ClientSession | undefined,
  key: string,
  value: string,
): Promise<void> {
  await state.updateOne({ _id: key }, { $set: { value } }, { upsert: true, session });
}

/** A StateWriter inside a transaction. */
export class MongoStateWriter implements StateWriter {
  private readonly state: Collection<StateDocument>;

  /**
   * @param db - the database.
   * @param session - the session running the transaction.
   */
  constructor(
    db: Db,
    private readonly session: ClientSession,
  ) {
    this.state = durableCollection<StateDocument>(db, STATE_COLLECTION);
  }

  /** {@inheritDoc StateWriter.setState} */
  setState(key: string, value: string): Promise<void> {
    return writeState(this.state, this.session, key, value);
  }
}

/** Key/value state on MongoDB. */
export class MongoDurableState implements DurableState {
  private readonly state: Collection<StateDocument>;

  /**
   * @param db - the database.
   */
  constructor(db: Db) {
    this.state = durableCollection<StateDocument>(db, STATE_COLLECTION);
  }

  /** {@inheritDoc DurableState.getState} */
  async getState(key: string): Promise<string | undefined> {
    const doc = await this.state.findOne({ _id: key });
    return doc?.value;
  }

  /** {@inheritDoc StateWriter.setState} */
  setState(key: string, value: string): Promise<void> {
    return writeState(this.state, undefined, key, value);
  }
}
