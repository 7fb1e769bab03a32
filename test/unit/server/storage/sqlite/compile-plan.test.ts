/**
 * The SQLite search compiler, exercised by running compiled plans against a real temp-file
 * SqliteStore seeded with hand-made index entries.
 *
 * Covers:
 * - https://hl7.org/fhir/R4/search.html#prefix (every RangeTest op, negate, open-ended bounds)
 * - #string (starts-with, :exact, :contains), #token (system|code forms, :text, :of-type, :not),
 *   #reference (type/id, id, absolute, :identifier), #uri (:above, :below), #composite,
 *   #number, #quantity, #date, #missing, _id, _lastUpdated
 * - #chaining, #has, compartments (https://hl7.org/fhir/R4/compartmentdefinition.html)
 * - #sort (min/max per resource, NULLs last, id tiebreaker), #count, _total, keyset paging
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IndexEntry } from '../../../../../server/src/search/index-entries';
import type { Condition, RangeTest, SearchPlan, SortKey } from '../../../../../server/src/search/plan';
import type { SqliteStore } from '../../../../../server/src/storage/sqlite/sqlite-store';
import type { ResourceWrite } from '../../../../../server/src/storage/store';
import { openTempSqliteStore } from '../../../../helpers/sqlite-temp';

const day = (iso: string): [number, number] => {
  const low = Date.parse(`${iso}T00:00:00.000Z`);
  return [low, low + 86_400_000 - 1];
};

function resource(
  resourceType: string,
  id: string,
  index: readonly IndexEntry[],
  extra: Partial<ResourceWrite> = {},
): ResourceWrite {
  return {
    resourceType,
    id,
    versionId: 1,
    lastUpdated: '2024-01-01T00:00:00.000Z',
    deleted: false,
    json: JSON.stringify({ resourceType, id }),
    method: 'POST',
    index,
    compartments: [],
    ...extra,
  };
}

describe('SQLite search compiler', () => {
  let store: SqliteStore;
  let cleanup: () => Promise<void>;

  const [jan1] = day('2020-01-01');
  const [, jan31end] = day('2020-01-31');
  const [jan5] = day('2020-01-05');
  const [, jan20end] = day('2020-01-20');

  before(async () => {
    ({ store, cleanup } = await openTempSqliteStore());
    const writes: ResourceWrite[] = [
      // Date ranges: A = all of January, B = Jan 10 only, C = Dec 1 .. Feb 15, D = open start, E = open end.
      resource('Encounter', 'A', [{ kind: 'date', code: 'date', low: jan1, high: jan31end }]),
      resource('Encounter', 'B', [
        { kind: 'date', code: 'date', low: day('2020-01-10')[0], high: day('2020-01-10')[1] },
      ]),
      resource('Encounter', 'C', [
        { kind: 'date', code: 'date', low: day('2019-12-01')[0], high: day('2020-02-15')[1] },
      ]),
      resource('Encounter', 'D', [{ kind: 'date', code: 'date', low: -Infinity, high: day('1990-06-01')[1] }]),
      resource('Encounter', 'E', [{ kind: 'date', code: 'date', low: day('2030-01-01')[0], high: Infinity }]),
      resource('Encounter', 'F', []),
      // Patients: names, tokens, identifiers, birthdates, numbers.
      resource(
        'Patient',
        'p1',
        [
          { kind: 'string', code: 'name', norm: 'smith', exact: 'Smith' },
          { kind: 'string', code: 'name', norm: 'john', exact: 'John' },
          { kind: 'token', code: 'gender', system: 'http://hl7.org/fhir/administrative-gender', value: 'male' },
          {
            kind: 'token',
            code: 'identifier',
            system: 'urn:mrn',
            value: '111',
            text: 'medical record',
            identifierTypes: ['http://terminology.hl7.org/CodeSystem/v2-0203|MR'],
          },
          { kind: 'date', code: 'birthdate', low: day('1985-03-04')[0], high: day('1985-03-04')[1] },
          { kind: 'uri', code: 'url', value: 'http://example.org/fhir/ValueSet/a' },
        ],
        { compartments: ['Patient/p1'], lastUpdated: '2024-01-01T00:00:00.000Z' },
      ),
      resource(
        'Patient',
        'p2',
        [
          { kind: 'string', code: 'name', norm: 'smithers', exact: 'Smithers' },
          { kind: 'string', code: 'name', norm: 'ann marie', exact: 'Ann Marie' },
          { kind: 'token', code: 'gender', value: 'female' },
          { kind: 'token', code: 'identifier', system: 'urn:mrn', value: '222' },
          { kind: 'date', code: 'birthdate', low: day('1975-07-01')[0], high: day('1975-07-01')[1] },
          { kind: 'uri', code: 'url', value: 'http://example.org/fhir' },
        ],
        { compartments: ['Patient/p2'], lastUpdated: '2024-01-02T00:00:00.000Z' },
      ),
      resource(
        'Patient',
        'p3',
        [
          { kind: 'string', code: 'name', norm: 'smj', exact: 'Smj' },
          { kind: 'token', code: 'gender', system: 'http://hl7.org/fhir/administrative-gender', value: 'female' },
        ],
        { compartments: ['Patient/p3'], lastUpdated: '2024-01-03T00:00:00.000Z' },
      ),
      // Observations: references, codes, quantities, composites.
      resource(
        'Observation',
        'o1',
        [
          { kind: 'reference', code: 'subject', targetType: 'Patient', targetId: 'p1' },
          { kind: 'token', code: 'code', system: 'http://loinc.org', value: '8867-4' },
          {
            kind: 'quantity',
            code: 'value-quantity',
            value: 72,
            low: 71.5,
            high: 72.5,
            system: 'http://unitsofmeasure.org',
            unit: '/min',
          },
          {
            kind: 'composite',
            code: 'code-value-quantity',
            system: 'http://loinc.org',
            value: '8867-4',
            second: { kind: 'quantity', low: 71.5, high: 72.5, system: 'http://unitsofmeasure.org', unit: '/min' },
          },
          { kind: 'number', code: 'probability', value: 0.8, low: 0.75, high: 0.85 },
        ],
        { compartments: ['Patient/p1'] },
      ),
      resource(
        'Observation',
        'o2',
        [
          { kind: 'reference', code: 'subject', targetType: 'Patient', targetId: 'p2' },
          { kind: 'token', code: 'code', system: 'http://loinc.org', value: '8310-5' },
          { kind: 'quantity', code: 'value-quantity', value: 37, low: 36.95, high: 37.05, unit: 'Cel' },
          {
            kind: 'composite',
            code: 'component-code-value-concept',
            system: 'http://loinc.org',
            value: '1234-5',
            second: { kind: 'token', system: 'http://snomed.info/sct', value: '260385009' },
          },
          { kind: 'number', code: 'probability', value: 0.2, low: 0.15, high: 0.25 },
        ],
        { compartments: ['Patient/p2'] },
      ),
      resource(
        'Observation',
        'o3',
        [
          { kind: 'reference', code: 'subject', ref: 'http://other.org/fhir/Patient/x' },
          { kind: 'reference', code: 'performer', identifierSystem: 'urn:npi', identifierValue: '999' },
          { kind: 'token', code: 'code', value: '8867-4' },
        ],
        { compartments: [] },
      ),
      resource(
        'Observation',
        'o4',
        [
          { kind: 'reference', code: 'subject', targetType: 'Group', targetId: 'p1' },
          { kind: 'token', code: 'code', system: 'http://loinc.org', value: '8867-4' },
        ],
        { compartments: [] },
      ),
    ];
    await store.transaction(async (session) => {
      for (const w of writes) {
        await session.write(w);
      }
    });
    // A deleted Observation that used to match everything about o1.
    await store.transaction(async (session) => {
      await session.write(resource('Observation', 'o9', writes[writes.length - 4]!.index));
    });
    await store.transaction(async (session) => {
      await session.write(
        resource('Observation', 'o9', [], { versionId: 2, deleted: true, method: 'DELETE', json: '' }),
      );
    });
  });

  after(async () => cleanup());

  async function ids(resourceTypes: string[], conditions: Condition[], sort: SortKey[] = []): Promise<string[]> {
    const result = await store.search({ resourceTypes, conditions, sort, count: 100, total: 'none' });
    return result.hits.map((h) => h.resource.id);
  }

  const encounters = async (test: RangeTest): Promise<string[]> =>
    (await ids(['Encounter'], [{ kind: 'date', code: 'date', test }])).sort();

  describe('range tests (date)', () => {
    it('within: the stored range lies inside the search range', async () => {
      assert.deepEqual(await encounters({ op: 'within', low: jan5, high: jan20end }), ['B']);
      assert.deepEqual(await encounters({ op: 'within', low: jan1, high: jan31end }), ['A', 'B']);
    });
    it('overlaps: the ranges share at least one instant', async () => {
      assert.deepEqual(await encounters({ op: 'overlaps', low: jan5, high: jan20end }), ['A', 'B', 'C']);
      assert.deepEqual(await encounters({ op: 'overlaps', low: -Infinity, high: jan1 }), ['A', 'C', 'D']);
    });
    it('highAbove / lowBelow / lowAbove / highBelow are strict comparisons on one bound', async () => {
      assert.deepEqual(await encounters({ op: 'highAbove', value: jan31end }), ['C', 'E']);
      assert.deepEqual(await encounters({ op: 'lowBelow', value: jan1 }), ['C', 'D']);
      assert.deepEqual(await encounters({ op: 'lowAbove', value: jan1 }), ['B', 'E']);
      assert.deepEqual(await encounters({ op: 'highBelow', value: jan31end }), ['B', 'D']);
    });
    it('infinite bounds compare as the extremes', async () => {
      assert.deepEqual(await encounters({ op: 'lowBelow', value: day('1900-01-01')[0] }), ['D']);
      assert.deepEqual(await encounters({ op: 'highAbove', value: day('2999-01-01')[0] }), ['E']);
      assert.deepEqual(await encounters({ op: 'highAbove', value: Infinity }), []);
    });
    it('anyOf: ge = gt or eq on the same entry', async () => {
      const [low, high] = day('2020-01-10');
      const ge: RangeTest = {
        op: 'anyOf',
        tests: [
          { op: 'highAbove', value: high },
          { op: 'within', low, high },
        ],
      };
      assert.deepEqual(await encounters(ge), ['A', 'B', 'C', 'E']);
      assert.deepEqual(await encounters({ op: 'anyOf', tests: [] }), []);
    });
    it('negate: ne matches resources with an entry outside, never resources without a value', async () => {
      assert.deepEqual(await encounters({ op: 'within', low: jan1, high: jan31end, negate: true }), ['C', 'D', 'E']);
      const notGe: RangeTest = {
        op: 'anyOf',
        negate: true,
        tests: [
          { op: 'highAbove', value: jan31end },
          { op: 'within', low: jan1, high: jan31end },
        ],
      };
      assert.deepEqual(await encounters(notGe), ['D']);
    });
  });

  describe('number and quantity', () => {
    it('number compares the implicit precision range', async () => {
      const found = await ids(
        ['Observation'],
        [{ kind: 'number', code: 'probability', test: { op: 'within', low: 0.7, high: 0.9 } }],
      );
      assert.deepEqual(found, ['o1']);
    });
    it('quantity matches range plus unit system and code when given', async () => {
      const test: RangeTest = { op: 'overlaps', low: 30, high: 80 };
      assert.deepEqual((await ids(['Observation'], [{ kind: 'quantity', code: 'value-quantity', test }])).sort(), [
        'o1',
        'o2',
      ]);
      assert.deepEqual(await ids(['Observation'], [{ kind: 'quantity', code: 'value-quantity', test, unit: 'Cel' }]), [
        'o2',
      ]);
      assert.deepEqual(
        await ids(
          ['Observation'],
          [{ kind: 'quantity', code: 'value-quantity', test, system: 'http://unitsofmeasure.org', unit: 'Cel' }],
        ),
        [],
      );
    });
  });

  describe('string', () => {
    it('startsWith uses the normalized text and is a true prefix match', async () => {
      assert.deepEqual(
        (await ids(['Patient'], [{ kind: 'string', code: 'name', match: 'startsWith', value: 'smi' }])).sort(),
        ['p1', 'p2'],
      );
      assert.deepEqual(await ids(['Patient'], [{ kind: 'string', code: 'name', match: 'startsWith', value: 'smj' }]), [
        'p3',
      ]);
    });
    it('exact compares the original text; contains finds substrings', async () => {
      assert.deepEqual(await ids(['Patient'], [{ kind: 'string', code: 'name', match: 'exact', value: 'Smith' }]), [
        'p1',
      ]);
      assert.deepEqual(await ids(['Patient'], [{ kind: 'string', code: 'name', match: 'exact', value: 'smith' }]), []);
      assert.deepEqual(await ids(['Patient'], [{ kind: 'string', code: 'name', match: 'contains', value: 'mari' }]), [
        'p2',
      ]);
    });
  });

  describe('token', () => {
    it('code alone matches any system; system|code requires the system; |code requires no system', async () => {
      assert.deepEqual((await ids(['Patient'], [{ kind: 'token', code: 'gender', value: 'female' }])).sort(), [
        'p2',
        'p3',
      ]);
      const sys = 'http://hl7.org/fhir/administrative-gender';
      assert.deepEqual(await ids(['Patient'], [{ kind: 'token', code: 'gender', system: sys, value: 'female' }]), [
        'p3',
      ]);
      assert.deepEqual(await ids(['Patient'], [{ kind: 'token', code: 'gender', system: '', value: 'female' }]), [
        'p2',
      ]);
      assert.deepEqual((await ids(['Patient'], [{ kind: 'token', code: 'gender', system: sys }])).sort(), ['p1', 'p3']);
    });
    it(':text matches the normalized display by prefix; :of-type matches identifier type and value', async () => {
      assert.deepEqual(await ids(['Patient'], [{ kind: 'tokenText', code: 'identifier', text: 'medical' }]), ['p1']);
      const ofType = {
        kind: 'tokenOfType' as const,
        code: 'identifier',
        typeSystem: 'http://terminology.hl7.org/CodeSystem/v2-0203',
        typeCode: 'MR',
      };
      assert.deepEqual(await ids(['Patient'], [{ ...ofType, value: '111' }]), ['p1']);
      assert.deepEqual(await ids(['Patient'], [{ ...ofType, value: '222' }]), []);
    });
    it(':not (NOT around token) also matches resources without any value', async () => {
      const notMale: Condition = { kind: 'not', condition: { kind: 'token', code: 'gender', value: 'male' } };
      assert.deepEqual((await ids(['Patient'], [notMale])).sort(), ['p2', 'p3']);
      const notLoinc: Condition = { kind: 'not', condition: { kind: 'token', code: 'identifier', value: '111' } };
      assert.deepEqual((await ids(['Patient'], [notLoinc])).sort(), ['p2', 'p3']);
    });
  });

  describe('reference and uri', () => {
    it('type/id, bare id, absolute reference and :identifier', async () => {
      assert.deepEqual(
        await ids(['Observation'], [{ kind: 'reference', code: 'subject', targetType: 'Patient', targetId: 'p1' }]),
        ['o1'],
      );
      assert.deepEqual((await ids(['Observation'], [{ kind: 'reference', code: 'subject', targetId: 'p1' }])).sort(), [
        'o1',
        'o4',
      ]);
      assert.deepEqual(
        await ids(['Observation'], [{ kind: 'reference', code: 'subject', ref: 'http://other.org/fhir/Patient/x' }]),
        ['o3'],
      );
      assert.deepEqual(
        (
          await ids(
            ['Observation'],
            [
              {
                kind: 'reference',
                code: 'subject',
                targetType: 'Patient',
                targetId: 'p2',
                ref: 'http://other.org/fhir/Patient/x',
              },
            ],
          )
        ).sort(),
        ['o2', 'o3'],
      );
      assert.deepEqual(
        await ids(
          ['Observation'],
          [{ kind: 'referenceIdentifier', code: 'performer', system: 'urn:npi', value: '999' }],
        ),
        ['o3'],
      );
      assert.deepEqual(
        await ids(['Observation'], [{ kind: 'referenceIdentifier', code: 'performer', system: 'urn:x', value: '999' }]),
        [],
      );
      assert.deepEqual(await ids(['Observation'], [{ kind: 'reference', code: 'subject' }]), []);
    });
    it('uri eq, :below (stored starts with value) and :above (stored is a prefix of value)', async () => {
      assert.deepEqual(
        await ids(['Patient'], [{ kind: 'uri', code: 'url', match: 'eq', value: 'http://example.org/fhir' }]),
        ['p2'],
      );
      assert.deepEqual(
        (
          await ids(['Patient'], [{ kind: 'uri', code: 'url', match: 'below', value: 'http://example.org/fhir' }])
        ).sort(),
        ['p1', 'p2'],
      );
      assert.deepEqual(
        await ids(
          ['Patient'],
          [{ kind: 'uri', code: 'url', match: 'above', value: 'http://example.org/fhir/Patient' }],
        ),
        ['p2'],
      );
    });
  });

  describe('composite', () => {
    it('token + quantity parts on the same entry', async () => {
      const cond = (low: number, high: number): Condition => ({
        kind: 'composite',
        code: 'code-value-quantity',
        system: 'http://loinc.org',
        value: '8867-4',
        second: { kind: 'quantity', test: { op: 'overlaps', low, high }, unit: '/min' },
      });
      assert.deepEqual(await ids(['Observation'], [cond(70, 80)]), ['o1']);
      assert.deepEqual(await ids(['Observation'], [cond(80, 90)]), []);
    });
    it('token + token parts', async () => {
      const cond = (value: string): Condition => ({
        kind: 'composite',
        code: 'component-code-value-concept',
        value: '1234-5',
        second: { kind: 'token', system: 'http://snomed.info/sct', value },
      });
      assert.deepEqual(await ids(['Observation'], [cond('260385009')]), ['o2']);
      assert.deepEqual(await ids(['Observation'], [cond('other')]), []);
    });
  });

  describe('missing, _id, _lastUpdated, compartment, none', () => {
    it(':missing=true finds resources without an entry of the code, false those with one', async () => {
      const missing = (m: boolean): Condition => ({ kind: 'missing', code: 'date', indexKind: 'date', missing: m });
      assert.deepEqual(await ids(['Encounter'], [missing(true)]), ['F']);
      assert.deepEqual((await ids(['Encounter'], [missing(false)])).length, 5);
    });
    it('_id and _lastUpdated', async () => {
      assert.deepEqual((await ids(['Patient'], [{ kind: 'id', ids: ['p1', 'p3', 'nope'] }])).sort(), ['p1', 'p3']);
      assert.deepEqual(await ids(['Patient'], [{ kind: 'id', ids: [] }]), []);
      const jan2 = Date.parse('2024-01-02T00:00:00.000Z');
      assert.deepEqual(
        (
          await ids(
            ['Patient'],
            [
              {
                kind: 'lastUpdated',
                test: {
                  op: 'anyOf',
                  tests: [
                    { op: 'highAbove', value: jan2 },
                    { op: 'within', low: jan2, high: jan2 },
                  ],
                },
              },
            ],
          )
        ).sort(),
        ['p2', 'p3'],
      );
    });
    it('compartment membership and none', async () => {
      assert.deepEqual(
        (await ids(['Observation', 'Patient'], [{ kind: 'compartment', compartments: ['Patient/p1'] }])).sort(),
        ['o1', 'p1'],
      );
      assert.deepEqual(await ids(['Observation'], [{ kind: 'compartment', compartments: [] }]), []);
      assert.deepEqual(await ids(['Patient'], [{ kind: 'none' }]), []);
    });
  });

  describe('boolean structure', () => {
    it('or / and / not combine conditions', async () => {
      const male: Condition = { kind: 'token', code: 'gender', value: 'male' };
      const smj: Condition = { kind: 'string', code: 'name', match: 'startsWith', value: 'smj' };
      assert.deepEqual((await ids(['Patient'], [{ kind: 'or', conditions: [male, smj] }])).sort(), ['p1', 'p3']);
      assert.deepEqual(await ids(['Patient'], [{ kind: 'and', conditions: [male, smj] }]), []);
      assert.deepEqual(await ids(['Patient'], [{ kind: 'or', conditions: [] }]), []);
      assert.deepEqual((await ids(['Patient'], [{ kind: 'and', conditions: [] }])).length, 3);
      assert.deepEqual(await ids(['Patient'], [{ kind: 'not', condition: { kind: 'or', conditions: [male, smj] } }]), [
        'p2',
      ]);
    });
    it('an OR of codes on the same index table (joined) still ORs', async () => {
      const found = await ids(
        ['Observation'],
        [
          {
            kind: 'or',
            conditions: [
              { kind: 'token', code: 'code', system: 'http://loinc.org', value: '8310-5' },
              { kind: 'reference', code: 'subject', targetType: 'Group', targetId: 'p1' },
            ],
          },
        ],
      );
      assert.deepEqual(found.sort(), ['o2', 'o4']);
      const sameTable = await ids(
        ['Observation'],
        [
          {
            kind: 'or',
            conditions: [
              { kind: 'token', code: 'code', system: 'http://loinc.org', value: '8310-5' },
              { kind: 'or', conditions: [{ kind: 'token', code: 'code', system: '', value: '8867-4' }] },
            ],
          },
          { kind: 'not', condition: { kind: 'id', ids: ['o1'] } },
        ],
      );
      assert.deepEqual(sameTable.sort(), ['o2', 'o3']);
    });
  });

  describe('chain and _has', () => {
    it('chain: the reference target matches the nested condition', async () => {
      const chain: Condition = {
        kind: 'chain',
        code: 'subject',
        targetType: 'Patient',
        condition: { kind: 'string', code: 'name', match: 'startsWith', value: 'smith' },
      };
      assert.deepEqual((await ids(['Observation'], [chain])).sort(), ['o1', 'o2']);
      const nested: Condition = { ...chain, condition: { kind: 'token', code: 'gender', value: 'male' } };
      assert.deepEqual(await ids(['Observation'], [nested]), ['o1']);
      assert.deepEqual(await ids(['Observation'], [{ kind: 'not', condition: nested }]).then((x) => x.sort()), [
        'o2',
        'o3',
        'o4',
      ]);
    });
    it('chain or _has through a type without tables matches nothing (and NOT of it everything)', async () => {
      const chain: Condition = {
        kind: 'chain',
        code: 'subject',
        targetType: 'Device',
        condition: { kind: 'id', ids: ['x'] },
      };
      assert.deepEqual(await ids(['Observation'], [chain]), []);
      const has: Condition = {
        kind: 'has',
        sourceType: 'Device',
        referenceCode: 'patient',
        condition: { kind: 'id', ids: ['x'] },
      };
      assert.deepEqual(await ids(['Patient'], [has]), []);
      assert.deepEqual((await ids(['Patient'], [{ kind: 'not', condition: has }])).length, 3);
    });
    it('_has: some source resource referencing this one matches', async () => {
      const has = (value: string): Condition => ({
        kind: 'has',
        sourceType: 'Observation',
        referenceCode: 'subject',
        condition: { kind: 'token', code: 'code', value },
      });
      assert.deepEqual(await ids(['Patient'], [has('8867-4')]), ['p1']);
      assert.deepEqual(await ids(['Patient'], [has('8310-5')]), ['p2']);
      assert.deepEqual(await ids(['Patient'], [has('none')]), []);
    });
  });

  describe('deleted resources and unknown types', () => {
    it('a deleted resource never matches', async () => {
      const found = await ids(['Observation'], [{ kind: 'token', code: 'code', value: '8867-4' }]);
      assert.ok(!found.includes('o9'));
      assert.deepEqual(found.sort(), ['o1', 'o3', 'o4']);
    });
    it('a type without tables returns no hits and total 0', async () => {
      const result = await store.search({
        resourceTypes: ['Device'],
        conditions: [],
        sort: [],
        count: 10,
        total: 'accurate',
      });
      assert.deepEqual(result, { hits: [], hasMore: false, total: 0 });
    });
  });

  describe('sorting and paging', () => {
    const byDate = (descending: boolean): SortKey[] => [{ code: 'date', kind: 'date', descending }];
    it('ascending sorts by the smallest low, NULLs last, with sort values per hit', async () => {
      const result = await store.search({
        resourceTypes: ['Encounter'],
        conditions: [],
        sort: byDate(false),
        count: 10,
        total: 'none',
      });
      assert.deepEqual(
        result.hits.map((h) => h.resource.id),
        ['D', 'C', 'A', 'B', 'E', 'F'],
      );
      assert.equal(result.hits[2]!.sortValues[0], jan1);
      assert.equal(result.hits[5]!.sortValues[0], null);
    });
    it('descending sorts by the largest high, NULLs still last', async () => {
      assert.deepEqual(await ids(['Encounter'], [], byDate(true)), ['E', 'C', 'A', 'B', 'D', 'F']);
    });
    it('string sort uses the min (asc) / max (desc) exact value; ties broken by id', async () => {
      const name = (descending: boolean): SortKey[] => [{ code: 'name', kind: 'string', descending }];
      assert.deepEqual(await ids(['Patient'], [], name(false)), ['p2', 'p1', 'p3']);
      assert.deepEqual(await ids(['Patient'], [], name(true)), ['p3', 'p2', 'p1']);
      assert.deepEqual(await ids(['Patient'], [], [{ code: '_lastUpdated', kind: 'lastUpdated', descending: true }]), [
        'p3',
        'p2',
        'p1',
      ]);
    });
    it('multiple types are ordered globally', async () => {
      const found = await ids(
        ['Patient', 'Observation', 'Device'],
        [],
        [{ code: '_id', kind: 'id', descending: true }],
      );
      assert.deepEqual(found, ['p3', 'p2', 'p1', 'o4', 'o3', 'o2', 'o1']);
    });

    it('keyset paging forwards and backwards across three pages, with totals', async () => {
      const plan: SearchPlan = {
        resourceTypes: ['Encounter'],
        conditions: [],
        sort: byDate(false),
        count: 2,
        total: 'accurate',
      };
      const p1 = await store.search(plan);
      assert.deepEqual(
        p1.hits.map((h) => h.resource.id),
        ['D', 'C'],
      );
      assert.equal(p1.hasMore, true);
      assert.equal(p1.total, 6);
      const last = (r: typeof p1): { values: (string | number | null)[]; id: string } => {
        const hit = r.hits[r.hits.length - 1]!;
        return { values: [...hit.sortValues], id: hit.resource.id };
      };
      const p2 = await store.search({ ...plan, cursor: { direction: 'after', ...last(p1) } });
      assert.deepEqual(
        p2.hits.map((h) => h.resource.id),
        ['A', 'B'],
      );
      assert.equal(p2.hasMore, true);
      const p3 = await store.search({ ...plan, cursor: { direction: 'after', ...last(p2) } });
      assert.deepEqual(
        p3.hits.map((h) => h.resource.id),
        ['E', 'F'],
      );
      assert.equal(p3.hasMore, false);
      // The cursor after F (a NULL sort value) yields nothing more.
      const beyond = await store.search({ ...plan, cursor: { direction: 'after', ...last(p3) } });
      assert.deepEqual(beyond.hits, []);
      // Backwards from the first row of page 3 gives page 2 in normal order, then page 1.
      const first = (r: typeof p1) => ({ values: [...r.hits[0]!.sortValues], id: r.hits[0]!.resource.id });
      const back2 = await store.search({ ...plan, cursor: { direction: 'before', ...first(p3) } });
      assert.deepEqual(
        back2.hits.map((h) => h.resource.id),
        ['A', 'B'],
      );
      assert.equal(back2.hasMore, true);
      const back1 = await store.search({ ...plan, cursor: { direction: 'before', ...first(back2) } });
      assert.deepEqual(
        back1.hits.map((h) => h.resource.id),
        ['D', 'C'],
      );
      assert.equal(back1.hasMore, false);
    });
    it('keyset paging with descending keys and a NULL cursor value going backwards', async () => {
      const plan: SearchPlan = {
        resourceTypes: ['Encounter'],
        conditions: [],
        sort: byDate(true),
        count: 4,
        total: 'none',
      };
      const page = await store.search({ ...plan, cursor: { direction: 'before', values: [null], id: 'F' } });
      assert.deepEqual(
        page.hits.map((h) => h.resource.id),
        ['C', 'A', 'B', 'D'],
      );
      assert.equal(page.hasMore, true);
      const after = await store.search({ ...plan, cursor: { direction: 'after', values: [jan31end], id: 'A' } });
      assert.deepEqual(
        after.hits.map((h) => h.resource.id),
        ['B', 'D', 'F'],
      );
    });
    it('count 0 returns only the total; a cursor that does not fit the sort is rejected', async () => {
      const result = await store.search({
        resourceTypes: ['Patient'],
        conditions: [],
        sort: [],
        count: 0,
        total: 'accurate',
      });
      assert.deepEqual(result.hits, []);
      assert.equal(result.total, 3);
      await assert.rejects(
        store.search({
          resourceTypes: ['Patient'],
          conditions: [],
          sort: [],
          count: 5,
          total: 'none',
          cursor: { direction: 'after', values: [1], id: 'p1' },
        }),
        /cursor/,
      );
    });
    it('total counts resources once even when several entries match', async () => {
      const result = await store.search({
        resourceTypes: ['Patient'],
        conditions: [{ kind: 'string', code: 'name', match: 'startsWith', value: '' }],
        sort: [],
        count: 10,
        total: 'accurate',
      });
      assert.equal(result.total, 3);
      assert.deepEqual(
        result.hits.map((h) => h.resource.id),
        ['p1', 'p2', 'p3'],
      );
    });
  });
});
