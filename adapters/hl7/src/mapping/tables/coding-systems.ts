/**
 * HL7 table 0396 coding system names → FHIR code system URIs (V2-to-FHIR IG
 * "Coding System" guidance https://build.fhir.org/ig/HL7/v2-to-fhir/mapping_guidelines.html#coding-systems,
 * and HL7 Terminology's external code system URIs). `HL7nnnn` names become the THO v2 table
 * systems; `L` and `99zzz` are local by definition (table 0396) and get a system scoped to the
 * sending application.
 */

const KNOWN: Readonly<Record<string, string>> = {
  LN: 'http://loinc.org',
  LOINC: 'http://loinc.org',
  SCT: 'http://snomed.info/sct',
  SNM: 'http://snomed.info/sct',
  SNM3: 'http://snomed.info/sct',
  SNOMED: 'http://snomed.info/sct',
  SNOMEDCT: 'http://snomed.info/sct',
  UCUM: 'http://unitsofmeasure.org',
  I10: 'http://hl7.org/fhir/sid/icd-10',
  ICD10: 'http://hl7.org/fhir/sid/icd-10',
  I10C: 'http://hl7.org/fhir/sid/icd-10-cm',
  'ICD-10-CM': 'http://hl7.org/fhir/sid/icd-10-cm',
  I10P: 'http://www.cms.gov/Medicare/Coding/ICD10',
  I9: 'http://hl7.org/fhir/sid/icd-9-cm',
  I9C: 'http://hl7.org/fhir/sid/icd-9-cm',
  I9CDX: 'http://hl7.org/fhir/sid/icd-9-cm',
  C4: 'http://www.ama-assn.org/go/cpt',
  C5: 'http://www.ama-assn.org/go/cpt',
  CPT: 'http://www.ama-assn.org/go/cpt',
  HCPCS: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  HPC: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  RXN: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  RXNORM: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  NDC: 'http://hl7.org/fhir/sid/ndc',
  CVX: 'http://hl7.org/fhir/sid/cvx',
  DCM: 'http://dicom.nema.org/resources/ontology/DCM',
  RADLEX: 'http://radlex.org',
  RADLX: 'http://radlex.org',
  UML: 'http://www.nlm.nih.gov/research/umls',
};

/** Prefix of local code systems (`L`, `99zzz` and unknown names), followed by sender and name. */
export const LOCAL_CODE_SYSTEM_PREFIX = 'urn:tessera:hl7v2:codesystem:';

/** A coding system name resolved. */
export interface CodeSystemResolution {
  /** The FHIR system URI. */
  readonly uri: string;
  /** False when the name is not a table 0396 name we know (the URI is then a local one). */
  readonly known: boolean;
}

/**
 * Resolves a CWE.3 / CWE.6 coding system name.
 * @param name - the name as sent (e.g. `LN`, `HL70078`, `99LAB`, `L`)
 * @param sender - the sending application (MSH-3), scoping local systems
 * @returns the URI and whether the name was recognised
 */
export function resolveCodeSystem(name: string, sender: string): CodeSystemResolution {
  const known = KNOWN[name.toUpperCase()];
  if (known !== undefined) {
    return { uri: known, known: true };
  }
  const table = /^HL7?(\d{4})$/i.exec(name);
  if (table !== null) {
    return { uri: `http://terminology.hl7.org/CodeSystem/v2-${table[1]}`, known: true };
  }
  if (/^\d+(\.\d+)+$/.test(name)) {
    return { uri: `urn:oid:${name}`, known: true };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(name)) {
    return { uri: name, known: true };
  }
  const local = `${LOCAL_CODE_SYSTEM_PREFIX}${encodeURIComponent(sender)}:${encodeURIComponent(name)}`;
  return { uri: local, known: name === 'L' || /^99[A-Za-z0-9]{1,3}$/.test(name) };
}
