/**
 * Decides whether a received Part-10 file can be stored, and reads what the index and the
 * ImagingStudy need from it. Every refusal carries the DIMSE status the receiver sends
 * (PS3.4 B.2.3): 0xC000 "cannot understand" for what is not DICOM, is cut off, or lacks the UIDs
 * that identify it; 0xA900 for a data set that does not match the SOP class it claims.
 */
import type { DicomJson } from '../../../../server/src/durable/dicom-index';
import { dcmjsData } from '../dcmjs';
import type { DicomInstanceMetadata } from '../mapping';
import { parseHead, Part10Error, type ParsedHead } from '../part10/parse-head';
import { DimseStatus } from '../status';
import { requiresPixelData, sopClassMismatch } from './iod-requirements';
import type { InstanceUids, ReceivedInstance } from './types';

/** A refusal: the status to send and why. */
export class IngestRejection extends Error {
  /**
   * @param status - DIMSE failure status
   * @param reason - why (sent as the Error Comment / FailureReason text)
   * @param uids - the SOP class and instance, when known
   */
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly uids: { sopClassUid?: string; sopInstanceUid?: string } = {},
  ) {
    super(reason);
    this.name = 'IngestRejection';
  }
}

/** What an accepted file holds. */
export interface InspectedInstance {
  readonly uids: InstanceUids;
  /** Top-level attributes before the pixel data, DICOM JSON. */
  readonly dataset: DicomJson;
  /** The same, naturalized (keyword → value), for the FHIR mapping. */
  readonly meta: DicomInstanceMetadata & Readonly<Record<string, unknown>>;
  readonly hasPixelData: boolean;
  /** The parsed head, for the pixel data check once the whole file is stored. */
  readonly parsed: ParsedHead;
}

/** Reads a stored blob whole (only when the head kept by the receiver is not enough). */
export type ReadBlob = (sha256: string) => Promise<Buffer>;

/** What the receiver says about an instance, besides its bytes. */
export type ReceivedContext = Pick<ReceivedInstance, 'declared' | 'expectedStudyUid'>;

/**
 * Inspects a received file: {@link inspectHead} then {@link checkPixelData}.
 * @param received - the stored blob and its head (and tail)
 * @param readBlob - reads the whole blob when needed
 * @returns the instance's UIDs and attributes
 * @throws IngestRejection with the status to send
 */
export async function inspectInstance(received: ReceivedInstance, readBlob: ReadBlob): Promise<InspectedInstance> {
  const size = received.blob.size;
  const complete = received.head.length >= size;
  let whole: Buffer | undefined = complete ? received.head : undefined;
  let instance = inspectHead(received.head, complete, received);
  if (instance === undefined) {
    whole = await readBlob(received.blob.sha256);
    instance = inspectHead(whole, true, received);
  }
  if (instance === undefined) {
    throw new IngestRejection(DimseStatus.CannotUnderstand, 'data set cannot be read');
  }
  await checkPixelData(instance, received, whole, readBlob);
  return instance;
}

/**
 * Checks what the leading bytes of a file say: readable Part-10, the identifying UIDs present and
 * consistent with what the receiver was told, and a data set that matches its SOP class.
 * @param head - the file, or its first bytes
 * @param complete - whether `head` is the whole file
 * @param context - the C-STORE command's UIDs, the STOW-RS target study
 * @returns the instance, or undefined when `head` ends before the pixel data (read more)
 * @throws IngestRejection with the status to send
 */
