/**
 * HL7 table 0004 (PV1-2 patient class) → Encounter.class (V2-to-FHIR IG
 * "Table HL70004 to Encounter Class Map"): E EMER, I IMP, O AMB, P PRENC, R IMP (recurring),
 * B IMP (obstetrics); others keep their v2-0004 code (Encounter.class is an extensible binding).
 */
import type { Coding } from '@medplum/fhirtypes';

const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

const CLASS: Readonly<Record<string, Coding>> = {
  E: { system: ACT_CODE, code: 'EMER', display: 'emergency' },
  I: { system: ACT_CODE, code: 'IMP', display: 'inpatient encounter' },
  R: { system: ACT_CODE, code: 'IMP', display: 'inpatient encounter' },
  B: { system: ACT_CODE, code: 'IMP', display: 'inpatient encounter' },
  O: { system: ACT_CODE, code: 'AMB', display: 'ambulatory' },
  P: { system: ACT_CODE, code: 'PRENC', display: 'pre-admission' },
};

/**
 * Maps a PV1-2 code (Encounter.class is required, so an absent class gives NullFlavor UNK).
 * @param code - the table 0004 code, or undefined
 * @returns the class Coding
 */
export function mapPatientClass(code: string | undefined): Coding {
  if (code === undefined) {
    return { system: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor', code: 'UNK', display: 'unknown' };
  }
  return CLASS[code.toUpperCase()] ?? { system: 'http://terminology.hl7.org/CodeSystem/v2-0004', code };
}
