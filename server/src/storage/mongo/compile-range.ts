/**
 * RangeTest -> MongoDB predicate on one stored [low, high] range. The planner already lowered
 * every comparison prefix (https://hl7.org/fhir/R4/search.html#prefix) to these tests, so this
 * module only translates; see plan.ts for the semantics of each op.
 */
import type { Document } from 'mongodb';
import type { RangeTest } from '../../search/plan';
import { finite } from './index-fields';

type Comparison = '$gt' | '$gte' | '$lt' | '$lte';

/** A predicate that no document satisfies (MongoDB has no literal false in the query language). */
function never(field: string): Document {
  return { [field]: { $in: [] } };
}

function compare(pairs: readonly [string, Comparison, number][]): Document {
  const out: Record<string, Record<string, number>> = {};
  for (const [field, op, value] of pairs) {
    out[field] = { ...out[field], [op]: finite(value) };
  }
  return out;
}

function positive(test: RangeTest, lo: string, hi: string): Document {
  switch (test.op) {
    case 'within':
      return compare([
        [lo, '$gte', test.low],
        [hi, '$lte', test.high],
      ]);
    case 'overlaps':
      return compare([
        [lo, '$lte', test.high],
        [hi, '$gte', test.low],
      ]);
    case 'highAbove':
      return compare([[hi, '$gt', test.value]]);
    case 'lowBelow':
      return compare([[lo, '$lt', test.value]]);
    case 'lowAbove':
      return compare([[lo, '$gt', test.value]]);
    case 'highBelow':
      return compare([[hi, '$lt', test.value]]);
    case 'anyOf':
      if (test.tests.length === 0) {
        return never(lo);
      }
      return test.tests.length === 1
        ? compileRange(test.tests[0] as RangeTest, lo, hi)
        : { $or: test.tests.map((t) => compileRange(t, lo, hi)) };
  }
}

/**
 * Compiles a range test against the fields holding the stored range. Inside an `$elemMatch`
 * the fields are the entry's (`lo`, `hi`); for `_lastUpdated` both are `lastUpdatedMs`.
 * @param test - the lowered comparison.
 * @param lo - the field holding the inclusive lower bound.
 * @param hi - the field holding the inclusive upper bound.
 */
export function compileRange(test: RangeTest, lo: string, hi: string): Document {
  const predicate = positive(test, lo, hi);
  return test.negate ? { $nor: [predicate] } : predicate;
}
