/**
 * The blob store port (DESIGN.md, "Blob store"): original bytes kept exactly as received
 * (DICOM Part-10 files first), content-addressed by SHA-256, so the address is the integrity
 * check. Adapters stream into it; nothing is buffered whole in memory.
 *
 * Semantics every backend implements:
 * - `put` returns only once the bytes are durable under their hash; putting the same bytes again
 *   stores nothing new. A put that fails or is abandoned leaves no blob behind.
 * - `open` streams a blob back; `stat` says whether it exists and its size.
 * - `verify` re-hashes stored blobs and reports every one whose bytes no longer match its address.
 */
import type { Readable } from 'node:stream';

/** What `put` stored. */
export interface StoredBlob {
  /** Lower-case hex SHA-256 of the bytes: the blob's address. */
  readonly sha256: string;
  readonly size: number;
  /** False when the same bytes were already stored. */
  readonly created: boolean;
}

/** A blob whose bytes no longer hash to its address (or cannot be read). */
export interface BlobMismatch {
  readonly sha256: string;
  /** The hash of the bytes found, or undefined when they could not be read. */
  readonly actual?: string;
  readonly reason: string;
}

/** The result of an integrity pass. */
export interface BlobVerification {
  readonly checked: number;
  readonly bytes: number;
  readonly mismatches: readonly BlobMismatch[];
}

/** Content-addressed storage of original bytes. */
export interface BlobStore {
  /**
   * Stores bytes.
   * @param source - the bytes, or a stream of them (consumed once)
   * @param expectedSha256 - when given, the put fails (and stores nothing) if the bytes differ
   */
  put(source: Buffer | Readable, expectedSha256?: string): Promise<StoredBlob>;
  /** Streams a stored blob; rejects when it does not exist. */
  open(sha256: string): Promise<Readable>;
  /** Size of a stored blob, or undefined when absent. */
  stat(sha256: string): Promise<{ size: number } | undefined>;
  /** Re-hashes every stored blob (or the given ones) and reports mismatches. */
  verify(sha256s?: readonly string[]): Promise<BlobVerification>;
}

/** Whether a string is a SHA-256 address (64 lower-case hex digits). */
export function isSha256(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}
