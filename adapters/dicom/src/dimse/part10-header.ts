/**
 * Part-10 framing of a received data set (PS3.10 7.1): 128-byte preamble, `DICM`, then the File
 * Meta Information (group 0002, always Explicit VR Little Endian) naming the SOP Class/Instance
 * from the C-STORE command, the accepted transfer syntax, our implementation and the sender's AE
 * title. The data set bytes follow exactly as they came off the wire, so a deflated data set
 * (PS3.5 A.5) makes a valid deflated Part-10 file without inflating it here.
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part10/chapter_7.html
 */
import { dcmjsData } from '../dcmjs';

/** Tessera's Implementation Class UID (PS3.7 D.3.3.2), a UUID-derived UID (PS3.5 B.2). */
export const TESSERA_IMPLEMENTATION_CLASS_UID = '2.25.138969248101459895091810353240056576249';
/** Tessera's Implementation Version Name (SH, at most 16 characters). */
export const TESSERA_IMPLEMENTATION_VERSION = 'TESSERA_1';

/** What the File Meta Information states. */
export interface Part10HeaderFields {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntaxUid: string;
  /** The calling AE title (0002,0016). */
  readonly sourceAeTitle?: string;
}

/**
 * Builds the preamble, `DICM` and File Meta Information group.
 * @param fields - the meta values
 * @returns the bytes that precede the data set
 */
export function buildPart10Header(fields: Part10HeaderFields): Buffer {
  const meta: Record<string, unknown> = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: fields.sopClassUid,
    MediaStorageSOPInstanceUID: fields.sopInstanceUid,
    TransferSyntaxUID: fields.transferSyntaxUid,
    ImplementationClassUID: TESSERA_IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: TESSERA_IMPLEMENTATION_VERSION,
  };
  const aet = fields.sourceAeTitle?.trim();
  if (aet !== undefined && aet !== '') {
    meta.SourceApplicationEntityTitle = aet;
  }
  const dict = new dcmjsData.DicomDict(dcmjsData.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = {};
  return Buffer.from(dict.write());
}

/** The File Meta Information of a Part-10 file, and where its data set starts. */
export interface Part10Meta {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntaxUid: string;
  /** Offset of the first data set byte. */
  readonly datasetOffset: number;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/**
 * Reads the File Meta Information of a Part-10 file (group 0002, Explicit VR Little Endian).
 * @param bytes - the file (at least up to the end of group 0002)
 * @returns the meta values; throws when the bytes are not a Part-10 file
 */
export function readPart10Meta(bytes: Buffer): Part10Meta {
  if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM') {
    throw new Error('not a DICOM Part-10 file (no DICM prefix)');
  }
  const values = new Map<number, string>();
  let offset = 132;
  while (offset + 8 <= bytes.length && bytes.readUInt16LE(offset) === 0x0002) {
    const element = bytes.readUInt16LE(offset + 2);
    const vr = bytes.toString('latin1', offset + 4, offset + 6);
    let length: number;
    let valueStart: number;
    if (LONG_VRS.has(vr)) {
      length = bytes.readUInt32LE(offset + 8);
      valueStart = offset + 12;
    } else {
      length = bytes.readUInt16LE(offset + 6);
      valueStart = offset + 8;
    }
    if (valueStart + length > bytes.length) {
      throw new Error('truncated File Meta Information');
    }
    if (vr === 'UI' || vr === 'AE' || vr === 'SH') {
      values.set(element, bytes.toString('latin1', valueStart, valueStart + length).replace(/[\0 ]+$/, ''));
    }
    offset = valueStart + length;
  }
  const get = (element: number, name: string): string => {
    const value = values.get(element);
    if (value === undefined || value === '') {
      throw new Error(`File Meta Information lacks ${name}`);
    }
    return value;
  };
  return {
    sopClassUid: get(0x0002, 'MediaStorageSOPClassUID'),
    sopInstanceUid: get(0x0003, 'MediaStorageSOPInstanceUID'),
    transferSyntaxUid: get(0x0010, 'TransferSyntaxUID'),
    datasetOffset: offset,
  };
}
