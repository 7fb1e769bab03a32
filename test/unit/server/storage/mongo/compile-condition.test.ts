// Covers: https://hl7.org/fhir/R4/search.html#string (default, :exact, :contains),
// #token (code, system|code, |code, system|, :text, :of-type, :not), #reference (type/id, id, url,
// :identifier), #date, #number, #quantity, #uri (:above, :below), #composite, #missing, #id,
// #lastUpdated, #chaining, #has, compartments (compartmentdefinition.html), OR/AND lists.
// Asserts the exact filter documents (deterministic translations), then evaluates them on
// in-memory documents with mingo.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Document } from 'mongodb';
import type { Condition } from '../../../../../server/src/search/plan';
import {
  compileCondition,
  escapeRegex,
  liveFilter,
  MATCH_NONE,
  type CompileContext,
} from '../../../../../server/src/storage/mongo/compile-condition';
import type { JoinResolver } from '../../../../../server/src/storage/mongo/joins';
import { matching, memoryJoins, put, type Collections } from './in-memory-source';

const noJoins: JoinResolver = {
  matchingIds: () => Promise.reject(new Error('unexpected join')),
  referencedIds: () => Promise.reject(new Error('unexpected join')),
};
const ctx: CompileContext = { resourceType: 'Observation', joins: noJoins };
const compile = (c: Condition): Promise<Document> => compileCondition(c, ctx);

describe('compileCondition: string', () => {
  it('starts-with is an anchored, escaped, case-sensitive prefix regex on the normalized text', async () => {
    assert.deepEqual(await compile({ kind: 'string', code: 'name', match: 'startsWith', value: 'o.b(r' }), {
      str: { $elemMatch: { c: 'name', n: { $regex: '^o\\.b\\(r' } } },
    });
  });
  it(':exact compares the exact text and :contains is an unanchored regex', async () => {
    assert.deepEqual(await compile({ kind: 'string', code: 'name', match: 'exact', value: 'Smith' }), {
      str: { $elemMatch: { c: 'name', e: 'Smith' } },
    });
    assert.deepEqual(await compile({ kind: 'string', code: 'name', match: 'contains', value: 'mi*' }), {
      str: { $elemMatch: { c: 'name', n: { $regex: 'mi\\*' } } },
    });
  });
  it('escapeRegex makes every metacharacter literal', () => {
    const raw = 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o';
    assert.ok(new RegExp(`^${escapeRegex(raw)}$`).test(raw));
    assert.ok(!new RegExp(escapeRegex('a.c')).test('abc'));
  });
});

describe('compileCondition: token', () => {
  it('code without system matches any system', async () => {
    assert.deepEqual(await compile({ kind: 'token', code: 'code', value: '1234' }), {
      tok: { $elemMatch: { c: 'code', v: '1234' } },
    });
  });
  it('system|code, |code (no system) and system| forms', async () => {
    assert.deepEqual(await compile({ kind: 'token', code: 'code', system: 'http://loinc.org', value: '1234' }), {
      tok: { $elemMatch: { c: 'code', v: '1234', s: 'http://loinc.org' } },
    });
    assert.deepEqual(await compile({ kind: 'token', code: 'code', system: '', value: '1234' }), {
      tok: { $elemMatch: { c: 'code', v: '1234', s: null } },
    });
    assert.deepEqual(await compile({ kind: 'token', code: 'code', system: 'http://loinc.org' }), {
      tok: { $elemMatch: { c: 'code', s: 'http://loinc.org' } },
    });
  });
  it(':text is a prefix of the normalized text, :of-type matches the identifier type', async () => {
    assert.deepEqual(await compile({ kind: 'tokenText', code: 'code', text: 'glu' }), {
      tok: { $elemMatch: { c: 'code', t: { $regex: '^glu' } } },
    });
    assert.deepEqual(
      await compile({ kind: 'tokenOfType', code: 'identifier', typeSystem: 'http://t', typeCode: 'MR', value: '42' }),
      { tok: { $elemMatch: { c: 'identifier', v: '42', it: 'http://t|MR' } } },
    );
  });
  it(':not is a $nor around the token match', async () => {
    assert.deepEqual(await compile({ kind: 'not', condition: { kind: 'token', code: 'status', value: 'final' } }), {
      $nor: [{ tok: { $elemMatch: { c: 'status', v: 'final' } } }],
    });
  });
});

