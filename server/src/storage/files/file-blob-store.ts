/**
 * The blob store on the local file system (the embedded default): `<dir>/<aa>/<bb>/<sha256>`.
 * A put streams into a temporary file under `<dir>/tmp/` while hashing, fsyncs it, renames it to
 * its address (atomic on POSIX file systems) and fsyncs the directory, so a blob is either whole
 * under its address or absent, whatever happens to the process (https://man7.org/linux/man-pages/man2/rename.2.html,
 * fsync(2) on the directory makes the new name durable). Temporary files left by a crash are
 * removed when the store opens. Stored files are read-only.
 *
 * With `sync: false` (TESSERA_SQLITE_SYNCHRONOUS=normal) nothing is fsynced: a blob still
 * survives a process crash (the rename is atomic and the kernel has the bytes) but not a power
 * loss, the same trade the SQLite store makes in that mode.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobMismatch, BlobStore, BlobVerification, StoredBlob } from '../../durable/blob-store';
import { isSha256 } from '../../durable/blob-store';

function checkExpected(sha256: string, expectedSha256: string | undefined): void {
  if (expectedSha256 !== undefined && expectedSha256 !== sha256) {
    throw new Error(`blob hash ${sha256} does not match the expected ${expectedSha256}`);
  }
}

/** Fsyncs a file or directory by path. */
async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Content-addressed blobs in a directory. */
export class FileBlobStore implements BlobStore {
  private ready: Promise<void> | undefined;
  /** Address folders known to exist (saves a mkdir per put). */
  private readonly folders = new Set<string>();

  /**
   * @param dir - the root directory (created when absent)
   * @param options - `sync`: fsync each file and its directory before `put` resolves (default true)
   */
  constructor(
    private readonly dir: string,
    private readonly options: { readonly sync?: boolean } = {},
  ) {}

  /** {@inheritDoc BlobStore.put} */
  async put(source: Buffer | Readable, expectedSha256?: string): Promise<StoredBlob> {
    await this.init();
    const tmp = join(this.dir, 'tmp', `${Date.now()}-${randomBytes(8).toString('hex')}`);
    try {
      return Buffer.isBuffer(source)
        ? await this.putBuffer(source, tmp, expectedSha256)
        : await this.putStream(source, tmp, expectedSha256);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** A buffer: hashed first, so bytes already stored are not written at all; then one write. */
  private async putBuffer(bytes: Buffer, tmp: string, expectedSha256: string | undefined): Promise<StoredBlob> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    checkExpected(sha256, expectedSha256);
    if ((await this.stat(sha256)) !== undefined) {
      return { sha256, size: bytes.length, created: false };
    }
    // Created read-only: the descriptor opened here may still write (open(2)), nobody else can.
    const handle = await open(tmp, 'wx', 0o444);
    try {
      await handle.writeFile(bytes);
      if (this.sync) {
        await handle.sync();
      }
    } finally {
      await handle.close();
    }
    return this.install(tmp, sha256, bytes.length);
  }

  /** A stream: written to the temporary file while hashing. */
  private async putStream(source: Readable, tmp: string, expectedSha256: string | undefined): Promise<StoredBlob> {
    const hash = createHash('sha256');
    let size = 0;
    await pipeline(
      source,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          size += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(tmp, { flags: 'wx', mode: 0o444, highWaterMark: 1024 * 1024 }),
    );
    const sha256 = hash.digest('hex');
    checkExpected(sha256, expectedSha256);
    if ((await this.stat(sha256)) !== undefined) {
      await rm(tmp, { force: true });
      return { sha256, size, created: false };
    }
    if (this.sync) {
      await fsyncPath(tmp);
    }
    return this.install(tmp, sha256, size);
  }

  /** Renames a written (and, when syncing, fsynced) temporary file to its address. */
  private async install(tmp: string, sha256: string, size: number): Promise<StoredBlob> {
    const target = this.pathOf(sha256);
    const folder = join(target, '..');
    if (!this.folders.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.folders.add(folder);
    }
    await rename(tmp, target);
    if (this.sync) {
      await fsyncPath(folder);
    }
    return { sha256, size, created: true };
  }

  private get sync(): boolean {
    return this.options.sync !== false;
  }

  /** {@inheritDoc BlobStore.open} */
  async open(sha256: string): Promise<Readable> {
    const path = this.pathOf(sha256);
    await stat(path); // rejects with ENOENT before a stream is handed out
    return createReadStream(path);
  }

  /** {@inheritDoc BlobStore.stat} */
  async stat(sha256: string): Promise<{ size: number } | undefined> {
    try {
      const info = await stat(this.pathOf(sha256));
      return { size: info.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw err;
    }
  }

  /** {@inheritDoc BlobStore.verify} */
  async verify(sha256s?: readonly string[]): Promise<BlobVerification> {
    await this.init();
    const addresses = sha256s ?? (await this.list());
    const mismatches: BlobMismatch[] = [];
    let bytes = 0;
    for (const sha256 of addresses) {
      try {
        const hash = createHash('sha256');
        for await (const chunk of createReadStream(this.pathOf(sha256))) {
          hash.update(chunk as Buffer);
          bytes += (chunk as Buffer).length;
        }
        const actual = hash.digest('hex');
        if (actual !== sha256) {
          mismatches.push({ sha256, actual, reason: 'content does not match its SHA-256 address' });
        }
      } catch (err) {
        mismatches.push({ sha256, reason: `unreadable: ${(err as Error).message}` });
      }
    }
    return { checked: addresses.length, bytes, mismatches };
  }

  /** The path of an address. */
  private pathOf(sha256: string): string {
    if (!isSha256(sha256)) {
      throw new Error(`not a SHA-256 blob address: ${JSON.stringify(sha256)}`);
    }
    return join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Every stored address. */
  private async list(): Promise<string[]> {
    const out: string[] = [];
    for (const a of await readdir(this.dir)) {
      if (!/^[0-9a-f]{2}$/.test(a)) {
        continue;
      }
      for (const b of await readdir(join(this.dir, a))) {
        for (const name of await readdir(join(this.dir, a, b))) {
          if (isSha256(name)) {
            out.push(name);
          }
        }
      }
    }
    return out.sort();
  }

  /** Creates the directories and removes temporary files a crash left behind (once). */
  private init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      await rm(join(this.dir, 'tmp'), { recursive: true, force: true });
      await mkdir(join(this.dir, 'tmp'), { recursive: true });
    })();
    return this.ready;
  }
}
