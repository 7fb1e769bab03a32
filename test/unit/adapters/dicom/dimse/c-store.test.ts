// C-STORE SCP with real storescu processes, a real FileBlobStore and a small real sink.
// Covers: PS3.4 B.2.3 (statuses: success only once durable, 0xA900 from the sink with an Error
// Comment, 0xA700 when the blob store fails), PS3.10 7.1 (the stored Part-10 File Meta: SOP
// Class/Instance from the command, the accepted transfer syntax, Source AE title), PS3.5 A.5
// (a deflated data set stored as received makes a valid deflated file), PS3.8 9.3.5 (P-DATA
// fragments streamed, not buffered: bounded head).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { DimseServer } from '../../../../../adapters/dicom/src/dimse';
import { readPart10Meta, startDimseServer, storeInstances } from '../../../../../adapters/dicom/src/dimse';
import { DEFAULT_HEAD_BYTES } from '../../../../../adapters/dicom/src/ingest/blob-intake';
import type { BlobStore } from '../../../../../server/src/durable/blob-store';
import { FileBlobStore } from '../../../../../server/src/storage/files/file-blob-store';
import { TransferSyntax } from '../../../../fixtures/dicom/corpus';
import type { TestCorpus } from './dimse-peers';
import { RecordingSink, datasetBytes, makeCorpus, readBlob, readBytes, runDcmtk } from './dimse-peers';

const AET = 'TESSERA';
let dir = '';
let corpus: TestCorpus;
let blobs: FileBlobStore;
let sink: RecordingSink;
let server: DimseServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-cstore-'));
  corpus = await makeCorpus(true);
  blobs = new FileBlobStore(join(dir, 'blobs'));
  sink = new RecordingSink(blobs);
  server = await startDimseServer({
    host: '127.0.0.1',
    port: 0,
    aeTitle: AET,
    blobs,
    sink,
    index: { findStudies: () => Promise.resolve([]), findSeries: () => Promise.resolve([]) },
    logger: pino({ level: 'silent' }),
  });
});

