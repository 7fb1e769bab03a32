/**
 * The `dicom.store` job (DESIGN.md, "Durable work queue"): sends a stored Part-10 blob to a
 * named remote AE with C-STORE (e.g. an AI DICOM SR back to the PACS). Enqueued in the same
 * transaction as what produced the blob; run by a QueueWorker, which retries a failure status
 * or a connection error with backoff. A malformed payload, an unknown remote or a missing blob
 * cannot succeed later and dead-letters at once.
 */
import type { Readable } from 'node:stream';
import type { BlobStore } from '../../../../server/src/durable/blob-store';
import type { JobHandler } from '../../../../server/src/durable/queue-worker';
import { PermanentJobError } from '../../../../server/src/durable/queue-worker';
import type { QueueWriter } from '../../../../server/src/durable/work-queue';
import type { DicomRemote, StoreOptions } from './scu';
import { storeInstances } from './scu';

/** The job topic. */
export const DICOM_STORE_TOPIC = 'dicom.store';

/** The job payload. */
export interface DicomStorePayload {
  /** Name of the remote AE in the handler's remote map. */
  readonly remote: string;
  /** Blob store address of the Part-10 file. */
  readonly sha256: string;
}

/**
 * Queues a C-STORE of a stored blob; the same (remote, blob) is queued once.
 * @param queue - the queue (or the queue writer of a store transaction)
 * @param remote - name of the remote AE
 * @param sha256 - blob address of the Part-10 file
 * @returns the job id and whether it was new
 */
export function enqueueDicomStore(
  queue: QueueWriter,
  remote: string,
  sha256: string,
): Promise<{ id: string; created: boolean }> {
  const payload: DicomStorePayload = { remote, sha256 };
  return queue.enqueue({ topic: DICOM_STORE_TOPIC, payload, key: `${remote}/${sha256}` });
}

/** What the handler needs. */
export interface DicomStoreHandlerOptions {
  readonly blobs: BlobStore;
  /** Remote AEs by name. */
  readonly remotes: Readonly<Record<string, DicomRemote>>;
  /** Our AE title. */
  readonly callingAeTitle: string;
  readonly timeoutMs?: number;
}

function parsePayload(payload: unknown): DicomStorePayload {
  const candidate = payload as Partial<DicomStorePayload> | null;
  if (typeof candidate?.remote !== 'string' || typeof candidate.sha256 !== 'string') {
    throw new PermanentJobError('dicom.store payload needs string fields remote and sha256');
  }
  return { remote: candidate.remote, sha256: candidate.sha256 };
}

async function readBlob(blobs: BlobStore, sha256: string): Promise<Buffer> {
  if ((await blobs.stat(sha256)) === undefined) {
    throw new PermanentJobError(`blob ${sha256} not found`);
  }
  const chunks: Buffer[] = [];
  const stream: Readable = await blobs.open(sha256);
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Creates the QueueWorker handler of `dicom.store` jobs.
 * @param options - blob store, remote AEs, our AE title
 * @returns the handler
 */
export function createDicomStoreHandler(options: DicomStoreHandlerOptions): JobHandler {
  return async (job, signal) => {
    const { remote: name, sha256 } = parsePayload(job.payload);
    const remote = options.remotes[name];
    if (remote === undefined) {
      throw new PermanentJobError(`unknown DICOM remote "${name}"`);
    }
    const bytes = await readBlob(options.blobs, sha256);
    const storeOptions: StoreOptions = {
      signal,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    };
    const [result] = await storeInstances(remote, options.callingAeTitle, [bytes], storeOptions);
    if (result === undefined || !result.ok) {
      const status = result?.status === undefined ? '' : ` status 0x${result.status.toString(16).padStart(4, '0')}`;
      const detail = result?.errorComment ?? result?.error ?? 'no result';
      throw new Error(
        `C-STORE to ${name} (${remote.aeTitle}@${remote.host}:${remote.port}) failed:${status} ${detail}`,
      );
    }
  };
}
