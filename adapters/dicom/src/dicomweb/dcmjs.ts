/**
 * Typed access to the parts of dcmjs (which ships no type declarations) that DICOMweb uses:
 * the data dictionary (keyword ↔ tag) and the Part-10 reader (`DicomMessage.readFile`, which also
 * inflates Deflated Explicit VR Little Endian files, PS3.5 A.5).
 */
import { createRequire } from 'node:module';

/** A denaturalized dataset: tag (`ggggeeee`) → `{ vr, Value }` (PS3.18 F.2). */
export type DcmjsDataset = Record<string, { vr: string; Value?: unknown[] }>;

/** A parsed Part-10 file. */
export interface DcmjsDicomDict {
  readonly meta: DcmjsDataset;
  readonly dict: DcmjsDataset;
}

interface DictionaryEntry {
  readonly tag: string;
  readonly vr: string;
  readonly name: string;
}

interface DcmjsData {
  DicomMetaDictionary: {
    nameMap: Record<string, DictionaryEntry | undefined>;
    dictionary: Record<string, DictionaryEntry | undefined>;
  };
  DicomMessage: { readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DcmjsDicomDict };
}

const data = (createRequire(__filename)('dcmjs') as { data: DcmjsData }).data;

/**
 * The tag (`GGGGEEEE`, upper case) of a keyword, or undefined when the dictionary lacks it.
 * @param keyword - a DICOM keyword such as `PatientName`
 */
export function tagOfKeyword(keyword: string): string | undefined {
  const entry = data.DicomMetaDictionary.nameMap[keyword];
  return entry === undefined ? undefined : entry.tag.replace(/[(),]/g, '').toUpperCase();
}

/**
 * Parses a Part-10 file (pixel data included).
 * @param bytes - the whole file
 * @returns the meta header and the data set, denaturalized
 */
export function readPart10(bytes: Buffer): DcmjsDicomDict {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return data.DicomMessage.readFile(buffer, { untilTag: undefined });
}
