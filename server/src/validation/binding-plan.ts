/**
 * Precomputed "where can a required binding occur" plans, one per type, built once from the
 * StructureDefinition snapshots (medplum's InternalTypeSchema). A plan maps each JSON property
 * name to what the checker must do there: check a `code`/`Coding`/`CodeableConcept` against the
 * value set of a **required** binding (https://hl7.org/fhir/R4/terminologies.html#required),
 * descend into a complex type or backbone element that can (transitively) contain one, or
 * dispatch on `resourceType` (contained resources, Bundle entries). Types that cannot contain a
 * required binding get no plan, so the checker never walks them.
 */
import type { InternalSchemaElement, InternalTypeSchema } from '@medplum/core';
import { capitalize, getAllDataTypes, isPrimitiveType } from '@medplum/core';
import { stripVersion } from './value-sets';

/** The datatypes whose values a required binding constrains. */
export type BoundKind = 'code' | 'Coding' | 'CodeableConcept';

/** What to do with one JSON property of a type. */
export type FieldPlan =
  | { readonly kind: BoundKind; readonly path: string; readonly valueSet: string }
  | { readonly kind: 'complex'; readonly path: string; readonly type: string }
  | { readonly kind: 'resource'; readonly path: string };

/** JSON property name → plan, for one type. */
export type TypePlan = ReadonlyMap<string, FieldPlan>;

/** The plans of every type that can contain a required binding. */
export interface BindingPlans {
  /** The plan of a type (a resource type, datatype or backbone type name), if it needs walking. */
  forType(type: string): TypePlan | undefined;
  /** Every value set URL (without version) referenced by a required binding. */
  readonly valueSets: ReadonlySet<string>;
}

const BOUND_KINDS: ReadonlySet<string> = new Set(['code', 'Coding', 'CodeableConcept']);

/**
 * Builds the plans for every type currently known to @medplum/core (call after
 * `loadFhirDefinitions()`).
 * @param types - the schemas to plan; defaults to every loaded datatype and resource type.
 */
export function buildBindingPlans(types: Record<string, InternalTypeSchema> = getAllDataTypes()): BindingPlans {
  const raw = new Map<string, Map<string, FieldPlan>>();
  const valueSets = new Set<string>();
  for (const [name, schema] of Object.entries(types)) {
    if (!isPrimitiveType(name)) {
      raw.set(name, planType(schema, valueSets));
    }
  }
  const relevant = relevantTypes(raw);
  const plans = new Map<string, TypePlan>();
  for (const name of relevant) {
    const fields = raw.get(name) as Map<string, FieldPlan>;
    for (const [key, field] of fields) {
      if (field.kind === 'complex' && !relevant.has(field.type)) {
        fields.delete(key);
      }
    }
    plans.set(name, fields);
  }
  return { forType: (type) => plans.get(type), valueSets };
}

function planType(schema: InternalTypeSchema, valueSets: Set<string>): Map<string, FieldPlan> {
  const fields = new Map<string, FieldPlan>();
  for (const [key, element] of Object.entries(schema.elements)) {
    if (key.includes('.')) {
      continue; // only profiles have dotted keys; base plans follow the type graph instead
    }
    const choice = key.endsWith('[x]');
    const base = choice ? key.slice(0, -3) : key;
    for (const { code } of element.type) {
      const jsonKey = choice ? base + capitalize(code) : base;
      const path = choice ? `${base}.ofType(${code})` : base;
      const field = planField(element, code, path);
      if (field) {
        fields.set(jsonKey, field);
        if (field.kind !== 'complex' && field.kind !== 'resource') {
          valueSets.add(field.valueSet);
        }
      }
    }
  }
  return fields;
}

function planField(element: InternalSchemaElement, code: string, path: string): FieldPlan | undefined {
  const binding = element.binding;
  if (BOUND_KINDS.has(code) && binding?.strength === 'required' && binding.valueSet) {
    return { kind: code as BoundKind, path, valueSet: stripVersion(binding.valueSet) };
  }
  if (code === 'Resource') {
    return { kind: 'resource', path };
  }
  if (isPrimitiveType(code) || code === 'code') {
    return undefined;
  }
  return { kind: 'complex', path, type: code };
}

/** Fixed point: a type is relevant when it has a bound or resource field, or a field of a relevant type. */
function relevantTypes(raw: ReadonlyMap<string, ReadonlyMap<string, FieldPlan>>): Set<string> {
  const relevant = new Set<string>();
  for (const [name, fields] of raw) {
    if ([...fields.values()].some((f) => f.kind !== 'complex')) {
      relevant.add(name);
    }
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const [name, fields] of raw) {
      if (!relevant.has(name) && [...fields.values()].some((f) => f.kind === 'complex' && relevant.has(f.type))) {
        relevant.add(name);
        changed = true;
      }
    }
  }
  return relevant;
}
