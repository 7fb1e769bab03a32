/**
 * HL7 table 0119 (ORC-1 order control) → ServiceRequest.status, used when ORC-5 is not valued
 * (V2-to-FHIR IG "Segment ORC to ServiceRequest Map" row ORC-1, "Table HL70119 to Request Status Map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-table-hl70119-to-request-status.html).
 * Decision (README "order status"): CA (cancel request) → revoked, not the map's `active`: Tessera
 * stores the order as the placer sent it and runs no filler workflow that would confirm with CR,
 * so the cancel is the last word it will get. XO/XR/XX (changes) keep the order active.
 */
import type { ServiceRequest } from '@medplum/fhirtypes';

const STATUS: Readonly<Record<string, ServiceRequest['status']>> = {
  AF: 'active',
  CA: 'revoked',
  CR: 'revoked',
  DC: 'revoked',
  DF: 'revoked',
  DR: 'revoked',
  FU: 'completed',
  HD: 'active',
  HR: 'on-hold',
  NW: 'active',
  OC: 'revoked',
  OD: 'revoked',
  OH: 'on-hold',
  OK: 'active',
  PR: 'active',
  PY: 'active',
  RL: 'active',
  RO: 'active',
  RQ: 'active',
  XO: 'active',
  XR: 'active',
  XX: 'active',
};

/** Every table 0119 code (v2.8.2), mapped or not. */
const KNOWN = new Set([
  ...Object.keys(STATUS),
  'CH',
  'CN',
  'CP',
  'DE',
  'LI',
  'MC',
  'NA',
  'OE',
  'OF',
  'OP',
  'OR',
  'PA',
  'RE',
  'RF',
  'RP',
  'RR',
  'RU',
  'SC',
  'SN',
  'SR',
  'SS',
  'UA',
  'UC',
  'UD',
  'UF',
  'UH',
  'UM',
  'UN',
  'UR',
  'UX',
]);

/**
 * Maps an ORC-1 code.
 * @param code - the table 0119 code
 * @returns `status` (undefined when the map leaves the code unmapped), `known` false outside table 0119
 */
export function mapOrderControl(code: string): { status: ServiceRequest['status'] | undefined; known: boolean } {
  const upper = code.toUpperCase();
  return { status: STATUS[upper], known: KNOWN.has(upper) };
}
