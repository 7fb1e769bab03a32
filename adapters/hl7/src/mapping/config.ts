/**
 * Mapping configuration: how HL7 v2 assigning authorities become FHIR identifier systems
 * (HL7 V2-to-FHIR IG, "Datatype CX[Identifier] map": CX.4 assigning authority → Identifier.system,
 * and "Datatype HD[Identifier]": a universal id of type ISO becomes `urn:oid:`).
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-datatype-cx-to-identifier.html
 */

/** What the mappers need to know about the sites they talk to. */
export interface Hl7MappingConfig {
  /**
   * Assigning authority (CX.4.1 namespace id, or CX.4.2 universal id) → identifier system URI.
   * Unknown authorities fall back to a derived URI: `urn:oid:<CX.4.2>` when CX.4.3 is ISO,
   * `urn:uuid:<CX.4.2>` when UUID, the universal id itself when URI, else
   * `urn:tessera:hl7v2:authority:<namespace>`; no authority at all gives
   * `urn:tessera:hl7v2:unassigned:<kind>` (kind: patient, visit, placer-order, ...).
   */
  readonly identifierSystems: Readonly<Record<string, string>>;
  /** System of accession-number identifiers (ServiceRequest.identifier with type v2-0203 ACSN). */
  readonly accessionSystem: string;
}

/** Defaults: no site-specific authorities, accession numbers in a Tessera-local system. */
export const DEFAULT_HL7_MAPPING_CONFIG: Hl7MappingConfig = {
  identifierSystems: {},
  accessionSystem: 'urn:tessera:hl7v2:accession',
};
