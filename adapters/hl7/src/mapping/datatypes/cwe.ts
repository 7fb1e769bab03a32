/**
 * CWE / CE / CNE / CF → CodeableConcept (V2-to-FHIR IG "Datatype CWE[CodeableConcept] map"
 * https://build.fhir.org/ig/HL7/v2-to-fhir/ConceptMap-datatype-cwe-to-codeableconcept.html):
 * CWE.1/2/3 → coding[0] code/display/system, CWE.4/5/6 → coding[1], CWE.9 original text → text
 * (CWE.2 becomes the text when there is no code at all).
 */
import type { CodeableConcept, Coding } from '@medplum/fhirtypes';
import type { Repetition } from '../../message/model';
import { resolveCodeSystem } from '../tables/coding-systems';
import { compact, text } from '../values';

/** A CWE mapped, with what the caller may need to report. */
export interface MappedCwe {
  /** The concept, undefined when the CWE carries nothing. */
  readonly concept: CodeableConcept | undefined;
  /** Coding system names that are not recognised (mapped to a local URI). */
  readonly unknownSystems: readonly string[];
  /** Component numbers (1 or 4) holding a code with no coding system. */
  readonly codesWithoutSystem: readonly number[];
}

function coding(rep: Repetition, first: number, sender: string, out: { unknown: string[]; bare: number[] }): Coding[] {
  const code = text(rep.component(first));
  const display = text(rep.component(first + 1));
  const systemName = text(rep.component(first + 2));
  if (code === undefined) {
    return [];
  }
  let system: string | undefined;
  if (systemName === undefined) {
    out.bare.push(first);
  } else {
    const resolved = resolveCodeSystem(systemName, sender);
    system = resolved.uri;
    if (!resolved.known) {
      out.unknown.push(systemName);
    }
  }
  return [compact({ system, code, display })];
}

/**
 * Maps one CWE repetition.
 * @param rep - the repetition
 * @param sender - the sending application (scopes local code systems)
 * @returns the concept and the coding-system findings
 */
export function mapCwe(rep: Repetition | undefined, sender: string): MappedCwe {
  if (rep === undefined) {
    return { concept: undefined, unknownSystems: [], codesWithoutSystem: [] };
  }
  const out = { unknown: [] as string[], bare: [] as number[] };
  const codings = [...coding(rep, 1, sender, out), ...coding(rep, 4, sender, out)];
  const original = text(rep.component(9));
  const label = original ?? (codings.length === 0 ? text(rep.component(2)) : undefined);
  if (codings.length === 0 && label === undefined) {
    return { concept: undefined, unknownSystems: [], codesWithoutSystem: [] };
  }
  return {
    concept: compact({ coding: codings, text: label }),
    unknownSystems: out.unknown,
    codesWithoutSystem: out.bare,
  };
}
