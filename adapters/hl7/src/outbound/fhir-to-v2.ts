/**
 * FHIR datatypes -> HL7 v2.5.1 datatypes for outbound messages: the V2-to-FHIR IG datatype maps
 * (https://build.fhir.org/ig/HL7/v2-to-fhir/datatype_maps.html) read backwards, so a message we
 * send maps back to the same FHIR with our inbound mappers:
 * CodeableConcept -> CWE (2A.3.8), dateTime -> DTM (2A.3.22), Identifier -> CX (2A.3.12) / EI
 * (2A.3.21), HumanName -> XPN (2A.3.83), system URI -> HD (2A.3.36) and table 0396 names.
 */
import type { CodeableConcept, Coding, HumanName, Identifier } from '@medplum/fhirtypes';
import { AUTHORITY_PREFIX, UNASSIGNED_PREFIX } from '../mapping/datatypes/authority';
import { LOCAL_CODE_SYSTEM_PREFIX } from '../mapping/tables/coding-systems';
import type { ComponentInput, LeafInput } from '../message/serialize';

/** FHIR system URI -> HL7 table 0396 name, for the systems senders expect by name. */
const SYSTEM_NAMES: Readonly<Record<string, string>> = {
  'http://loinc.org': 'LN',
  'http://snomed.info/sct': 'SCT',
  'http://unitsofmeasure.org': 'UCUM',
  'http://hl7.org/fhir/sid/icd-10': 'I10',
  'http://hl7.org/fhir/sid/icd-10-cm': 'I10C',
  'http://www.ama-assn.org/go/cpt': 'C4',
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'RXN',
  'http://dicom.nema.org/resources/ontology/DCM': 'DCM',
  'http://radlex.org': 'RADLEX',
};

/** The UCUM system URI. */
export const UCUM = 'http://unitsofmeasure.org';

/**
 * The table 0396 name of a code system (CWE.3): well-known names, `HL7nnnn` for HL7 v2 tables,
 * the local name back from a local system, else the URI itself.
 * @param system - the FHIR system URI.
 * @returns the coding system name, undefined without a system.
 */
export function codingSystemName(system: string | undefined): string | undefined {
  if (system === undefined) {
    return undefined;
  }
  const known = SYSTEM_NAMES[system];
  if (known !== undefined) {
    return known;
  }
  const table = /^http:\/\/terminology\.hl7\.org\/CodeSystem\/v2-(\d{4})$/.exec(system);
  if (table !== null) {
    return `HL7${table[1]}`;
  }
  if (system.startsWith(LOCAL_CODE_SYSTEM_PREFIX)) {
    const name = system.slice(LOCAL_CODE_SYSTEM_PREFIX.length).split(':').pop() ?? '';
    return decodeURIComponent(name);
  }
  return system.startsWith('urn:oid:') ? system.slice('urn:oid:'.length) : system;
}

/** CWE.1-3 (or CWE.4-6) of one Coding. */
function codingParts(coding: Coding | undefined): LeafInput[] {
  return coding === undefined
    ? [undefined, undefined, undefined]
    : [coding.code, coding.display, codingSystemName(coding.system)];
}

/**
 * CodeableConcept -> CWE: first coding in CWE.1-3, second in CWE.4-6, text in CWE.9.
 * @param concept - the concept.
 * @returns the CWE components, undefined when the concept is empty.
 */
export function toCwe(concept: CodeableConcept | undefined): ComponentInput[] | undefined {
  const codings = (concept?.coding ?? []).filter((c) => c.code !== undefined);
  const text = concept?.text;
  if (codings.length === 0 && text === undefined) {
    return undefined;
  }
  if (codings.length === 0) {
    return [undefined, text, undefined, undefined, undefined, undefined, undefined, undefined, text];
  }
  const original = text !== undefined && text !== codings[0]?.display ? text : undefined;
  return [
    ...codingParts(codings[0]),
    ...(codings[1] ? codingParts(codings[1]) : [undefined, undefined, undefined]),
    undefined,
    undefined,
    original,
  ];
}

/**
 * FHIR date / dateTime / instant -> DTM, keeping its precision (2A.3.22).
 * @param value - e.g. `2024-03-05`, `2024-03-05T10:20:30.5+01:00`, `2024-03-05T10:20:30Z`.
 * @returns `YYYY[MM[DD[HHMM[SS[.S]]]]][+ZZZZ]`, undefined when absent or unreadable.
 */
export function toDtm(value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const m =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,4})\d*)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(
      value,
    );
  if (m === null) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const time = h === undefined ? '' : `${h}${mi ?? ''}${s ?? ''}${frac === undefined ? '' : `.${frac}`}`;
  const offset = zone === undefined ? '' : zone === 'Z' ? '+0000' : zone.replace(':', '');
  return `${y}${mo ?? ''}${d ?? ''}${time}${h === undefined ? '' : offset}`;
}

/**
 * An identifier system -> HD (namespace & universal id & universal id type), reversing the
 * inbound derivation (adapters/hl7/src/mapping/datatypes/authority.ts).
 * @param system - the system URI.
 * @param namespace - an assigner name for HD.1.
 * @returns the HD subcomponents, undefined when there is no authority.
 */
export function toHd(system: string | undefined, namespace?: string): LeafInput[] | undefined {
  if (system === undefined || system.startsWith(UNASSIGNED_PREFIX)) {
    return namespace === undefined ? undefined : [namespace];
  }
  if (system.startsWith(AUTHORITY_PREFIX)) {
    return [namespace ?? decodeURIComponent(system.slice(AUTHORITY_PREFIX.length))];
  }
  if (system.startsWith('urn:oid:')) {
    return [namespace, system.slice('urn:oid:'.length), 'ISO'];
  }
  if (system.startsWith('urn:uuid:')) {
    return [namespace, system.slice('urn:uuid:'.length), 'UUID'];
  }
  return [namespace, system, 'URI'];
}

/**
 * Identifier -> CX: value, assigning authority (CX.4 HD), identifier type code (CX.5).
 * @param identifier - the identifier.
 * @returns the CX components, undefined without a value.
 */
export function toCx(identifier: Identifier): ComponentInput[] | undefined {
  if (identifier.value === undefined) {
    return undefined;
  }
  return [
    identifier.value,
    undefined,
    undefined,
    toHd(identifier.system, identifier.assigner?.display),
    identifier.type?.coding?.[0]?.code,
  ];
}

/**
 * Identifier -> EI: entity id, namespace, universal id, universal id type.
 * @param identifier - the identifier.
 * @returns the EI components, undefined without a value.
 */
export function toEi(identifier: Identifier | undefined): LeafInput[] | undefined {
  if (identifier?.value === undefined) {
    return undefined;
  }
  return [identifier.value, ...(toHd(identifier.system, identifier.assigner?.display) ?? [])];
}

/** HumanName.use -> XPN.7 name type code (table 0200). */
const NAME_TYPES: Readonly<Record<string, string>> = {
  official: 'L',
  usual: 'D',
  nickname: 'N',
  maiden: 'M',
  anonymous: 'S',
};

/**
 * HumanName -> XPN: family ^ given ^ further given names ^ suffix ^ prefix ^^ name type.
 * @param name - the name.
 * @returns the XPN components.
 */
export function toXpn(name: HumanName): ComponentInput[] {
  const [given, ...middle] = name.given ?? [];
  return [
    name.family,
    given,
    middle.length > 0 ? middle.join(' ') : undefined,
    name.suffix?.join(' '),
    name.prefix?.join(' '),
    undefined,
    name.use === undefined ? undefined : NAME_TYPES[name.use],
  ];
}
