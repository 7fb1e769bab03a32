// Covers: https://hl7.org/fhir/R4/terminologies.html#required (required bindings on code, Coding
// and CodeableConcept), https://hl7.org/fhir/R4/terminologies.html#extensible and #preferred (not
// enforced), https://hl7.org/fhir/R4/fhirpath.html (issue expressions with indexes and ofType()).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '@medplum/fhirtypes';
import { isInValueSet } from '../../../../server/src/validation/binding-check';
import { getSpecBindingChecker, uncheckedSpecValueSets } from '../../../../server/src/validation/spec-bindings';
import type { ValueSetExpansion } from '../../../../server/src/validation/value-sets';

const checker = getSpecBindingChecker();

function check(resource: object): { code?: string; expression?: string; text?: string }[] {
  return checker.check(resource as Resource).map((i) => ({
    code: i.code,
    expression: i.expression?.[0],
    text: i.details?.text,
  }));
}

function expressions(resource: object): (string | undefined)[] {
  return check(resource).map((i) => i.expression);
}

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';

describe('required bindings on code elements', () => {
  it('rejects Patient.gender outside AdministrativeGender and names the value set', () => {
    const issues = check({ resourceType: 'Patient', gender: 'banana' });
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.code, 'code-invalid');
    assert.equal(issues[0]?.expression, 'Patient.gender');
    assert.match(issues[0]?.text ?? '', /banana.*administrative-gender/);
  });

  it('rejects Observation.status and Bundle.type outside their value sets', () => {
    assert.deepEqual(expressions({ resourceType: 'Observation', status: 'bogus', code: { text: 'x' } }), [
      'Observation.status',
    ]);
    assert.deepEqual(expressions({ resourceType: 'Bundle', type: 'foo' }), ['Bundle.type']);
  });

  it('accepts codes from the value set', () => {
    assert.deepEqual(check({ resourceType: 'Patient', gender: 'female' }), []);
    assert.deepEqual(check({ resourceType: 'Observation', status: 'amended', code: { text: 'x' } }), []);
    assert.deepEqual(check({ resourceType: 'Bundle', type: 'transaction' }), []);
  });

  it('finds codes in backbone elements inside arrays, with the index', () => {
    const patient = { resourceType: 'Patient', contact: [{ gender: 'male' }, { gender: 'xx' }] };
    assert.deepEqual(expressions(patient), ['Patient.contact[1].gender']);
  });

  it('finds codes in datatypes under choice elements, as ofType()', () => {
    const observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      component: [
        { code: { text: 'a' }, valueQuantity: { value: 1, comparator: '<' } },
        { code: { text: 'b' }, valueQuantity: { value: 1, comparator: '~' } },
      ],
    };
    assert.deepEqual(expressions(observation), ['Observation.component[1].value.ofType(Quantity).comparator']);
  });

  it('checks every item of a repeating code element', () => {
    const timing = { repeat: { dayOfWeek: ['mon', 'someday'] } };
    const request = {
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/1' },
      occurrenceTiming: timing,
    };
    assert.deepEqual(expressions(request), ['ServiceRequest.occurrence.ofType(Timing).repeat.dayOfWeek[1]']);
  });

  it('checks datatypes nested in extensions and meta', () => {
    const patient = {
      resourceType: 'Patient',
      extension: [{ url: 'http://example.org/x', valueQuantity: { value: 1, comparator: 'about' } }],
      identifier: [{ use: 'primary', value: '1' }],
    };
    assert.deepEqual(expressions(patient), [
      'Patient.extension[0].value.ofType(Quantity).comparator',
      'Patient.identifier[0].use',
    ]);
  });

  it('checks contained resources and Bundle entries by their own resourceType', () => {
    assert.deepEqual(expressions({ resourceType: 'Patient', contained: [{ resourceType: 'Patient', gender: 'x' }] }), [
      'Patient.contained[0].gender',
    ]);
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: { resourceType: 'Patient', gender: 'male' }, request: { method: 'POST', url: 'Patient' } },
        {
          resource: { resourceType: 'Observation', status: 'nope', code: { text: 'x' } },
          request: { method: 'GETX', url: 'x' },
        },
      ],
    };
    assert.deepEqual(expressions(bundle), ['Bundle.entry[1].resource.status', 'Bundle.entry[1].request.method']);
  });

  it('leaves malformed values to the structure check', () => {
    assert.deepEqual(check({ resourceType: 'Patient', gender: 42, contact: [null, 'x'] }), []);
  });
});

describe('required bindings on CodeableConcept', () => {
  const allergy = (clinicalStatus: object): object => ({
    resourceType: 'AllergyIntolerance',
    patient: { reference: 'Patient/1' },
    clinicalStatus,
  });

  it('rejects a concept none of whose codings is in the value set', () => {
    const issues = check(allergy({ coding: [{ system: CLINICAL, code: 'bogus' }] }));
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.code, 'code-invalid');
    assert.equal(issues[0]?.expression, 'AllergyIntolerance.clinicalStatus');
    const other = check(allergy({ coding: [{ system: 'http://example.org/other', code: 'active' }] }));
    assert.equal(other.length, 1);
  });

  it('accepts a concept with at least one coding in the value set, or with text only', () => {
    const mixed = {
      coding: [
        { system: 'http://example.org/other', code: 'x' },
        { system: CLINICAL, code: 'active' },
      ],
    };
    assert.deepEqual(check(allergy(mixed)), []);
    assert.deepEqual(check(allergy({ text: 'active' })), []);
  });
});

describe('bindings that are not required', () => {
  it('accepts any code for extensible and preferred bindings', () => {
    const patient = {
      resourceType: 'Patient',
      maritalStatus: { coding: [{ system: 'http://example.org/marital', code: 'complicated' }] },
      communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'xx-YY' }] } }],
    };
    assert.deepEqual(check(patient), []);
    const observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://example.org/local', code: 'anything' }] },
      interpretation: [{ coding: [{ system: 'http://example.org/local', code: 'weird' }] }],
    };
    assert.deepEqual(check(observation), []);
  });

  it('skips required bindings whose value set cannot be expanded locally (mime types)', () => {
    assert.ok(uncheckedSpecValueSets().includes('http://hl7.org/fhir/ValueSet/mimetypes'));
    const media = {
      resourceType: 'DocumentReference',
      status: 'current',
      content: [{ attachment: { contentType: 'application/x-made-up' } }],
    };
    assert.deepEqual(check(media), []);
  });
});

describe('isInValueSet', () => {
  const expansion: ValueSetExpansion = {
    url: 'http://example.org/vs',
    name: 'Example',
    systems: new Map([['http://example.org/a', new Set(['x', 'y'])]]),
    codes: new Set(['x', 'y']),
  };

  it('judges a Coding only by its system when the value set draws from that system', () => {
    assert.equal(isInValueSet({ system: 'http://example.org/a', code: 'x' }, 'Coding', expansion), true);
    assert.equal(isInValueSet({ system: 'http://example.org/a', code: 'z' }, 'Coding', expansion), false);
    assert.equal(isInValueSet({ system: 'http://example.org/b', code: 'z' }, 'Coding', expansion), true);
  });

  it('matches a coding without system by code inside a CodeableConcept', () => {
    assert.equal(isInValueSet({ coding: [{ code: 'y' }] }, 'CodeableConcept', expansion), true);
    assert.equal(isInValueSet({ coding: [{ code: 'q' }] }, 'CodeableConcept', expansion), false);
    assert.equal(isInValueSet({ coding: [] }, 'CodeableConcept', expansion), true);
  });
});