describe('compileCondition: reference', () => {
  it('type/id, bare id and url forms', async () => {
    assert.deepEqual(await compile({ kind: 'reference', code: 'subject', targetType: 'Patient', targetId: '1' }), {
      ref: { $elemMatch: { c: 'subject', tt: 'Patient', ti: '1' } },
    });
    assert.deepEqual(await compile({ kind: 'reference', code: 'subject', targetId: '1' }), {
      ref: { $elemMatch: { c: 'subject', ti: '1' } },
    });
    assert.deepEqual(await compile({ kind: 'reference', code: 'subject', ref: 'http://x/Patient/1' }), {
      ref: { $elemMatch: { c: 'subject', r: 'http://x/Patient/1' } },
    });
  });
  it('several forms are alternatives', async () => {
    assert.deepEqual(
      await compile({ kind: 'reference', code: 'subject', targetType: 'Patient', targetId: '1', ref: 'urn:x' }),
      {
        $or: [
          { ref: { $elemMatch: { c: 'subject', tt: 'Patient', ti: '1' } } },
          { ref: { $elemMatch: { c: 'subject', r: 'urn:x' } } },
        ],
      },
    );
  });
  it('a reference value with neither id nor URL matches nothing (as in the SQLite backend)', async () => {
    assert.deepEqual(await compile({ kind: 'reference', code: 'subject', targetType: 'Patient' }), MATCH_NONE);
    assert.deepEqual(
      await compile({ kind: 'composite', code: 'x', value: 'v', second: { kind: 'reference', targetType: 'Patient' } }),
      MATCH_NONE,
    );
  });
  it(':identifier with and without system', async () => {
    assert.deepEqual(
      await compile({ kind: 'referenceIdentifier', code: 'subject', system: 'http://mrn', value: '7' }),
      {
        ref: { $elemMatch: { c: 'subject', iv: '7', is: 'http://mrn' } },
      },
    );
    assert.deepEqual(await compile({ kind: 'referenceIdentifier', code: 'subject', value: '7' }), {
      ref: { $elemMatch: { c: 'subject', iv: '7' } },
    });
  });
});

describe('compileCondition: date, number, quantity, uri', () => {
  it('date and number apply the range test to the same entry', async () => {
    assert.deepEqual(await compile({ kind: 'date', code: 'date', test: { op: 'within', low: 10, high: 20 } }), {
      dt: { $elemMatch: { c: 'date', lo: { $gte: 10 }, hi: { $lte: 20 } } },
    });
    assert.deepEqual(await compile({ kind: 'number', code: 'value', test: { op: 'highAbove', value: 5 } }), {
      num: { $elemMatch: { c: 'value', hi: { $gt: 5 } } },
    });
  });
  it('quantity adds the unit system and code', async () => {
    assert.deepEqual(
      await compile({
        kind: 'quantity',
        code: 'value-quantity',
        test: { op: 'lowBelow', value: 5 },
        system: 'http://unitsofmeasure.org',
        unit: 'mg',
      }),
      { qty: { $elemMatch: { c: 'value-quantity', lo: { $lt: 5 }, s: 'http://unitsofmeasure.org', u: 'mg' } } },
    );
  });
  it('uri eq, below (prefix regex) and above (one of the prefixes)', async () => {
    assert.deepEqual(await compile({ kind: 'uri', code: 'url', match: 'eq', value: 'http://a/b' }), {
      uri: { $elemMatch: { c: 'url', v: 'http://a/b' } },
    });
    assert.deepEqual(await compile({ kind: 'uri', code: 'url', match: 'below', value: 'http://a.b/' }), {
      uri: { $elemMatch: { c: 'url', v: { $regex: '^http://a\\.b/' } } },
    });
    assert.deepEqual(await compile({ kind: 'uri', code: 'url', match: 'above', value: 'abc' }), {
      uri: { $elemMatch: { c: 'url', v: { $in: ['a', 'ab', 'abc'] } } },
    });
  });
});

