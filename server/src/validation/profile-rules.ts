/**
 * Compiles a profile into the rules it adds to its base type, read from its differential (what the
 * profile says) and its snapshot (the merged result; `ElementDefinition.base` tells what the base
 * already enforces): tighter cardinality, fixed[x]/pattern[x], required bindings, narrowed
 * reference targets, added invariants, and slices discriminated by pattern/value on `$this`
 * (https://hl7.org/fhir/R4/profiling.html#slicing). Compiled once at load time so that checking a
 * resource against a profile costs a few microseconds on top of the base validation (re-validating
 * against the whole profile snapshot through @medplum/core re-parses it on every call, ~2.5 ms).
 */
import type { FhirPathAtom, TypedValue } from '@medplum/core';
import { isPrimitiveType, parseFhirPath } from '@medplum/core';
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import type { BoundKind } from './binding-plan';
import type { ValueSetExpansion } from './value-sets';

/** A slice that values of a sliced element must fill. */
export interface SliceRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** The slice's pattern[x] (matched with deepIncludes) or fixed[x] (deepEquals). */
  readonly match: TypedValue;
  readonly exact: boolean;
}

/** An invariant added by the profile. */
export interface ConstraintRule {
  readonly key: string;
  readonly human: string;
  readonly expression: FhirPathAtom;
}

/** What the profile requires of one element, beyond the base type. */
export interface ElementRule {
  /** The element path relative to the root (`meta.security`, `series.uid`), or `$this` for the root. */
  readonly key: string;
  readonly min?: number;
  readonly max?: number;
  readonly fixed?: TypedValue;
  readonly pattern?: TypedValue;
  /** Resource types a literal reference may point to. */
  readonly targetTypes?: ReadonlySet<string>;
  /** A required binding the profile adds, with its expansion. */
  readonly binding?: { readonly kind: BoundKind; readonly expansion: ValueSetExpansion };
  readonly constraints?: readonly ConstraintRule[];
  readonly slices?: readonly SliceRule[];
}

/** The compiled rules of one profile. */
export interface ProfileRules {
  readonly url: string;
  readonly type: string;
  readonly elements: readonly ElementRule[];
}

const HL7_SD = 'http://hl7.org/fhir/StructureDefinition/';

/** Expands a value set for a required binding (`undefined` when it cannot be expanded). */
export type ExpandValueSet = (valueSet: string) => ValueSetExpansion | undefined;

/**
 * Compiles the rules of a profile that has both a differential and a snapshot.
 * @param sd - the profile.
 * @param expand - expands the value sets of required bindings the profile adds.
 */
export function compileProfileRules(sd: StructureDefinition, expand: ExpandValueSet = () => undefined): ProfileRules {
  const type = sd.type as string;
  const snapshot = new Map((sd.snapshot?.element ?? []).map((e) => [e.id ?? e.path, e]));
  const diff = sd.differential?.element ?? [];
  const elements: ElementRule[] = [];
  for (const d of diff) {
    if (d.sliceName || d.id?.includes(':')) {
      continue; // compiled with their sliced element
    }
    const snap = snapshot.get(d.id ?? d.path);
    if (!snap) {
      throw new Error(`${sd.url}: differential element ${d.id ?? d.path} is not in the snapshot`);
    }
    const path = snap.path as string;
    const slices = diff
      .filter((s) => s.sliceName && s.path === path)
      .map((s) => compileSlice(sd, snapshot.get(`${path}:${s.sliceName}`) as ElementDefinition));
    const rule: ElementRule = {
      key: path === type ? '$this' : path.slice(type.length + 1),
      ...((snap.min ?? 0) > (snap.base?.min ?? 0) ? { min: snap.min ?? 0 } : {}),
      ...(parseMax(snap.max) < parseMax(snap.base?.max) ? { max: parseMax(snap.max) } : {}),
      ...(hasKey(d, 'fixed') ? { fixed: typedChoice(snap, 'fixed') } : {}),
      ...(hasKey(d, 'pattern') ? { pattern: typedChoice(snap, 'pattern') } : {}),
      ...(d.type ? targetTypes(d) : {}),
      ...(d.binding ? requiredBinding(sd, snap, expand) : {}),
      ...(d.constraint
        ? { constraints: d.constraint.filter((c) => c.severity === 'error').map(compileConstraint) }
        : {}),
      ...(slices.length > 0 ? { slices } : {}),
    };
    if (Object.keys(rule).length > 1) {
      elements.push(rule); // elements that only document (mustSupport, short) need no check
    }
  }
  return { url: sd.url as string, type, elements };
}

