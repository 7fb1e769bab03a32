/**
 * ED encapsulated data (HL7 v2.5.1 2A.3.26: source ^ type of data ^ subtype ^ encoding ^ data) →
 * Attachment (V2-to-FHIR IG "Datatype ED[Attachment] map": type/subtype → contentType, data
 * decoded per ED.4 and carried base64 in Attachment.data). Encodings: Base64, Hex, A (ASCII text).
 */
import type { Attachment } from '@medplum/fhirtypes';

const SUBTYPES: Readonly<Record<string, string>> = {
  PDF: 'application/pdf',
  RTF: 'application/rtf',
  XML: 'application/xml',
  HTML: 'text/html',
  TEXT: 'text/plain',
  PLAIN: 'text/plain',
  JPEG: 'image/jpeg',
  JPG: 'image/jpeg',
  PNG: 'image/png',
  GIF: 'image/gif',
  TIFF: 'image/tiff',
  DICOM: 'application/dicom',
};

const TYPES = new Set(['application', 'image', 'text', 'audio', 'video', 'multipart', 'model']);

/**
 * The MIME type of an ED from its type and subtype.
 * @param type - ED.2 (e.g. `AP`, `Application`, `image`)
 * @param subtype - ED.3 (e.g. `PDF`, `pdf`, `application/pdf`)
 * @returns a MIME type (application/octet-stream when unknown)
 */
export function edContentType(type: string | undefined, subtype: string | undefined): string {
  if (subtype?.includes('/')) {
    return subtype.toLowerCase();
  }
  const known = subtype === undefined ? undefined : SUBTYPES[subtype.toUpperCase()];
  if (known !== undefined) {
    return known;
  }
  const lower = type?.toLowerCase();
  if (lower !== undefined && TYPES.has(lower) && subtype !== undefined) {
    return `${lower}/${subtype.toLowerCase()}`;
  }
  return lower === 'tx' || lower === 'text' ? 'text/plain' : 'application/octet-stream';
}

/**
 * Decodes ED data into base64.
 * @param encoding - ED.4
 * @param data - ED.5
 * @returns base64 text, or undefined for an unknown encoding or malformed data
 */
export function edBase64(encoding: string | undefined, data: string): string | undefined {
  switch (encoding?.toUpperCase()) {
    case 'BASE64': {
      const compact = data.replace(/\s+/g, '');
      return /^[A-Za-z0-9+/]*={0,2}$/.test(compact) && compact.length % 4 === 0 && compact.length > 0
        ? compact
        : undefined;
    }
    case 'HEX': {
      const compact = data.replace(/\s+/g, '');
      return /^([0-9A-Fa-f]{2})+$/.test(compact) ? Buffer.from(compact, 'hex').toString('base64') : undefined;
    }
    case 'A':
    case undefined:
      return Buffer.from(data, 'utf8').toString('base64');
    default:
      return undefined;
  }
}

/**
 * Maps ED components to an Attachment.
 * @param parts - ED.1..ED.5
 * @param title - Attachment.title
 * @returns the Attachment, or undefined when the data cannot be decoded
 */
export function mapEd(parts: readonly (string | undefined)[], title?: string): Attachment | undefined {
  const data = parts[4];
  const base64 = data === undefined ? undefined : edBase64(parts[3], data);
  if (base64 === undefined) {
    return undefined;
  }
  return {
    contentType: edContentType(parts[1], parts[2]),
    data: base64,
    ...(title === undefined ? {} : { title }),
  };
}
