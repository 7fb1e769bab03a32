/**
 * Reads a Part-10 file's File Meta Information and every top-level attribute before the pixel data
 * (PS3.10 7.1), and says where the pixel data element starts, without touching the pixel values.
 * dcmjs does the parsing; what it does not expose (where it stopped) we take from its stream,
 * because a file cut off inside its pixel data otherwise reads as zero-padded pixels
 * (test/fixtures/dicom/part10.ts, dcmjs 0.51). Pinned by test/unit/adapters/dicom/part10/.
 */
import { dcmjsData } from '../dcmjs';
import { elementsEndAtEnd } from './element-bounds';
import { inflateRawSync } from 'node:zlib';
import type { DicomJson } from '../../../../server/src/durable/dicom-index';

const { DicomMessage, ReadBufferStream } = dcmjsData;

/** Deflated Explicit VR Little Endian (PS3.5 A.5). */
export const DEFLATED_TS = '1.2.840.10008.1.2.1.99';
const IMPLICIT_TS = '1.2.840.10008.1.2';
const EXPLICIT_TS = '1.2.840.10008.1.2.1';
const BIG_ENDIAN_TS = '1.2.840.10008.1.2.2';
const PIXEL_DATA = '7FE00010';
const PREAMBLE = 128;

/** Why a file could not be read. */
export class Part10Error extends Error {
  /**
   * @param reason - `not-dicom`, `truncated` or `malformed`
   * @param message - what was wrong
   */
  constructor(
    readonly reason: 'not-dicom' | 'truncated' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'Part10Error';
  }
}

/** Where the top-level PixelData element is, relative to the start of the (inflated) data set bytes given. */
export interface PixelDataLocation {
  /** Offset of the value's first byte. */
  readonly valueOffset: number;
  /** Declared value length; undefined for encapsulated (undefined length, PS3.5 A.4). */
  readonly length: number | undefined;
}

/** What the head of a file says. */
export interface ParsedHead {
  /** File Meta Information (group 0002) as DICOM JSON. */
  readonly fileMeta: DicomJson;
  readonly transferSyntaxUid: string;
  /** Top-level attributes before PixelData, as DICOM JSON. */
  readonly dataset: DicomJson;
  /** Absent when the data set has no PixelData. */
  readonly pixelData?: PixelDataLocation;
  /** Whether the bytes given hold the whole data set (inflated, for deflated files). */
  readonly datasetBytes: number;
  /** Offset of the data set in the bytes given (for deflated files: in the inflated bytes). */
  readonly datasetOffset: number;
}

/**
 * Parses the bytes up to the pixel data.
 * @param bytes - the file, or its first bytes
 * @param complete - whether `bytes` is the whole file
 * @returns the parsed head, or `undefined` when `bytes` ends before the pixel data (read more)
 * @throws Part10Error when the bytes are not a readable Part-10 file
 */
export function parseHead(bytes: Buffer, complete: boolean): ParsedHead | undefined {
  if (bytes.length < PREAMBLE + 4 || bytes.toString('latin1', PREAMBLE, PREAMBLE + 4) !== 'DICM') {
    if (!complete && bytes.length < PREAMBLE + 4) {
      return undefined;
    }
    throw new Part10Error('not-dicom', 'not a DICOM Part-10 file (no DICM prefix, PS3.10 7.1)');
  }
  const { meta, datasetOffset } = readFileMeta(bytes, complete);
  if (meta === undefined) {
    return undefined;
  }
  const transferSyntaxUid = stringValue(meta['00020010']);
  if (transferSyntaxUid === undefined) {
    throw new Part10Error('malformed', 'File Meta Information has no Transfer Syntax UID (0002,0010)');
  }
  let body = bytes.subarray(datasetOffset);
  if (transferSyntaxUid === DEFLATED_TS) {
    if (!complete) {
      return undefined; // deflated data sets are read whole (they are small and rare)
    }
    body = inflate(body);
  }
  const syntax =
    transferSyntaxUid === IMPLICIT_TS || transferSyntaxUid === BIG_ENDIAN_TS ? transferSyntaxUid : EXPLICIT_TS;
  const stream = new ReadBufferStream(arrayBufferOf(body), true, {
    noCopy: true,
  });
  let dataset: Record<string, unknown>;
  try {
    dataset = DicomMessage._read(stream, syntax, { untilTag: PIXEL_DATA, includeUntilTagValue: false }) as Record<
      string,
      unknown
    >;
  } catch (error) {
    if (!complete) {
      return undefined;
    }
    throw new Part10Error('truncated', `data set cannot be read: ${(error as Error).message}`);
  }
  const reachedPixelData = PIXEL_DATA in dataset;
  if (!reachedPixelData && !complete) {
    return undefined;
  }
  // A whole file without Pixel Data must end where its last element does (dcmjs reads a cut one short).
  if (!reachedPixelData && syntax !== BIG_ENDIAN_TS && !elementsEndAtEnd(body, syntax !== IMPLICIT_TS)) {
    throw new Part10Error('truncated', 'data set ends inside an attribute');
  }
  const { [PIXEL_DATA]: _pixelTag, ...beforePixelData } = dataset;
  const pixelData = reachedPixelData ? locatePixelData(body, stream.offset, syntax, complete) : undefined;
  if (reachedPixelData && pixelData === undefined) {
    return undefined;
  }
  return {
    fileMeta: meta,
    transferSyntaxUid,
    dataset: beforePixelData as DicomJson,
    ...(pixelData === undefined ? {} : { pixelData }),
    datasetBytes: body.length,
    datasetOffset: transferSyntaxUid === DEFLATED_TS ? 0 : datasetOffset,
  };
}

