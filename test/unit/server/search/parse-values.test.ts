/**
 * Search value parsing per parameter type, modifiers and prefixes.
 * Spec: https://hl7.org/fhir/R4/search.html#string, #token, #reference, #date, #number, #quantity,
 * #uri, #composite, #prefix, #modifiers, #missing, #escaping, #combining (OR and AND),
 * and _id / _lastUpdated (https://hl7.org/fhir/R4/search.html#all).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearch } from '../../../../server/src/search/parse';
import type { Condition, RangeTest } from '../../../../server/src/search/plan';
import { parseInstantRange } from '../../../../server/src/search/date-range';
import { parseDecimalRange } from '../../../../server/src/search/number-range';
import { FhirError } from '../../../../server/src/errors/outcome';

function conditions(type: string, params: [string, string][], now?: Date): readonly Condition[] {
  return parseSearch({ resourceTypes: [type], params, strict: true, ...(now && { now }) }).plan.conditions;
}

function only(type: string, name: string, value: string, now?: Date): Condition {
  const c = conditions(type, [[name, value]], now);
  assert.equal(c.length, 1);
  return c[0] as Condition;
}

function test(type: string, name: string, value: string, now?: Date): RangeTest {
  const c = only(type, name, value, now);
  assert.ok('test' in c, `${name} should give a range test`);
  return c.test;
}

function rejects(code: string, type: string, params: [string, string][]): void {
  assert.throws(
    () => parseSearch({ resourceTypes: [type], params }),
    (err: unknown) => err instanceof FhirError && err.status === 400 && err.code === code,
  );
}

describe('string', () => {
  it('defaults to a normalized starts-with, with :exact verbatim and :contains normalized', () => {
    assert.deepEqual(only('Patient', 'name', 'Élodie'), {
      kind: 'string',
      code: 'name',
      match: 'startsWith',
      value: 'elodie',
    });
    assert.deepEqual(only('Patient', 'name:exact', 'Élodie'), {
      kind: 'string',
      code: 'name',
      match: 'exact',
      value: 'Élodie',
    });
    assert.deepEqual(only('Patient', 'family:contains', 'ODI'), {
      kind: 'string',
      code: 'family',
      match: 'contains',
      value: 'odi',
    });
  });

  it('unescapes commas instead of splitting on them', () => {
    assert.deepEqual(only('Patient', 'name', 'Smith\\, John'), {
      kind: 'string',
      code: 'name',
      match: 'startsWith',
      value: 'smith, john',
    });
  });
});

describe('token', () => {
  it('distinguishes code, system|code, |code and system|', () => {
    assert.deepEqual(only('Observation', 'code', '1234-5'), { kind: 'token', code: 'code', value: '1234-5' });
    assert.deepEqual(only('Observation', 'code', 'http://loinc.org|1234-5'), {
      kind: 'token',
      code: 'code',
      system: 'http://loinc.org',
      value: '1234-5',
    });
    assert.deepEqual(only('Observation', 'code', '|1234-5'), {
      kind: 'token',
      code: 'code',
      system: '',
      value: '1234-5',
    });
    assert.deepEqual(only('Observation', 'code', 'http://loinc.org|'), {
      kind: 'token',
      code: 'code',
      system: 'http://loinc.org',
    });
  });

  it('takes an escaped | literally', () => {
    assert.deepEqual(only('Patient', 'identifier', 'urn:x|a\\|b'), {
      kind: 'token',
      code: 'identifier',
      system: 'urn:x',
      value: 'a|b',
    });
  });

  it('supports :text, :not and :of-type', () => {
    assert.deepEqual(only('Observation', 'code:text', 'Blood  Glucose'), {
      kind: 'tokenText',
      code: 'code',
      text: 'blood glucose',
    });
    assert.deepEqual(only('Observation', 'status:not', 'final,amended'), {
      kind: 'not',
      condition: {
        kind: 'or',
        conditions: [
          { kind: 'token', code: 'status', value: 'final' },
          { kind: 'token', code: 'status', value: 'amended' },
        ],
      },
    });
    assert.deepEqual(only('Patient', 'identifier:of-type', 'http://terminology.hl7.org/CodeSystem/v2-0203|MR|123'), {
      kind: 'tokenOfType',
      code: 'identifier',
      typeSystem: 'http://terminology.hl7.org/CodeSystem/v2-0203',
      typeCode: 'MR',
      value: '123',
    });
    rejects('TESSERA_E_SEARCH_INVALID_VALUE', 'Patient', [['identifier:of-type', 'MR|123']]);
  });

  it('rejects :in, :not-in, :above, :below and string modifiers on tokens', () => {
    for (const m of ['in', 'not-in', 'above', 'below', 'exact', 'contains']) {
      rejects('TESSERA_E_SEARCH_INVALID_MODIFIER', 'Observation', [[`code:${m}`, 'x']]);
    }
  });
});

describe('reference', () => {
  it('parses id, Type/id, a versioned reference and the :[type] modifier', () => {
    assert.deepEqual(only('Observation', 'subject', '123'), { kind: 'reference', code: 'subject', targetId: '123' });
    assert.deepEqual(only('Observation', 'subject:Patient', '123'), {
      kind: 'reference',
      code: 'subject',
      targetId: '123',
      targetType: 'Patient',
    });
    const typed = { kind: 'reference', code: 'subject', targetType: 'Patient', targetId: '123' };
    assert.deepEqual(only('Observation', 'subject', 'Patient/123'), typed);
    assert.deepEqual(only('Observation', 'subject', 'Patient/123/_history/4'), typed);
  });

  it('matches absolute URLs as written, or as relative on our own base', () => {
    assert.deepEqual(only('Observation', 'subject', 'http://other.org/fhir/Patient/1'), {
      kind: 'reference',
      code: 'subject',
      ref: 'http://other.org/fhir/Patient/1',
    });
    const c = parseSearch({
      resourceTypes: ['Observation'],
      params: [['subject', 'https://tessera.example/fhir/Patient/1']],
      baseUrl: 'https://tessera.example/fhir',
    }).plan.conditions[0];
    assert.deepEqual(c, { kind: 'reference', code: 'subject', targetType: 'Patient', targetId: '1' });
  });

  it('supports :identifier and refuses a type the parameter cannot point to', () => {
    assert.deepEqual(only('Observation', 'subject:identifier', 'urn:mrn|42'), {
      kind: 'referenceIdentifier',
      code: 'subject',
      system: 'urn:mrn',
      value: '42',
    });
    rejects('TESSERA_E_SEARCH_INVALID_MODIFIER', 'Observation', [['subject:Organization', '1']]);
    rejects('TESSERA_E_SEARCH_INVALID_MODIFIER', 'Observation', [['subject:above', '1']]);
  });
});

describe('date prefixes', () => {
  const y2020 = parseInstantRange('2020') as readonly [number, number];
  const mar15 = parseInstantRange('2020-03-15') as readonly [number, number];

  it('lowers ge2020 to "ends after 2020 or lies within it"', () => {
    assert.deepEqual(test('Observation', 'date', 'ge2020'), {
      op: 'anyOf',
      tests: [
        { op: 'highAbove', value: Date.UTC(2021, 0, 1) - 1 },
        { op: 'within', low: Date.UTC(2020, 0, 1), high: Date.UTC(2021, 0, 1) - 1 },
      ],
    });
  });

  it('lowers lt2020-03-15 to "starts before 2020-03-15T00:00Z"', () => {
    assert.deepEqual(test('Observation', 'date', 'lt2020-03-15'), { op: 'lowBelow', value: Date.UTC(2020, 2, 15) });
  });

  it('lowers eq (default), ne, gt, le, sa and eb as documented in plan.ts', () => {
    assert.deepEqual(test('Observation', 'date', '2020'), { op: 'within', low: y2020[0], high: y2020[1] });
    assert.deepEqual(test('Observation', 'date', 'ne2020'), {
      op: 'within',
      low: y2020[0],
      high: y2020[1],
      negate: true,
    });
    assert.deepEqual(test('Observation', 'date', 'gt2020-03-15'), { op: 'highAbove', value: mar15[1] });
    assert.deepEqual(test('Observation', 'date', 'le2020-03-15'), {
      op: 'anyOf',
      tests: [
        { op: 'lowBelow', value: mar15[0] },
        { op: 'within', low: mar15[0], high: mar15[1] },
      ],
    });
    assert.deepEqual(test('Observation', 'date', 'sa2020'), { op: 'lowAbove', value: y2020[1] });
    assert.deepEqual(test('Observation', 'date', 'eb2020'), { op: 'highBelow', value: y2020[0] });
  });

  it('widens ap by 10% of the distance to now', () => {
    const now = new Date('2030-03-15T00:00:00Z');
    const t = test('Observation', 'date', 'ap2020-03-15', now);
    const widen = Math.round((now.getTime() - mar15[1]) * 0.1);
    assert.deepEqual(t, { op: 'overlaps', low: mar15[0] - widen, high: mar15[1] + widen });
  });

  it('rejects invalid dates with TESSERA_E_SEARCH_INVALID_VALUE', () => {
    for (const bad of ['2020-13-01', 'yesterday', 'ge', '2020-02-30']) {
      rejects('TESSERA_E_SEARCH_INVALID_VALUE', 'Observation', [['date', bad]]);
    }
  });
});

describe('number and quantity', () => {
  it('uses the precision of the search value and widens ap by 10% of |value|', () => {
    assert.deepEqual(test('RiskAssessment', 'probability', '0.5'), { op: 'within', low: 0.45, high: 0.55 });
    const r = parseDecimalRange('100') as { low: number; high: number };
    assert.deepEqual(test('RiskAssessment', 'probability', 'ap100'), {
      op: 'overlaps',
      low: r.low - 10,
      high: r.high + 10,
    });
    assert.deepEqual(test('RiskAssessment', 'probability', 'gt1.0e2'), { op: 'highAbove', value: 105 });
  });

  it('rejects non-numeric numbers', () => {
    rejects('TESSERA_E_SEARCH_INVALID_VALUE', 'RiskAssessment', [['probability', 'high']]);
    rejects('TESSERA_E_SEARCH_INVALID_VALUE', 'RiskAssessment', [['probability', 'ge']]);
  });

  it('parses number|system|code, number||code and a bare number', () => {
    assert.deepEqual(only('Observation', 'value-quantity', 'le5.4|http://unitsofmeasure.org|mg'), {
      kind: 'quantity',
      code: 'value-quantity',
      test: {
        op: 'anyOf',
        tests: [
          { op: 'lowBelow', value: 5.35 },
          { op: 'within', low: 5.35, high: 5.45 },
        ],
      },
      system: 'http://unitsofmeasure.org',
      unit: 'mg',
    });
    assert.deepEqual(only('Observation', 'value-quantity', '5.4||mg'), {
      kind: 'quantity',
      code: 'value-quantity',
      test: { op: 'within', low: 5.35, high: 5.45 },
      unit: 'mg',
    });
    assert.deepEqual(only('Observation', 'value-quantity', '5.4'), {
      kind: 'quantity',
      code: 'value-quantity',
      test: { op: 'within', low: 5.35, high: 5.45 },
    });
    rejects('TESSERA_E_SEARCH_INVALID_VALUE', 'Observation', [['value-quantity', '5.4|mg']]);
  });
});

describe('uri', () => {
  it('supports equality, :above and :below', () => {
    assert.deepEqual(only('ValueSet', 'url', 'http://x.org/vs'), {
      kind: 'uri',
      code: 'url',
      match: 'eq',
      value: 'http://x.org/vs',
    });
    assert.deepEqual(only('ValueSet', 'url:above', 'http://x.org/vs/a'), {
      kind: 'uri',
      code: 'url',
      match: 'above',
      value: 'http://x.org/vs/a',
    });
    assert.deepEqual(only('Patient', '_profile:below', 'http://x.org/'), {
      kind: 'uri',
      code: '_profile',
      match: 'below',
      value: 'http://x.org/',
    });
  });
});

describe('composite', () => {
  it('parses token$quantity with a prefix, and token$token with escapes', () => {
    assert.deepEqual(only('Observation', 'component-code-value-quantity', 'http://loinc.org|8480-6$gt120||mm[Hg]'), {
      kind: 'composite',
      code: 'component-code-value-quantity',
      system: 'http://loinc.org',
      value: '8480-6',
      second: { kind: 'quantity', test: { op: 'highAbove', value: 120.5 }, unit: 'mm[Hg]' },
    });
    assert.deepEqual(only('Observation', 'code-value-concept', 'a\\$b$x|y'), {
      kind: 'composite',
      code: 'code-value-concept',
      value: 'a$b',
      second: { kind: 'token', system: 'x', value: 'y' },
    });
  });

  it('types the second part from the component definition (date, string)', () => {
    const d = only('Observation', 'code-value-date', '1234$ge2020');
    assert.equal(d.kind, 'composite');
    assert.equal(d.kind === 'composite' && d.second.kind, 'date');
    const s = only('Observation', 'code-value-string', '1234$Pos');
    assert.deepEqual(s.kind === 'composite' && s.second, { kind: 'string', value: 'pos' });
  });

  it('rejects a value with the wrong number of parts', () => {
    rejects('TESSERA_E_SEARCH_INVALID_VALUE', 'Observation', [['code-value-quantity', '1234']]);
  });
});

describe(':missing, _id, _lastUpdated, OR and AND', () => {
  it('turns :missing into a MissingCondition on the parameter kind', () => {
    assert.deepEqual(only('Patient', 'birthdate:missing', 'true'), {
      kind: 'missing',
      code: 'birthdate',
      indexKind: 'date',
      missing: true,
    });
    assert.deepEqual(only('Observation', 'subject:missing', 'false'), {
      kind: 'missing',
      code: 'subject',
      indexKind: 'reference',
      missing: false,
    });
    rejects('TESSERA_E_SEARCH_INVALID_VALUE', 'Patient', [['birthdate:missing', 'maybe']]);
  });

  it('plans _id and _lastUpdated as column conditions', () => {
    assert.deepEqual(only('Patient', '_id', 'a,b'), { kind: 'id', ids: ['a', 'b'] });
    const t = only('Patient', '_lastUpdated', 'gt2024-01-01T00:00:00Z');
    assert.deepEqual(t, { kind: 'lastUpdated', test: { op: 'highAbove', value: Date.UTC(2024, 0, 1) + 999 } });
  });

  it('ORs comma-separated values and ANDs repeated parameters', () => {
    const c = conditions('Patient', [
      ['given', 'ann,bob'],
      ['given', 'carl'],
    ]);
    assert.equal(c.length, 2);
    assert.equal(c[0]?.kind, 'or');
    assert.equal(c[0]?.kind === 'or' && c[0].conditions.length, 2);
    assert.deepEqual(c[1], { kind: 'string', code: 'given', match: 'startsWith', value: 'carl' });
  });

  it('ignores empty values', () => {
    assert.deepEqual(conditions('Patient', [['name', '']]), []);
  });
});
