// Covers: https://hl7.org/fhir/R4/search.html#sort (min ascending / max descending per resource,
// nulls last, id tiebreaker), keyset paging (plan.ts Cursor; search.html#count), and the complete
// page pipeline of a SearchPlan. Exact documents: these are deterministic translations.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FhirError } from '../../../../../server/src/errors/outcome';
import type { SearchPlan } from '../../../../../server/src/search/plan';
import { compileCursor } from '../../../../../server/src/storage/mongo/compile-cursor';
import { compilePage, compilePlan } from '../../../../../server/src/storage/mongo/compile-plan';
import { compileSort, sortDocument, sortValueExpression } from '../../../../../server/src/storage/mongo/compile-sort';
import { memoryJoins } from './in-memory-source';

const VERSION = { versionId: 1, lastUpdated: 1, lastUpdatedMs: 1, deleted: 1, method: 1, json: 1 };

describe('compileSort', () => {
  it('no keys: by id ascending, nothing computed', () => {
    const s = compileSort([]);
    assert.deepEqual(s.stages, []);
    assert.deepEqual(sortDocument(s.components, false), { _id: 1 });
    assert.deepEqual(s.valueFields, []);
  });
  it('string ascending: the smallest exact value, a null flag first, id tiebreaker', () => {
    const s = compileSort([{ code: 'family', kind: 'string', descending: false }]);
    assert.deepEqual(s.stages, [
      {
        $addFields: {
          _s0: {
            $min: {
              $map: {
                input: { $filter: { input: '$str', as: 'e', cond: { $eq: ['$$e.c', 'family'] } } },
                as: 'e',
                in: '$$e.e',
              },
            },
          },
        },
      },
      { $addFields: { _n0: { $cond: [{ $eq: [{ $ifNull: ['$_s0', null] }, null] }, 1, 0] } } },
    ]);
    assert.deepEqual(sortDocument(s.components, false), { _n0: 1, _s0: 1, _id: 1 });
    assert.deepEqual(sortDocument(s.components, true), { _n0: -1, _s0: -1, _id: -1 });
    assert.deepEqual(s.valueFields, ['_s0']);
  });
  it('date descending uses the largest high bound, and the tiebreaker follows the last key', () => {
    assert.deepEqual(sortValueExpression({ code: 'date', kind: 'date', descending: true }), {
      $max: {
        $map: {
          input: { $filter: { input: '$dt', as: 'e', cond: { $eq: ['$$e.c', 'date'] } } },
          as: 'e',
          in: '$$e.hi',
        },
      },
    });
    const s = compileSort([
      { code: 'date', kind: 'date', descending: true },
      { code: '_lastUpdated', kind: 'lastUpdated', descending: true },
    ]);
    assert.deepEqual(sortDocument(s.components, false), { _n0: 1, _s0: -1, lastUpdatedMs: -1, _id: -1 });
    assert.deepEqual(s.valueFields, ['_s0', 'lastUpdatedMs']);
  });
  it('reference, token, uri and quantity values', () => {
    const inOf = (kind: 'reference' | 'token' | 'uri' | 'quantity'): unknown =>
      (sortValueExpression({ code: 'x', kind, descending: false }).$min as { $map: { in: unknown } }).$map.in;
    assert.deepEqual(inOf('reference'), { $ifNull: [{ $concat: ['$$e.tt', '/', '$$e.ti'] }, '$$e.r'] });
    assert.deepEqual(inOf('token'), '$$e.v');
    assert.deepEqual(inOf('uri'), '$$e.v');
    assert.deepEqual(inOf('quantity'), '$$e.lo');
  });
  it('_id as a key makes the tiebreaker redundant', () => {
    const s = compileSort([{ code: '_id', kind: 'id', descending: true }]);
    assert.deepEqual(sortDocument(s.components, false), { _id: -1 });
    assert.deepEqual(s.valueFields, ['_id']);
  });
});

