/**
 * Priority (TQ1-9, table 0485; OBR-27.6 / ORC-7.6 TQ priority, table 0027) → ServiceRequest.priority
 * (V2-to-FHIR IG "Segment TQ1 to ServiceRequest Map" row TQ1-9 → priority, "Table HL70485 to Request
 * Priority Map"): S stat, A asap, R routine; P (pre-op), C (callback) and T (timing critical) →
 * urgent, the closest FHIR request-priority. PRN and timing expressions have no priority.
 */
import type { ServiceRequest } from '@medplum/fhirtypes';

const PRIORITY: Readonly<Record<string, ServiceRequest['priority']>> = {
  S: 'stat',
  A: 'asap',
  R: 'routine',
  P: 'urgent',
  C: 'urgent',
  T: 'urgent',
};

/**
 * Maps a priority code.
 * @param code - the table 0485 / 0027 code
 * @returns the priority, or undefined
 */
export function mapPriority(code: string): ServiceRequest['priority'] | undefined {
  return PRIORITY[code.toUpperCase()];
}
