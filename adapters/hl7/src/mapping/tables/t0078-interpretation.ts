/**
 * HL7 table 0078 (interpretation codes, OBX-8) → FHIR ObservationInterpretation
 * (V2-to-FHIR IG "Table HL70078 to Observation Interpretation Map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-table-hl70078-to-observation-interpretation.html).
 * Every mapped code keeps its spelling in v3-ObservationInterpretation; AC, HM, OBX, QCF and TOX
 * are inactive there and stay in v2-0078.
 */

/** The FHIR interpretation code system. */
export const V3_OBSERVATION_INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
/** HL7 table 0078 as a code system. */
export const V2_0078 = 'http://terminology.hl7.org/CodeSystem/v2-0078';

const MAPPED = new Set([
  '<',
  '>',
  'A',
  'AA',
  'B',
  'CAR',
  'D',
  'DET',
  'E',
  'EX',
  'EXP',
  'H',
  'HH',
  'HU',
  'I',
  'IE',
  'IND',
  'L',
  'LL',
  'LU',
  'MS',
  'N',
  'NCL',
  'ND',
  'NEG',
  'NR',
  'NS',
  'POS',
  'R',
  'RR',
  'S',
  'SDD',
  'SYN-R',
  'SYN-S',
  'U',
  'UNE',
  'VS',
  'W',
  'WR',
]);

const V2_ONLY = new Set(['AC', 'HM', 'OBX', 'QCF', 'TOX']);

/**
 * Maps an OBX-8 code.
 * @param code - the table 0078 code
 * @returns system and code, or undefined when the code is not in table 0078
 */
export function mapInterpretation(code: string): { system: string; code: string } | undefined {
  if (MAPPED.has(code)) {
    return { system: V3_OBSERVATION_INTERPRETATION, code };
  }
  return V2_ONLY.has(code) ? { system: V2_0078, code } : undefined;
}
