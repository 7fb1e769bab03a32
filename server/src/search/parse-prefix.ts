/**
 * Comparison prefixes lowered to RangeTests, exactly as documented in plan.ts.
 * Spec: https://hl7.org/fhir/R4/search.html#prefix
 */
import type { Prefix, RangeTest } from './plan';

const PREFIXES = new Set<string>(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);

/**
 * Splits a leading prefix off a date/number/quantity value.
 * @param value - e.g. `ge2020`, `100`.
 * @returns the prefix (default `eq`) and the rest.
 */
export function splitPrefix(value: string): { prefix: Prefix; rest: string } {
  const head = value.slice(0, 2);
  if (value.length > 2 && PREFIXES.has(head)) {
    return { prefix: head as Prefix, rest: value.slice(2) };
  }
  return { prefix: 'eq', rest: value };
}

/**
 * Lowers a prefix and the search value's implicit range S = [low, high] to a RangeTest.
 * @param prefix - the comparison prefix.
 * @param low - S low.
 * @param high - S high.
 * @param widen - for `ap`: how far to widen S on each side (the caller decides: 10% of |value|
 * for numbers, 10% of the distance to now for dates).
 * @returns the RangeTest.
 */
export function lowerPrefix(prefix: Prefix, low: number, high: number, widen = 0): RangeTest {
  switch (prefix) {
    case 'eq':
      return { op: 'within', low, high };
    case 'ne':
      return { op: 'within', low, high, negate: true };
    case 'gt':
      return { op: 'highAbove', value: high };
    case 'lt':
      return { op: 'lowBelow', value: low };
    case 'ge':
      return {
        op: 'anyOf',
        tests: [
          { op: 'highAbove', value: high },
          { op: 'within', low, high },
        ],
      };
    case 'le':
      return {
        op: 'anyOf',
        tests: [
          { op: 'lowBelow', value: low },
          { op: 'within', low, high },
        ],
      };
    case 'sa':
      return { op: 'lowAbove', value: high };
    case 'eb':
      return { op: 'highBelow', value: low };
    case 'ap':
      return { op: 'overlaps', low: low - widen, high: high + widen };
  }
}