function readFileMeta(bytes: Buffer, complete: boolean): { meta?: DicomJson; datasetOffset: number } {
  const start = PREAMBLE + 4;
  // (0002,0000) UL, explicit VR LE: tag 4, VR 2, length 2, value 4 (PS3.10 7.1 requires it first).
  if (bytes.length < start + 12) {
    if (complete) {
      throw new Part10Error('truncated', 'file ends inside the File Meta Information');
    }
    return { datasetOffset: 0 };
  }
  if (bytes.readUInt16LE(start) !== 0x0002 || bytes.readUInt16LE(start + 2) !== 0x0000) {
    throw new Part10Error('malformed', 'File Meta Information Group Length (0002,0000) is missing');
  }
  const groupLength = bytes.readUInt32LE(start + 8);
  const datasetOffset = start + 12 + groupLength;
  if (bytes.length < datasetOffset) {
    if (complete) {
      throw new Part10Error('truncated', 'file ends inside the File Meta Information');
    }
    return { datasetOffset };
  }
  const metaBytes = bytes.subarray(start + 12, datasetOffset);
  const stream = new ReadBufferStream(arrayBufferOf(metaBytes), true, { noCopy: true });
  try {
    return { meta: DicomMessage._read(stream, EXPLICIT_TS, {}) as DicomJson, datasetOffset };
  } catch (error) {
    throw new Part10Error('malformed', `File Meta Information cannot be read: ${(error as Error).message}`);
  }
}

/** dcmjs stops just after the PixelData tag; the VR and length follow (PS3.5 7.1.2 explicit, 7.1.3 implicit). */
function locatePixelData(
  body: Buffer,
  afterTag: number,
  syntax: string,
  complete: boolean,
): PixelDataLocation | undefined {
  const headerRest = syntax === IMPLICIT_TS ? 4 : 8;
  if (body.length < afterTag + headerRest) {
    if (complete) {
      throw new Part10Error('truncated', 'file ends inside the Pixel Data element header');
    }
    return undefined;
  }
  const read32 = (at: number): number => (syntax === BIG_ENDIAN_TS ? body.readUInt32BE(at) : body.readUInt32LE(at));
  const length = syntax === IMPLICIT_TS ? read32(afterTag) : read32(afterTag + 4);
  return { valueOffset: afterTag + headerRest, length: length === 0xffffffff ? undefined : length };
}

function inflate(bytes: Buffer): Buffer {
  try {
    return inflateRawSync(bytes);
  } catch (error) {
    throw new Part10Error('truncated', `deflated data set cannot be inflated: ${(error as Error).message}`);
  }
}

function stringValue(element: DicomJson[string] | undefined): string | undefined {
  const value = element?.Value?.[0];
  return typeof value === 'string' && value.trim() !== '' ? value.trim().replace(/\0+$/, '') : undefined;
}

/** A standalone ArrayBuffer holding exactly the bytes (dcmjs reads whole ArrayBuffers). */
export function arrayBufferOf(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}