describe('compileCursor', () => {
  const s = compileSort([
    { code: 'family', kind: 'string', descending: false },
    { code: '_lastUpdated', kind: 'lastUpdated', descending: true },
  ]);
  it('after: the lexicographic successor of (flag, value, lastUpdated, id)', () => {
    assert.deepEqual(compileCursor(s.components, { direction: 'after', values: ['Smith', 100], id: 'x' }), {
      $or: [
        { _n0: { $gt: 0 } },
        { _n0: 0, _s0: { $gt: 'Smith' } },
        { _n0: 0, _s0: 'Smith', lastUpdatedMs: { $lt: 100 } },
        { _n0: 0, _s0: 'Smith', lastUpdatedMs: 100, _id: { $lt: 'x' } },
      ],
    });
  });
  it('before flips every comparison; a null value is only its flag', () => {
    assert.deepEqual(compileCursor(s.components, { direction: 'before', values: [null, 100], id: 'x' }), {
      $or: [
        { _n0: { $lt: 1 } },
        { _n0: 1, lastUpdatedMs: { $gt: 100 } },
        { _n0: 1, lastUpdatedMs: 100, _id: { $gt: 'x' } },
      ],
    });
  });
  it('default order: one comparison on the id', () => {
    assert.deepEqual(compileCursor(compileSort([]).components, { direction: 'after', values: [], id: 'x' }), {
      _id: { $gt: 'x' },
    });
  });
  it('a cursor that does not fit the sort is a TESSERA_E_SEARCH_INVALID_CURSOR error', () => {
    assert.throws(
      () => compileCursor(s.components, { direction: 'after', values: ['Smith'], id: 'x' }),
      (err: unknown) =>
        err instanceof FhirError && err.code === 'TESSERA_E_SEARCH_INVALID_CURSOR' && err.status === 400,
    );
  });
});

describe('compilePlan', () => {
  const base: SearchPlan = { resourceTypes: ['Patient'], conditions: [], sort: [], count: 20, total: 'none' };
  it('an unconditional search: live resources by id, count+1', async () => {
    const c = await compilePlan(base, 'Patient', memoryJoins(new Map()));
    assert.deepEqual(c.filter, { deleted: false });
    assert.deepEqual(c.pipeline, [
      { $match: { deleted: false } },
      { $sort: { _id: 1 } },
      { $limit: 21 },
      { $project: { ...VERSION, _id: 1 } },
    ]);
  });
  it('conditions, computed sort, cursor and projection in order', async () => {
    const plan: SearchPlan = {
      ...base,
      conditions: [{ kind: 'token', code: 'gender', value: 'female' }],
      sort: [{ code: 'birthdate', kind: 'date', descending: true }],
      count: 2,
      cursor: { direction: 'before', values: [42], id: 'p7' },
    };
    const c = await compilePlan(plan, 'Patient', memoryJoins(new Map()));
    const filter = { deleted: false, $and: [{ tok: { $elemMatch: { c: 'gender', v: 'female' } } }] };
    assert.deepEqual(c.filter, filter);
    assert.deepEqual(c.pipeline, [
      { $match: filter },
      ...c.sort.stages,
      {
        $match: {
          $or: [{ _n0: { $lt: 0 } }, { _n0: 0, _s0: { $gt: 42 } }, { _n0: 0, _s0: 42, _id: { $gt: 'p7' } }],
        },
      },
      { $sort: { _n0: -1, _s0: 1, _id: 1 } },
      { $limit: 3 },
      { $project: { ...VERSION, _s0: 1, _n0: 1, _id: 1 } },
    ]);
    assert.equal(c.sort.stages.length, 2);
  });
  it('compilePage reuses a given filter', () => {
    assert.deepEqual(compilePage({ ...base, count: 0 }, { x: 1 }).pipeline[0], { $match: { x: 1 } });
  });
});