describe('compileCondition: composite, missing, specials', () => {
  it('composite parts live on one entry', async () => {
    assert.deepEqual(
      await compile({
        kind: 'composite',
        code: 'code-value-quantity',
        system: 'http://loinc.org',
        value: '8480-6',
        second: { kind: 'quantity', test: { op: 'lowAbove', value: 140 }, unit: 'mm[Hg]' },
      }),
      {
        cmp: {
          $elemMatch: {
            c: 'code-value-quantity',
            v: '8480-6',
            s: 'http://loinc.org',
            'a.lo': { $gt: 140 },
            'a.u': 'mm[Hg]',
          },
        },
      },
    );
    assert.deepEqual(
      await compile({
        kind: 'composite',
        code: 'combo',
        value: 'x',
        second: { kind: 'token', system: '', value: 'y' },
        third: { kind: 'reference', targetType: 'Patient', targetId: '1', ref: 'urn:p' },
      }),
      {
        cmp: {
          $elemMatch: {
            c: 'combo',
            v: 'x',
            'a.v': 'y',
            'a.s': null,
            $or: [{ 'b.tt': 'Patient', 'b.ti': '1' }, { 'b.r': 'urn:p' }],
          },
        },
      },
    );
  });
  it('two anyOf parts of a composite are ANDed rather than overwritten', async () => {
    const anyOf = {
      op: 'anyOf' as const,
      tests: [
        { op: 'lowBelow' as const, value: 1 },
        { op: 'lowAbove' as const, value: 9 },
      ],
    };
    const doc = await compile({
      kind: 'composite',
      code: 'combo',
      value: 'x',
      second: { kind: 'number', test: anyOf },
      third: { kind: 'date', test: anyOf },
    });
    assert.deepEqual(doc, {
      cmp: {
        $elemMatch: {
          $and: [
            { c: 'combo', v: 'x' },
            { $or: [{ 'a.lo': { $lt: 1 } }, { 'a.lo': { $gt: 9 } }] },
            { $or: [{ 'b.lo': { $lt: 1 } }, { 'b.lo': { $gt: 9 } }] },
          ],
        },
      },
    });
  });
  it(':missing checks for an entry of the code in the kind array', async () => {
    assert.deepEqual(await compile({ kind: 'missing', code: 'birthdate', indexKind: 'date', missing: false }), {
      dt: { $elemMatch: { c: 'birthdate' } },
    });
    assert.deepEqual(await compile({ kind: 'missing', code: 'url', indexKind: 'uri', missing: true }), {
      $nor: [{ uri: { $elemMatch: { c: 'url' } } }],
    });
  });
  it('_id, _lastUpdated, compartment and none', async () => {
    assert.deepEqual(await compile({ kind: 'id', ids: ['a', 'b'] }), { _id: { $in: ['a', 'b'] } });
    assert.deepEqual(await compile({ kind: 'id', ids: [] }), MATCH_NONE);
    assert.deepEqual(await compile({ kind: 'lastUpdated', test: { op: 'within', low: 1, high: 2 } }), {
      lastUpdatedMs: { $gte: 1, $lte: 2 },
    });
    assert.deepEqual(await compile({ kind: 'compartment', compartments: ['Patient/1'] }), {
      compartments: { $in: ['Patient/1'] },
    });
    assert.deepEqual(await compile({ kind: 'none' }), { _id: { $in: [] } });
  });
  it('and/or lists, with single members unwrapped and empty lists as true/false', async () => {
    const a: Condition = { kind: 'id', ids: ['a'] };
    const b: Condition = { kind: 'id', ids: ['b'] };
    assert.deepEqual(await compile({ kind: 'or', conditions: [a, b] }), {
      $or: [{ _id: { $in: ['a'] } }, { _id: { $in: ['b'] } }],
    });
    assert.deepEqual(await compile({ kind: 'and', conditions: [a, b] }), {
      $and: [{ _id: { $in: ['a'] } }, { _id: { $in: ['b'] } }],
    });
    assert.deepEqual(await compile({ kind: 'or', conditions: [a] }), { _id: { $in: ['a'] } });
    assert.deepEqual(await compile({ kind: 'or', conditions: [] }), MATCH_NONE);
    assert.deepEqual(await compile({ kind: 'and', conditions: [] }), {});
  });
  it('liveFilter excludes tombstones', () => {
    assert.deepEqual(liveFilter([]), { deleted: false });
    assert.deepEqual(liveFilter([{ a: 1 }]), { deleted: false, $and: [{ a: 1 }] });
  });
});