export function inspectHead(head: Buffer, complete: boolean, context: ReceivedContext): InspectedInstance | undefined {
  const parsed = parse(head, complete);
  if (parsed === undefined) {
    return undefined;
  }
  const meta = dcmjsData.DicomMetaDictionary.naturalizeDataset(
    parsed.dataset as Parameters<typeof dcmjsData.DicomMetaDictionary.naturalizeDataset>[0],
  ) as InspectedInstance['meta'];
  const uids = requireUids(parsed, meta, context);
  if (parsed.pixelData === undefined && requiresPixelData(uids.sopClassUid)) {
    throw new IngestRejection(DimseStatus.CannotUnderstand, 'truncated: the image has no Pixel Data (7FE0,0010)', uids);
  }
  const mismatch = sopClassMismatch(uids.sopClassUid, meta);
  if (mismatch !== undefined) {
    throw new IngestRejection(DimseStatus.DataSetDoesNotMatchSopClass, mismatch, uids);
  }
  return { uids, dataset: parsed.dataset, meta, hasPixelData: parsed.pixelData !== undefined, parsed };
}

function parse(bytes: Buffer, complete: boolean): ParsedHead | undefined {
  try {
    return parseHead(bytes, complete);
  } catch (error) {
    if (error instanceof Part10Error) {
      throw new IngestRejection(DimseStatus.CannotUnderstand, error.message);
    }
    throw error;
  }
}

function requireUids(
  head: ParsedHead,
  meta: Readonly<Record<string, unknown>>,
  received: ReceivedContext,
): InstanceUids {
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const sopClassUid = text(meta.SOPClassUID);
  const sopInstanceUid = text(meta.SOPInstanceUID);
  const known = { ...(sopClassUid ? { sopClassUid } : {}), ...(sopInstanceUid ? { sopInstanceUid } : {}) };
  const studyUid = text(meta.StudyInstanceUID);
  const seriesUid = text(meta.SeriesInstanceUID);
  const missing = [
    studyUid ? undefined : 'StudyInstanceUID (0020,000D)',
    seriesUid ? undefined : 'SeriesInstanceUID (0020,000E)',
    sopInstanceUid ? undefined : 'SOPInstanceUID (0008,0018)',
    sopClassUid ? undefined : 'SOPClassUID (0008,0016)',
  ].filter((m): m is string => m !== undefined);
  if (missing.length > 0 || !studyUid || !seriesUid || !sopInstanceUid || !sopClassUid) {
    throw new IngestRejection(DimseStatus.CannotUnderstand, `missing ${missing.join(', ')}`, known);
  }
  const mediaClass = text(head.fileMeta['00020002']?.Value?.[0]);
  const mediaInstance = text(head.fileMeta['00020003']?.Value?.[0]);
  // PS3.10 7.1: the File Meta names the same SOP class and instance as the data set.
  if (mediaClass !== undefined && mediaClass !== sopClassUid) {
    throw new IngestRejection(
      DimseStatus.DataSetDoesNotMatchSopClass,
      `File Meta SOP class ${mediaClass} differs from the data set's ${sopClassUid}`,
      known,
    );
  }
  if (mediaInstance !== undefined && mediaInstance !== sopInstanceUid) {
    throw new IngestRejection(
      DimseStatus.DataSetDoesNotMatchSopClass,
      `File Meta SOP instance ${mediaInstance} differs from the data set's ${sopInstanceUid}`,
      known,
    );
  }
  const declared = received.declared;
  // PS3.4 B.2.3 / PS3.7 9.1.1: the C-STORE command's Affected SOP Class/Instance name this data set.
  if (declared !== undefined && declared.sopClassUid !== sopClassUid) {
    throw new IngestRejection(
      DimseStatus.DataSetDoesNotMatchSopClass,
      `C-STORE names SOP class ${declared.sopClassUid}, the data set is ${sopClassUid}`,
      known,
    );
  }
  if (declared !== undefined && declared.sopInstanceUid !== sopInstanceUid) {
    throw new IngestRejection(
      DimseStatus.DataSetDoesNotMatchSopClass,
      `C-STORE names SOP instance ${declared.sopInstanceUid}, the data set is ${sopInstanceUid}`,
      known,
    );
  }
  if (received.expectedStudyUid !== undefined && received.expectedStudyUid !== studyUid) {
    // PS3.18 10.5.3.2: an instance outside the study named in the STOW-RS target is refused.
    throw new IngestRejection(
      DimseStatus.DataSetDoesNotMatchSopClass,
      `instance belongs to study ${studyUid}, not ${received.expectedStudyUid}`,
      known,
    );
  }
  return { studyUid, seriesUid, sopInstanceUid, sopClassUid, transferSyntaxUid: head.transferSyntaxUid };
}

