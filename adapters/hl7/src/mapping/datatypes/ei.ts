/**
 * EI → Identifier (V2-to-FHIR IG "Datatype EI[Identifier-Extension] map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-datatype-ei-to-identifier-extension.html):
 * EI.1 → value; EI.2 namespace id / EI.3 universal id / EI.4 type → system (as an HD).
 * EI may sit in components (ORC-2) or in subcomponents of one component (EIP in SPM-2).
 */
import type { Identifier } from '@medplum/fhirtypes';
import type { Hl7Leaf, Repetition } from '../../message/model';
import type { Hl7MappingConfig } from '../config';
import { compact, text } from '../values';
import type { IdentifierKind } from './authority';
import { identifierSystem } from './authority';
import { identifierType } from './cx';

/**
 * Maps EI parts (value, namespace, universal id, universal id type).
 * @param parts - the four leaves
 * @param config - authority → system table
 * @param kind - what it identifies (fallback system)
 * @param typeCode - table 0203 type code (PLAC, FILL...)
 * @returns the Identifier, or undefined without EI.1
 */
export function mapEiParts(
  parts: readonly (Hl7Leaf | undefined)[],
  config: Hl7MappingConfig,
  kind: IdentifierKind,
  typeCode?: string,
): Identifier | undefined {
  const valueText = text(parts[0]);
  if (valueText === undefined) {
    return undefined;
  }
  const system = identifierSystem(
    { namespace: text(parts[1]), universalId: text(parts[2]), universalIdType: text(parts[3]) },
    config,
    kind,
  );
  return compact({ type: typeCode === undefined ? undefined : identifierType(typeCode), system, value: valueText });
}

/**
 * Maps an EI held in components (ORC-2, OBR-3, OBX-21...).
 * @param rep - the field repetition
 * @param config - authority → system table
 * @param kind - what it identifies
 * @param typeCode - table 0203 type code
 * @returns the Identifier, or undefined
 */
export function mapEi(
  rep: Repetition | undefined,
  config: Hl7MappingConfig,
  kind: IdentifierKind,
  typeCode?: string,
): Identifier | undefined {
  if (rep === undefined) {
    return undefined;
  }
  return mapEiParts(
    [1, 2, 3, 4].map((c) => rep.component(c)),
    config,
    kind,
    typeCode,
  );
}

/**
 * Maps an EI held in the subcomponents of one component (EIP.1/EIP.2 in SPM-2).
 * @param rep - the field repetition
 * @param component - the component holding the EI
 * @param config - authority → system table
 * @param kind - what it identifies
 * @param typeCode - table 0203 type code
 * @returns the Identifier, or undefined
 */
export function mapEiInComponent(
  rep: Repetition | undefined,
  component: number,
  config: Hl7MappingConfig,
  kind: IdentifierKind,
  typeCode?: string,
): Identifier | undefined {
  if (rep === undefined) {
    return undefined;
  }
  return mapEiParts(
    [1, 2, 3, 4].map((s) => rep.subcomponent(component, s)),
    config,
    kind,
    typeCode,
  );
}
