/**
 * Date search values (`[prefix]date`) to RangeTests.
 * Spec: https://hl7.org/fhir/R4/search.html#date -- the value's precision gives its range;
 * `ap` widens it by 10% of the gap between the value and now (the spec leaves the amount to
 * the server and suggests this one).
 */
import { parseInstantRange } from './date-range';
import { lowerPrefix, splitPrefix } from './parse-prefix';
import type { RangeTest } from './plan';
import { invalidValue } from './search-context';

/**
 * Parses one date search value.
 * @param name - the parameter name (for errors).
 * @param raw - e.g. `ge2020-03`, `lt2020-03-15T10:00:00Z`.
 * @param now - the current time, for `ap`.
 * @returns the RangeTest; throws TESSERA_E_SEARCH_INVALID_VALUE for an invalid date.
 */
export function parseDateTest(name: string, raw: string, now: Date): RangeTest {
  const { prefix, rest } = splitPrefix(raw);
  // A `+` in an offset often arrives decoded as a space from form-encoded query strings.
  const range = parseInstantRange(rest.replace(/ (\d{2}:\d{2})$/, '+$1'));
  if (range === undefined) {
    throw invalidValue(name, `'${raw}' is not a valid date`);
  }
  const [low, high] = range;
  let widen = 0;
  if (prefix === 'ap') {
    const t = now.getTime();
    const gap = t < low ? low - t : t > high ? t - high : 0;
    widen = Math.round(gap * 0.1);
  }
  return lowerPrefix(prefix, low, high, widen);
}