function compileSlice(sd: StructureDefinition, slice: ElementDefinition): SliceRule {
  const sliced = sd.snapshot?.element?.find((e) => e.id === slice.path);
  const discriminators = sliced?.slicing?.discriminator ?? [];
  if (discriminators.some((d) => d.path !== '$this' || (d.type !== 'pattern' && d.type !== 'value'))) {
    throw new Error(`${sd.url}: only pattern/value slicing on $this is supported (${slice.id})`);
  }
  const pattern = typedChoice(slice, 'pattern');
  const fixed = typedChoice(slice, 'fixed');
  const match = pattern ?? fixed;
  if (!match) {
    throw new Error(`${sd.url}: slice ${slice.id} has no pattern[x] or fixed[x]`);
  }
  return { name: slice.sliceName as string, min: slice.min ?? 0, max: parseMax(slice.max), match, exact: !pattern };
}

function compileConstraint(c: NonNullable<ElementDefinition['constraint']>[number]): ConstraintRule {
  return { key: c.key ?? '', human: c.human ?? '', expression: parseFhirPath(c.expression ?? 'true') };
}

function targetTypes(d: ElementDefinition): { targetTypes?: ReadonlySet<string> } {
  const profiles = (d.type ?? []).filter((t) => t.code === 'Reference').flatMap((t) => t.targetProfile ?? []);
  if (profiles.length === 0 || profiles.some((p) => !p.startsWith(HL7_SD))) {
    return {}; // references to other profiles cannot be checked without resolving the target
  }
  return { targetTypes: new Set(profiles.map((p) => p.slice(HL7_SD.length))) };
}

function requiredBinding(
  sd: StructureDefinition,
  snap: ElementDefinition,
  expand: ExpandValueSet,
): Pick<ElementRule, 'binding'> {
  const valueSet = snap.binding?.valueSet;
  if (snap.binding?.strength !== 'required' || !valueSet) {
    return {};
  }
  const kind = snap.type?.length === 1 ? snap.type[0]?.code : undefined;
  const expansion = expand(valueSet);
  if (!expansion || (kind !== 'code' && kind !== 'Coding' && kind !== 'CodeableConcept')) {
    throw new Error(`${sd.url}: cannot enforce the required binding of ${snap.id} to ${valueSet}`);
  }
  return { binding: { kind, expansion } };
}

function parseMax(max: string | undefined): number {
  return max === undefined || max === '*' ? Number.POSITIVE_INFINITY : Number(max);
}

function hasKey(e: ElementDefinition, prefix: string): boolean {
  return Object.keys(e).some((k) => k.startsWith(prefix));
}

/** `patternCodeableConcept: {...}` → `{ type: 'CodeableConcept', value: {...} }`. */
function typedChoice(e: ElementDefinition, prefix: 'fixed' | 'pattern'): TypedValue | undefined {
  const key = Object.keys(e).find((k) => k.startsWith(prefix));
  if (!key) {
    return undefined;
  }
  const suffix = key.slice(prefix.length);
  const lower = suffix.charAt(0).toLowerCase() + suffix.slice(1);
  return { type: isPrimitiveType(lower) ? lower : suffix, value: (e as unknown as Record<string, unknown>)[key] };
}
