/**
 * Parsing of reference strings, shared by extraction and search planning.
 *
 * Spec: https://hl7.org/fhir/R4/references.html#literal -- a literal reference is relative
 * (`Patient/123`, optionally `/_history/2`), absolute (`http://server/fhir/Patient/123`),
 * internal (`#contained`) or a URN (`urn:uuid:...`).
 */
import { isKnownResourceType } from '../definitions/fhir-definitions';

/** A parsed reference: type+id for literal references, `ref` for anything not relative. */
export interface ParsedReference {
  targetType?: string;
  targetId?: string;
  ref?: string;
}

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;
const URL_TAIL = /\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/**
 * Parses a Reference.reference string.
 * @param reference - the reference as written.
 * @returns type and id for `Type/id` (history suffix ignored); `ref` as written for absolute
 * URLs, with type and id too when the URL ends in `Type/id`; `ref` only for URNs and other forms;
 * undefined for contained (`#x`) and empty references.
 */
export function parseReferenceString(reference: string): ParsedReference | undefined {
  if (reference.length === 0 || reference.startsWith('#')) {
    return undefined;
  }
  const rel = RELATIVE.exec(reference);
  if (rel?.[1] && rel[2] && isKnownResourceType(rel[1])) {
    return { targetType: rel[1], targetId: rel[2] };
  }
  const parsed: ParsedReference = { ref: reference };
  if (/^https?:\/\//.test(reference)) {
    const tail = URL_TAIL.exec(reference);
    if (tail?.[1] && tail[2] && isKnownResourceType(tail[1])) {
      parsed.targetType = tail[1];
      parsed.targetId = tail[2];
    }
  }
  return parsed;
}
