/**
 * Splitting and unescaping of search values.
 *
 * Spec: https://hl7.org/fhir/R4/search.html#escaping -- `,` separates OR values, `$` separates
 * composite parts and `|` separates token/quantity parts; each is taken literally when preceded
 * by `\`, and `\\` is a literal backslash.
 */

/**
 * Splits on every unescaped `separator`, keeping escape sequences in the pieces (so that they
 * can be split again on another separator).
 * @param value - the raw value.
 * @param separator - `,`, `$` or `|`.
 * @returns the pieces, escapes intact.
 */
export function splitEscaped(value: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      i++;
    } else if (c === separator) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

/**
 * Removes search escapes: `\,` `\$` `\|` `\\` become `,` `$` `|` `\`.
 * @param value - a piece produced by `splitEscaped`.
 * @returns the literal value.
 */
export function unescapeValue(value: string): string {
  return value.replace(/\\([\\,$|])/g, '$1');
}
