/**
 * Runs the durable-records conformance suite against MongoDB (STYLE.md habit 4) when
 * TESSERA_MONGODB_URI is set, e.g.
 *   TESSERA_MONGODB_URI='mongodb://localhost:27017/?replicaSet=rs0' npm run test:conformance
 * The server must be a replica set (or mongos): records written in a store transaction commit
 * with it (https://www.mongodb.com/docs/manual/core/transactions/). The run uses a fresh,
 * randomly named database, reopened by the restart test and dropped afterwards. The change feed
 * keeps its default settle window, so the change-feed tests wait for it (about 2 s each).
 * Spec coverage: see durable.suite.ts.
 */
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import { MongoClient } from 'mongodb';
import { MongoStore } from '../../server/src/storage/mongo/mongo-store';
import type { Store } from '../../server/src/storage/store';
import { describeDurableRecords } from './durable.suite';

const uri = process.env.TESSERA_MONGODB_URI;

if (uri === undefined || uri === '') {
  it(
    'durable records conformance: mongodb',
    { skip: 'TESSERA_MONGODB_URI not set (needs a MongoDB replica set)' },
    () => {},
  );
} else {
  const connection = uri;
  const dbName = `tessera_durable_${randomBytes(6).toString('hex')}`;

  /** Opens an initialized MongoStore on the run's database (a new one on the first call, the same one later). */
  const openStore = async (): Promise<{ store: Store; close(): Promise<void> }> => {
    const store = new MongoStore({ uri: connection, dbName });
    await store.init();
    return { store, close: () => store.close() };
  };

  after(async () => {
    const admin = new MongoClient(connection);
    try {
      await admin.db(dbName).dropDatabase();
    } finally {
      await admin.close();
    }
  });

  describeDurableRecords('mongodb', openStore);
}
