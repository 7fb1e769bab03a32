/**
 * The one string normalization used for StringIndexEntry.norm, TokenIndexEntry.text and string
 * search values, so that extraction and planning always agree.
 *
 * Spec: https://hl7.org/fhir/R4/search.html#string -- "By default, a field matches a string query
 * if the value of the field equals or starts with the supplied parameter value, after both have
 * been normalized by case and accent."
 */

const COMBINING_MARKS = /\p{M}+/gu;
const WHITESPACE = /\s+/g;

/**
 * Folds a string for case- and accent-insensitive matching: Unicode NFD, combining marks
 * stripped, lower-cased, runs of whitespace collapsed to one space, trimmed.
 * @param s - the text to normalize.
 * @returns the normalized text (`'  Émile  ZOLA '` -> `'emile zola'`).
 */
export function normalizeString(s: string): string {
  return s.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase().replace(WHITESPACE, ' ').trim();
}
