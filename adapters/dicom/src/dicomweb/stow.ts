/**
 * STOW-RS intake (PS3.18 10.5): reads a `multipart/related; type="application/dicom"` body part
 * by part, streams each part into the blob store as it arrives, and hands the stored blobs to the
 * InstanceSink one at a time, in order (the next part keeps streaming meanwhile, bounded by
 * backpressure). Framing errors are 400, a body over the size limit 413, another media type 415.
 */
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../../../../server/src/durable/blob-store';
import { fhirError } from '../../../../server/src/errors/outcome';
import { openBlobIntake, type BlobIntake } from '../ingest/blob-intake';
import { ingestArriving, type InstanceSink } from '../ingest/types';
import { DimseStatus } from '../status';
import { MultipartError, MultipartSplitter, boundaryOf, mediaParameter } from './multipart-reader';
import type { StowPartResult } from './stow-response';

/** What STOW-RS intake needs. */
export interface StowDeps {
  readonly blobs: BlobStore;
  readonly sink: InstanceSink;
  /** Largest body accepted, in bytes (no limit when absent). */
  readonly maxStowBytes?: number;
}

/** One request. */
export interface StowRequest {
  readonly body: Readable;
  readonly contentType: string | undefined;
  readonly contentLength?: number;
  /** The study named by `/studies/{study}`. */
  readonly studyUid?: string;
}

class TooLarge extends Error {}

function limiter(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, callback): void {
      seen += chunk.length;
      callback(seen > max ? new TooLarge(`The body exceeds ${max} bytes`) : null, chunk);
    },
  });
}

function mediaType(value: string | undefined): string | undefined {
  return value?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/**
 * Checks the request's Content-Type.
 * @param contentType - the header
 * @returns the boundary
 */
export function stowBoundary(contentType: string | undefined): string {
  const type = mediaParameter(contentType ?? '', 'type');
  if (
    mediaType(contentType) !== 'multipart/related' ||
    (type !== undefined && mediaType(type) !== 'application/dicom')
  ) {
    throw fhirError(
      'TESSERA_E_HTTP_UNSUPPORTED_MEDIA_TYPE',
      'STOW-RS accepts multipart/related; type="application/dicom" only',
    );
  }
  const boundary = boundaryOf(contentType ?? '');
  if (boundary === undefined) {
    throw fhirError('TESSERA_E_DICOMWEB_MALFORMED_MULTIPART', 'The multipart Content-Type has no valid boundary');
  }
  return boundary;
}

async function ingestPart(
  deps: StowDeps,
  intake: BlobIntake,
  expectedStudyUid: string | undefined,
): Promise<StowPartResult> {
  try {
    const outcome = await ingestArriving(deps.sink, {
      headReady: intake.headReady,
      stored: intake.result,
      source: 'dicomweb',
      ...(expectedStudyUid !== undefined ? { expectedStudyUid } : {}),
    });
    if (outcome.kind === 'rejected') {
      // A part whose bytes could not be received (framing, size) is not understood: 0xC000.
      const framing = await intake.result.then(
        () => undefined,
        (err: unknown) => (err instanceof MultipartError || err instanceof TooLarge ? err : undefined),
      );
      return framing === undefined
        ? { ...outcome, kind: 'failed' }
        : { kind: 'failed', status: DimseStatus.CannotUnderstand, reason: framing.message };
    }
    return { kind: 'stored', ...outcome.uids, warnings: outcome.warnings };
  } catch (err) {
    return {
      kind: 'failed',
      status: DimseStatus.ProcessingFailure,
      reason: err instanceof Error ? err.message : String(err),
    };
  }
}

/**
 * Receives a STOW-RS body.
 * @param deps - blob store, sink, size limit
 * @param request - the body and its headers
 * @returns one result per part, in order
 * @throws FhirError 415 (media type), 400 (framing), 413 (size)
 */
export async function receiveStow(deps: StowDeps, request: StowRequest): Promise<StowPartResult[]> {
  const boundary = stowBoundary(request.contentType);
  const max = deps.maxStowBytes;
  if (max !== undefined && request.contentLength !== undefined && request.contentLength > max) {
    throw fhirError('TESSERA_E_HTTP_BODY_TOO_LARGE', `The body exceeds ${max} bytes`);
  }
  const pending: Promise<StowPartResult>[] = [];
  const splitter = new MultipartSplitter(boundary, (part) => {
    const type = mediaType(part.headers['content-type']) ?? 'application/dicom';
    if (type !== 'application/dicom') {
      part.body.resume();
      pending.push(
        Promise.resolve({
          kind: 'failed',
          status: DimseStatus.CannotUnderstand,
          reason: `Part media type ${type} is not application/dicom`,
        }),
      );
      return;
    }
    const intake = openBlobIntake(deps.blobs);
    part.body.on('error', (err) => intake.input.destroy(err));
    part.body.pipe(intake.input);
    // Each part is ingested as soon as its head is in; parts of one study that meet at their
    // study's commit share one ImagingStudy version (the ingest service batches per study).
    const result = ingestPart(deps, intake, request.studyUid);
    pending.push(result);
  });
  const stages = max === undefined ? [request.body, splitter] : [request.body, limiter(max), splitter];
  try {
    await pipeline(stages as [Readable, Transform]);
  } catch (err) {
    await Promise.allSettled(pending);
    if (err instanceof TooLarge) {
      throw fhirError('TESSERA_E_HTTP_BODY_TOO_LARGE', err.message);
    }
    if (err instanceof MultipartError) {
      throw fhirError('TESSERA_E_DICOMWEB_MALFORMED_MULTIPART', `Malformed multipart/related body: ${err.message}`);
    }
    throw err;
  }
  return Promise.all(pending);
}
