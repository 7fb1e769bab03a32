/**
 * WADO-RS retrieve transactions (PS3.18 10.4): instances of a study, series or one instance as
 * `multipart/related; type="application/dicom"` (each stored Part-10 file streamed unmodified),
 * their metadata, frames and rendered images. What is addressed comes from the DICOM index;
 * the bytes from the blob store.
 */
import type { Writable } from 'node:stream';
import type { BlobStore } from '../../../../server/src/durable/blob-store';
import type { DicomIndex, DicomInstanceRow } from '../../../../server/src/durable/dicom-index';
import { fhirError } from '../../../../server/src/errors/outcome';
import type { DicomJsonBuilder } from './dicom-json';
import { extractFrames, selectFrames } from './frames';
import { multipartContentType, newBoundary, writeMultipart } from './multipart-writer';
import { acceptedTransferSyntaxes, checkTransferSyntax } from './negotiate';
import type { DicomPath } from './urls';
import { instanceMetadata } from './wado-metadata';

/** What WADO-RS reads. */
export interface WadoDeps {
  readonly index: DicomIndex;
  readonly blobs: BlobStore;
  /** The DICOMweb root (`<base>/dicomweb`). */
  readonly root: string;
}

/** A response to stream: headers first, then the body written by `write`. */
export interface StreamedResponse {
  readonly contentType: string;
  readonly write: (out: Writable) => Promise<void>;
}

/**
 * The instances a path addresses, in series then instance order.
 * @param index - the DICOM index
 * @param path - study, series and instance UIDs
 * @throws FhirError 404 when nothing matches
 */
export async function instancesAt(index: DicomIndex, path: DicomPath): Promise<DicomInstanceRow[]> {
  let rows: DicomInstanceRow[];
  if (path.sopInstanceUid !== undefined) {
    const row = await index.getInstance(path.sopInstanceUid);
    rows = row !== undefined && row.studyUid === path.studyUid && row.seriesUid === path.seriesUid ? [row] : [];
  } else {
    rows = await index.listInstances(path.studyUid, path.seriesUid);
  }
  if (rows.length === 0) {
    const what = path.sopInstanceUid ?? path.seriesUid ?? path.studyUid;
    throw fhirError(
      'TESSERA_E_DICOMWEB_NOT_FOUND',
      `No DICOM ${path.sopInstanceUid ? 'instance' : path.seriesUid ? 'series' : 'study'} ${what}`,
    );
  }
  return rows;
}

/**
 * Reads a stored blob whole (one instance, for frames and rendering).
 * @param blobs - the blob store
 * @param sha256 - the blob's address
 */
export async function readBlob(blobs: BlobStore, sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.open(sha256)) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Retrieves instances (PS3.18 10.4.1.1.1).
 * @param deps - index, blobs, root
 * @param path - what to retrieve
 * @param accept - the Accept header
 * @throws FhirError 404, 406
 */
export async function retrieveInstances(
  deps: WadoDeps,
  path: DicomPath,
  accept: string | undefined,
): Promise<StreamedResponse> {
  const accepted = acceptedTransferSyntaxes(accept, ['application/dicom']);
  const rows = await instancesAt(deps.index, path);
  checkTransferSyntax(
    accepted,
    rows.map((r) => r.transferSyntaxUid),
  );
  const boundary = newBoundary();
  const single = new Set(rows.map((r) => r.transferSyntaxUid));
  return {
    contentType: multipartContentType('application/dicom', boundary, single.size === 1 ? [...single][0] : undefined),
    write: (out) =>
      writeMultipart(
        out,
        boundary,
        rows.map((row) => ({
          contentType: `application/dicom; transfer-syntax=${row.transferSyntaxUid}`,
          body: () => deps.blobs.open(row.sha256),
        })),
      ),
  };
}

/**
 * Retrieves metadata (PS3.18 10.4.1.1.2).
 * @param deps - index, blobs, root
 * @param path - what to describe
 * @throws FhirError 404
 */
export async function retrieveMetadata(deps: WadoDeps, path: DicomPath): Promise<DicomJsonBuilder[]> {
  const rows = await instancesAt(deps.index, path);
  return rows.map((row) => instanceMetadata(row, deps.root));
}

/**
 * Retrieves frames (PS3.18 10.4.1.1.5), one part per frame.
 * @param deps - index, blobs, root
 * @param path - the instance
 * @param numbers - 1-based frame numbers
 * @param accept - the Accept header
 * @throws FhirError 404, 406
 */
export async function retrieveFrames(
  deps: WadoDeps,
  path: Required<DicomPath>,
  numbers: readonly number[],
  accept: string | undefined,
): Promise<StreamedResponse> {
  const accepted = acceptedTransferSyntaxes(accept, ['application/octet-stream']);
  const [row] = await instancesAt(deps.index, path);
  const { transferSyntaxUid, frames } = extractFrames(await readBlob(deps.blobs, (row as DicomInstanceRow).sha256));
  checkTransferSyntax(accepted, [transferSyntaxUid]);
  const selected = selectFrames(frames, numbers);
  const boundary = newBoundary();
  return {
    contentType: multipartContentType('application/octet-stream', boundary, transferSyntaxUid),
    write: (out) =>
      writeMultipart(
        out,
        boundary,
        selected.map((frame) => ({
          contentType: `application/octet-stream; transfer-syntax=${transferSyntaxUid}`,
          body: frame,
        })),
      ),
  };
}
