/**
 * HL7 table 0085 (OBX-11 observation result status) → Observation.status
 * (V2-to-FHIR IG "Table HL70085 to Observation Status Map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-table-hl70085-to-observation-status.html:
 * A amended, C corrected, D/W entered-in-error, F final, P preliminary, X cancelled).
 * The guide leaves the rest unmapped; our decisions (README "OBX-11"):
 * V verified → final (final results reviewed, unchanged), I specimen in lab → registered,
 * R entered not verified → preliminary, S partial → preliminary, B appended → amended,
 * U changed to final without retransmission → final, O order detail only → registered,
 * N not asked → final with dataAbsentReason `not-asked` (the map's own OBX-11 N row).
 */
import type { Observation } from '@medplum/fhirtypes';

const STATUS: Readonly<Record<string, Observation['status']>> = {
  A: 'amended',
  B: 'amended',
  C: 'corrected',
  D: 'entered-in-error',
  W: 'entered-in-error',
  F: 'final',
  V: 'final',
  U: 'final',
  N: 'final',
  P: 'preliminary',
  R: 'preliminary',
  S: 'preliminary',
  I: 'registered',
  O: 'registered',
  X: 'cancelled',
};

/**
 * Maps an OBX-11 code.
 * @param code - the table 0085 code
 * @returns the Observation status, or undefined for a code outside table 0085
 */
export function mapObservationStatus(code: string): Observation['status'] | undefined {
  return STATUS[code.toUpperCase()];
}
