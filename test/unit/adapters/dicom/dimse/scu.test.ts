// C-STORE SCU against dcmtk's storescp (bit-preserving mode, +B).
// Covers: PS3.4 B.2 (C-STORE SCU, per-instance statuses), PS3.8 9.3.2.2 (each file proposed in
// its own transfer syntax plus Explicit/Implicit VR LE), PS3.5 A.4 (a compressed data set is sent
// unchanged; with no accepted context for it nothing is sent rather than corrupted data).
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readPart10Meta, storeInstances } from '../../../../../adapters/dicom/src/dimse';
import type { TestCorpus } from './dimse-peers';
import { datasetBytes, freePort, makeCorpus, readBytes, startStoreScp } from './dimse-peers';

let corpus: TestCorpus;

before(async () => {
  corpus = await makeCorpus(true);
});

after(async () => {
  await corpus.cleanup();
});

/** The files storescp wrote, keyed by SOP Instance UID. */
async function received(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const name of await readdir(dir)) {
    const bytes = await readBytes(join(dir, name));
    files.set(readPart10Meta(bytes).sopInstanceUid, bytes);
  }
  return files;
}

describe('storeInstances (C-STORE SCU)', () => {
  it('sends uncompressed instances whose data sets arrive byte-identical', async () => {
    const scp = await startStoreScp('STORESCP');
    try {
      const entries = [
        corpus.find((e) => e.kind === 'radiograph' && e.rows === 2048),
        corpus.find((e) => e.path.endsWith('cr-mono1-latin-implicit.dcm')),
        corpus.find((e) => e.kind === 'ct'),
      ];
      const sources = await Promise.all(entries.map((e) => readBytes(corpus.path(e))));
      const results = await storeInstances(
        { host: '127.0.0.1', port: scp.port, aeTitle: 'STORESCP' },
        'TESSERA',
        sources,
      );
      assert.deepEqual(
        results.map((r) => [r.ok, r.status]),
        entries.map(() => [true, 0]),
      );
      assert.deepEqual(
        results.map((r) => r.sopInstanceUid),
        entries.map((e) => e.sopInstanceUid),
      );
      const files = await received(scp.dir);
      entries.forEach((entry, i) => {
        const file = files.get(entry.sopInstanceUid ?? '');
        assert.ok(file, `${entry.path} did not arrive`);
        assert.equal(readPart10Meta(file).transferSyntaxUid, entry.transferSyntaxUid, `${entry.path} transfer syntax`);
        assert.ok(
          datasetBytes(file).equals(datasetBytes(sources[i] ?? Buffer.alloc(0))),
          `${entry.path} data set differs`,
        );
      });
    } finally {
      await scp.stop();
    }
  });

  it('sends a compressed instance unchanged when the peer accepts its transfer syntax', async () => {
    const scp = await startStoreScp('STORESCP', ['+xa']);
    try {
      const entry = corpus.find((e) => e.variant === 'jpeg-lossless');
      const source = await readBytes(corpus.path(entry));
      const [result] = await storeInstances({ host: '127.0.0.1', port: scp.port, aeTitle: 'STORESCP' }, 'TESSERA', [
        source,
      ]);
      assert.equal(result?.status, 0);
      const file = (await received(scp.dir)).get(entry.sopInstanceUid ?? '');
      assert.ok(file);
      assert.equal(readPart10Meta(file).transferSyntaxUid, entry.transferSyntaxUid);
      assert.ok(datasetBytes(file).equals(datasetBytes(source)));
    } finally {
      await scp.stop();
    }
  });

  it('reports an error, and sends nothing, when the peer refuses a compressed syntax', async () => {
    const scp = await startStoreScp('STORESCP');
    try {
      const compressed = corpus.find((e) => e.variant === 'rle');
      const plain = corpus.find((e) => e.kind === 'ct');
      const results = await storeInstances({ host: '127.0.0.1', port: scp.port, aeTitle: 'STORESCP' }, 'TESSERA', [
        await readBytes(corpus.path(compressed)),
        Buffer.from('not a DICOM file'),
        await readBytes(corpus.path(plain)),
      ]);
      assert.equal(results[0]?.ok, false);
      assert.equal(results[0]?.status, undefined);
      assert.match(results[0]?.error ?? '', /no C-STORE response/);
      assert.equal(results[1]?.ok, false);
      assert.match(results[1]?.error ?? '', /DICM/);
      assert.equal(results[2]?.status, 0, 'the other instances are still sent');
      assert.deepEqual([...(await received(scp.dir)).keys()], [plain.sopInstanceUid]);
    } finally {
      await scp.stop();
    }
  });

  it('reports a connection error for every instance when the peer is down', async () => {
    const port = await freePort();
    const entry = corpus.find((e) => e.kind === 'ct');
    const results = await storeInstances({ host: '127.0.0.1', port, aeTitle: 'NOBODY' }, 'TESSERA', [
      await readBytes(corpus.path(entry)),
    ]);
    assert.equal(results[0]?.ok, false);
    assert.match(results[0]?.error ?? '', /network error/);
  });
});
