/**
 * Frame extraction for WADO-RS `/frames/{list}` (PS3.18 10.4.1.1.5, PS3.5 8.2 and A.4): native
 * pixel data is cut into frames of Rows × Columns × SamplesPerPixel × BitsAllocated/8 bytes;
 * encapsulated pixel data gives each frame's fragments, grouped by the Basic Offset Table when
 * present (dcmjs does the grouping), else one fragment per frame, or all fragments for a
 * single-frame image. dcmjs also inflates deflated files, whose frames are then native.
 */
import { fhirError } from '../../../../server/src/errors/outcome';
import { readPart10 } from '../dcmjs';
import type { DenaturalDataset } from '../dcmjs';

/** Transfer syntaxes whose pixel data is native (not encapsulated). */
const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);

/** Explicit VR Little Endian: what native frames are served as. */
export const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';

/** The frames of an instance. */
export interface InstanceFrames {
  /** The transfer syntax of the frame bytes (Explicit VR Little Endian for native data). */
  readonly transferSyntaxUid: string;
  readonly frames: readonly Buffer[];
}

function num(dataset: DenaturalDataset, tag: string, fallback: number): number {
  const value = Number(dataset[tag]?.Value?.[0]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function asBuffer(value: unknown): Buffer {
  if (value instanceof ArrayBuffer) {
    return Buffer.from(value);
  }
  if (ArrayBuffer.isView(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  if (Array.isArray(value)) {
    return Buffer.concat(value.map(asBuffer));
  }
  throw new Error('Unexpected pixel data value');
}

/**
 * Splits an instance's pixel data into frames.
 * @param part10 - the whole Part-10 file
 * @returns the frames and their transfer syntax
 * @throws FhirError 404 when the instance has no pixel data
 */
export function extractFrames(part10: Buffer): InstanceFrames {
  const { meta, dict } = readPart10(part10);
  const ts = String(meta['00020010']?.Value?.[0] ?? EXPLICIT_LITTLE);
  const values = dict['7FE00010']?.Value;
  if (values === undefined || values.length === 0) {
    throw fhirError('TESSERA_E_DICOMWEB_NOT_FOUND', 'The instance has no pixel data');
  }
  const count = num(dict, '00280008', 1);
  if (NATIVE.has(ts)) {
    const data = asBuffer(values[0]);
    const bits = num(dict, '00280100', 8);
    const size = Math.ceil((num(dict, '00280010', 0) * num(dict, '00280011', 0) * num(dict, '00280002', 1) * bits) / 8);
    const frames = Array.from({ length: count }, (_, i) => data.subarray(i * size, (i + 1) * size));
    return { transferSyntaxUid: EXPLICIT_LITTLE, frames };
  }
  const fragments = values.map(asBuffer);
  const frames = count === 1 && fragments.length > 1 ? [Buffer.concat(fragments)] : fragments;
  return { transferSyntaxUid: ts, frames };
}

/**
 * Parses a frame list (`1,3,5`; 1-based, PS3.18 8.3.3.1).
 * @param list - the path segment
 * @returns the frame numbers
 * @throws FhirError 400 when malformed
 */
export function parseFrameList(list: string): number[] {
  const numbers = list.split(',').map((s) => s.trim());
  if (numbers.length === 0 || numbers.some((s) => !/^[1-9]\d*$/.test(s))) {
    throw fhirError('TESSERA_E_SEARCH_INVALID_VALUE', `Not a frame list: ${list}`);
  }
  return numbers.map(Number);
}

/**
 * Picks frames by number.
 * @param frames - all frames
 * @param numbers - 1-based frame numbers
 * @throws FhirError 404 when one is out of range
 */
export function selectFrames(frames: readonly Buffer[], numbers: readonly number[]): Buffer[] {
  return numbers.map((n) => {
    const frame = frames[n - 1];
    if (frame === undefined || frame.length === 0) {
      throw fhirError('TESSERA_E_DICOMWEB_NOT_FOUND', `Frame ${n} does not exist (the instance has ${frames.length})`);
    }
    return frame;
  });
}
