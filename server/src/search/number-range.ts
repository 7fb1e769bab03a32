/**
 * Implicit precision ranges of decimal values, shared by index extraction and search planning.
 *
 * Spec: https://hl7.org/fhir/R4/search.html#number -- "the precision of the value is
 * significant": `100` means [99.5, 100.5], `100.00` means [99.995, 100.005], and in exponential
 * form only the written digits count (`1.0e2` means [95, 105], `1e2` means [50, 150]).
 */

/** Lower bound used for open-ended number/quantity ranges (a Range without `low`). */
export const MIN_NUMBER = -Number.MAX_VALUE;

/** Upper bound used for open-ended number/quantity ranges (a Range without `high`). */
export const MAX_NUMBER = Number.MAX_VALUE;

/** A parsed decimal with its implicit [low, high] precision range. */
export interface DecimalRange {
  readonly value: number;
  readonly low: number;
  readonly high: number;
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

function round(n: number, decimals: number): number {
  return decimals > 0 && decimals <= 100 ? Number(n.toFixed(decimals)) : n;
}

/**
 * Parses a decimal as written (search values) or a JSON number (stored values, whose textual
 * precision is what `String(n)` gives) into its value and implicit range.
 * @param input - `'100'`, `'-0.25'`, `'1.0e2'` or a number.
 * @returns the value and range, or undefined when `input` is not a decimal.
 */
export function parseDecimalRange(input: string | number): DecimalRange | undefined {
  const text = typeof input === 'number' ? (Number.isFinite(input) ? String(input) : '') : input.trim();
  const m = DECIMAL.exec(text);
  if (m === null) {
    return undefined;
  }
  const value = Number(text);
  const fractionDigits = m[3]?.length ?? 0;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  // Position of the last significant digit: 10^pos.
  const pos = exponent - fractionDigits;
  const half = 0.5 * 10 ** pos;
  const decimals = 1 - pos;
  return { value, low: round(value - half, decimals), high: round(value + half, decimals) };
}
