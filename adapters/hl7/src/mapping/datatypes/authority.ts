/**
 * Assigning authority (HD) → identifier system URI (V2-to-FHIR IG "Datatype CX[Identifier] map":
 * CX.4 → Identifier.system; "Datatype HD[Identifier]": HD.2 with HD.3 `ISO` → `urn:oid:`).
 * The configuration table wins; otherwise the derivation documented in the README applies:
 * ISO → `urn:oid:<uid>`, UUID → `urn:uuid:<uid>`, URI → the uid, a namespace alone →
 * `urn:tessera:hl7v2:authority:<namespace>`, nothing → `urn:tessera:hl7v2:unassigned:<kind>`.
 */
import type { Hl7MappingConfig } from '../config';
import { lookup } from '../values';

/** HD as read from the message (namespace id, universal id, universal id type). */
export interface Authority {
  readonly namespace?: string | undefined;
  readonly universalId?: string | undefined;
  readonly universalIdType?: string | undefined;
}

/** What an identifier without any assigning authority identifies (part of its fallback system). */
export type IdentifierKind =
  | 'patient'
  | 'visit'
  | 'placer-order'
  | 'filler-order'
  | 'placer-group'
  | 'specimen'
  | 'practitioner'
  | 'organization'
  | 'observation';

/** Universal id type (HL7 table 0301) → system URI built from the universal id. */
const UNIVERSAL_ID_SYSTEMS: Readonly<Record<string, (uid: string) => string>> = {
  ISO: (uid) => `urn:oid:${uid}`,
  UUID: (uid) => `urn:uuid:${uid.toLowerCase()}`,
  URI: (uid) => uid,
  URL: (uid) => uid,
};

/** Prefix of derived authority systems. */
export const AUTHORITY_PREFIX = 'urn:tessera:hl7v2:authority:';
/** Prefix of systems for identifiers that name no authority. */
export const UNASSIGNED_PREFIX = 'urn:tessera:hl7v2:unassigned:';

/**
 * The identifier system of an assigning authority.
 * @param authority - the HD parts (may be empty)
 * @param config - the configured authority table
 * @param kind - what is identified, for the no-authority fallback
 * @returns the system URI
 */
export function identifierSystem(
  authority: Authority | undefined,
  config: Hl7MappingConfig,
  kind: IdentifierKind,
): string {
  const ns = authority?.namespace;
  const uid = authority?.universalId;
  const configured =
    (ns === undefined ? undefined : lookup(config.identifierSystems, ns)) ??
    (uid === undefined ? undefined : lookup(config.identifierSystems, uid));
  if (configured !== undefined) {
    return configured;
  }
  const derive =
    uid === undefined ? undefined : lookup(UNIVERSAL_ID_SYSTEMS, authority?.universalIdType?.toUpperCase() ?? '');
  if (uid !== undefined && derive !== undefined) {
    return derive(uid);
  }
  if (ns !== undefined) {
    return AUTHORITY_PREFIX + encodeURIComponent(ns);
  }
  if (uid !== undefined) {
    return AUTHORITY_PREFIX + encodeURIComponent(uid);
  }
  return UNASSIGNED_PREFIX + kind;
}
