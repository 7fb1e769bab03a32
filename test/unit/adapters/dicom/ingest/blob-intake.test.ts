// openBlobIntake / intakeStream: received bytes streamed into a real FileBlobStore while the
// first bytes (for parsing) and the last bytes (for the encapsulated Pixel Data delimiter,
// PS3.5 A.4) are kept; the head is announced as soon as it is in, the result once the blob is durable.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_HEAD_BYTES,
  intakeStream,
  openBlobIntake,
  TAIL_BYTES,
} from '../../../../../adapters/dicom/src/ingest/blob-intake';
import { FileBlobStore } from '../../../../../server/src/storage/files/file-blob-store';

let dir = '';
let blobs: FileBlobStore;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-intake-'));
  blobs = new FileBlobStore(join(dir, 'blobs'), { sync: false });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function stored(sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.open(sha256)) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

describe('openBlobIntake', () => {
  it('stores a small input whole and announces it complete', async () => {
    const bytes = randomBytes(5000);
    const intake = openBlobIntake(blobs);
    intake.input.end(bytes);
    const head = await intake.headReady;
    assert.equal(head.complete, true);
    assert.ok(head.head.equals(bytes));
    const result = await intake.result;
    assert.equal(result.blob.sha256, sha(bytes));
    assert.equal(result.blob.size, bytes.length);
    assert.ok(result.head.equals(bytes));
    assert.ok(result.tail.equals(bytes.subarray(-TAIL_BYTES)));
    assert.ok((await stored(result.blob.sha256)).equals(bytes));
  });

  it('announces the head before the input ends, keeps only headBytes and the last bytes', async () => {
    const bytes = randomBytes(300_000);
    const intake = openBlobIntake(blobs, undefined, 1024);
    let announced = false;
    void intake.headReady.then(() => (announced = true));
    intake.input.write(bytes.subarray(0, 700));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(announced, false, 'not before headBytes arrived');
    intake.input.write(bytes.subarray(700, 2000));
    const head = await intake.headReady;
    assert.equal(head.complete, false);
    assert.ok(head.head.equals(bytes.subarray(0, 1024)));
    for (let at = 2000; at < bytes.length; at += 4093) {
      intake.input.write(bytes.subarray(at, Math.min(at + 4093, bytes.length)));
    }
    intake.input.end();
    const result = await intake.result;
    assert.equal(result.head.length, 1024);
    assert.ok(result.tail.equals(bytes.subarray(-TAIL_BYTES)));
    assert.equal(result.blob.sha256, sha(bytes));
    assert.ok((await stored(result.blob.sha256)).equals(bytes));
  });

  it('keeps the tail across chunks smaller than it', async () => {
    const bytes = randomBytes(1000);
    const intake = openBlobIntake(blobs, undefined, 100);
    for (let at = 0; at < bytes.length; at += 10) {
      intake.input.write(bytes.subarray(at, at + 10));
    }
    intake.input.end();
    const result = await intake.result;
    assert.ok(result.tail.equals(bytes.subarray(-TAIL_BYTES)));
    assert.ok(result.head.equals(bytes.subarray(0, 100)));
  });

  it('stores and keeps a prefix before what is written', async () => {
    const prefix = Buffer.from('PREFIX-'.repeat(30));
    const body = randomBytes(20);
    const intake = openBlobIntake(blobs, prefix, 150);
    intake.input.end(body);
    const whole = Buffer.concat([prefix, body]);
    const head = await intake.headReady;
    assert.ok(head.head.equals(whole.subarray(0, 150)));
    const result = await intake.result;
    assert.equal(result.blob.sha256, sha(whole));
    assert.ok(result.tail.equals(whole.subarray(-TAIL_BYTES)));
  });

  it('abandons the put when the input errors: result rejects, headReady still settles, nothing stored', async () => {
    const intake = openBlobIntake(blobs, undefined, 1 << 20);
    const bytes = randomBytes(1000);
    intake.input.write(bytes);
    intake.input.destroy(new Error('association aborted'));
    await assert.rejects(intake.result, /association aborted/);
    assert.equal((await intake.headReady).complete, false);
    assert.equal(await blobs.stat(sha(bytes)), undefined);
  });
});

describe('intakeStream', () => {
  it('stores a readable whole', async () => {
    const bytes = randomBytes(DEFAULT_HEAD_BYTES + 5000);
    const result = await intakeStream(blobs, Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]));
    assert.equal(result.blob.sha256, sha(bytes));
    assert.ok(result.head.equals(bytes.subarray(0, DEFAULT_HEAD_BYTES)));
    assert.ok(result.tail.equals(bytes.subarray(-TAIL_BYTES)));
  });

  it('rejects when the source fails', async () => {
    const source = new Readable({
      read(): void {
        this.destroy(new Error('multipart part cut off'));
      },
    });
    await assert.rejects(intakeStream(blobs, source), /multipart part cut off/);
  });
});
