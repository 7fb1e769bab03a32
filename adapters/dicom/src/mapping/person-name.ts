/**
 * DICOM PN (PS3.5 6.2.1) → FHIR HumanName (https://hl7.org/fhir/R4/datatypes.html#HumanName).
 * A PN holds up to three component groups separated by `=`: alphabetic, ideographic, phonetic.
 * Each group has five `^` components: family^given^middle^prefix^suffix. Each non-empty group
 * becomes one HumanName, tagged with the ISO 21090 EN representation extension (ABC, IDE, SYL)
 * so a reader can tell the kanji form from the romaji one.
 * https://dicom.nema.org/medical/dicom/current/output/html/part05.html#sect_6.2.1
 */
import type { HumanName } from '@medplum/fhirtypes';
import type { DicomPersonName, DicomPersonNameGroups } from './instance-metadata';

/** The R4 core extension naming a name's representation (ABC alphabetic, IDE ideographic, SYL syllabic). */
export const EN_REPRESENTATION_URL = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

const GROUPS: readonly (readonly [keyof DicomPersonNameGroups, string])[] = [
  ['Alphabetic', 'ABC'],
  ['Ideographic', 'IDE'],
  ['Phonetic', 'SYL'],
];

/**
 * A PN value split into component groups.
 * @param value - the PN as dcmjs naturalizes it (string, groups object, or list of either)
 * @returns the groups of the first value, or undefined when there is none
 */
export function personNameGroups(value: DicomPersonName | undefined): DicomPersonNameGroups | undefined {
  const first: string | DicomPersonNameGroups | undefined = Array.isArray(value)
    ? (value as readonly (string | DicomPersonNameGroups)[])[0]
    : (value as string | DicomPersonNameGroups | undefined);
  if (first === undefined) {
    return undefined;
  }
  if (typeof first !== 'string') {
    return first;
  }
  const [Alphabetic, Ideographic, Phonetic] = first.split('=');
  return { Alphabetic, Ideographic, Phonetic };
}

/**
 * One PN component group → HumanName.
 * @param group - `family^given^middle^prefix^suffix`
 * @param representation - ABC, IDE or SYL
 * @returns the HumanName, or undefined when every component is empty
 */
export function humanNameFromGroup(group: string, representation: string): HumanName | undefined {
  const [family, given, middle, prefix, suffix] = group.split('^').map((part) => part.trim());
  const givens = [given, middle].filter(nonEmpty);
  const name: HumanName = {
    ...(nonEmpty(family) ? { family } : {}),
    ...(givens.length > 0 ? { given: givens } : {}),
    ...(nonEmpty(prefix) ? { prefix: [prefix] } : {}),
    ...(nonEmpty(suffix) ? { suffix: [suffix] } : {}),
  };
  if (Object.keys(name).length === 0) {
    return undefined;
  }
  return { extension: [{ url: EN_REPRESENTATION_URL, valueCode: representation }], ...name };
}

/**
 * A PN value → one HumanName per non-empty component group (alphabetic, ideographic, phonetic).
 * @param value - the PN as dcmjs naturalizes it
 * @returns the names, possibly none
 */
export function humanNamesFromPn(value: DicomPersonName | undefined): HumanName[] {
  const groups = personNameGroups(value);
  if (groups === undefined) {
    return [];
  }
  const names: HumanName[] = [];
  for (const [key, representation] of GROUPS) {
    const group = groups[key];
    const name = group === undefined ? undefined : humanNameFromGroup(group, representation);
    if (name !== undefined) {
      names.push(name);
    }
  }
  return names;
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}
