/**
 * The file-system blob store (DESIGN.md "Blob store"; server/src/durable/blob-store.ts):
 * content addressing by SHA-256, deduplication, streaming puts, nothing left behind by a failed
 * or mismatching put or by a crash (temporary files), and the integrity check that re-hashes
 * stored files. Real files in a temporary directory.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FileBlobStore } from '../../../../../server/src/storage/files/file-blob-store';

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Every file under a directory, relative paths. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe('FileBlobStore', () => {
  let dir: string;
  let store: FileBlobStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-blobs-'));
    store = new FileBlobStore(dir);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores bytes under their SHA-256 and streams them back unchanged', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, ...Buffer.from('DICM')]);
    const stored = await store.put(bytes);
    assert.deepEqual(stored, { sha256: sha(bytes), size: bytes.length, created: true });
    assert.deepEqual(await store.stat(stored.sha256), { size: bytes.length });
    assert.ok((await readAll(await store.open(stored.sha256))).equals(bytes));
    assert.ok((await files(dir)).includes(join(stored.sha256.slice(0, 2), stored.sha256.slice(2, 4), stored.sha256)));
  });

  it('stores the same bytes once', async () => {
    const bytes = Buffer.from('same bytes twice');
    const first = await store.put(bytes);
    const second = await store.put(Readable.from([bytes.subarray(0, 4), bytes.subarray(4)]));
    assert.equal(first.created, true);
    assert.deepEqual(second, { ...first, created: false });
    const named = (await files(dir)).filter((f) => f.endsWith(first.sha256));
    assert.equal(named.length, 1);
  });

  it('streams a large input in chunks and hashes it as it goes', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const hash = createHash('sha256');
    const chunks = Array.from({ length: 24 }, (_, i) => {
      const c = Buffer.from(chunk);
      c.writeUInt32BE(i, 0);
      hash.update(c);
      return c;
    });
    const stored = await store.put(Readable.from(chunks));
    assert.equal(stored.size, 24 * chunk.length);
    assert.equal(stored.sha256, hash.digest('hex'));
    assert.equal((await store.verify([stored.sha256])).mismatches.length, 0);
  });

  it('leaves nothing behind when the bytes do not match the expected hash or the source fails', async () => {
    const before = await files(dir);
    await assert.rejects(store.put(Buffer.from('abc'), sha(Buffer.from('abd'))), /does not match the expected/);
    const failing = new Readable({
      read(): void {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('peer went away'));
      },
    });
    await assert.rejects(store.put(failing), /peer went away/);
    assert.deepEqual(await files(dir), before);
    assert.equal(await store.stat(sha(Buffer.from('abc'))), undefined);
  });

  it('rejects opening an absent blob and refuses what is not an address', async () => {
    await assert.rejects(store.open(sha(Buffer.from('never stored'))), { code: 'ENOENT' });
    await assert.rejects(store.stat('../etc/passwd'), /not a SHA-256 blob address/);
  });

  it('reports stored files whose bytes no longer match their address', async () => {
    const good = await store.put(Buffer.from('good'));
    const bad = await store.put(Buffer.from('will be corrupted'));
    const path = join(dir, bad.sha256.slice(0, 2), bad.sha256.slice(2, 4), bad.sha256);
    await chmod(path, 0o644);
    await writeFile(path, 'bit rot');
    const report = await store.verify();
    assert.ok(report.checked >= 2);
    assert.deepEqual(report.mismatches, [
      { sha256: bad.sha256, actual: sha(Buffer.from('bit rot')), reason: 'content does not match its SHA-256 address' },
    ]);
    assert.equal((await store.verify([good.sha256])).mismatches.length, 0);
  });

  it('removes temporary files a crash left behind when it opens', async () => {
    const crashed = await mkdtemp(join(tmpdir(), 'tessera-blobs-crash-'));
    try {
      await mkdir(join(crashed, 'tmp'), { recursive: true });
      await writeFile(join(crashed, 'tmp', 'half-written'), 'partial');
      const reopened = new FileBlobStore(crashed);
      await reopened.put(Buffer.from('after the crash'));
      assert.deepEqual(await readdir(join(crashed, 'tmp')), []);
    } finally {
      await rm(crashed, { recursive: true, force: true });
    }
  });
});

describe('FileBlobStore with sync: false (TESSERA_SQLITE_SYNCHRONOUS=normal)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-blobs-nosync-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Counts FileHandle.sync calls (fsync of a file or directory) while `run` runs. */
  async function fsyncsDuring(run: () => Promise<unknown>): Promise<number> {
    const { open } = await import('node:fs/promises');
    const handle = await open(process.execPath, 'r');
    const proto = Object.getPrototypeOf(handle) as { sync: () => Promise<void> };
    await handle.close();
    const original = proto.sync;
    let count = 0;
    proto.sync = function (this: unknown): Promise<void> {
      count++;
      return original.call(this);
    };
    try {
      await run();
    } finally {
      proto.sync = original;
    }
    return count;
  }

  it('skips every fsync but still stores atomically under the address', async () => {
    const fast = new FileBlobStore(join(dir, 'fast'), { sync: false });
    const bytes = Buffer.from('not fsynced, still whole');
    const fsyncs = await fsyncsDuring(async () => {
      const stored = await fast.put(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]));
      assert.deepEqual(stored, { sha256: sha(bytes), size: bytes.length, created: true });
    });
    assert.equal(fsyncs, 0);
    assert.ok((await readAll(await fast.open(sha(bytes)))).equals(bytes));
    assert.deepEqual(await readdir(join(dir, 'fast', 'tmp')), []);
    assert.equal((await fast.put(bytes)).created, false);
    assert.deepEqual((await fast.verify()).mismatches, []);
  });

  it('fsyncs the file and its folder by default', async () => {
    const durable = new FileBlobStore(join(dir, 'durable'));
    const fsyncs = await fsyncsDuring(() => durable.put(Buffer.from('fsynced')));
    assert.ok(fsyncs >= 2, `${fsyncs} fsyncs`);
  });
});