const SEQUENCE_DELIMITER = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);

/**
 * Checks, once the whole file is stored, that its pixel data is all there. dcmjs reads a file cut
 * off inside its pixel data as zero-padded pixels, so the extent is checked here: native pixel data must fit in the file and hold Rows × Columns × Samples × Bits/8 × Frames
 * bytes (PS3.5 8.1.1); encapsulated pixel data must close with its Sequence Delimitation Item
 * (PS3.5 A.4).
 * @param instance - from {@link inspectHead}
 * @param stored - the stored blob (and its last bytes, when kept)
 * @param whole - the whole file, when already read
 * @param readBlob - reads the whole blob when needed
 * @throws IngestRejection 0xC000 when the pixel data is cut off
 */
export async function checkPixelData(
  instance: InspectedInstance,
  stored: { readonly blob: { readonly sha256: string; readonly size: number }; readonly tail?: Buffer },
  whole: Buffer | undefined,
  readBlob: ReadBlob,
): Promise<void> {
  const head = instance.parsed;
  const uids = instance.uids;
  const size = stored.blob.size;
  const received = stored;
  const pixel = head.pixelData;
  if (pixel === undefined) {
    return;
  }
  const truncated = (why: string): IngestRejection =>
    new IngestRejection(DimseStatus.CannotUnderstand, `truncated: ${why}`, uids);
  if (pixel.length !== undefined) {
    const end = head.datasetOffset + pixel.valueOffset + pixel.length;
    const available = head.datasetOffset === 0 ? head.datasetBytes : size;
    if (end > available) {
      throw truncated(`Pixel Data declares ${pixel.length} bytes, the file holds ${available - (end - pixel.length)}`);
    }
    const expected = expectedNativeLength(head);
    if (expected !== undefined && pixel.length < expected) {
      throw truncated(
        `Pixel Data holds ${pixel.length} bytes, Rows × Columns × Samples × Bits × Frames need ${expected}`,
      );
    }
    return;
  }
  const tail = received.tail ?? whole?.subarray(-SEQUENCE_DELIMITER.length);
  if (tail !== undefined && tail.subarray(-SEQUENCE_DELIMITER.length).equals(SEQUENCE_DELIMITER)) {
    return;
  }
  // Trailing elements after the pixel data are legal but rare: walk the fragments to be sure.
  const bytes = whole ?? (await readBlob(received.blob.sha256));
  if (!fragmentsClose(bytes, head.datasetOffset + pixel.valueOffset)) {
    throw truncated('encapsulated Pixel Data has no Sequence Delimitation Item');
  }
}

function fragmentsClose(bytes: Buffer, start: number): boolean {
  let at = start;
  while (at + 8 <= bytes.length) {
    const group = bytes.readUInt16LE(at);
    const element = bytes.readUInt16LE(at + 2);
    const length = bytes.readUInt32LE(at + 4);
    if (group !== 0xfffe) {
      return false;
    }
    if (element === 0xe0dd) {
      return true;
    }
    at += 8 + length;
  }
  return false;
}

function expectedNativeLength(head: ParsedHead): number | undefined {
  const number = (tag: string): number | undefined => {
    const value = head.dataset[tag]?.Value?.[0];
    const n = typeof value === 'string' ? Number(value) : value;
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
  };
  const rows = number('00280010');
  const columns = number('00280011');
  const bits = number('00280100');
  if (rows === undefined || columns === undefined || bits === undefined) {
    return undefined;
  }
  const samples = number('00280002') ?? 1;
  const frames = number('00280008') ?? 1;
  return Math.ceil((rows * columns * samples * frames * bits) / 8);
}
