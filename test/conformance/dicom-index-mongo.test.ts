/**
 * Runs the DICOM index conformance suite against MongoDB (STYLE.md habit 4) when
 * TESSERA_MONGODB_URI is set (a replica set: index rows commit with the store transaction,
 * https://www.mongodb.com/docs/manual/core/transactions/). Each group of the suite gets a fresh,
 * randomly named database, dropped when the group closes its store.
 * Spec coverage: see dicom-index.suite.ts.
 */
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { MongoClient } from 'mongodb';
import { MongoStore } from '../../server/src/storage/mongo/mongo-store';
import { describeDicomIndex } from './dicom-index.suite';

const uri = process.env.TESSERA_MONGODB_URI;

if (uri === undefined || uri === '') {
  it(
    'DICOM index conformance: mongodb',
    { skip: 'TESSERA_MONGODB_URI not set (needs a MongoDB replica set)' },
    () => {},
  );
} else {
  const connection = uri;
  describeDicomIndex('mongodb', async () => {
    const dbName = `tessera_dicom_${randomBytes(6).toString('hex')}`;
    const store = new MongoStore({ uri: connection, dbName });
    await store.init();
    return {
      store,
      async close(): Promise<void> {
        await store.close();
        const admin = new MongoClient(connection);
        try {
          await admin.db(dbName).dropDatabase();
        } finally {
          await admin.close();
        }
      },
    };
  });
}
