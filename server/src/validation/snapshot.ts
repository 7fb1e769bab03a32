/**
 * Minimal snapshot generation: applies a constraint profile's differential to its base's snapshot
 * (https://hl7.org/fhir/R4/profiling.html#snapshot), so profiles can be written differential-only.
 * Supported, element by id/path: min, max, type narrowing, fixed[x]/pattern[x], binding,
 * mustSupport, short/definition/comment, slicing, added constraints; elements inside a complex
 * datatype (`Observation.meta.security`) by expanding that datatype's snapshot under the element;
 * slices (`Observation.category:imaging`) without child elements. Anything else throws, so a
 * profile never silently means less than it says.
 */
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';

/** Finds a StructureDefinition (with snapshot) by canonical URL or, for datatypes, by type name. */
export type DefinitionLookup = (urlOrType: string) => StructureDefinition | undefined;

/**
 * Returns the snapshot elements of `profile`, derived from its base definition's snapshot.
 * @param profile - a `derivation: constraint` StructureDefinition with a differential.
 * @param lookup - resolves the base definition and datatypes.
 */
export function generateSnapshot(profile: StructureDefinition, lookup: DefinitionLookup): ElementDefinition[] {
  const base = profile.baseDefinition ? lookup(profile.baseDefinition) : undefined;
  if (!base?.snapshot?.element?.length) {
    throw new Error(`${profile.url}: base definition ${profile.baseDefinition} not found or has no snapshot`);
  }
  const elements = structuredClone(base.snapshot.element);
  for (const diff of profile.differential?.element ?? []) {
    applyDifferential(elements, diff, lookup, profile.url ?? '');
  }
  return elements;
}

function applyDifferential(
  elements: ElementDefinition[],
  diff: ElementDefinition,
  lookup: DefinitionLookup,
  url: string,
): void {
  const path = diff.path as string;
  if (diff.sliceName) {
    const index = ensureElement(elements, path, lookup, url);
    const sliced = elements[index] as ElementDefinition;
    if (!sliced.slicing) {
      throw new Error(`${url}: slice ${path}:${diff.sliceName} on an element without slicing`);
    }
    const slice: ElementDefinition = { ...structuredClone(sliced), id: `${path}:${diff.sliceName}` };
    delete slice.slicing;
    slice.sliceName = diff.sliceName;
    merge(slice, diff, url, true);
    elements.splice(endOfSubtree(elements, index, path), 0, slice);
    return;
  }
  if (diff.id?.includes(':')) {
    throw new Error(`${url}: elements inside slices are not supported (${diff.id})`);
  }
  merge(elements[ensureElement(elements, path, lookup, url)] as ElementDefinition, diff, url, false);
}

/** Index of the element with this path, expanding the datatype of its parent when needed. */
function ensureElement(elements: ElementDefinition[], path: string, lookup: DefinitionLookup, url: string): number {
  const found = elements.findIndex((e) => e.id === path);
  if (found >= 0) {
    return found;
  }
  const dot = path.lastIndexOf('.');
  if (dot < 0) {
    throw new Error(`${url}: unknown element ${path}`);
  }
  const parentPath = path.slice(0, dot);
  const parentIndex = ensureElement(elements, parentPath, lookup, url);
  const parent = elements[parentIndex] as ElementDefinition;
  const typeCode = parent.type?.length === 1 ? parent.type[0]?.code : undefined;
  const datatype = typeCode ? lookup(typeCode) : undefined;
  const children = datatype?.snapshot?.element?.slice(1);
  if (!typeCode || !children || endOfSubtree(elements, parentIndex, parentPath) !== parentIndex + 1) {
    throw new Error(`${url}: unknown element ${path}`);
  }
  const rebased = children.map((child) => {
    const copy = structuredClone(child);
    copy.id = parentPath + (child.id ?? (child.path as string)).slice(typeCode.length);
    copy.path = parentPath + (child.path as string).slice(typeCode.length);
    return copy;
  });
  elements.splice(parentIndex + 1, 0, ...rebased);
  return ensureElement(elements, path, lookup, url);
}

/** The index just after the element at `index`, its children and its slices. */
function endOfSubtree(elements: ElementDefinition[], index: number, path: string): number {
  let end = index + 1;
  while (end < elements.length) {
    const id = elements[end]?.id ?? '';
    if (!id.startsWith(path + '.') && !id.startsWith(path + ':')) {
      break;
    }
    end++;
  }
  return end;
}

const COPIED = ['short', 'definition', 'comment', 'mustSupport', 'binding', 'slicing', 'maxLength'] as const;

function merge(target: ElementDefinition, diff: ElementDefinition, url: string, isSlice: boolean): void {
  const where = `${url}: ${diff.id ?? diff.path}`;
  if (diff.min !== undefined) {
    if (!isSlice && diff.min < (target.min ?? 0)) {
      throw new Error(`${where}: min ${diff.min} is looser than the base (${target.min})`);
    }
    target.min = diff.min;
  }
  if (diff.max !== undefined) {
    if (target.max !== '*' && target.max !== undefined && (diff.max === '*' || Number(diff.max) > Number(target.max))) {
      throw new Error(`${where}: max ${diff.max} is looser than the base (${target.max})`);
    }
    target.max = diff.max;
  }
  if (diff.type) {
    const allowed = new Set((target.type ?? []).map((t) => t.code));
    const unknown = diff.type.find((t) => !allowed.has(t.code));
    if (unknown) {
      throw new Error(`${where}: type ${unknown.code} is not allowed by the base`);
    }
    target.type = diff.type;
  }
  for (const key of COPIED) {
    if (diff[key] !== undefined) {
      (target as unknown as Record<string, unknown>)[key] = diff[key];
    }
  }
  for (const [key, value] of Object.entries(diff)) {
    if (key.startsWith('fixed') || key.startsWith('pattern')) {
      (target as unknown as Record<string, unknown>)[key] = value;
    }
  }
  if (diff.constraint) {
    target.constraint = [...(target.constraint ?? []), ...diff.constraint];
  }
}
