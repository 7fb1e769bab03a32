/**
 * `_summary` and `_elements`: https://hl7.org/fhir/R4/search.html#summary and
 * https://hl7.org/fhir/R4/search.html#elements. Subsetted resources are tagged SUBSETTED
 * (https://hl7.org/fhir/R4/resource.html#tag) so they are never mistaken for the full resource.
 * Summary elements come from the base StructureDefinitions (`isSummary`), as indexed by
 * @medplum/core (`summaryProperties`); subsetting applies to top-level elements.
 */
import { tryGetDataType } from '@medplum/core';
import type { Coding, Resource } from '@medplum/fhirtypes';
import { loadFhirDefinitions } from '../../definitions/fhir-definitions';

/** The SUBSETTED security/tag code. */
export const subsettedTag: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'subsetted',
};

/** `_summary` values, https://hl7.org/fhir/R4/search.html#summary */
export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';

const alwaysKept = new Set(['resourceType', 'id', 'meta']);

interface TypeProperties {
  readonly summary: ReadonlySet<string>;
  readonly mandatory: ReadonlySet<string>;
}

const cache = new Map<string, TypeProperties>();

function propertiesOf(resourceType: string): TypeProperties {
  let props = cache.get(resourceType);
  if (props === undefined) {
    loadFhirDefinitions();
    const schema = tryGetDataType(resourceType);
    props = { summary: schema?.summaryProperties ?? new Set(), mandatory: schema?.mandatoryProperties ?? new Set() };
    cache.set(resourceType, props);
  }
  return props;
}

/** The element name a JSON key belongs to: `deceasedBoolean` -> `deceased`, `_birthDate` -> `birthDate`. */
function keyMatches(key: string, names: ReadonlySet<string>): boolean {
  const name = key.startsWith('_') ? key.slice(1) : key;
  if (names.has(name)) {
    return true;
  }
  // choice types: `value[x]` is indexed as `value`; the JSON key is `value` + TypeName
  for (let i = name.length - 1; i > 0; i--) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90 && names.has(name.slice(0, i))) {
      return true;
    }
  }
  return false;
}

function keep(resource: Resource, predicate: (key: string) => boolean): Resource {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (predicate(key)) {
      out[key] = value;
    }
  }
  const meta = (resource.meta ?? {}) as NonNullable<Resource['meta']>;
  out.meta = { ...meta, tag: [...(meta.tag ?? []), subsettedTag] };
  return out as unknown as Resource;
}

/**
 * Applies `_summary` to a resource; returns it unchanged for `false`/`count`/undefined.
 * @param resource - the full resource.
 * @param mode - the `_summary` value.
 */
export function applySummary(resource: Resource, mode: SummaryMode | undefined): Resource {
  if (mode === undefined || mode === 'false' || mode === 'count') {
    return resource;
  }
  const { summary, mandatory } = propertiesOf(resource.resourceType);
  switch (mode) {
    case 'true':
      return keep(resource, (k) => alwaysKept.has(k) || keyMatches(k, summary) || keyMatches(k, mandatory));
    case 'text':
      return keep(resource, (k) => alwaysKept.has(k) || k === 'text' || keyMatches(k, mandatory));
    case 'data':
      return keep(resource, (k) => k !== 'text');
  }
}

/**
 * Applies `_elements`: keeps the listed top-level elements plus id, meta and mandatory ones.
 * Names may be qualified with the type (`Patient.name`); names for other types are ignored.
 * @param resource - the full resource.
 * @param elements - the requested element names.
 */
export function applyElements(resource: Resource, elements: readonly string[] | undefined): Resource {
  if (elements === undefined || elements.length === 0) {
    return resource;
  }
  const wanted = new Set<string>();
  for (const raw of elements) {
    const dot = raw.indexOf('.');
    if (dot < 0) {
      wanted.add(raw);
    } else if (raw.slice(0, dot) === resource.resourceType || raw.slice(0, dot) === '*') {
      wanted.add(raw.slice(dot + 1).split('.')[0] ?? '');
    }
  }
  const { mandatory } = propertiesOf(resource.resourceType);
  return keep(resource, (k) => alwaysKept.has(k) || keyMatches(k, wanted) || keyMatches(k, mandatory));
}

/**
 * Parses `_summary` from request parameters (the last value wins).
 * @param params - the request parameters.
 */
export function summaryParam(params: readonly (readonly [string, string])[]): SummaryMode | undefined {
  let mode: SummaryMode | undefined;
  for (const [name, value] of params) {
    if (name === '_summary' && ['true', 'text', 'data', 'count', 'false'].includes(value)) {
      mode = value as SummaryMode;
    }
  }
  return mode;
}

/**
 * Parses `_elements` (comma-separated, repeatable) from request parameters.
 * @param params - the request parameters.
 */
export function elementsParam(params: readonly (readonly [string, string])[]): string[] | undefined {
  const names = params.filter(([n]) => n === '_elements').flatMap(([, v]) => v.split(','));
  const trimmed = names.map((n) => n.trim()).filter((n) => n !== '');
  return trimmed.length > 0 ? trimmed : undefined;
}
