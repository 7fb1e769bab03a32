/**
 * HL7 table 0001 (PID-8 administrative sex) → Patient.gender (V2-to-FHIR IG
 * "Table HL70001 to Administrative Gender Map"): F female, M male, O/A other, U/N unknown.
 */
import type { Patient } from '@medplum/fhirtypes';

const GENDER: Readonly<Record<string, Patient['gender']>> = {
  F: 'female',
  M: 'male',
  O: 'other',
  A: 'other',
  U: 'unknown',
  N: 'unknown',
};

/**
 * Maps a PID-8 code.
 * @param code - the table 0001 code
 * @returns the gender, or undefined for a code outside the table
 */
export function mapGender(code: string): Patient['gender'] | undefined {
  return GENDER[code.toUpperCase()];
}
