/**
 * Search strings for conditional interactions (https://hl7.org/fhir/R4/http.html#ccreate,
 * #cond-update) and conditional references (https://hl7.org/fhir/R4/http.html#trules):
 * `identifier=<system>|<value>` with the token escapes of https://hl7.org/fhir/R4/search.html#escaping
 * (`\` before `,` `$` `|` `\`), then URL-encoded (the transaction processor decodes with
 * URLSearchParams, where a raw `+` or `&` would change the value).
 */
import type { Identifier } from '@medplum/fhirtypes';

/**
 * Escapes a search value: `\`, `,`, `$` and `|` get a backslash.
 * @param raw - the value
 * @returns the escaped value
 */
export function escapeSearchValue(raw: string): string {
  return raw.replace(/[\\,$|]/g, (c) => `\\${c}`);
}

/** Characters that need no encoding in a query value. */
const SAFE = /^[A-Za-z0-9\-._~:/|@]*$/;

/** URL-encodes, keeping `:` `/` `|` `@` readable (they are safe in a query value). */
function encodeQueryValue(raw: string): string {
  if (SAFE.test(raw)) {
    return raw;
  }
  return encodeURIComponent(raw).replace(/%3A/g, ':').replace(/%2F/g, '/').replace(/%7C/g, '|').replace(/%40/g, '@');
}

/**
 * The `identifier=system|value` query for an identifier.
 * @param identifier - an identifier with system and value
 * @returns the query string (no leading `?`)
 */
export function identifierQuery(identifier: Identifier): string {
  const token = `${escapeSearchValue(identifier.system ?? '')}|${escapeSearchValue(identifier.value ?? '')}`;
  return `identifier=${encodeQueryValue(token)}`;
}
