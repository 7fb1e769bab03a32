/**
 * Runs the DICOM index conformance suite against MongoDB (STYLE.md habit 4) when
 * TESSERA_MONGODB_URI is set (a replica set: index rows commit with the store transaction,
 * https://www.mongodb.com/docs/manual/core/transactions/). Each group of the suite gets a fresh,
 * randomly named database, dropped when the group closes its store.
 * Spec coverage: see dicom-index.suite.ts.
 */
import { it } from 'node:test';
import { openTempMongoStore } from '../helpers/mongo-temp';
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
    const temp = await openTempMongoStore(connection, 'tessera_dicom');
    return { store: temp.store, close: () => temp.cleanup() };
  });
}