describe('compileCondition: chain and _has (two-step resolve)', () => {
  it('chain runs the inner search on the target type, then matches the references by id', async () => {
    const calls: [string, Document][] = [];
    const joins: JoinResolver = {
      matchingIds: async (type, filter) => {
        calls.push([type, filter]);
        return ['p1', 'p2'];
      },
      referencedIds: () => Promise.reject(new Error('unexpected')),
    };
    const doc = await compileCondition(
      {
        kind: 'chain',
        code: 'subject',
        targetType: 'Patient',
        condition: { kind: 'string', code: 'name', match: 'startsWith', value: 'smi' },
      },
      { resourceType: 'Observation', joins },
    );
    assert.deepEqual(calls, [
      ['Patient', { deleted: false, $and: [{ str: { $elemMatch: { c: 'name', n: { $regex: '^smi' } } } }] }],
    ]);
    assert.deepEqual(doc, { ref: { $elemMatch: { c: 'subject', tt: 'Patient', ti: { $in: ['p1', 'p2'] } } } });
  });
  it('_has runs the source search, restricted to references to this type, and matches the ids', async () => {
    const calls: unknown[][] = [];
    const joins: JoinResolver = {
      matchingIds: () => Promise.reject(new Error('unexpected')),
      referencedIds: async (...args) => {
        calls.push(args);
        return ['p9'];
      },
    };
    const doc = await compileCondition(
      {
        kind: 'has',
        sourceType: 'Observation',
        referenceCode: 'patient',
        condition: { kind: 'token', code: 'code', value: '1234' },
      },
      { resourceType: 'Patient', joins },
    );
    assert.deepEqual(calls, [
      [
        'Observation',
        {
          deleted: false,
          $and: [
            { tok: { $elemMatch: { c: 'code', v: '1234' } } },
            { ref: { $elemMatch: { c: 'patient', tt: 'Patient' } } },
          ],
        },
        'patient',
        'Patient',
      ],
    ]);
    assert.deepEqual(doc, { _id: { $in: ['p9'] } });
  });
  it('an inner search without matches compiles to a filter that matches nothing', async () => {
    const joins: JoinResolver = { matchingIds: async () => [], referencedIds: async () => [] };
    const chain: Condition = { kind: 'chain', code: 'subject', targetType: 'Patient', condition: { kind: 'none' } };
    assert.deepEqual(await compileCondition(chain, { resourceType: 'Observation', joins }), MATCH_NONE);
  });
});

describe('compiled conditions evaluated on stored documents', () => {
  const db: Collections = new Map();
  put(db, 'Observation', 'loinc', [
    { kind: 'token', code: 'code', system: 'http://loinc.org', value: '1234' },
    { kind: 'reference', code: 'subject', targetType: 'Patient', targetId: 'p1' },
  ]);
  put(db, 'Observation', 'nosystem', [
    { kind: 'token', code: 'code', value: '1234' },
    { kind: 'reference', code: 'subject', targetType: 'Patient', targetId: 'p2' },
  ]);
  put(db, 'Observation', 'mixed', [
    // system of one coding and code of another must not combine into a match
    { kind: 'token', code: 'code', system: 'http://loinc.org', value: '9999' },
    { kind: 'token', code: 'code', system: 'http://other', value: '1234' },
  ]);
  put(db, 'Observation', 'gone', [], { deleted: true, versionId: 2 });
  put(db, 'Patient', 'p1', [{ kind: 'string', code: 'name', norm: 'smith', exact: 'Smith' }]);
  put(db, 'Patient', 'p2', [{ kind: 'string', code: 'name', norm: 'jones', exact: 'Jones' }]);
  const run = async (type: string, c: Condition): Promise<string[]> =>
    matching(db, type, liveFilter([await compileCondition(c, { resourceType: type, joins: memoryJoins(db) })])).sort();

  it('system and code must come from the same coding', async () => {
    assert.deepEqual(
      await run('Observation', { kind: 'token', code: 'code', system: 'http://loinc.org', value: '1234' }),
      ['loinc'],
    );
    assert.deepEqual(await run('Observation', { kind: 'token', code: 'code', system: '', value: '1234' }), [
      'nosystem',
    ]);
    assert.deepEqual(await run('Observation', { kind: 'token', code: 'code', value: '1234' }), [
      'loinc',
      'mixed',
      'nosystem',
    ]);
  });
  it(':not and :missing=true match resources without the value, but never tombstones', async () => {
    assert.deepEqual(
      await run('Observation', { kind: 'not', condition: { kind: 'token', code: 'code', value: '9999' } }),
      ['loinc', 'nosystem'],
    );
    assert.deepEqual(
      await run('Observation', { kind: 'missing', code: 'subject', indexKind: 'reference', missing: true }),
      ['mixed'],
    );
  });
  it('chain and _has resolve through the other collection', async () => {
    const name: Condition = { kind: 'string', code: 'name', match: 'startsWith', value: 'smi' };
    assert.deepEqual(
      await run('Observation', { kind: 'chain', code: 'subject', targetType: 'Patient', condition: name }),
      ['loinc'],
    );
    const code: Condition = { kind: 'token', code: 'code', system: '', value: '1234' };
    assert.deepEqual(
      await run('Patient', { kind: 'has', sourceType: 'Observation', referenceCode: 'subject', condition: code }),
      ['p2'],
    );
  });
});
