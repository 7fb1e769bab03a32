/**
 * Streams received bytes into the blob store while keeping a bounded copy of their start, so a
 * large instance never sits whole in memory (the dcmjs-dimse default buffers every C-STORE data
 * set) and the sink can parse the attributes before the pixel data without reading the file back.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { BlobStore, StoredBlob } from '../../../../server/src/durable/blob-store';

/** How many leading bytes an intake keeps in memory by default. */
export const DEFAULT_HEAD_BYTES = 256 * 1024;

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
 * @returns the intake
 */
export function openBlobIntake(blobs: BlobStore, prefix?: Buffer, headBytes = DEFAULT_HEAD_BYTES): BlobIntake {
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
  const toStore = new PassThrough({ highWaterMark: 1024 * 1024 });
  if (prefix !== undefined && prefix.length > 0) {
    keep(prefix);
    toStore.write(prefix);
  }
  input.on('data', (chunk: Buffer) => {
    keep(chunk);
    if (!toStore.write(chunk)) {
      input.pause();
      toStore.once('drain', () => input.resume());
    }
  });
  input.on('end', () => {
    announce(true);
    toStore.end();
  });
  input.on('error', (error) => {
    announce(false);
    toStore.destroy(error);
  });
  const result = blobs
    .put(toStore)
    .then((blob) => ({ blob, head: Buffer.concat(kept, keptBytes), tail: Buffer.from(tail) }));
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
