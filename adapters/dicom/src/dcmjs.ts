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

/** `dcmjs.data`, typed. */
export const dcmjsData: DcmjsData = (load('dcmjs') as { data: DcmjsData }).data;
