// The durable `dicom.store` job on the real SQLite work queue, run by QueueWorker, sending to
// dcmtk's storescp. Covers: DESIGN.md "Durable work queue" (idempotent enqueue per key, retry
// with backoff on a connection error or failure status, dead letter when retrying cannot help:
// unknown remote, missing blob), PS3.4 B.2 (the blob arrives with its data set unchanged).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DicomRemote } from '../../../../../adapters/dicom/src/dimse';
import {
  DICOM_STORE_TOPIC,
  createDicomStoreHandler,
  enqueueDicomStore,
  readPart10Meta,
  startDimseServer,
} from '../../../../../adapters/dicom/src/dimse';
import { silentLogger } from '../../../../../server/src/observability/logger';
import { QueueWorker } from '../../../../../server/src/durable/queue-worker';
import type { QueuedJob, WorkQueue } from '../../../../../server/src/durable/work-queue';
import { FileBlobStore } from '../../../../../server/src/storage/files/file-blob-store';
import { openTempSqliteStore } from '../../../../helpers/sqlite-temp';
import { waitFor } from '../../../../helpers/wait-for';
import type { StoreScp, TestCorpus } from './dimse-peers';
import { datasetBytes, freePort, makeCorpus, readBytes, startStoreScp } from './dimse-peers';

let dir = '';
let corpus: TestCorpus;
let temp: Awaited<ReturnType<typeof openTempSqliteStore>>;
let queue: WorkQueue;
let blobs: FileBlobStore;
let scp: StoreScp;
let worker: QueueWorker;
let remotes: Record<string, DicomRemote>;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-store-job-'));
  corpus = await makeCorpus(false);
  temp = await openTempSqliteStore();
  queue = temp.store.records.queue;
  blobs = new FileBlobStore(join(dir, 'blobs'));
  scp = await startStoreScp('PACS');
  remotes = {
    pacs: { host: '127.0.0.1', port: scp.port, aeTitle: 'PACS' },
    down: { host: '127.0.0.1', port: await freePort(), aeTitle: 'DOWN' },
  };
  worker = new QueueWorker({
    queue,
    topics: [DICOM_STORE_TOPIC],
    handler: createDicomStoreHandler({ blobs, remotes, callingAeTitle: 'TESSERA', timeoutMs: 5000 }),
    logger: silentLogger(),
    pollMs: 20,
    timeoutMs: 20_000,
    backoff: { baseMs: 60_000, maxMs: 60_000, jitter: 0 },
  });
  worker.start();
});

after(async () => {
  await worker.stop();
  await scp.stop();
  await temp.cleanup();
  await corpus.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** Waits until a job leaves `ready`/`leased` for the first time (done, dead, or retried). */
function settled(id: string): Promise<QueuedJob> {
  return waitFor(
    `job ${id}`,
    async () => {
      const job = await queue.get(id);
      if (job === undefined) {
        return undefined;
      }
      const retried = job.status === 'ready' && job.lastError !== undefined;
      return job.status === 'done' || job.status === 'dead' || retried ? job : undefined;
    },
    15_000,
  );
}

describe('dicom.store job', () => {
  it('sends the stored blob to the named remote; the data set arrives unchanged', async () => {
    const entry = corpus.find((e) => e.kind === 'radiograph' && e.rows === 2048);
    const source = await readBytes(corpus.path(entry));
    const blob = await blobs.put(source);
    const first = await enqueueDicomStore(queue, 'pacs', blob.sha256);
    assert.equal(first.created, true);
    const job = await settled(first.id);
    assert.equal(job.status, 'done', job.lastError);
    assert.deepEqual(job.payload, { remote: 'pacs', sha256: blob.sha256 });
    const names = await readdir(scp.dir);
    const files = await Promise.all(names.map((name) => readBytes(join(scp.dir, name))));
    const file = files.find((bytes) => readPart10Meta(bytes).sopInstanceUid === entry.sopInstanceUid);
    assert.ok(file, 'storescp did not receive the instance');
    assert.ok(datasetBytes(file).equals(datasetBytes(source)));
    const again = await enqueueDicomStore(queue, 'pacs', blob.sha256);
    assert.deepEqual(again, { id: first.id, created: false });
  });

  it('retries with backoff when the remote cannot be reached', async () => {
    const blob = await blobs.put(await readBytes(corpus.path(corpus.find((e) => e.kind === 'ct'))));
    const { id } = await enqueueDicomStore(queue, 'down', blob.sha256);
    const job = await settled(id);
    assert.equal(job.status, 'ready');
    assert.equal(job.attempts, 1);
    assert.match(job.lastError ?? '', /C-STORE to down .*network error/);
    assert.ok(Date.parse(job.availableAt) > Date.now() + 30_000, 'the retry waits for the backoff');
  });

  it('retries when the remote answers a failure status', async () => {
    const refuser = await startDimseServer({
      host: '127.0.0.1',
      port: 0,
      aeTitle: 'REFUSER',
      blobs,
      sink: { ingest: () => Promise.resolve({ kind: 'rejected', status: 0xa700, reason: 'storage full' }) },
      index: { findStudies: () => Promise.resolve([]), findSeries: () => Promise.resolve([]) },
      logger: silentLogger(),
    });
    remotes.refuser = { host: '127.0.0.1', port: refuser.port, aeTitle: 'REFUSER' };
    try {
      const blob = await blobs.put(await readBytes(corpus.path(corpus.find((e) => e.kind === 'ct'))));
      const job = await settled((await enqueueDicomStore(queue, 'refuser', blob.sha256)).id);
      assert.equal(job.status, 'ready');
      assert.match(job.lastError ?? '', /status 0xa700 storage full/);
    } finally {
      await refuser.close();
    }
  });

  it('dead-letters a job naming an unknown remote, or a blob that does not exist', async () => {
    const blob = await blobs.put(await readBytes(corpus.path(corpus.find((e) => e.kind === 'ct'))));
    const unknown = await settled((await enqueueDicomStore(queue, 'nowhere', blob.sha256)).id);
    assert.equal(unknown.status, 'dead');
    assert.match(unknown.lastError ?? '', /unknown DICOM remote "nowhere"/);
    const missing = await settled((await enqueueDicomStore(queue, 'pacs', 'ab'.repeat(32))).id);
    assert.equal(missing.status, 'dead');
    assert.match(missing.lastError ?? '', /not found/);
  });
});