after(async () => {
  await server.close();
  await corpus.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** The sink record of a SOP instance. */
function recordOf(sopInstanceUid: string): RecordingSink['records'][number] {
  const record = sink.records.find((r) => r.received.declared?.sopInstanceUid === sopInstanceUid);
  assert.ok(record, `no sink record for ${sopInstanceUid}`);
  return record;
}

describe('C-STORE SCP', () => {
  it('stores a 2048x2048 16-bit radiograph as exact Part-10 bytes with a bounded head', async () => {
    const entry = corpus.find((e) => e.kind === 'radiograph' && e.rows === 2048);
    const source = await readBytes(corpus.path(entry));
    const result = await runDcmtk('storescu', [
      '-aet',
      'MODALITY',
      '-aec',
      AET,
      '127.0.0.1',
      String(server.port),
      corpus.path(entry),
    ]);
    assert.equal(result.code, 0, result.stderr);

    const record = recordOf(entry.sopInstanceUid ?? '');
    assert.equal(record.outcome.kind, 'stored');
    assert.equal(record.received.source, 'dicom://MODALITY');
    assert.ok(record.received.head.length <= DEFAULT_HEAD_BYTES, `head is ${record.received.head.length} bytes`);
    const stored = await readBlob(blobs, record.received.blob.sha256);
    assert.equal(stored.length, record.received.blob.size);
    assert.ok(stored.length > 8 * 1024 * 1024);
    assert.deepEqual(record.received.head, stored.subarray(0, record.received.head.length));
    assert.ok(datasetBytes(stored).equals(datasetBytes(source)), 'data set bytes differ from what storescu sent');

    const meta = readPart10Meta(stored);
    assert.equal(meta.sopClassUid, entry.sopClassUid);
    assert.equal(meta.sopInstanceUid, entry.sopInstanceUid);
    assert.equal(meta.transferSyntaxUid, TransferSyntax.explicitLittle);
    assert.ok(stored.includes(Buffer.from('MODALITY')), 'Source AE Title in the File Meta');
  });

  it('stores a deflated data set as received, making a valid deflated Part-10 file (storescu -xd)', async () => {
    const entry = corpus.find((e) => e.variant === 'deflated');
    const source = await readBytes(corpus.path(entry));
    const result = await runDcmtk('storescu', [
      '-xd',
      '-aec',
      AET,
      '127.0.0.1',
      String(server.port),
      corpus.path(entry),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const record = recordOf(entry.sopInstanceUid ?? '');
    const stored = await readBlob(blobs, record.received.blob.sha256);
    assert.equal(readPart10Meta(stored).transferSyntaxUid, TransferSyntax.deflatedExplicitLittle);
    // storescu re-deflates what it sends: compare the inflated data sets.
    assert.ok(inflateRawSync(datasetBytes(stored)).equals(inflateRawSync(datasetBytes(source))));
    const file = join(dir, 'deflated-copy.dcm');
    await writeFile(file, stored);
    const dump = await runDcmtk('dcmdump', ['+P', '0008,0018', '+P', '0002,0016', file]);
    assert.equal(dump.code, 0, dump.stderr);
    assert.match(dump.stdout, new RegExp(`\\[${(entry.sopInstanceUid ?? '').replace(/\./g, '\\.')}\\]`));
    assert.match(dump.stdout, /\[STORESCU\]/);
  });

  it('stores compressed data sets in their own transfer syntax (no transcoding)', async () => {
    // storescu proposes uncompressed syntaxes unless told which compressed one to propose.
    const proposal = { 'jpeg-lossless': '-xs', 'jpeg-ls': '-xt', rle: '-xr', 'jpeg-baseline': '-xy' } as const;
    for (const [variant, option] of Object.entries(proposal)) {
      const entry = corpus.find((e) => e.variant === variant);
      const result = await runDcmtk('storescu', [
        option,
        '-aec',
        AET,
        '127.0.0.1',
        String(server.port),
        corpus.path(entry),
      ]);
      assert.equal(result.code, 0, `${variant}: ${result.stderr}`);
      const stored = await readBlob(blobs, recordOf(entry.sopInstanceUid ?? '').received.blob.sha256);
      assert.equal(readPart10Meta(stored).transferSyntaxUid, entry.transferSyntaxUid, variant);
      assert.ok(datasetBytes(stored).equals(datasetBytes(await readBytes(corpus.path(entry)))), variant);
    }
  });

  it('answers the sink refusal with its status and an Error Comment of at most 64 characters', async () => {
    const entry = corpus.find((e) => e.reason === 'meta-sop-class-mismatch');
    const [result] = await storeInstances({ host: '127.0.0.1', port: server.port, aeTitle: AET }, 'SCU', [
      await readBytes(corpus.path(entry)),
    ]);
    assert.ok(result);
    assert.equal(result.status, 0xa900);
    assert.equal(result.ok, false);
    assert.ok(result.errorComment !== undefined && result.errorComment.length > 0 && result.errorComment.length <= 64);
    const record = sink.records.at(-1);
    assert.equal(record?.outcome.kind, 'rejected');
  });

  it('keeps the data set intact when the blob store is slower than the network (socket paused)', async () => {
    // A blob store that drains its input slowly: the intake fills and the SCP must pause the socket.
    const slow: BlobStore = {
      put: (source: Buffer | Readable) => {
        if (Buffer.isBuffer(source)) {
          return blobs.put(source);
        }
        const throttled = new Transform({
          highWaterMark: 16 * 1024,
          transform(chunk: Buffer, _encoding, callback): void {
            setTimeout(() => callback(null, chunk), 1);
          },
        });
        source.pipe(throttled);
        return blobs.put(throttled);
      },
      open: (sha256) => blobs.open(sha256),
      stat: (sha256) => blobs.stat(sha256),
      verify: (sha256s) => blobs.verify(sha256s),
    };
    const throttledServer = await startDimseServer({
      host: '127.0.0.1',
      port: 0,
      aeTitle: AET,
      blobs: slow,
      sink,
      index: { findStudies: () => Promise.resolve([]), findSeries: () => Promise.resolve([]) },
      logger: pino({ level: 'silent' }),
    });
    try {
      const entry = corpus.find((e) => e.kind === 'radiograph' && e.rows === 2048);
      const source = await readBytes(corpus.path(entry));
      const before = sink.records.length;
      const result = await runDcmtk('storescu', [
        '-aec',
        AET,
        '127.0.0.1',
        String(throttledServer.port),
        corpus.path(entry),
      ]);
      assert.equal(result.code, 0, result.stderr);
      const record = sink.records[before];
      assert.ok(record);
      const stored = await readBlob(blobs, record.received.blob.sha256);
      assert.ok(datasetBytes(stored).equals(datasetBytes(source)));
    } finally {
      await throttledServer.close();
    }
  });

  it('answers 0xA700 when the blob store fails', async () => {
    const failing: BlobStore = {
      async put(source: Buffer | Readable): Promise<never> {
        if (!Buffer.isBuffer(source)) {
          source.resume();
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error('disk full');
      },
      open: (sha256) => blobs.open(sha256),
      stat: (sha256) => blobs.stat(sha256),
      verify: (sha256s) => blobs.verify(sha256s),
    };
    const broken = await startDimseServer({
      host: '127.0.0.1',
      port: 0,
      aeTitle: AET,
      blobs: failing,
      sink,
      index: { findStudies: () => Promise.resolve([]), findSeries: () => Promise.resolve([]) },
      logger: pino({ level: 'silent' }),
    });
    try {
      const entry = corpus.find((e) => e.kind === 'ct');
      const before = sink.records.length;
      const [result] = await storeInstances({ host: '127.0.0.1', port: broken.port, aeTitle: AET }, 'SCU', [
        await readBytes(corpus.path(entry)),
      ]);
      assert.equal(result?.status, 0xa700);
      assert.match(result.errorComment ?? '', /disk full/);
      assert.equal(sink.records.length, before, 'the sink must not see an instance that was not stored');
    } finally {
      await broken.close();
    }
  });
});
