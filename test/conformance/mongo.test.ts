/**
 * Runs the shared repository conformance suite against MongoDB (STYLE.md habit 4) when
 * TESSERA_MONGODB_URI is set, e.g.
 *   TESSERA_MONGODB_URI='mongodb://localhost:27017/?replicaSet=rs0' npm run test:conformance
 * The server must be a replica set (or mongos): the repository runs every write in a
 * transaction (https://www.mongodb.com/docs/manual/core/transactions/). Each run uses a fresh,
 * randomly named database, dropped afterwards. Spec coverage: see repository.suite.ts.
 */
import { describe, it } from 'node:test';
import { openTempMongoStore } from '../helpers/mongo-temp';
import type { Store } from '../../server/src/storage/store';

type StoreFactory = () => Promise<{ store: Store; cleanup(): Promise<void> }>;
type DescribeRepository = (name: string, makeStore: StoreFactory) => void;

const uri = process.env.TESSERA_MONGODB_URI;

if (uri === undefined || uri === '') {
  it(
    'repository conformance: mongodb',
    { skip: 'TESSERA_MONGODB_URI not set (needs a MongoDB replica set)' },
    () => {},
  );
} else {
  describe('mongodb backend', async () => {
    // Loaded dynamically so that this file still runs (and says why) if the suite is absent.
    const suitePath = './repository.suite';
    let describeRepository: DescribeRepository | undefined;
    try {
      ({ describeRepository } = (await import(suitePath)) as { describeRepository: DescribeRepository });
    } catch (err) {
      it('repository conformance: mongodb', { skip: `repository.suite not loadable: ${String(err)}` }, () => {});
      return;
    }
    describeRepository('mongodb', () => openTempMongoStore(uri));
  });
}
