/**
 * Compiles a RangeTest (search/plan.ts) against a stored [low, high] pair of columns.
 * https://hl7.org/fhir/R4/search.html#prefix -- the planner lowers every prefix to these tests:
 * - within:    tLow >= low AND tHigh <= high
 * - overlaps:  tLow <= high AND tHigh >= low
 * - highAbove: tHigh > value      - lowBelow:  tLow < value
 * - lowAbove:  tLow > value       - highBelow: tHigh < value
 * - anyOf:     any of the tests (on the same entry); `negate` wraps the test in NOT.
 * Bounds of +/-Infinity are compared as +/-MAX_BOUND, which is also how they are stored.
 */
import type { RangeTest } from '../../search/plan';
import { orSql, sql, toDbNumber, type Sql } from './sql';

/**
 * Compiles `test` against the stored range columns.
 * @param test - the range test.
 * @param low - SQL expression of the stored lower bound.
 * @param high - SQL expression of the stored upper bound.
 */
export function compileRange(test: RangeTest, low: string, high: string): Sql {
  const positive = compilePositive(test, low, high);
  return test.negate === true ? { text: `(NOT ${positive.text})`, params: positive.params } : positive;
}

function compilePositive(test: RangeTest, low: string, high: string): Sql {
  switch (test.op) {
    case 'within':
      return sql(`(${low} >= ? AND ${high} <= ?)`, toDbNumber(test.low), toDbNumber(test.high));
    case 'overlaps':
      return sql(`(${low} <= ? AND ${high} >= ?)`, toDbNumber(test.high), toDbNumber(test.low));
    case 'highAbove':
      return sql(`(${high} > ?)`, toDbNumber(test.value));
    case 'lowBelow':
      return sql(`(${low} < ?)`, toDbNumber(test.value));
    case 'lowAbove':
      return sql(`(${low} > ?)`, toDbNumber(test.value));
    case 'highBelow':
      return sql(`(${high} < ?)`, toDbNumber(test.value));
    case 'anyOf':
      return orSql(test.tests.map((t) => compileRange(t, low, high)));
  }
}
