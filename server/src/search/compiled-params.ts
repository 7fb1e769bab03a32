/**
 * Per resource type, the SearchParameters that produce index entries, with their FHIRPath
 * expressions split per type and parsed once (extraction runs on every write).
 *
 * `_id` and `_lastUpdated` are columns, not entries; medplum's non-standard `_compartment` and
 * `special` parameters (e.g. `Location.near`) are not indexed.
 * Spec: https://hl7.org/fhir/R4/searchparameter.html, https://hl7.org/fhir/R4/search.html#composite
 */
import { evalFhirPathTyped, parseFhirPath, type FhirPathAtom, type TypedValue } from '@medplum/core';
import type { SearchParameter } from '@medplum/fhirtypes';
import { getSearchParameterBundle, getSearchParametersFor } from '../definitions/fhir-definitions';
import { expressionPartsFor, fixTypeCasts } from './expression-parts';
import { derivationOf } from './derived-params';
import { INDEX_KINDS } from './index-entries';

/** The index kinds a SearchParameter type maps to. */
export type IndexedParamType = 'string' | 'token' | 'reference' | 'date' | 'number' | 'quantity' | 'uri' | 'composite';

/** The kind of a composite component. */
export type ComponentKind = Exclude<IndexedParamType, 'composite'>;

interface CompiledPart {
  readonly atom: FhirPathAtom;
  readonly root?: string;
}

/** One component of a composite parameter: its kind and its expression (relative to the element). */
export interface CompiledComponent {
  readonly kind: ComponentKind;
  readonly atom: FhirPathAtom;
}

/** A SearchParameter ready to evaluate on resources of one type. */
export interface CompiledParam {
  readonly code: string;
  readonly type: IndexedParamType;
  readonly param: SearchParameter;
  readonly parts: readonly CompiledPart[];
  /** For composites: the components, the first one always a token. */
  readonly components?: readonly CompiledComponent[];
}

/** A resource prepared for evaluating many expressions. */
export interface EvalTarget {
  readonly typed: TypedValue;
  /** Top-level element names present (choice elements also under their base name: `valueQuantity` -> `value`). */
  readonly roots: ReadonlySet<string>;
  readonly variables: Record<string, TypedValue>;
}

const NOT_INDEXED = new Set(['_id', '_lastUpdated', '_compartment']);
const INDEXED_TYPES = new Set<string>(INDEX_KINDS);
const cache = new Map<string, readonly CompiledParam[]>();
let byUrl: Map<string, SearchParameter> | undefined;

/**
 * Finds a SearchParameter by canonical URL (composite components reference them this way).
 * @param url - e.g. `http://hl7.org/fhir/SearchParameter/Observation-code`.
 * @returns the SearchParameter, or undefined.
 */
export function searchParameterByUrl(url: string): SearchParameter | undefined {
  byUrl ??= new Map(
    (getSearchParameterBundle().entry ?? []).flatMap((e) => (e.resource?.url ? [[e.resource.url, e.resource]] : [])),
  );
  return byUrl.get(url);
}

/**
 * Kinds of a composite's components. R4's DocumentReference `relationship` lists its
 * components' definitions in the wrong order (the `code` expression points at the reference
 * parameter); the first component is always treated as the token, as in every other composite.
 * @param param - a composite SearchParameter.
 * @returns one kind per component, or undefined when a definition cannot be resolved.
 */
export function componentKinds(param: SearchParameter): ComponentKind[] | undefined {
  const kinds: ComponentKind[] = [];
  for (const c of param.component ?? []) {
    const type = c.definition ? searchParameterByUrl(c.definition)?.type : undefined;
    if (type === undefined || !INDEXED_TYPES.has(type) || type === 'composite') {
      return undefined;
    }
    kinds.push(type as ComponentKind);
  }
  if (kinds.length >= 2 && kinds[0] !== 'token' && kinds[1] === 'token') {
    [kinds[0], kinds[1]] = [kinds[1], kinds[0] as ComponentKind];
  }
  return kinds.length >= 2 && kinds[0] === 'token' ? kinds : undefined;
}

