// Covers: https://hl7.org/fhir/R4/validation.html#aspects (structure, cardinality, value domains,
// invariants), https://hl7.org/fhir/R4/json.html (JSON representation), https://hl7.org/fhir/R4/http.html#create
// (400 for structure vs 422 for the rest, via isStructural), https://hl7.org/fhir/R4/references.html
// (reference target types), https://hl7.org/fhir/R4/fhirpath.html (expressions).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { isStructural } from '../../../../server/src/validation/issues';
import { checkEnvelope, checkStructure } from '../../../../server/src/validation/structure-check';
import { normalizeExpression, valueAtPath } from '../../../../server/src/validation/fhirpath-expression';

function issuesOf(resource: object): { code?: string; expression?: string; severity?: string }[] {
  return checkStructure(resource as Resource).map((i) => ({
    severity: i.severity,
    code: i.code,
    expression: i.expression?.[0],
  }));
}

const patient = {
  resourceType: 'Patient',
  id: 'p1',
  identifier: [{ system: 'urn:oid:1.2.3', value: '123' }],
  name: [{ family: 'Doe', given: ['Jane'] }],
  gender: 'female',
  birthDate: '1980-02-29',
};

const observation = {
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '2345-7' }] },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2024-01-01T10:00:00Z',
  valueQuantity: { value: 95, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
  component: [{ code: { text: 'a' }, valueString: 'b' }],
};

describe('checkEnvelope', () => {
  it('accepts an object with a known resourceType', () => {
    assert.deepEqual(checkEnvelope(patient), []);
  });

  it('reports non-objects, a missing and an unknown resourceType as structure issues', () => {
    const cases: [unknown, string][] = [
      [[], 'Resource'],
      ['text', 'Resource'],
      [null, 'Resource'],
      [{}, 'Resource.resourceType'],
      [{ resourceType: 'Foo' }, 'Resource.resourceType'],
      [{ resourceType: 7 }, 'Resource.resourceType'],
    ];
    for (const [value, expression] of cases) {
      const issues = checkEnvelope(value);
      assert.equal(issues.length, 1, JSON.stringify(value));
      assert.equal(issues[0]?.code, 'structure');
      assert.deepEqual(issues[0]?.expression, [expression]);
      assert.equal(isStructural(issues), true);
    }
  });
});

describe('checkStructure', () => {
  it('passes valid Patient, Observation and Bundle resources', () => {
    assert.deepEqual(issuesOf(patient), []);
    assert.deepEqual(issuesOf(observation), []);
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:1b3c4d5e-0000-4000-8000-000000000001',
          resource: patient,
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: { ...observation, subject: { reference: 'urn:uuid:1b3c4d5e-0000-4000-8000-000000000001' } },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    };
    assert.deepEqual(issuesOf(bundle), []);
  });

  it('reports unknown properties and wrong JSON types as structure (400)', () => {
    const issues = checkStructure({ ...patient, foo: 1, active: 'yes', name: { family: 'x' } } as unknown as Resource);
    const byExpression = new Map(issues.map((i) => [i.expression?.[0], i.code]));
    assert.equal(byExpression.get('Patient.foo'), 'structure');
    assert.equal(byExpression.get('Patient.active'), 'structure');
    assert.equal(byExpression.get('Patient.name'), 'structure');
    assert.equal(isStructural(issues), true);
  });

  it('reports missing required elements as required, not structure (422)', () => {
    const withoutCode: Record<string, unknown> = { ...observation };
    delete withoutCode.code;
    const issues = checkStructure(withoutCode as unknown as Resource);
    assert.deepEqual(
      issues.map((i) => [i.code, i.expression?.[0]]),
      [['required', 'Observation.code']],
    );
    assert.equal(isStructural(issues), false);
  });

  it('reports bad primitive formats as value, with choice elements written as ofType()', () => {
    const bad = {
      ...observation,
      effectiveDateTime: 'yesterday',
      component: [{ code: { text: 'a' }, valueString: '  ' }],
    };
    assert.deepEqual(issuesOf(bad), [
      { severity: 'error', code: 'value', expression: 'Observation.effective.ofType(dateTime)' },
      { severity: 'error', code: 'value', expression: 'Observation.component[0].value.ofType(string)' },
    ]);
    assert.deepEqual(issuesOf({ ...patient, birthDate: '1980-13-01' }), [
      { severity: 'error', code: 'value', expression: 'Patient.birthDate' },
    ]);
  });

  it('reports invariants with the element that breaks them', () => {
    const issues = issuesOf({ ...patient, contact: [{ gender: 'male' }] });
    assert.deepEqual(issues, [{ severity: 'error', code: 'invariant', expression: 'Patient.contact[0]' }]);
  });

  it('makes a literal reference to a disallowed type an error, and ignores urn:uuid and absolute references', () => {
    const report = {
      resourceType: 'DiagnosticReport',
      status: 'final',
      code: { text: 'x' },
      result: [
        { reference: 'Patient/1' },
        { reference: 'urn:uuid:1b3c4d5e-0000-4000-8000-000000000001' },
        { reference: 'https://other.example.org/fhir/Observation/1' },
        { reference: 'Observation/2' },
      ],
    };
    assert.deepEqual(issuesOf(report), [
      { severity: 'error', code: 'invalid', expression: 'DiagnosticReport.result[0]' },
    ]);
  });

  it('treats properties set to undefined in code as absent', () => {
    assert.deepEqual(issuesOf({ ...observation, effectiveDateTime: undefined, issued: undefined }), []);
  });

  it('never throws on badly shaped JSON', () => {
    const shapes: object[] = [
      { resourceType: 'Patient', meta: 'x' },
      { resourceType: 'Patient', contact: [5] },
      { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Nope' } }] },
      { resourceType: 'Observation', status: 'final', code: { text: 'x' }, component: [null] },
    ];
    for (const shape of shapes) {
      const issues: OperationOutcomeIssue[] = checkStructure(shape as Resource);
      assert.ok(
        issues.some((i) => i.severity === 'error'),
        JSON.stringify(shape),
      );
      assert.ok(
        issues.every((i) => (i.expression?.length ?? 0) > 0),
        JSON.stringify(issues),
      );
    }
  });
});

describe('normalizeExpression', () => {
  it('resolves choice elements from the JSON property present', () => {
    const resource = { component: [{ valueQuantity: { value: 'x' } }, { valueDateTime: 'x' }] };
    assert.equal(
      normalizeExpression('Observation.component[0].value[x].value', resource),
      'Observation.component[0].value.ofType(Quantity).value',
    );
    assert.equal(
      normalizeExpression('Observation.component[1].value[x]', resource),
      'Observation.component[1].value.ofType(dateTime)',
    );
  });

  it('finds the value an element path points to', () => {
    const resource = { name: [{ given: ['a', 'b'] }], valueQuantity: { value: 1 } };
    assert.equal(valueAtPath('Patient.name[0].given[1]', resource), 'b');
    assert.equal(valueAtPath('Patient.name[1].given', resource), undefined);
    assert.equal(valueAtPath('Patient', resource), resource);
  });

  it('drops [x] when no value is present and leaves other paths alone', () => {
    assert.equal(normalizeExpression('Observation.value[x]', {}), 'Observation.value');
    assert.equal(normalizeExpression('Patient.name[0].family', {}), 'Patient.name[0].family');
  });
});
