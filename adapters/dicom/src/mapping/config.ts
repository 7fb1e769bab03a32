/**
 * Settings of the DICOM → FHIR mapping. The identifier systems follow the HL7 adapter's rules
 * (adapters/hl7/README.md "Identifier systems") so that a Patient or an order written from HL7 v2
 * and a study received over DICOM meet on the same identifiers.
 */

/** Configuration of the DICOM → FHIR mapping. */
export interface DicomMappingConfig {
  /** Issuer of Patient ID (or its Universal Entity ID) → Patient.identifier.system. */
  readonly identifierSystems: Readonly<Record<string, string>>;
  /** Patient.identifier.system when the instance names no issuer at all. */
  readonly defaultPatientSystem: string;
  /** System of the ACSN identifier on ImagingStudy; the HL7 adapter's `accessionSystem`. */
  readonly accessionSystem: string;
  /**
   * Offset (`Z`, `+hh:mm`) given to a DA+TM that has no Timezone Offset From UTC (0008,0201):
   * FHIR dateTime needs a zone once it has a time (https://hl7.org/fhir/R4/datatypes.html#dateTime).
   */
  readonly defaultTimezone: string;
}

/** Prefix of systems derived from an issuer name; the same as the HL7 adapter's `AUTHORITY_PREFIX`. */
export const AUTHORITY_PREFIX = 'urn:tessera:hl7v2:authority:';

/** Defaults: no configured issuers, HL7's default accession system, times in UTC. */
export const DEFAULT_DICOM_MAPPING_CONFIG: DicomMappingConfig = {
  identifierSystems: {},
  defaultPatientSystem: 'urn:tessera:dicom:unassigned:patient',
  accessionSystem: 'urn:tessera:hl7v2:accession',
  defaultTimezone: 'Z',
};

/**
 * The defaults with some settings replaced.
 * @param overrides - the settings to replace
 * @returns a complete configuration
 */
export function dicomMappingConfig(overrides: Partial<DicomMappingConfig> = {}): DicomMappingConfig {
  return { ...DEFAULT_DICOM_MAPPING_CONFIG, ...overrides };
}