function compile(resourceType: string, code: string, param: SearchParameter): CompiledParam | undefined {
  if (
    NOT_INDEXED.has(code) ||
    !param.expression ||
    !INDEXED_TYPES.has(param.type ?? '') ||
    derivationOf(resourceType, code) !== undefined
  ) {
    return undefined;
  }
  const parts = expressionPartsFor(resourceType, param.expression).map((p) => ({
    atom: parseFhirPath(p.text),
    root: p.root,
  }));
  if (parts.length === 0) {
    return undefined;
  }
  const type = param.type as IndexedParamType;
  if (type !== 'composite') {
    return { code, type, param, parts };
  }
  const kinds = componentKinds(param);
  if (kinds === undefined) {
    return undefined;
  }
  const components = (param.component ?? []).map((c, i) => ({
    kind: kinds[i] as ComponentKind,
    atom: parseFhirPath(fixTypeCasts(c.expression)),
  }));
  return { code, type, param, parts, components };
}

/**
 * The indexed SearchParameters of a resource type, compiled once per type.
 * @param resourceType - the resource type.
 * @returns the compiled parameters (empty for unknown types).
 */
export function compiledParamsFor(resourceType: string): readonly CompiledParam[] {
  let compiled = cache.get(resourceType);
  if (compiled === undefined) {
    compiled = Object.entries(getSearchParametersFor(resourceType)).flatMap(([code, param]) => {
      const c = compile(resourceType, code, param);
      return c ? [c] : [];
    });
    cache.set(resourceType, compiled);
  }
  return compiled;
}

/**
 * One compiled SearchParameter of a type.
 * @param resourceType - the resource type.
 * @param code - the SearchParameter code.
 * @returns the compiled parameter, or undefined when it is unknown or not indexed.
 */
export function compiledParam(resourceType: string, code: string): CompiledParam | undefined {
  return compiledParamsFor(resourceType).find((p) => p.code === code);
}

/**
 * Prepares a resource (as a TypedValue) for evaluation.
 * @param typed - the resource as a TypedValue (`toTypedValue(resource)`).
 * @returns the evaluation target.
 */
export function evalTarget(typed: TypedValue): EvalTarget {
  const roots = new Set<string>();
  for (const key of Object.keys(typed.value as object)) {
    roots.add(key);
    const choice = /^([a-z][a-z0-9]*)[A-Z]/.exec(key);
    if (choice?.[1]) {
      roots.add(choice[1]);
    }
  }
  return { typed, roots, variables: { '%resource': typed } };
}

/**
 * Evaluates a compiled parameter's expression on a resource.
 * @param param - the compiled parameter.
 * @param target - the resource prepared with `evalTarget`.
 * @returns the values selected (empty when evaluation fails: one bad expression must not block writes).
 */
export function evaluateParam(param: CompiledParam, target: EvalTarget): TypedValue[] {
  const out: TypedValue[] = [];
  for (const part of param.parts) {
    if (part.root !== undefined && !target.roots.has(part.root)) {
      continue;
    }
    try {
      out.push(...evalFhirPathTyped(part.atom, [target.typed], target.variables));
    } catch {
      // Ignored: see the TSDoc.
    }
  }
  return out;
}

/**
 * Evaluates a composite component on one element the composite's expression selected.
 * @param component - the component.
 * @param element - the element (e.g. an Observation or one Observation.component).
 * @param target - the resource, for `%resource`.
 * @returns the component's values.
 */
export function evaluateComponent(component: CompiledComponent, element: TypedValue, target: EvalTarget): TypedValue[] {
  try {
    return evalFhirPathTyped(component.atom, [element], target.variables);
  } catch {
    return [];
  }
}
