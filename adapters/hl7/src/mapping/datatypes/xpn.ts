/**
 * XPN → HumanName (V2-to-FHIR IG "Datatype XPN[HumanName] map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-datatype-xpn-to-humanname.html):
 * XPN.1.1 surname → family, XPN.2 and XPN.3 → given, XPN.4 → suffix, XPN.5 → prefix,
 * XPN.6 degree → suffix, XPN.7 name type (table 0200) → use ("Table HL70200 to Name Use Map").
 */
import type { HumanName } from '@medplum/fhirtypes';
import type { Repetition } from '../../message/model';
import { text } from '../values';

/** Table 0200 name type → HumanName.use. */
const NAME_USE: Readonly<Record<string, HumanName['use']>> = {
  L: 'official',
  R: 'official',
  C: 'official',
  D: 'usual',
  A: 'usual',
  T: 'usual',
  N: 'nickname',
  M: 'maiden',
  S: 'anonymous',
  BAD: 'old',
  NB: 'old',
};

/** The parts of a person's name, whatever v2 type carried them (XPN, XCN, CNN). */
export interface NameParts {
  readonly family?: string | undefined;
  readonly given?: string | undefined;
  readonly middle?: string | undefined;
  readonly suffix?: string | undefined;
  readonly prefix?: string | undefined;
  readonly degree?: string | undefined;
  readonly type?: string | undefined;
}

/**
 * Builds a HumanName from name parts.
 * @param parts - the parts
 * @returns the name, or undefined when empty
 */
export function humanName(parts: NameParts): HumanName | undefined {
  const given = [parts.given, parts.middle].filter((g): g is string => g !== undefined);
  const suffix = [parts.suffix, parts.degree].filter((s): s is string => s !== undefined);
  if (parts.family === undefined && given.length === 0) {
    return undefined;
  }
  const use = parts.type === undefined ? undefined : NAME_USE[parts.type.toUpperCase()];
  return {
    ...(use === undefined ? {} : { use }),
    ...(parts.family === undefined ? {} : { family: parts.family }),
    ...(given.length > 0 ? { given } : {}),
    ...(parts.prefix === undefined ? {} : { prefix: [parts.prefix] }),
    ...(suffix.length > 0 ? { suffix } : {}),
  };
}

/**
 * A display string for a name: prefix, given names, family.
 * @param name - the name
 * @returns the display text
 */
export function nameDisplay(name: HumanName | undefined): string | undefined {
  if (name === undefined) {
    return undefined;
  }
  const words = [...(name.prefix ?? []), ...(name.given ?? []), name.family].filter((w) => w !== undefined);
  return words.length === 0 ? undefined : words.join(' ');
}

/**
 * Maps one XPN repetition.
 * @param rep - the repetition
 * @returns the HumanName, or undefined when it has no name
 */
export function mapXpn(rep: Repetition): HumanName | undefined {
  return humanName({
    family: text(rep.subcomponent(1, 1)),
    given: text(rep.component(2)),
    middle: text(rep.component(3)),
    suffix: text(rep.component(4)),
    prefix: text(rep.component(5)),
    degree: text(rep.component(6)),
    type: text(rep.component(7)),
  });
}
