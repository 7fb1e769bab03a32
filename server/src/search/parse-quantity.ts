/**
 * Number (`[prefix]number`) and quantity (`[prefix]number|system|code`) search values.
 * Spec: https://hl7.org/fhir/R4/search.html#number, https://hl7.org/fhir/R4/search.html#quantity --
 * the value's precision gives its range; `ap` widens it by 10% of |value|.
 */
import { parseDecimalRange } from './number-range';
import { lowerPrefix, splitPrefix } from './parse-prefix';
import type { RangeTest } from './plan';
import { invalidValue } from './search-context';
import { splitEscaped, unescapeValue } from './search-escape';

/**
 * Parses one number search value.
 * @param name - the parameter name (for errors).
 * @param raw - e.g. `ge100`, `1.0e2`.
 * @returns the RangeTest; throws TESSERA_E_SEARCH_INVALID_VALUE for a non-number.
 */
export function parseNumberTest(name: string, raw: string): RangeTest {
  const { prefix, rest } = splitPrefix(raw);
  const r = parseDecimalRange(rest);
  if (r === undefined) {
    throw invalidValue(name, `'${raw}' is not a number`);
  }
  return lowerPrefix(prefix, r.low, r.high, Math.abs(r.value) * 0.1);
}

/** A parsed quantity search value. */
export interface QuantityValue {
  readonly test: RangeTest;
  readonly system?: string;
  readonly unit?: string;
}

/**
 * Parses one quantity search value: `5.4`, `5.4||mg`, `le5.4|http://unitsofmeasure.org|mg`.
 * An empty system or code means "any".
 * @param name - the parameter name (for errors).
 * @param raw - the value (escapes intact).
 * @returns the test and unit constraints.
 */
export function parseQuantityValue(name: string, raw: string): QuantityValue {
  const parts = splitEscaped(raw, '|');
  if (parts.length !== 1 && parts.length !== 3) {
    throw invalidValue(name, `'${raw}' is not [prefix]number or [prefix]number|system|code`);
  }
  const test = parseNumberTest(name, parts[0] ?? '');
  const system = unescapeValue(parts[1] ?? '');
  const unit = unescapeValue(parts[2] ?? '');
  return { test, ...(system !== '' && { system }), ...(unit !== '' && { unit }) };
}
