/**
 * OBX fields besides the value (HL7 v2.5.1 chapter 7, 7.4.2): OBX-7 reference range, OBX-8
 * abnormal flags (table 0078), and the ED / RP value of a report's presentedForm
 * (2A.3.23 ED, 2A.3.63 RP; V2-to-FHIR IG maps OBX-5 ED to DiagnosticReport.presentedForm).
 */
import type { Attachment, Observation } from '@medplum/fhirtypes';
import type { FieldInput } from '../message/serialize';
import { toCwe } from './fhir-to-v2';

/** FHIR's ObservationInterpretation system, whose codes are table 0078's. */
const V3_INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
/** HL7 v2 table 0078 as a FHIR system. */
const V2_0078 = 'http://terminology.hl7.org/CodeSystem/v2-0078';

/**
 * OBX-7 from the first referenceRange: `low-high`, `>low`, `<high`, or its text.
 * @param o - the Observation.
 * @returns the range text, undefined when there is none.
 */
export function referenceRange(o: Observation): string | undefined {
  const range = o.referenceRange?.[0];
  const low = range?.low?.value;
  const high = range?.high?.value;
  if (low !== undefined && high !== undefined) {
    return `${low}-${high}`;
  }
  if (low !== undefined) {
    return `>${low}`;
  }
  if (high !== undefined) {
    return `<${high}`;
  }
  return range?.text;
}

/**
 * OBX-8 repetitions: each interpretation as a table 0078 CWE.
 * @param o - the Observation.
 * @returns the field, undefined without interpretations.
 */
export function interpretations(o: Observation): FieldInput | undefined {
  const reps = (o.interpretation ?? [])
    .map((concept) => {
      const coding = concept.coding?.find((c) => c.system === V3_INTERPRETATION || c.system === V2_0078);
      return coding?.code !== undefined ? [coding.code, coding.display, 'HL70078'] : toCwe(concept);
    })
    .filter((r) => r !== undefined);
  return reps.length === 0 ? undefined : { repetitions: reps };
}

/** MIME major type -> ED.2 type of data (table 0191). */
const TYPE_OF_DATA: Readonly<Record<string, string>> = { application: 'AP', image: 'IM', text: 'TEXT', audio: 'AU' };

/**
 * A presentedForm as an OBX value: inline data -> ED `^AP^PDF^Base64^<data>`; a URL only -> RP
 * `<url>^^AP^PDF`.
 * @param form - the attachment.
 * @returns value type and value, undefined when it has neither data nor url.
 */
export function attachmentValue(form: Attachment): { valueType: string; value: FieldInput } | undefined {
  const [major, minor] = (form.contentType ?? 'application/octet-stream').split(';')[0]?.trim().split('/') ?? [];
  const type = TYPE_OF_DATA[major?.toLowerCase() ?? ''] ?? 'AP';
  const subtype = minor?.toUpperCase();
  if (form.data !== undefined) {
    return { valueType: 'ED', value: [undefined, type, subtype, 'Base64', form.data] };
  }
  if (form.url !== undefined) {
    return { valueType: 'RP', value: [form.url, undefined, type, subtype] };
  }
  return undefined;
}
