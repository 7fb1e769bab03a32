/**
 * Search planning beyond single values: chaining, reverse chaining, result parameters, includes,
 * paging cursors, unknown parameters, compartments and conditional-operation criteria.
 * Spec: https://hl7.org/fhir/R4/search.html#chaining, #has, #sort, #count, #total, #summary,
 * #elements, #include, #revinclude, #errors (unknown parameters, strict handling),
 * https://hl7.org/fhir/R4/http.html#search (system search, `_type`), #paging,
 * https://hl7.org/fhir/R4/compartmentdefinition.html, https://hl7.org/fhir/R4/http.html#ccreate
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearch, planConditionForQuery, type ParsedSearch } from '../../../../server/src/search/parse';
import { decodeCursor, encodeCursor } from '../../../../server/src/search/cursor';
import { FhirError } from '../../../../server/src/errors/outcome';
import type { ErrorCode } from '../../../../server/src/errors/codes';
import type { Cursor } from '../../../../server/src/search/plan';

function parse(type: string, params: [string, string][], strict = false): ParsedSearch {
  return parseSearch({ resourceTypes: [type], params, strict });
}

function isError(code: ErrorCode): (err: unknown) => boolean {
  return (err: unknown) => err instanceof FhirError && err.status === 400 && err.code === code;
}

describe('chaining', () => {
  it('chains through a typed reference: subject:Patient.name', () => {
    assert.deepEqual(parse('Observation', [['subject:Patient.name', 'Smith']]).plan.conditions, [
      {
        kind: 'chain',
        code: 'subject',
        targetType: 'Patient',
        condition: { kind: 'string', code: 'name', match: 'startsWith', value: 'smith' },
      },
    ]);
  });

  it('infers the target when the reference has a single target type, and asks for one otherwise', () => {
    const [c] = parse('Observation', [['patient.birthdate', 'ge2000']]).plan.conditions;
    assert.equal(c?.kind === 'chain' && c.targetType, 'Patient');
    assert.throws(() => parse('Observation', [['subject.name', 'x']]), isError('TESSERA_E_SEARCH_INVALID_MODIFIER'));
  });

  it('chains two levels with a modifier on the last parameter', () => {
    assert.deepEqual(parse('Observation', [['subject:Patient.organization.name:exact', 'Acme']]).plan.conditions, [
      {
        kind: 'chain',
        code: 'subject',
        targetType: 'Patient',
        condition: {
          kind: 'chain',
          code: 'organization',
          targetType: 'Organization',
          condition: { kind: 'string', code: 'name', match: 'exact', value: 'Acme' },
        },
      },
    ]);
  });

  it('treats a chain through a non-reference or unknown parameter as unknown', () => {
    const p = parse('Observation', [['status.name', 'x']]);
    assert.deepEqual(p.plan.conditions, []);
    assert.equal(p.warnings[0]?.diagnostics, 'TESSERA_E_SEARCH_UNKNOWN_PARAMETER');
    assert.deepEqual(parse('Observation', [['subject:Patient.nope', 'x']]).plan.conditions, []);
  });
});

describe('_has', () => {
  it('plans reverse chaining, nested', () => {
    assert.deepEqual(parse('Patient', [['_has:Observation:patient:code', '1234']]).plan.conditions, [
      {
        kind: 'has',
        sourceType: 'Observation',
        referenceCode: 'patient',
        condition: { kind: 'token', code: 'code', value: '1234' },
      },
    ]);
    const [nested] = parse('Patient', [['_has:Observation:patient:_has:Provenance:target:agent', 'Device/d1']]).plan
      .conditions;
    assert.deepEqual(nested, {
      kind: 'has',
      sourceType: 'Observation',
      referenceCode: 'patient',
      condition: {
        kind: 'has',
        sourceType: 'Provenance',
        referenceCode: 'target',
        condition: { kind: 'reference', code: 'agent', targetType: 'Device', targetId: 'd1' },
      },
    });
  });

  it('rejects malformed _has and a reference that cannot point to the searched type', () => {
    assert.throws(
      () => parse('Patient', [['_has:Observation:patient', 'x']]),
      isError('TESSERA_E_SEARCH_INVALID_VALUE'),
    );
    assert.throws(
      () => parse('Organization', [['_has:Observation:patient:code', 'x']]),
      isError('TESSERA_E_SEARCH_INVALID_VALUE'),
    );
  });
});

describe('result parameters', () => {
  it('parses _sort keys with direction, _id and _lastUpdated', () => {
    assert.deepEqual(parse('Observation', [['_sort', '-date,status,_lastUpdated,-_id']]).plan.sort, [
      { code: 'date', kind: 'date', descending: true },
      { code: 'status', kind: 'token', descending: false },
      { code: '_lastUpdated', kind: 'lastUpdated', descending: false },
      { code: '_id', kind: 'id', descending: true },
    ]);
    const p = parse('Observation', [['_sort', 'nope,date']]);
    assert.deepEqual(p.plan.sort, [{ code: 'date', kind: 'date', descending: false }]);
    assert.equal(p.warnings.length, 1);
    assert.throws(
      () => parse('Observation', [['_sort', 'code-value-quantity']]),
      isError('TESSERA_E_SEARCH_INVALID_VALUE'),
    );
  });

  it('defaults _count to 20, clamps it to 1000 with a warning, and rejects non-integers', () => {
    assert.equal(parse('Patient', []).plan.count, 20);
    assert.equal(parse('Patient', [['_count', '7']]).plan.count, 7);
    const big = parse('Patient', [['_count', '5000']]);
    assert.equal(big.plan.count, 1000);
    assert.equal(big.warnings[0]?.severity, 'warning');
    assert.throws(() => parse('Patient', [['_count', '-1']]), isError('TESSERA_E_SEARCH_INVALID_VALUE'));
    assert.throws(() => parse('Patient', [['_count', 'ten']]), isError('TESSERA_E_SEARCH_INVALID_VALUE'));
  });

  it('parses _total (default none) and _summary (count means only a total)', () => {
    assert.equal(parse('Patient', []).plan.total, 'none');
    assert.equal(parse('Patient', [['_total', 'accurate']]).plan.total, 'accurate');
    assert.equal(parse('Patient', [['_total', 'estimate']]).plan.total, 'estimate');
    assert.throws(() => parse('Patient', [['_total', 'all']]), isError('TESSERA_E_SEARCH_INVALID_VALUE'));
    const count = parse('Patient', [['_summary', 'count']]);
    assert.equal(count.summary, 'count');
    assert.equal(count.plan.count, 0);
    assert.equal(count.plan.total, 'accurate');
    assert.equal(parse('Patient', [['_summary', 'text']]).summary, 'text');
    assert.throws(() => parse('Patient', [['_summary', 'short']]), isError('TESSERA_E_SEARCH_INVALID_VALUE'));
  });

  it('parses _elements and ignores _format and _pretty', () => {
    const p = parse('Patient', [
      ['_elements', 'name, birthDate,,gender'],
      ['_format', 'json'],
      ['_pretty', 'true'],
    ]);
    assert.deepEqual(p.elements, ['name', 'birthDate', 'gender']);
    assert.deepEqual(p.warnings, []);
    assert.deepEqual(p.plan.conditions, []);
  });
});

describe('_include and _revinclude', () => {
  it('parses Type:param, Type:param:Target, :iterate and wildcards', () => {
    const p = parse('Observation', [
      ['_include', 'Observation:subject'],
      ['_include:iterate', 'Patient:general-practitioner:Practitioner'],
      ['_include', 'Observation:*'],
      ['_include', '*'],
      ['_revinclude', 'Provenance:target'],
    ]);
    assert.deepEqual(p.include, [
      { sourceType: 'Observation', code: 'subject', iterate: false },
      { sourceType: 'Patient', code: 'general-practitioner', iterate: true, targetType: 'Practitioner' },
      { sourceType: 'Observation', code: '*', iterate: false, wildcard: true },
      { sourceType: 'Observation', code: '*', iterate: false, wildcard: true },
    ]);
    assert.deepEqual(p.revinclude, [{ sourceType: 'Provenance', code: 'target', iterate: false }]);
  });

  it('rejects malformed values and warns about unknown parameters', () => {
    assert.throws(() => parse('Observation', [['_include', 'subject']]), isError('TESSERA_E_SEARCH_INVALID_VALUE'));
    assert.throws(
      () => parse('Observation', [['_include', 'Observation:subject:Nope']]),
      isError('TESSERA_E_SEARCH_INVALID_VALUE'),
    );
    const p = parse('Observation', [['_include', 'Observation:status']]);
    assert.deepEqual(p.include, []);
    assert.equal(p.warnings[0]?.diagnostics, 'TESSERA_E_SEARCH_UNKNOWN_PARAMETER');
  });
});

describe('cursor', () => {
  const cursor: Cursor = { direction: 'after', values: ['2020-01-01', 5, null], id: '0190a-b' };

  it('round-trips through base64url text', () => {
    const text = encodeCursor(cursor);
    assert.match(text, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor(text), cursor);
  });

  it('puts a decoded _cursor on the plan when it matches the sort', () => {
    const text = encodeCursor(cursor);
    const p = parse('Observation', [
      ['_sort', 'date,value-quantity,status'],
      ['_cursor', text],
    ]);
    assert.deepEqual(p.plan.cursor, cursor);
  });

  it('rejects malformed cursors and cursors of another sort', () => {
    const bad = isError('TESSERA_E_SEARCH_INVALID_CURSOR');
    assert.throws(() => decodeCursor('not a cursor!'), bad);
    assert.throws(() => decodeCursor(Buffer.from('{"d":"sideways","v":[],"i":"x"}').toString('base64url')), bad);
    assert.throws(() => decodeCursor(Buffer.from('[1,2').toString('base64url')), bad);
    assert.throws(() => parse('Observation', [['_cursor', encodeCursor(cursor)]]), bad);
  });
});

describe('unknown parameters', () => {
  it('ignores an unknown parameter with a warning issue naming it', () => {
    const p = parse('Patient', [
      ['nickname', 'Bob'],
      ['_text', 'cancer'],
    ]);
    assert.deepEqual(p.plan.conditions, []);
    assert.equal(p.warnings.length, 2);
    const [w] = p.warnings;
    assert.equal(w?.severity, 'warning');
    assert.equal(w?.code, 'not-supported');
    assert.equal(w?.diagnostics, 'TESSERA_E_SEARCH_UNKNOWN_PARAMETER');
    assert.deepEqual(w?.expression, ['nickname']);
  });

  it('throws 400 TESSERA_E_SEARCH_UNKNOWN_PARAMETER when strict', () => {
    assert.throws(() => parse('Patient', [['nickname', 'Bob']], true), isError('TESSERA_E_SEARCH_UNKNOWN_PARAMETER'));
    assert.throws(() => parse('Patient', [['_content', 'x']], true), isError('TESSERA_E_SEARCH_UNKNOWN_PARAMETER'));
  });
});

describe('system and compartment search', () => {
  it('narrows a system search with _type and allows only parameters common to the types', () => {
    const p = parseSearch({
      resourceTypes: [],
      params: [
        ['_type', 'Patient,Observation'],
        ['_tag', 'x'],
        ['code', 'y'],
      ],
    });
    assert.deepEqual([...p.plan.resourceTypes].sort(), ['Observation', 'Patient']);
    assert.deepEqual(p.plan.conditions, [{ kind: 'token', code: '_tag', value: 'x' }]);
    assert.deepEqual(p.warnings[0]?.expression, ['code']);
    assert.throws(
      () => parseSearch({ resourceTypes: [], params: [['_type', 'Nope']] }),
      isError('TESSERA_E_SEARCH_INVALID_VALUE'),
    );
  });

  it('adds the Patient compartment, or the id for the Patient itself', () => {
    const obs = parseSearch({
      resourceTypes: ['Observation'],
      params: [['code', 'x']],
      compartment: { resourceType: 'Patient', id: 'p1' },
    });
    assert.deepEqual(obs.plan.conditions[1], { kind: 'compartment', compartments: ['Patient/p1'] });
    const pat = parseSearch({
      resourceTypes: ['Patient'],
      params: [],
      compartment: { resourceType: 'Patient', id: 'p1' },
    });
    assert.deepEqual(pat.plan.conditions, [{ kind: 'id', ids: ['p1'] }]);
  });
});

describe('planConditionForQuery', () => {
  it('plans conditional criteria strictly from a query string', () => {
    const plan = planConditionForQuery('Patient', '?identifier=http://hospital.org/mrn|123&family=Smith');
    assert.deepEqual(plan.resourceTypes, ['Patient']);
    assert.deepEqual(plan.conditions, [
      { kind: 'token', code: 'identifier', system: 'http://hospital.org/mrn', value: '123' },
      { kind: 'string', code: 'family', match: 'startsWith', value: 'smith' },
    ]);
    assert.throws(
      () => planConditionForQuery('Patient', 'nickname=Bob'),
      isError('TESSERA_E_SEARCH_UNKNOWN_PARAMETER'),
    );
  });

  it('decodes percent-encoding', () => {
    const plan = planConditionForQuery('Observation', 'code=http%3A%2F%2Floinc.org%7C1234-5');
    assert.deepEqual(plan.conditions, [{ kind: 'token', code: 'code', system: 'http://loinc.org', value: '1234-5' }]);
  });
});
