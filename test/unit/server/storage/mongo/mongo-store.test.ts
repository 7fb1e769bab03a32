// Covers: the Store port surface of the MongoDB backend that needs no server (name, capabilities
// reported in /metadata, https://hl7.org/fhir/R4/capabilitystatement.html) and /readyz failing
// when the server is unreachable (a real socket to a closed port). The full behaviour runs in
// test/conformance/mongo.test.ts when TESSERA_MONGODB_URI is set.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { MongoStore } from '../../../../../server/src/storage/mongo/mongo-store';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

describe('MongoStore without a server', () => {
  it('reports its name and capabilities', async () => {
    const store = new MongoStore({ uri: 'mongodb://127.0.0.1:1/x' });
    assert.equal(store.name, 'mongodb');
    assert.deepEqual(store.capabilities, { transactions: true, accurateTotals: true });
    await store.close();
  });
  it('ping rejects when nothing listens', async () => {
    const port = await closedPort();
    const store = new MongoStore({
      uri: `mongodb://127.0.0.1:${port}/probe`,
      clientOptions: { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 },
    });
    try {
      await assert.rejects(store.ping());
    } finally {
      await store.close();
    }
  });
});
