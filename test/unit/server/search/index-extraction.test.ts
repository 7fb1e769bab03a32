/**
 * Write-time index extraction.
 * Spec: https://hl7.org/fhir/R4/search.html#string (HumanName, Address),
 * #token (CodeableConcept, Coding, Identifier with type, ContactPoint, boolean, code),
 * #reference (relative, versioned, absolute, urn:uuid, canonical, identifier, contained),
 * #date (partial dates, timezones, Period open ends, Timing), #number (precision, Range),
 * #quantity (with/without system, Range, Money), #composite (Observation and Observation.component,
 * three-part MolecularSequence), and the common parameters _tag/_profile/_security/_source.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from '@medplum/fhirtypes';
import { storedCodes } from '../../../../server/src/search/derived-params';
import { extractIndexEntries } from '../../../../server/src/search/index-extraction';
import type { IndexEntry } from '../../../../server/src/search/index-entries';
import { MAX_INSTANT, MIN_INSTANT, parseInstantRange } from '../../../../server/src/search/date-range';
import { parseDecimalRange, MAX_NUMBER } from '../../../../server/src/search/number-range';
import { normalizeString } from '../../../../server/src/search/normalize';
import { getResourceTypes, getSearchParametersFor } from '../../../../server/src/definitions/fhir-definitions';

function entries(resource: Resource, code: string): IndexEntry[] {
  return extractIndexEntries(resource).filter((e) => e.code === code);
}

const patient: Resource = {
  resourceType: 'Patient',
  id: 'p1',
  meta: {
    tag: [{ system: 'http://example.org/tags', code: 'vip' }],
    security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AIAST' }],
    profile: ['http://example.org/StructureDefinition/my-patient'],
    source: 'urn:hl7:lis',
  },
  active: true,
  gender: 'female',
  birthDate: '1980',
  name: [{ family: 'Łopez García', given: ['Ana', 'María'], prefix: ['Dr.'], suffix: ['PhD'], text: 'Dr. Ana López' }],
  address: [
    {
      line: ['1 Main St', 'Apt 2'],
      city: 'Springfield',
      district: 'Greene',
      state: 'IL',
      postalCode: '62701',
      country: 'US',
    },
  ],
  telecom: [
    { system: 'phone', value: '+1 555 0100' },
    { system: 'email', value: 'ana@example.org' },
  ],
  identifier: [
    {
      system: 'urn:oid:1.2.36.146.595.217.0.1',
      value: '12345',
      type: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }],
        text: 'Medical record number',
      },
    },
  ],
  generalPractitioner: [{ reference: 'https://other.example/fhir/Practitioner/gp1/_history/3' }],
  managingOrganization: { identifier: { system: 'urn:ietf:rfc:3986', value: 'org-42' } },
  link: [{ other: { reference: 'Patient/p0' }, type: 'seealso' }],
};

describe('extractIndexEntries: strings', () => {
  it('indexes each HumanName part, normalized and as written', () => {
    const name = entries(patient, 'name');
    const exact = name.map((e) => (e.kind === 'string' ? e.exact : ''));
    assert.deepEqual(new Set(exact), new Set(['Łopez García', 'Ana', 'María', 'Dr.', 'PhD', 'Dr. Ana López']));
    for (const e of name) {
      assert.equal(e.kind, 'string');
      if (e.kind === 'string') {
        assert.equal(e.norm, normalizeString(e.exact));
      }
    }
    assert.ok(entries(patient, 'family').some((e) => e.kind === 'string' && e.norm === 'łopez garcia'));
    assert.deepEqual(
      entries(patient, 'given').map((e) => (e.kind === 'string' ? e.norm : '')),
      ['ana', 'maria'],
    );
  });

  it('indexes each Address part', () => {
    const address = entries(patient, 'address').map((e) => (e.kind === 'string' ? e.exact : ''));
    assert.deepEqual(new Set(address), new Set(['1 Main St', 'Apt 2', 'Springfield', 'Greene', 'IL', '62701', 'US']));
    assert.deepEqual(entries(patient, 'address-city'), [
      { kind: 'string', code: 'address-city', norm: 'springfield', exact: 'Springfield' },
    ]);
  });
});

describe('extractIndexEntries: tokens', () => {
  it('indexes an Identifier with its type codings and type text', () => {
    assert.deepEqual(entries(patient, 'identifier'), [
      {
        kind: 'token',
        code: 'identifier',
        system: 'urn:oid:1.2.36.146.595.217.0.1',
        value: '12345',
        text: normalizeString('Medical record number'),
        identifierTypes: ['http://terminology.hl7.org/CodeSystem/v2-0203|MR'],
      },
    ]);
  });

  it('indexes ContactPoint values without their system', () => {
    assert.deepEqual(entries(patient, 'phone'), [{ kind: 'token', code: 'phone', value: '+1 555 0100' }]);
    assert.deepEqual(entries(patient, 'email'), [{ kind: 'token', code: 'email', value: 'ana@example.org' }]);
    assert.equal(entries(patient, 'telecom').length, 2);
  });

  it('indexes booleans and codes as values', () => {
    assert.deepEqual(entries(patient, 'active'), [{ kind: 'token', code: 'active', value: 'true' }]);
    assert.deepEqual(entries(patient, 'gender'), [{ kind: 'token', code: 'gender', value: 'female' }]);
    // Patient.deceased's expression is `deceased.exists() and deceased != false`: false when absent.
    assert.deepEqual(entries(patient, 'deceased'), [{ kind: 'token', code: 'deceased', value: 'false' }]);
  });

  it('indexes meta: _tag and _security as tokens, _profile and _source as uris', () => {
    assert.deepEqual(entries(patient, '_tag'), [
      { kind: 'token', code: '_tag', system: 'http://example.org/tags', value: 'vip' },
    ]);
    assert.equal(entries(patient, '_security')[0]?.kind, 'token');
    assert.deepEqual(entries(patient, '_profile'), [
      { kind: 'uri', code: '_profile', value: 'http://example.org/StructureDefinition/my-patient' },
    ]);
    assert.deepEqual(entries(patient, '_source'), [{ kind: 'uri', code: '_source', value: 'urn:hl7:lis' }]);
  });

  it('does not index _id and _lastUpdated (they are columns)', () => {
    const withMeta = { ...patient, meta: { ...patient.meta, lastUpdated: '2024-01-01T00:00:00.000Z' } };
    assert.deepEqual(entries(withMeta, '_id'), []);
    assert.deepEqual(entries(withMeta, '_lastUpdated'), []);
  });

  it('indexes each coding of a CodeableConcept with its display, and the text alone', () => {
    const obs: Resource = {
      resourceType: 'Observation',
      status: 'final',
      code: {
        coding: [
          { system: 'http://loinc.org', code: '2339-0', display: 'Glucose [Mass/volume] in Blood' },
          { system: 'http://snomed.info/sct', code: '33747003' },
        ],
        text: 'Blood glucose',
      },
    };
    assert.deepEqual(entries(obs, 'code'), [
      {
        kind: 'token',
        code: 'code',
        system: 'http://loinc.org',
        value: '2339-0',
        text: normalizeString('Glucose [Mass/volume] in Blood'),
      },
      { kind: 'token', code: 'code', system: 'http://snomed.info/sct', value: '33747003' },
      { kind: 'token', code: 'code', text: 'blood glucose' },
    ]);
  });
});

describe('extractIndexEntries: references', () => {
  it('indexes relative references and drops a version suffix', () => {
    assert.deepEqual(entries(patient, 'link'), [
      { kind: 'reference', code: 'link', targetType: 'Patient', targetId: 'p0' },
    ]);
    const obs: Resource = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      subject: { reference: 'Patient/p1/_history/2' },
    };
    assert.deepEqual(entries(obs, 'subject'), [
      { kind: 'reference', code: 'subject', targetType: 'Patient', targetId: 'p1' },
    ]);
    // `patient` is `subject.where(resolve() is Patient)`: derived, searched through `subject`.
    assert.deepEqual(entries(obs, 'patient'), []);
  });

  it('keeps absolute references as written and parses their Type/id tail', () => {
    assert.deepEqual(entries(patient, 'general-practitioner'), [
      {
        kind: 'reference',
        code: 'general-practitioner',
        ref: 'https://other.example/fhir/Practitioner/gp1/_history/3',
        targetType: 'Practitioner',
        targetId: 'gp1',
      },
    ]);
  });

  it('indexes Reference.identifier for :identifier', () => {
    assert.deepEqual(entries(patient, 'organization'), [
      { kind: 'reference', code: 'organization', identifierSystem: 'urn:ietf:rfc:3986', identifierValue: 'org-42' },
    ]);
  });

  it('keeps urn:uuid and canonical references as ref, and skips contained ones', () => {
    const qr: Resource = {
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      questionnaire: 'http://example.org/Questionnaire/intake|2.0',
      subject: { reference: 'urn:uuid:2b8e3a4c-0d0e-4b7a-9d8f-1c2b3a4d5e6f' },
      author: { reference: '#author1' },
    };
    assert.deepEqual(entries(qr, 'questionnaire'), [
      { kind: 'reference', code: 'questionnaire', ref: 'http://example.org/Questionnaire/intake|2.0' },
    ]);
    assert.deepEqual(entries(qr, 'subject'), [
      { kind: 'reference', code: 'subject', ref: 'urn:uuid:2b8e3a4c-0d0e-4b7a-9d8f-1c2b3a4d5e6f' },
    ]);
    assert.deepEqual(entries(qr, 'author'), []);
  });
});

describe('extractIndexEntries: dates', () => {
  it('gives a partial date its implicit range', () => {
    assert.deepEqual(entries(patient, 'birthdate'), [
      { kind: 'date', code: 'birthdate', low: Date.UTC(1980, 0, 1), high: Date.UTC(1981, 0, 1) - 1 },
    ]);
  });

  it('applies the timezone offset of a dateTime', () => {
    const obs: Resource = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      effectiveDateTime: '2020-03-15T10:00:00+02:00',
    };
    const t = Date.parse('2020-03-15T08:00:00Z');
    assert.deepEqual(entries(obs, 'date'), [{ kind: 'date', code: 'date', low: t, high: t + 999 }]);
  });

  it('leaves open Period ends at MIN_INSTANT/MAX_INSTANT', () => {
    const enc: Resource = {
      resourceType: 'Encounter',
      status: 'in-progress',
      class: { code: 'AMB' },
      period: { start: '2021-06' },
    };
    assert.deepEqual(entries(enc, 'date'), [
      { kind: 'date', code: 'date', low: Date.UTC(2021, 5, 1), high: MAX_INSTANT },
    ]);
    const ended: Resource = {
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'AMB' },
      period: { end: '2021-06-30' },
    };
    assert.deepEqual(entries(ended, 'date'), [
      { kind: 'date', code: 'date', low: MIN_INSTANT, high: Date.UTC(2021, 6, 1) - 1 },
    ]);
  });

  it('indexes each Timing event', () => {
    const obs: Resource = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      effectiveTiming: { event: ['2020-01-01', '2020-02-01T10:00:00Z'] },
    };
    const dates = entries(obs, 'date').map((e) => (e.kind === 'date' ? [e.low, e.high] : []));
    assert.deepEqual(dates, [parseInstantRange('2020-01-01'), parseInstantRange('2020-02-01T10:00:00Z')]);
  });
});

describe('extractIndexEntries: numbers and quantities', () => {
  it('indexes decimals with their precision range, and a Range as [low, high]', () => {
    const ra: Resource = {
      resourceType: 'RiskAssessment',
      status: 'final',
      subject: { reference: 'Patient/p1' },
      prediction: [{ probabilityDecimal: 0.25 }, { probabilityRange: { low: { value: 0.1 }, high: { value: 0.3 } } }],
    };
    const r = parseDecimalRange('0.25');
    assert.deepEqual(entries(ra, 'probability'), [
      { kind: 'number', code: 'probability', value: 0.25, low: r?.low, high: r?.high },
      {
        kind: 'number',
        code: 'probability',
        value: 0.1,
        low: parseDecimalRange('0.1')?.low,
        high: parseDecimalRange('0.3')?.high,
      },
    ]);
  });

  it('indexes a Quantity with system and code, or with unit only', () => {
    const withSystem: Resource = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      valueQuantity: { value: 5.4, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
    };
    assert.deepEqual(entries(withSystem, 'value-quantity'), [
      {
        kind: 'quantity',
        code: 'value-quantity',
        value: 5.4,
        low: 5.35,
        high: 5.45,
        system: 'http://unitsofmeasure.org',
        unit: 'mg/dL',
      },
    ]);
    const unitOnly: Resource = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      valueQuantity: { value: 100, unit: 'mmHg' },
    };
    assert.deepEqual(entries(unitOnly, 'value-quantity'), [
      { kind: 'quantity', code: 'value-quantity', value: 100, low: 99.5, high: 100.5, unit: 'mmHg' },
    ]);
  });

  it('indexes a quantity Range and Money', () => {
    const cond: Resource = {
      resourceType: 'Condition',
      subject: { reference: 'Patient/p1' },
      onsetRange: {
        low: { value: 10, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' },
        high: { value: 20, unit: 'a' },
      },
    };
    assert.deepEqual(entries(cond, 'onset-age'), [
      {
        kind: 'quantity',
        code: 'onset-age',
        value: 10,
        low: 9.5,
        high: 20.5,
        system: 'http://unitsofmeasure.org',
        unit: 'a',
      },
    ]);
    const openRange: Resource = {
      resourceType: 'Condition',
      subject: { reference: 'Patient/p1' },
      onsetRange: { low: { value: 10 } },
    };
    assert.equal((entries(openRange, 'onset-age')[0] as { high: number }).high, MAX_NUMBER);
    const invoice: Resource = {
      resourceType: 'Invoice',
      status: 'issued',
      totalGross: { value: 12.5, currency: 'EUR' },
    };
    assert.deepEqual(entries(invoice, 'totalgross'), [
      {
        kind: 'quantity',
        code: 'totalgross',
        value: 12.5,
        low: 12.45,
        high: 12.55,
        system: 'urn:iso:std:iso:4217',
        unit: 'EUR',
      },
    ]);
  });
});

describe('extractIndexEntries: composites', () => {
  const bp: Resource = {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
    valueQuantity: { value: 1, unit: '1' },
    component: [
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
        valueQuantity: { value: 120, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      },
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
        valueQuantity: { value: 80, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      },
    ],
  };

  it('pairs code and value of the Observation itself', () => {
    assert.deepEqual(entries(bp, 'code-value-quantity'), [
      {
        kind: 'composite',
        code: 'code-value-quantity',
        system: 'http://loinc.org',
        value: '85354-9',
        second: { kind: 'quantity', low: 0.5, high: 1.5, unit: '1' },
      },
    ]);
  });

  it('pairs code and value within each component, never across components', () => {
    const comp = entries(bp, 'component-code-value-quantity');
    assert.equal(comp.length, 2);
    const pairs = comp.map((e) =>
      e.kind === 'composite' && e.second.kind === 'quantity' ? `${e.value}=${e.second.low}` : '',
    );
    assert.deepEqual(pairs, ['8480-6=119.5', '8462-4=79.5']);
    const combo = entries(bp, 'combo-code-value-quantity').map((e) => (e.kind === 'composite' ? e.value : ''));
    assert.deepEqual(combo, ['85354-9', '8480-6', '8462-4']);
  });

  it('keeps only values of the component type (value.as(CodeableConcept) skips a valueBoolean)', () => {
    const flag: Resource = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ code: 'c' }] },
      valueBoolean: true,
    };
    assert.deepEqual(entries(flag, 'code-value-concept'), []);
    const dated: Resource = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ code: 'c' }] },
      valueDateTime: '2021-05',
    };
    assert.deepEqual(entries(dated, 'code-value-date'), [
      {
        kind: 'composite',
        code: 'code-value-date',
        value: 'c',
        second: { kind: 'date', low: Date.UTC(2021, 4, 1), high: Date.UTC(2021, 5, 1) - 1 },
      },
    ]);
    assert.deepEqual(entries(dated, 'code-value-quantity'), []);
  });

  it('evaluates %resource in three-part composites', () => {
    const seq: Resource = {
      resourceType: 'MolecularSequence',
      type: 'dna',
      coordinateSystem: 0,
      referenceSeq: { chromosome: { coding: [{ system: 'http://hl7.org/fhir/chromosome-human', code: '1' }] } },
      variant: [{ start: 22125503, end: 22125504 }],
    };
    const [e] = entries(seq, 'chromosome-variant-coordinate');
    assert.equal(e?.kind, 'composite');
    if (e?.kind === 'composite') {
      assert.equal(e.value, '1');
      assert.deepEqual(e.second, { kind: 'number', low: 22125502.5, high: 22125503.5 });
      assert.deepEqual(e.third, { kind: 'number', low: 22125503.5, high: 22125504.5 });
    }
  });
});

describe('extractIndexEntries: deduplication and coverage', () => {
  it('deduplicates identical entries', () => {
    const obs: Resource = {
      resourceType: 'Observation',
      status: 'final',
      code: {
        coding: [
          { system: 'http://loinc.org', code: '2339-0' },
          { system: 'http://loinc.org', code: '2339-0' },
        ],
      },
      performer: [{ reference: 'Practitioner/a' }, { reference: 'Practitioner/a' }],
    };
    assert.equal(entries(obs, 'code').length, 1);
    assert.equal(entries(obs, 'performer').length, 1);
    const all = extractIndexEntries(obs).map((e) => JSON.stringify(e));
    assert.equal(new Set(all).size, all.length);
  });

  it('covers every parameter of the type, not a chosen few', () => {
    const codes = new Set(extractIndexEntries(patient).map((e) => e.code));
    const stringParams = Object.values(getSearchParametersFor('Patient')).filter((p) => p.type === 'string');
    assert.ok(stringParams.length >= 8);
    for (const p of stringParams) {
      // Stored under its own code, or (derived-params.ts) under the codes it derives from.
      const stored = storedCodes('Patient', p.code ?? '');
      assert.ok(
        stored.every((c) => codes.has(c)),
        p.code,
      );
    }
  });

  it('extracts from a bare resource of every type without failing', () => {
    for (const resourceType of getResourceTypes()) {
      const found = extractIndexEntries({ resourceType, id: 'x' } as Resource);
      assert.ok(Array.isArray(found), resourceType);
    }
  });
});
