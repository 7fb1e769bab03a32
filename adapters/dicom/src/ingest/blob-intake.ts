/**
 * Takes received bytes into the blob store while keeping a bounded copy of their start, so the
 * sink can parse the attributes before the pixel data without reading the file back. A large
 * instance streams and never sits whole in memory (the dcmjs-dimse default buffers every C-STORE
 * data set); a small one (up to 2 MiB: a CT or MR slice) is stored in one write, which saves the
 * per-chunk round trips of a file stream.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { BlobStore, StoredBlob } from '../../../../server/src/durable/blob-store';

/** How many leading bytes an intake keeps in memory by default. */
export const DEFAULT_HEAD_BYTES = 256 * 1024;

/** Files up to this size are collected in memory and stored in one write. */
export const DEFAULT_BUFFER_BYTES = 2 * 1024 * 1024;

/** How many trailing bytes an intake keeps (enough for an encapsulated pixel data's closing delimiter). */
export const TAIL_BYTES = 64;

/** The stored blob and the leading and trailing bytes kept. */
export interface IntakeResult {
  readonly blob: StoredBlob;
  readonly head: Buffer;
  /** The last bytes (up to {@link TAIL_BYTES}). */
  readonly tail: Buffer;
}

/** A writable end that feeds the blob store; `result` settles once the bytes are durable. */
export interface BlobIntake {
  /** Write the bytes here and end it; errors on it abandon the put. */
  readonly input: PassThrough;
  readonly result: Promise<IntakeResult>;
  /**
   * The leading bytes, as soon as `headBytes` of them arrived (or all, when the input ended
   * sooner; `complete` then says so): the sink starts on them while the rest is stored.
   */
  readonly headReady: Promise<{ head: Buffer; complete: boolean }>;
}

/**
 * Opens an intake.
 * @param blobs - the blob store
 * @param prefix - bytes that come before what is written (a Part-10 header built by the receiver)
 * @param headBytes - how many leading bytes to keep
 * @param bufferBytes - files up to this size are stored in one write (larger ones stream)
 * @returns the intake
 */
export function openBlobIntake(
  blobs: BlobStore,
  prefix?: Buffer,
  headBytes = DEFAULT_HEAD_BYTES,
  bufferBytes = DEFAULT_BUFFER_BYTES,
): BlobIntake {
  const input = new PassThrough({ highWaterMark: 1024 * 1024 });
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let tail: Buffer = Buffer.alloc(0);
  let announceHead: (value: { head: Buffer; complete: boolean }) => void = () => undefined;
  const headReady = new Promise<{ head: Buffer; complete: boolean }>((resolve) => {
    announceHead = resolve;
  });
  let announced = false;
  const announce = (complete: boolean): void => {
    if (!announced) {
      announced = true;
      announceHead({ head: Buffer.concat(kept, keptBytes), complete });
    }
  };
  const keep = (chunk: Buffer): void => {
    tail =
      chunk.length >= TAIL_BYTES
        ? chunk.subarray(chunk.length - TAIL_BYTES)
        : Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
    if (keptBytes < headBytes) {
      const part = chunk.subarray(0, headBytes - keptBytes);
      kept.push(part);
      keptBytes += part.length;
      if (keptBytes >= headBytes) {
        announce(false);
      }
    }
  };
  // Small files (a CT slice) are collected and stored in one write; past `bufferBytes` the
  // collected bytes and the rest stream to the blob store, so memory stays bounded.
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  let toStore: PassThrough | undefined;
  let settle: (put: Promise<StoredBlob>) => void = () => undefined;
  const stored = new Promise<StoredBlob>((resolve, reject) => {
    settle = (put) => put.then(resolve, reject);
  });
  const startStreaming = (): PassThrough => {
    const stream = new PassThrough({ highWaterMark: 1024 * 1024 });
    for (const chunk of pending.splice(0)) {
      stream.write(chunk);
    }
    settle(blobs.put(stream));
    return stream;
  };
  const accept = (chunk: Buffer): void => {
    keep(chunk);
    if (toStore === undefined) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes > bufferBytes) {
        toStore = startStreaming();
      }
    } else if (!toStore.write(chunk)) {
      input.pause();
      toStore.once('drain', () => input.resume());
    }
  };
  if (prefix !== undefined && prefix.length > 0) {
    accept(prefix);
  }
  input.on('data', accept);
  input.on('end', () => {
    announce(true);
    if (toStore === undefined) {
      settle(blobs.put(Buffer.concat(pending.splice(0), pendingBytes)));
    } else {
      toStore.end();
    }
  });
  input.on('error', (error) => {
    announce(false);
    if (toStore === undefined) {
      pending.length = 0;
      settle(Promise.reject(error));
    } else {
      toStore.destroy(error);
    }
  });
  const result = stored.then((blob) => ({ blob, head: Buffer.concat(kept, keptBytes), tail: Buffer.from(tail) }));
  // The caller observes failures through `result`; keep an unobserved rejection from crashing.
  result.catch(() => undefined);
  return { input, result, headReady };
}

/**
 * Stores a whole stream (a STOW-RS part).
 * @param blobs - the blob store
 * @param source - the bytes
 * @param headBytes - how many leading bytes to keep
 * @returns the stored blob and its leading bytes
 */
export async function intakeStream(
  blobs: BlobStore,
  source: Readable,
  headBytes = DEFAULT_HEAD_BYTES,
): Promise<IntakeResult> {
  const intake = openBlobIntake(blobs, undefined, headBytes);
  source.on('error', (error) => intake.input.destroy(error));
  source.pipe(intake.input);
  return intake.result;
}
