/**
 * XCN and CNN (inside NDL) → a person: identifier + HumanName (V2-to-FHIR IG
 * "Datatype XCN[Practitioner] map" https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-datatype-xcn-to-practitioner.html:
 * XCN.1 → identifier.value, XCN.9 assigning authority → identifier.system, XCN.13 → identifier.type,
 * XCN.2-7 → name; "Datatype NDL[PractitionerRole]": NDL.1 is a CNN whose subcomponents carry the
 * same parts, CNN.9-11 the authority).
 */
import type { HumanName, Identifier } from '@medplum/fhirtypes';
import type { Repetition } from '../../message/model';
import type { Hl7MappingConfig } from '../config';
import { text } from '../values';
import { identifierSystem } from './authority';
import { identifierType } from './cx';
import { humanName } from './xpn';

/** A person named in a message (ordering provider, observer, interpreter...). */
export interface Person {
  readonly identifier: Identifier | undefined;
  readonly name: HumanName | undefined;
}

/**
 * Maps one XCN repetition.
 * @param rep - the repetition
 * @param config - authority → system table
 * @returns the person, or undefined when neither id nor name is given
 */
export function mapXcn(rep: Repetition | undefined, config: Hl7MappingConfig): Person | undefined {
  if (rep === undefined) {
    return undefined;
  }
  const id = text(rep.component(1));
  const type = text(rep.component(13));
  const identifier: Identifier | undefined =
    id === undefined
      ? undefined
      : {
          ...(type === undefined ? {} : { type: identifierType(type) }),
          system: identifierSystem(
            {
              namespace: text(rep.subcomponent(9, 1)),
              universalId: text(rep.subcomponent(9, 2)),
              universalIdType: text(rep.subcomponent(9, 3)),
            },
            config,
            'practitioner',
          ),
          value: id,
        };
  const name = humanName({
    family: text(rep.subcomponent(2, 1)),
    given: text(rep.component(3)),
    middle: text(rep.component(4)),
    suffix: text(rep.component(5)),
    prefix: text(rep.component(6)),
    degree: text(rep.component(7)),
  });
  return identifier === undefined && name === undefined ? undefined : { identifier, name };
}

/**
 * Maps the CNN in NDL.1 (OBR-32 principal result interpreter, OBR-34 technician).
 * @param rep - the NDL repetition
 * @param config - authority → system table
 * @returns the person, or undefined
 */
export function mapNdl(rep: Repetition | undefined, config: Hl7MappingConfig): Person | undefined {
  if (rep === undefined) {
    return undefined;
  }
  const s = (n: number): string | undefined => text(rep.subcomponent(1, n));
  const id = s(1);
  const identifier: Identifier | undefined =
    id === undefined
      ? undefined
      : {
          system: identifierSystem(
            { namespace: s(9), universalId: s(10), universalIdType: s(11) },
            config,
            'practitioner',
          ),
          value: id,
        };
  const name = humanName({ family: s(2), given: s(3), middle: s(4), suffix: s(5), prefix: s(6), degree: s(7) });
  return identifier === undefined && name === undefined ? undefined : { identifier, name };
}
