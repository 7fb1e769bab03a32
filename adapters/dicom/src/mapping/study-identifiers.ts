/**
 * Identifiers and code systems of an ImagingStudy (https://hl7.org/fhir/R4/imagingstudy.html).
 *
 * Study Instance UID: R4 says to encode it as an Identifier with system `urn:dicom:uid` and value
 * `urn:oid:<uid>` (ImagingStudy.identifier "Notes", and the R4 example imagingstudy-example), which
 * is also what the Tessera profile's `studyInstanceUid` slice requires and what DESIGN.md calls
 * "DICOM UIDs as `urn:dicom:uid`". So the issue's `urn:dicom:uid` and the `urn:oid:` value are one
 * encoding, not two.
 *
 * Accession Number (0008,0050): an Identifier typed v2-0203 `ACSN`, with the same system the HL7
 * adapter gives the ServiceRequest's ACSN identifier (`urn:tessera:hl7v2:accession` by default).
 */
import type { Coding, Identifier } from '@medplum/fhirtypes';
import type { DicomInstanceMetadata } from './instance-metadata';

/** Identifier system of DICOM UIDs (value `urn:oid:<uid>`). */
export const DICOM_UID_SYSTEM = 'urn:dicom:uid';
/** The DICOM Controlled Terminology (PS3.16 D) code system, for modalities (CID 29/33). */
export const DCM_SYSTEM = 'http://dicom.nema.org/resources/ontology/DCM';
/** The system of `instance.sopClass` codings, whose code is `urn:oid:<SOP Class UID>`. */
export const URI_SYSTEM = 'urn:ietf:rfc:3986';
/** HL7 table 0203 identifier types. */
export const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
/** The Tessera ImagingStudy profile every study built here declares. */
export const TESSERA_IMAGING_STUDY_PROFILE =
  'https://tessera.example.org/fhir/StructureDefinition/tessera-imaging-study';

/**
 * The Study Instance UID identifier.
 * @param uid - the Study Instance UID
 * @returns `{ system: 'urn:dicom:uid', value: 'urn:oid:<uid>' }`
 */
export function studyUidIdentifier(uid: string): Identifier {
  return { system: DICOM_UID_SYSTEM, value: `urn:oid:${uid}` };
}

/**
 * The accession number identifier.
 * @param accession - Accession Number (0008,0050)
 * @param system - the accession system (the HL7 adapter's `accessionSystem`)
 * @returns the ACSN identifier
 */
export function accessionIdentifier(accession: string, system: string): Identifier {
  return { type: { coding: [{ system: V2_0203, code: 'ACSN' }] }, system, value: accession };
}

/**
 * The SOP Class coding of an instance.
 * @param sopClassUid - SOP Class UID (0008,0016)
 * @returns `{ system: 'urn:ietf:rfc:3986', code: 'urn:oid:<uid>' }`
 */
export function sopClassCoding(sopClassUid: string): Coding {
  return { system: URI_SYSTEM, code: `urn:oid:${sopClassUid}` };
}

/**
 * The ServiceRequest search parameter that finds the order of an instance, decoded, for
 * `SearchRequest.params`; undefined without an Accession Number. It uses `identifier:of-type`
 * (https://hl7.org/fhir/R4/search.html#token, modifier `of-type`: type system|type code|value)
 * rather than `identifier=system|value`: the DICOM side does not know which system the HL7 sender's
 * accession got (a configured `accessionSystem` or the default), but every ACSN identifier the HL7
 * adapter writes carries the v2-0203 ACSN type.
 * @param meta - the instance
 * @returns `['identifier:of-type', 'http://terminology.hl7.org/CodeSystem/v2-0203|ACSN|<accession>']`
 */
export function accessionSearchParam(meta: DicomInstanceMetadata): readonly [string, string] | undefined {
  const accession = meta.AccessionNumber?.trim();
  if (accession === undefined || accession === '') {
    return undefined;
  }
  // `\`, `|`, `,` and `$` in a token value are escaped with `\` (https://hl7.org/fhir/R4/search.html#escaping)
  const escaped = accession.replace(/[\\|,$]/g, (c) => `\\${c}`);
  return ['identifier:of-type', `${V2_0203}|ACSN|${escaped}`];
}

/**
 * The same search as a query string (for `ifNoneExist` or a URL): the accession part is
 * percent-encoded, so an ordinary accession reads
 * `identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|ACSN|ACC-1`.
 * @param meta - the instance
 * @returns the query string without `?`, or undefined without an Accession Number
 */
export function accessionQuery(meta: DicomInstanceMetadata): string | undefined {
  const param = accessionSearchParam(meta);
  if (param === undefined) {
    return undefined;
  }
  const prefix = `${V2_0203}|ACSN|`;
  return `${param[0]}=${prefix}${encodeURIComponent(param[1].slice(prefix.length))}`;
}
