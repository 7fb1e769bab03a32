/**
 * HL7 table 0038 (ORC-5 order status) → ServiceRequest.status (V2-to-FHIR IG
 * "Table HL70038 to ServiceRequest Status Map" (OrderStatus), cited by "Segment ORC to ServiceRequest Map"
 * row ORC-5): CA/DC/RP revoked, CM completed, ER entered-in-error, HD on-hold, IP/SC active.
 * A (some, but not all, results available) → active, the order being in progress.
 * When valued, ORC-5 wins over ORC-1.
 */
import type { ServiceRequest } from '@medplum/fhirtypes';

const STATUS: Readonly<Record<string, ServiceRequest['status']>> = {
  CA: 'revoked',
  CM: 'completed',
  DC: 'revoked',
  ER: 'entered-in-error',
  HD: 'on-hold',
  IP: 'active',
  RP: 'revoked',
  SC: 'active',
  A: 'active',
};

/**
 * Maps an ORC-5 code.
 * @param code - the table 0038 code
 * @returns the status, or undefined for an unknown code
 */
export function mapOrderStatus(code: string): ServiceRequest['status'] | undefined {
  return STATUS[code.toUpperCase()];
}
