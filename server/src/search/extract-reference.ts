/**
 * Reference values of FHIR data types, for reference index entries.
 *
 * Spec: https://hl7.org/fhir/R4/search.html#reference -- Reference (literal reference and
 * `Reference.identifier` for `:identifier`), canonical and uri values (matched as written).
 * References to contained resources (`#id`) are not indexed.
 */
import type { TypedValue } from '@medplum/core';
import type { Reference } from '@medplum/fhirtypes';
import { parseReferenceString } from './reference-string';

/** The reference fields of one value (ReferenceIndexEntry without `kind`/`code`). */
export interface ReferencePart {
  targetType?: string;
  targetId?: string;
  ref?: string;
  identifierSystem?: string;
  identifierValue?: string;
}

function fromReference(r: Reference): ReferencePart | undefined {
  const part: ReferencePart = {};
  if (typeof r.reference === 'string') {
    if (r.reference.startsWith('#')) {
      return undefined;
    }
    Object.assign(part, parseReferenceString(r.reference));
  }
  if (r.identifier?.value) {
    if (r.identifier.system) {
      part.identifierSystem = r.identifier.system;
    }
    part.identifierValue = r.identifier.value;
  }
  return Object.keys(part).length > 0 ? part : undefined;
}

/**
 * The reference parts of one value selected by a reference SearchParameter expression.
 * @param tv - a Reference, canonical/uri string, or an inline resource (`Bundle.composition`).
 * @returns zero or one part.
 */
export function referenceParts(tv: TypedValue): ReferencePart[] {
  const v: unknown = tv.value;
  if (typeof v === 'string') {
    return v.length > 0 ? [{ ref: v }] : [];
  }
  if (v === null || typeof v !== 'object') {
    return [];
  }
  const obj = v as { resourceType?: unknown; id?: unknown };
  if (typeof obj.resourceType === 'string') {
    return typeof obj.id === 'string' ? [{ targetType: obj.resourceType, targetId: obj.id }] : [];
  }
  if (tv.type !== 'Reference') {
    return [];
  }
  const part = fromReference(v as Reference);
  return part ? [part] : [];
}
