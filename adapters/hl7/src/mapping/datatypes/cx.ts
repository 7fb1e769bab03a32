/**
 * CX → Identifier (V2-to-FHIR IG "Datatype CX[Identifier] map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-datatype-cx-to-identifier.html):
 * CX.1 → value, CX.4 (HD: namespace & universal id & type) → system, CX.5 → type (table 0203).
 */
import type { Identifier } from '@medplum/fhirtypes';
import type { Repetition } from '../../message/model';
import type { Hl7MappingConfig } from '../config';
import { text } from '../values';
import type { IdentifierKind } from './authority';
import { identifierSystem } from './authority';

/** Identifier type code system (HL7 table 0203). */
export const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/**
 * An Identifier.type CodeableConcept from table 0203.
 * @param code - the 0203 code (MR, PLAC, FILL, ACSN, VN...)
 * @returns the CodeableConcept
 */
export function identifierType(code: string): Identifier['type'] {
  return { coding: [{ system: V2_0203, code }] };
}

/**
 * Maps one CX repetition.
 * @param rep - the CX repetition
 * @param config - authority → system table
 * @param kind - what it identifies (fallback system)
 * @returns the Identifier, or undefined without CX.1
 */
export function mapCx(rep: Repetition, config: Hl7MappingConfig, kind: IdentifierKind): Identifier | undefined {
  const valueText = text(rep.component(1));
  if (valueText === undefined) {
    return undefined;
  }
  const type = text(rep.component(5));
  return {
    ...(type === undefined ? {} : { type: identifierType(type) }),
    system: identifierSystem(
      {
        namespace: text(rep.subcomponent(4, 1)),
        universalId: text(rep.subcomponent(4, 2)),
        universalIdType: text(rep.subcomponent(4, 3)),
      },
      config,
      kind,
    ),
    value: valueText,
  };
}
