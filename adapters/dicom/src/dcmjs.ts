/**
 * Typed access to the parts of dcmjs (which ships no type declarations) the DICOM adapter uses.
 * One module for the whole adapter, loaded with createRequire rather than a global
 * `declare module 'dcmjs'`, so that test fixtures can type it their own way.
 */
import { createRequire } from 'node:module';

/** A naturalized data set: keyword → value (`DicomMetaDictionary.naturalizeDataset`). */
export type NaturalDataset = Record<string, unknown>;

/** A denaturalized data set (the DICOM JSON model): tag (`ggggeeee`) → `{ vr, Value }`. */
export type DenaturalDataset = Record<string, { vr: string; Value?: unknown[]; [key: string]: unknown }>;

/** A Part-10 file as parsed by `DicomMessage.readFile`. */
export interface DcmjsDicomDict {
  meta: DenaturalDataset;
  dict: DenaturalDataset;
  write(options?: Record<string, unknown>): ArrayBuffer;
}

/** dcmjs's read stream; `offset` is where reading stopped. */
export interface DcmjsReadBufferStream {
  offset: number;
}

/** The subset of `dcmjs.data` used by the adapter. */
export interface DcmjsData {
  DicomDict: new (meta: DenaturalDataset) => DcmjsDicomDict;
  DicomMetaDictionary: {
    naturalizeDataset(dataset: DenaturalDataset): NaturalDataset;
    denaturalizeDataset(dataset: NaturalDataset): DenaturalDataset;
    uid(): string;
    dictionary: Record<string, { tag: string; vr: string; name: string } | undefined>;
    nameMap: Record<string, { tag: string; vr: string; name: string } | undefined>;
  };
  DicomMessage: {
    readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DcmjsDicomDict;
    /** Internal reader (dcmjs 0.51): reads elements from a stream, optionally stopping at a tag. */
    _read(stream: DcmjsReadBufferStream, syntax: string, options: Record<string, unknown>): DenaturalDataset;
  };
  ReadBufferStream: new (
    buffer: ArrayBuffer,
    littleEndian?: boolean,
    options?: { noCopy?: boolean },
  ) => DcmjsReadBufferStream;
}

const load = createRequire(__filename);
const dcmjs = load('dcmjs') as { data: DcmjsData; log: { setLevel(level: string): void } };

// dcmjs logs parser warnings (odd VRs, padding) to the console; Tessera reports problems itself.
dcmjs.log.setLevel('silent');

/** `dcmjs.data`, typed. */
export const dcmjsData: DcmjsData = dcmjs.data;

/**
 * The tag (`GGGGEEEE`, upper case) of a keyword, or undefined when the dictionary lacks it.
 * @param keyword - a DICOM keyword such as `PatientName`
 * @returns the tag
 */
export function tagOfKeyword(keyword: string): string | undefined {
  const entry = dcmjsData.DicomMetaDictionary.nameMap[keyword];
  return entry === undefined ? undefined : entry.tag.replace(/[(),]/g, '').toUpperCase();
}

/**
 * Parses a whole Part-10 file (pixel data included).
 * @param bytes - the file
 * @returns the File Meta Information and the data set, denaturalized
 */
export function readPart10(bytes: Buffer): DcmjsDicomDict {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return dcmjsData.DicomMessage.readFile(buffer, { untilTag: undefined });
}
