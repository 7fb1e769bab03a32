/**
 * A MongoStore on a fresh, randomly named database of the server at TESSERA_MONGODB_URI (a
 * replica set: the store runs writes in transaction, https://www.mongodb.com/docs/manual/core/transactions/);
 * `cleanup` closes it and drops the database. For the MongoDB conformance runs.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { MongoStore } from '../../server/src/storage/mongo/mongo-store';

/**
 * Creates an initialized MongoStore on a new database.
 * @param connection - the connection string
 * @param prefix - database name prefix
 * @returns the store and its cleanup
 */
export async function openTempMongoStore(
  connection: string,
  prefix = 'tessera_conformance',
): Promise<{ store: MongoStore; cleanup(): Promise<void> }> {
  const dbName = `${prefix}_${randomBytes(6).toString('hex')}`;
  const store = new MongoStore({ uri: connection, dbName });
  await store.init();
  return {
    store,
    async cleanup(): Promise<void> {
      await store.close();
      const admin = new MongoClient(connection);
      try {
        await admin.db(dbName).dropDatabase();
      } finally {
        await admin.close();
      }
    },
  };
}
