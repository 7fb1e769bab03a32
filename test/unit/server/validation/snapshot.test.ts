// Covers: https://hl7.org/fhir/R4/profiling.html#snapshot (snapshot from differential),
// https://hl7.org/fhir/R4/elementdefinition.html (min/max, type, pattern[x], binding, constraint),
// https://hl7.org/fhir/R4/profiling.html#slicing (slices after the sliced element).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';
import { generateSnapshot } from '../../../../server/src/validation/snapshot';
import { loadSpecStructureDefinitions } from '../../../../server/src/validation/spec-structure-definitions';

const lookup = loadSpecStructureDefinitions();

function profile(elements: ElementDefinition[], type = 'Observation'): StructureDefinition {
  return {
    resourceType: 'StructureDefinition',
    url: 'http://example.org/sd/test',
    name: 'Test',
    status: 'draft',
    kind: 'resource',
    abstract: false,
    type,
    baseDefinition: `http://hl7.org/fhir/StructureDefinition/${type}`,
    derivation: 'constraint',
    differential: { element: elements },
  };
}

function byId(elements: ElementDefinition[], id: string): ElementDefinition | undefined {
  return elements.find((e) => e.id === id);
}

describe('generateSnapshot', () => {
  it('starts from the base snapshot and tightens cardinality', () => {
    const base = lookup('http://hl7.org/fhir/StructureDefinition/Observation')?.snapshot?.element ?? [];
    const elements = generateSnapshot(
      profile([{ id: 'Observation.subject', path: 'Observation.subject', min: 1 }]),
      lookup,
    );
    assert.equal(elements.length, base.length);
    assert.equal(byId(elements, 'Observation.subject')?.min, 1);
    assert.equal(byId(elements, 'Observation.subject')?.base?.min, 0);
    assert.equal(byId(base, 'Observation.subject')?.min, 0, 'the base definition is not modified');
  });

  it('narrows types, copies patterns, bindings, mustSupport and appends constraints', () => {
    const elements = generateSnapshot(
      profile([
        {
          id: 'Observation.subject',
          path: 'Observation.subject',
          type: [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Patient'] }],
          mustSupport: true,
        },
        {
          id: 'Observation.code',
          path: 'Observation.code',
          patternCodeableConcept: { coding: [{ system: 'http://loinc.org', code: '1-8' }] },
          binding: { strength: 'required', valueSet: 'http://example.org/vs' },
          constraint: [{ key: 'test-1', severity: 'error', human: 'h', expression: 'true' }],
        },
      ]),
      lookup,
    );
    const subject = byId(elements, 'Observation.subject');
    assert.deepEqual(subject?.type?.[0]?.targetProfile, ['http://hl7.org/fhir/StructureDefinition/Patient']);
    assert.equal(subject?.mustSupport, true);
    const code = byId(elements, 'Observation.code');
    assert.deepEqual(code?.patternCodeableConcept?.coding?.[0]?.code, '1-8');
    assert.equal(code?.binding?.strength, 'required');
    assert.ok((code?.constraint?.length ?? 0) > 1, 'base constraints are kept');
    assert.equal(code?.constraint?.at(-1)?.key, 'test-1');
  });

  it('expands a datatype to reach elements inside it, and inserts slices after the sliced element', () => {
    const elements = generateSnapshot(
      profile([
        { id: 'Observation.meta.security', path: 'Observation.meta.security', min: 1, slicing: { rules: 'open' } },
        {
          id: 'Observation.meta.security:aiast',
          path: 'Observation.meta.security',
          sliceName: 'aiast',
          min: 1,
          max: '1',
          patternCoding: { code: 'AIAST' },
        },
      ]),
      lookup,
    );
    const ids = elements.map((e) => e.id);
    const meta = ids.indexOf('Observation.meta');
    assert.equal(ids[meta + 1], 'Observation.meta.id');
    const security = ids.indexOf('Observation.meta.security');
    assert.equal(ids[security + 1], 'Observation.meta.security:aiast');
    assert.equal(ids[security + 2], 'Observation.meta.tag');
    const slice = elements[security + 1];
    assert.equal(slice?.sliceName, 'aiast');
    assert.equal(slice?.slicing, undefined);
    assert.equal(slice?.max, '1');
    assert.equal(slice?.type?.[0]?.code, 'Coding');
  });

  it('rejects what it cannot apply faithfully', () => {
    const cases: ElementDefinition[][] = [
      [{ id: 'Observation.subject', path: 'Observation.subject', min: 0, max: '2' }],
      [{ id: 'Observation.status', path: 'Observation.status', min: 0 }],
      [{ id: 'Observation.nope', path: 'Observation.nope', min: 1 }],
      [{ id: 'Observation.category:x', path: 'Observation.category', sliceName: 'x', min: 1 }],
      [{ id: 'Observation.category:x.text', path: 'Observation.category.text', min: 1 }],
      [{ id: 'Observation.subject', path: 'Observation.subject', type: [{ code: 'string' }] }],
      [{ id: 'Observation.value[x].foo', path: 'Observation.value[x].foo', min: 1 }],
    ];
    for (const elements of cases) {
      assert.throws(() => generateSnapshot(profile(elements), lookup), Error, JSON.stringify(elements));
    }
    assert.throws(
      () => generateSnapshot({ ...profile([]), baseDefinition: 'http://example.org/none' }, lookup),
      /not found/,
    );
  });
});
