// Covers: https://hl7.org/fhir/R4/search.html#prefix (eq ne gt lt ge le sa eb ap, as lowered by
// plan.ts to RangeTests) for date/number/quantity ranges and _lastUpdated. Asserts the exact
// predicates, then checks with mingo that they select the same stored ranges as plan.ts' definitions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { find } from 'mingo';
import type { RangeTest } from '../../../../../server/src/search/plan';
import { compileRange } from '../../../../../server/src/storage/mongo/compile-range';

describe('compileRange: exact predicates', () => {
  it('within and overlaps bound both ends', () => {
    assert.deepEqual(compileRange({ op: 'within', low: 1, high: 2 }, 'lo', 'hi'), {
      lo: { $gte: 1 },
      hi: { $lte: 2 },
    });
    assert.deepEqual(compileRange({ op: 'overlaps', low: 1, high: 2 }, 'lo', 'hi'), {
      lo: { $lte: 2 },
      hi: { $gte: 1 },
    });
  });
  it('one-sided ops', () => {
    assert.deepEqual(compileRange({ op: 'highAbove', value: 3 }, 'lo', 'hi'), { hi: { $gt: 3 } });
    assert.deepEqual(compileRange({ op: 'lowBelow', value: 3 }, 'lo', 'hi'), { lo: { $lt: 3 } });
    assert.deepEqual(compileRange({ op: 'lowAbove', value: 3 }, 'lo', 'hi'), { lo: { $gt: 3 } });
    assert.deepEqual(compileRange({ op: 'highBelow', value: 3 }, 'lo', 'hi'), { hi: { $lt: 3 } });
  });
  it('anyOf is an $or, negate a $nor, and an empty anyOf matches nothing', () => {
    assert.deepEqual(
      compileRange(
        {
          op: 'anyOf',
          tests: [
            { op: 'highAbove', value: 5 },
            { op: 'within', low: 1, high: 5 },
          ],
        },
        'a.lo',
        'a.hi',
      ),
      { $or: [{ 'a.hi': { $gt: 5 } }, { 'a.lo': { $gte: 1 }, 'a.hi': { $lte: 5 } }] },
    );
    assert.deepEqual(compileRange({ op: 'within', low: 1, high: 2, negate: true }, 'lo', 'hi'), {
      $nor: [{ lo: { $gte: 1 }, hi: { $lte: 2 } }],
    });
    assert.deepEqual(compileRange({ op: 'anyOf', tests: [] }, 'lo', 'hi'), { lo: { $in: [] } });
  });
  it('a single field holding both bounds (_lastUpdated) gets one merged predicate', () => {
    assert.deepEqual(compileRange({ op: 'within', low: 1, high: 2 }, 'ms', 'ms'), { ms: { $gte: 1, $lte: 2 } });
  });
  it('infinite values are clamped like stored bounds', () => {
    assert.deepEqual(compileRange({ op: 'lowBelow', value: -Infinity }, 'lo', 'hi'), {
      lo: { $lt: -Number.MAX_VALUE },
    });
  });
});

/** plan.ts' definitions, evaluated directly on a stored range. */
function reference(t: RangeTest, lo: number, hi: number): boolean {
  const positive = ((): boolean => {
    switch (t.op) {
      case 'within':
        return lo >= t.low && hi <= t.high;
      case 'overlaps':
        return lo <= t.high && hi >= t.low;
      case 'highAbove':
        return hi > t.value;
      case 'lowBelow':
        return lo < t.value;
      case 'lowAbove':
        return lo > t.value;
      case 'highBelow':
        return hi < t.value;
      case 'anyOf':
        return t.tests.some((x) => reference(x, lo, hi));
    }
  })();
  return t.negate ? !positive : positive;
}

describe('compileRange: selects what plan.ts defines', () => {
  const ranges = [
    [0, 0],
    [0, 10],
    [5, 5],
    [5, 15],
    [10, 10],
    [10, 20],
    [11, 30],
    [-100, 100],
  ] as const;
  const docs = ranges.map(([lo, hi], i) => ({ i, lo, hi }));
  const tests: RangeTest[] = [
    { op: 'within', low: 5, high: 10 },
    { op: 'within', low: 5, high: 10, negate: true },
    { op: 'overlaps', low: 10, high: 11 },
    { op: 'highAbove', value: 10 },
    { op: 'lowBelow', value: 5 },
    { op: 'lowAbove', value: 10 },
    { op: 'highBelow', value: 10 },
    {
      op: 'anyOf',
      tests: [
        { op: 'highAbove', value: 10 },
        { op: 'within', low: 5, high: 10 },
      ],
    },
    {
      op: 'anyOf',
      tests: [
        { op: 'lowBelow', value: 5 },
        { op: 'within', low: 5, high: 10 },
      ],
      negate: true,
    },
  ];
  for (const t of tests) {
    it(`${t.op}${t.negate ? ' (negated)' : ''}`, () => {
      const got = find(docs, compileRange(t, 'lo', 'hi'))
        .all()
        .map((d) => d.i as number);
      const want = docs.filter((d) => reference(t, d.lo, d.hi)).map((d) => d.i);
      assert.deepEqual(got, want);
      assert.ok(want.length > 0 && want.length < docs.length, 'the fixture discriminates');
    });
  }
});
