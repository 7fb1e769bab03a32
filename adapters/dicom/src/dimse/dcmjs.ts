/**
 * Typed access to the parts of `dcmjs` (which ships no type declarations) that the DIMSE layer
 * uses, loaded with `createRequire` so no global `declare module 'dcmjs'` clashes with other
 * modules. Also quiets dcmjs-dimse's own logger (loglevel, TRACE by default): Tessera logs its
 * DIMSE events through pino instead.
 */
import { createRequire } from 'node:module';
import { log } from 'dcmjs-dimse';

/** A naturalized dataset: keyword → value (`DicomMetaDictionary.naturalizeDataset`). */
export type NaturalDataset = Record<string, unknown>;

/** A denaturalized dataset: tag (`ggggeeee`) → `{ vr, Value }` (the DICOM JSON model). */
export type DenaturalDataset = Record<string, { vr: string; Value?: readonly unknown[] }>;

/** A Part-10 file as dcmjs holds it. */
export interface DcmjsDicomDict {
  meta: DenaturalDataset;
  dict: DenaturalDataset;
  write(options?: Record<string, unknown>): ArrayBuffer;
}

/** The subset of `dcmjs.data` used here. */
export interface DcmjsData {
  DicomDict: new (meta: DenaturalDataset) => DcmjsDicomDict;
  DicomMetaDictionary: {
    naturalizeDataset(dataset: DenaturalDataset): NaturalDataset;
    denaturalizeDataset(dataset: NaturalDataset): DenaturalDataset;
  };
  DicomMessage: {
    readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DcmjsDicomDict;
  };
}

const load = createRequire(__filename);

/** `dcmjs.data`, typed. */
export const dcmjsData: DcmjsData = (load('dcmjs') as { data: DcmjsData }).data;

log.setLevel('silent');
