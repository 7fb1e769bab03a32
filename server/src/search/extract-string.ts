/**
 * String values of FHIR data types, for string index entries.
 *
 * Spec: https://hl7.org/fhir/R4/search.html#string -- HumanName matches on family, given,
 * prefix, suffix and text; Address on line, city, district, state, postalCode, country and text.
 */
import type { TypedValue } from '@medplum/core';
import type { Address, HumanName } from '@medplum/fhirtypes';

function pushAll(out: string[], ...values: (string | readonly string[] | undefined)[]): void {
  for (const v of values) {
    if (typeof v === 'string') {
      out.push(v);
    } else if (Array.isArray(v)) {
      for (const s of v) {
        if (typeof s === 'string') {
          out.push(s);
        }
      }
    }
  }
}

/**
 * The strings of one value selected by a string SearchParameter expression.
 * @param tv - the typed value (string, markdown, HumanName, Address...).
 * @returns the non-empty strings, as written.
 */
export function stringValues(tv: TypedValue): string[] {
  const out: string[] = [];
  const v: unknown = tv.value;
  if (tv.type === 'HumanName') {
    const n = v as HumanName;
    pushAll(out, n.family, n.given, n.prefix, n.suffix, n.text);
  } else if (tv.type === 'Address') {
    const a = v as Address;
    pushAll(out, a.line, a.city, a.district, a.state, a.postalCode, a.country, a.text);
  } else if (typeof v === 'string') {
    out.push(v);
  }
  return out.filter((s) => s.trim().length > 0);
}

/**
 * Strings selected by a uri SearchParameter expression (uri, url, canonical, oid, uuid).
 * @param tv - the typed value.
 * @returns the uri, or nothing when the value is not a string.
 */
export function uriValues(tv: TypedValue): string[] {
  return typeof tv.value === 'string' && tv.value.length > 0 ? [tv.value] : [];
}
