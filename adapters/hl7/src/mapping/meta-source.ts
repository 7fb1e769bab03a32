/**
 * `meta.source` of every resource a message creates (https://hl7.org/fhir/R4/resource-definitions.html#Meta.source:
 * "a uri that identifies the source system of the resource ... may identify another FHIR server,
 * document, message"; DESIGN.md: resources from HL7 name the sending system).
 * Format (README "meta.source"): `urn:tessera:hl7v2:<MSH-3>@<MSH-4>#<MSH-10>`, each part
 * percent-encoded; MSH-3/MSH-4 use their namespace id (HD.1), else their universal id (HD.2),
 * else `unknown`. Example: `urn:tessera:hl7v2:LIS@LAB#MSG00001`.
 */
import type { Hl7Message } from '../message/message';
import type { Field } from '../message/model';
import { text } from './values';

/**
 * The name of an HD field: namespace id, else universal id.
 * @param field - MSH-3 or MSH-4
 * @returns the name, or `unknown`
 */
export function hdName(field: Field | undefined): string {
  return text(field?.component(1)) ?? text(field?.component(2)) ?? 'unknown';
}

/**
 * Builds the `meta.source` URI of a message.
 * @param message - the parsed message
 * @returns the URI
 */
export function metaSource(message: Hl7Message): string {
  const app = encodeURIComponent(hdName(message.sendingApplication));
  const facility = encodeURIComponent(hdName(message.sendingFacility));
  return `urn:tessera:hl7v2:${app}@${facility}#${encodeURIComponent(message.controlId ?? '')}`;
}
