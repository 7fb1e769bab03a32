/**
 * Derived search parameters (server/src/search/derived-params.ts): parameters whose entries are
 * exactly those of other parameters are not stored, and searches on them are rewritten onto the
 * stored ones. Covers https://hl7.org/fhir/R4/observation.html#search (combo-*, patient),
 * https://hl7.org/fhir/R4/patient.html#search (phonetic) and https://hl7.org/fhir/R4/search.html
 * (chaining, _has, :missing).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { derivationOf, resolveDerived, storedCodes } from '../../../../server/src/search/derived-params';
import type { Condition, SearchPlan } from '../../../../server/src/search/plan';

function plan(...conditions: Condition[]): SearchPlan {
  return { resourceTypes: ['Observation'], conditions, sort: [], count: 20, total: 'none' };
}

describe('derivationOf', () => {
  it('finds restricted, union and identical parameters from the R4 expressions', () => {
    assert.deepEqual(derivationOf('Observation', 'patient'), {
      kind: 'restricted',
      base: 'subject',
      targetType: 'Patient',
    });
    assert.deepEqual(derivationOf('Observation', 'combo-code'), { kind: 'union', bases: ['code', 'component-code'] });
    assert.deepEqual(derivationOf('Observation', 'combo-value-quantity'), {
      kind: 'union',
      bases: ['value-quantity', 'component-value-quantity'],
    });
    assert.deepEqual(derivationOf('Patient', 'phonetic'), { kind: 'same', base: 'name' });
  });

  it('leaves independent parameters stored', () => {
    for (const [type, code] of [
      ['Observation', 'subject'],
      ['Observation', 'code'],
      ['AllergyIntolerance', 'patient'],
      ['Patient', 'name'],
      ['Observation', 'code-value-quantity'],
      ['Observation', 'combo-code-value-quantity'],
    ] as const) {
      assert.equal(derivationOf(type, code), undefined, `${type}.${code}`);
      assert.deepEqual(storedCodes(type, code), [code]);
    }
  });
});

describe('resolveDerived', () => {
  it('searches a restricted reference on its base, keeping the target type', () => {
    const resolved = resolveDerived(plan({ kind: 'reference', code: 'patient', targetId: 'p1' }), 'Observation');
    assert.deepEqual(resolved.conditions, [
      { kind: 'reference', code: 'subject', targetId: 'p1', targetType: 'Patient' },
    ]);
    const wrongType = resolveDerived(
      plan({ kind: 'reference', code: 'patient', targetType: 'Group', targetId: 'g1' }),
      'Observation',
    );
    assert.deepEqual(wrongType.conditions, [{ kind: 'none' }]);
  });

  it('searches a union as OR over its bases, and :missing=true as AND', () => {
    const token = resolveDerived(plan({ kind: 'token', code: 'combo-code', value: '8480-6' }), 'Observation');
    assert.deepEqual(token.conditions, [
      {
        kind: 'or',
        conditions: [
          { kind: 'token', code: 'code', value: '8480-6' },
          { kind: 'token', code: 'component-code', value: '8480-6' },
        ],
      },
    ]);
    const missing = resolveDerived(
      plan({ kind: 'missing', code: 'combo-code', indexKind: 'token', missing: true }),
      'Observation',
    );
    assert.equal(missing.conditions[0]?.kind, 'and');
  });

  it('rewrites chains and _has, and inner conditions for their own types', () => {
    const chained = resolveDerived(
      plan({
        kind: 'chain',
        code: 'patient',
        targetType: 'Patient',
        condition: { kind: 'string', code: 'phonetic', match: 'startsWith', value: 'smi' },
      }),
      'Observation',
    );
    assert.deepEqual(chained.conditions, [
      {
        kind: 'chain',
        code: 'subject',
        targetType: 'Patient',
        condition: { kind: 'string', code: 'name', match: 'startsWith', value: 'smi' },
      },
    ]);
    const has = resolveDerived(
      {
        ...plan({
          kind: 'has',
          sourceType: 'Observation',
          referenceCode: 'patient',
          condition: { kind: 'token', code: 'code', value: 'x' },
        }),
        resourceTypes: ['Patient'],
      },
      'Patient',
    );
    assert.equal((has.conditions[0] as { referenceCode: string }).referenceCode, 'subject');
    const hasOnGroup = resolveDerived(
      plan({ kind: 'has', sourceType: 'Observation', referenceCode: 'patient', condition: { kind: 'none' } }),
      'Group',
    );
    assert.deepEqual(hasOnGroup.conditions, [{ kind: 'none' }]);
  });

  it('sorts a derived parameter on its stored base and is idempotent', () => {
    const sorted = resolveDerived(
      { ...plan(), sort: [{ code: 'phonetic', kind: 'string', descending: false }], resourceTypes: ['Patient'] },
      'Patient',
    );
    assert.equal(sorted.sort[0]?.code, 'name');
    assert.deepEqual(resolveDerived(sorted, 'Patient'), sorted);
  });
});
