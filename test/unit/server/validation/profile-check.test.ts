// Covers: https://hl7.org/fhir/R4/profiling.html (cardinality, fixed[x] exact match, pattern[x]
// partial match, invariants at the root and on elements, slices by pattern on $this),
// https://hl7.org/fhir/R4/elementdefinition.html#ElementDefinition.base (only rules tighter than the base).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ElementDefinition, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { checkProfileRules } from '../../../../server/src/validation/profile-check';
import { compileProfileRules } from '../../../../server/src/validation/profile-rules';
import { generateSnapshot } from '../../../../server/src/validation/snapshot';
import { loadSpecStructureDefinitions } from '../../../../server/src/validation/spec-structure-definitions';
import { loadSpecTerminology } from '../../../../server/src/validation/spec-terminology';
import { ValueSetExpander } from '../../../../server/src/validation/value-sets';

const lookup = loadSpecStructureDefinitions();

const expander = new ValueSetExpander(loadSpecTerminology());

function compile(elements: ElementDefinition[]): ReturnType<typeof compileProfileRules> {
  const sd: StructureDefinition = {
    resourceType: 'StructureDefinition',
    url: 'http://example.org/sd/glucose',
    name: 'Glucose',
    status: 'draft',
    kind: 'resource',
    abstract: false,
    type: 'Observation',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Observation',
    derivation: 'constraint',
    differential: { element: elements },
  };
  sd.snapshot = { element: generateSnapshot(sd, lookup) };
  return compileProfileRules(sd, (url) => expander.expand(url));
}

const rules = compile([
  {
    id: 'Observation',
    path: 'Observation',
    constraint: [{ key: 'glu-1', severity: 'error', human: 'needs a value', expression: 'value.exists()' }],
  },
  { id: 'Observation.status', path: 'Observation.status', min: 1, fixedCode: 'final' },
  { id: 'Observation.category', path: 'Observation.category', max: '1' },
  {
    id: 'Observation.code',
    path: 'Observation.code',
    patternCodeableConcept: { coding: [{ system: 'http://loinc.org', code: '2345-7' }] },
  },
  { id: 'Observation.note', path: 'Observation.note', mustSupport: true },
  {
    id: 'Observation.interpretation',
    path: 'Observation.interpretation',
    binding: { strength: 'required', valueSet: 'http://hl7.org/fhir/ValueSet/observation-interpretation' },
  },
]);

const valid = {
  resourceType: 'Observation',
  status: 'final',
  category: [{ text: 'lab' }],
  code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose' }], text: 'Glucose' },
  valueQuantity: { value: 5 },
};

function problems(resource: object): [string | undefined, string | undefined][] {
  return checkProfileRules(resource as Resource, rules).map((i) => [i.code, i.expression?.[0]]);
}

describe('compileProfileRules', () => {
  it('keeps only rules that add something to the base', () => {
    const keys = rules.elements.map((e) => e.key);
    assert.deepEqual(keys, ['$this', 'status', 'category', 'code', 'interpretation']);
    const status = rules.elements.find((e) => e.key === 'status');
    assert.equal(status?.min, undefined, 'status is already 1..1 in the base');
    assert.deepEqual(status?.fixed, { type: 'code', value: 'final' });
    assert.equal(rules.elements.find((e) => e.key === 'category')?.max, 1);
  });
});

describe('checkProfileRules', () => {
  it('accepts a conforming resource; a pattern allows extra content', () => {
    assert.deepEqual(problems(valid), []);
  });

  it('requires fixed values exactly and patterns partially', () => {
    assert.deepEqual(problems({ ...valid, status: 'preliminary' }), [['value', 'Observation.status']]);
    const otherCode = { ...valid, code: { coding: [{ system: 'http://loinc.org', code: '1-8' }] } };
    assert.deepEqual(problems(otherCode), [['value', 'Observation.code']]);
  });

  it('enforces a tightened max', () => {
    assert.deepEqual(problems({ ...valid, category: [{ text: 'a' }, { text: 'b' }] }), [
      ['invalid', 'Observation.category'],
    ]);
  });

  it('enforces a required binding the profile adds to an extensible one', () => {
    const interpretation = (code: string): object[] => [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code }] },
    ];
    assert.deepEqual(problems({ ...valid, interpretation: interpretation('H') }), []);
    assert.deepEqual(problems({ ...valid, interpretation: interpretation('ZZZ') }), [
      ['code-invalid', 'Observation.interpretation[0]'],
    ]);
  });

  it('refuses a required binding it cannot expand', () => {
    const element = { id: 'Observation.code', path: 'Observation.code' };
    const binding = { strength: 'required' as const, valueSet: 'http://example.org/vs/unknown' };
    assert.throws(() => compile([{ ...element, binding }]), /cannot enforce the required binding/);
  });

  it('evaluates root invariants against the resource', () => {
    const noValue: Record<string, unknown> = { ...valid };
    delete noValue.valueQuantity;
    assert.deepEqual(problems(noValue), [['invariant', 'Observation']]);
  });
});
