/**
 * The contract between the receivers (DIMSE C-STORE, STOW-RS) and the ingest service: a receiver
 * streams the Part-10 bytes into the blob store, then hands the stored blob to `InstanceSink`,
 * which checks it, indexes it and updates FHIR in one store transaction. The receiver answers its
 * peer only with the outcome (PS3.4 B.2.3: success only once everything is durable).
 */
import type { StoredBlob } from '../../../../server/src/durable/blob-store';

/** A Part-10 file already in the blob store, with what the receiver knows about it. */
export interface ReceivedInstance {
  readonly blob: StoredBlob;
  /**
   * The first bytes of the file as received (the receiver keeps a bounded prefix), so the
   * attributes before the pixel data need not be read back from the blob store. May be shorter
   * than the header; the sink reads the blob when it is.
   */
  readonly head: Buffer;
  /** The last bytes of the file, when the receiver kept them (see blob-intake.ts). */
  readonly tail?: Buffer;
  /** Who sent it: `dicom://<calling AE title>` or `dicomweb`. */
  readonly source: string;
  /** The SOP Class and Instance UIDs the C-STORE command named (PS3.7 9.1.1), checked against the data set. */
  readonly declared?: { readonly sopClassUid: string; readonly sopInstanceUid: string };
  /** STOW-RS to `/studies/{study}`: the data set must belong to this study (PS3.18 10.5.1). */
  readonly expectedStudyUid?: string;
}

/** The UIDs of an instance. */
export interface InstanceUids {
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopInstanceUid: string;
  readonly sopClassUid: string;
  readonly transferSyntaxUid: string;
}

/** What became of a received instance. */
export type IngestOutcome =
  | {
      /** Durable: blob, index row, ImagingStudy and inference job committed. */
      readonly kind: 'stored';
      readonly uids: InstanceUids;
      /** False when the same SOP Instance UID was already stored (nothing was written). */
      readonly created: boolean;
      /** The ImagingStudy's logical id. */
      readonly imagingStudyId: string;
      /** Non-fatal findings (logged; STOW-RS reports them as WarningReason). */
      readonly warnings: readonly string[];
    }
  | {
      /** Refused with a DIMSE status and a reason (kept in the rejection log). */
      readonly kind: 'rejected';
      /** `DimseStatus` failure code. */
      readonly status: number;
      readonly reason: string;
      readonly sopClassUid?: string;
      readonly sopInstanceUid?: string;
    };

/**
 * An instance still arriving: the sink inspects its head and prepares the FHIR update while the
 * rest of the bytes are stored, and commits once they are durable.
 */
export interface ArrivingInstance {
  /** The leading bytes as soon as they are in (`complete` when that is the whole file). */
  readonly headReady: Promise<{ readonly head: Buffer; readonly complete: boolean }>;
  /** Settles once the whole file is durable in the blob store (rejects when storing failed). */
  readonly stored: Promise<{ readonly blob: StoredBlob; readonly head: Buffer; readonly tail?: Buffer }>;
  readonly source: string;
  readonly declared?: ReceivedInstance['declared'];
  readonly expectedStudyUid?: string;
}

/** Takes stored Part-10 files to the index and FHIR. */
export interface InstanceSink {
  ingest(received: ReceivedInstance): Promise<IngestOutcome>;
  /** Like `ingest`, starting before the file is wholly stored; sinks without it get `ingest` once it is. */
  ingestArriving?(arriving: ArrivingInstance): Promise<IngestOutcome>;
}

/**
 * Hands an arriving instance to a sink: early when it supports it, else once stored.
 * @param sink - the sink
 * @param arriving - the instance
 * @returns the outcome; a failure to store becomes 0xA700 (PS3.4 B.2.3, out of resources)
 */
export async function ingestArriving(sink: InstanceSink, arriving: ArrivingInstance): Promise<IngestOutcome> {
  if (sink.ingestArriving !== undefined) {
    return sink.ingestArriving(arriving);
  }
  let stored;
  try {
    stored = await arriving.stored;
  } catch (error) {
    return { kind: 'rejected', status: 0xa700, reason: `blob store: ${(error as Error).message}` };
  }
  return sink.ingest({
    ...stored,
    source: arriving.source,
    ...(arriving.declared === undefined ? {} : { declared: arriving.declared }),
    ...(arriving.expectedStudyUid === undefined ? {} : { expectedStudyUid: arriving.expectedStudyUid }),
  });
}
