/**
 * HL7 table 0074 (OBR-24 diagnostic service section id) → DiagnosticReport.category
 * (V2-to-FHIR IG "Segment OBR to DiagnosticReport Map" row OBR-24 → category with the v2-0074
 * system) and, for Observation.category, the FHIR observation-category the section implies.
 */
import type { CodeableConcept } from '@medplum/fhirtypes';

/** HL7 table 0074 as a code system. */
export const V2_0074 = 'http://terminology.hl7.org/CodeSystem/v2-0074';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

const IMAGING = new Set(['RAD', 'CT', 'CTH', 'MR', 'NMR', 'NMS', 'US', 'VUS', 'XRC', 'RX', 'OUS', 'RUS', 'CUS']);
const LABORATORY = new Set([
  'LAB',
  'CH',
  'HM',
  'SR',
  'MB',
  'MCB',
  'BLB',
  'BG',
  'CG',
  'CP',
  'HEM',
  'IMM',
  'MYC',
  'PAR',
  'SP',
  'TX',
  'URN',
  'VR',
  'SC',
  'OSL',
  'PHY',
  'PHR',
]);

/**
 * The DiagnosticReport.category for an OBR-24 code.
 * @param code - the table 0074 code
 * @returns the category
 */
export function reportCategory(code: string): CodeableConcept {
  return { coding: [{ system: V2_0074, code }] };
}

/**
 * The observation-category implied by an OBR-24 code.
 * @param code - the table 0074 code, or undefined
 * @returns `laboratory`, `imaging`, or undefined
 */
export function observationCategory(code: string | undefined): CodeableConcept | undefined {
  const upper = code?.toUpperCase();
  const category =
    upper === undefined ? undefined : IMAGING.has(upper) ? 'imaging' : LABORATORY.has(upper) ? 'laboratory' : undefined;
  return category === undefined ? undefined : { coding: [{ system: OBSERVATION_CATEGORY, code: category }] };
}
