// RepeatedElementMemo: ImagingStudy `series.instance` entries validated once, with the issues of a
// full validation whenever anything is wrong; wired into createValidator.
// Covers: https://hl7.org/fhir/R4/validation.html (the issues a validation reports, with their
// FHIRPath location), https://hl7.org/fhir/R4/imagingstudy.html (series.instance: uid 1..1,
// sopClass 1..1, number unsignedInt), the Tessera ImagingStudy profile (profiles/).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ImagingStudy, ImagingStudySeriesInstance, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { createValidator } from '../../../../server/src/validation/fhir-validator';
import { RepeatedElementMemo } from '../../../../server/src/validation/repeated-element-memo';

const example = JSON.parse(
  readFileSync(join(process.cwd(), 'profiles/examples/tessera-imaging-study.json'), 'utf8'),
) as ImagingStudy;

/** Full validation: a validator whose memo has seen nothing validates the whole resource. */
function fullValidation(resource: Resource): OperationOutcomeIssue[] {
  return createValidator().validate(resource);
}

function instance(series: number, n: number): ImagingStudySeriesInstance {
  return {
    uid: `1.2.826.0.1.3680043.8.498.${series}.${n}`,
    sopClass: { system: 'urn:ietf:rfc:3986', code: 'urn:oid:1.2.840.10008.5.1.4.1.1.2' },
    number: n,
  };
}

/** The profile example grown to `perSeries` instances in each of two series. */
function study(perSeries: number, extra: ImagingStudySeriesInstance[] = []): ImagingStudy {
  const template = example.series?.[0];
  assert.ok(template);
  const series = [1, 2].map((s) => ({
    ...template,
    uid: `1.2.826.0.1.3680043.8.498.${s}`,
    number: s,
    numberOfInstances: perSeries + (s === 2 ? extra.length : 0),
    instance: [...Array.from({ length: perSeries }, (_, i) => instance(s, i + 1)), ...(s === 2 ? extra : [])],
  }));
  return { ...example, series, numberOfSeries: 2, numberOfInstances: 2 * perSeries + extra.length };
}

/** A spy around full validation that records the instance UIDs each call was given. */
function spy(): { validate: (r: Resource) => OperationOutcomeIssue[]; calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    validate: (r) => {
      calls.push(((r as ImagingStudy).series ?? []).flatMap((s) => (s.instance ?? []).map((i) => i.uid)));
      return fullValidation(r);
    },
  };
}

describe('RepeatedElementMemo', () => {
  it('validates a large valid study clean, then passes only new entries to the full validator', () => {
    const memo = new RepeatedElementMemo();
    const big = study(150);
    assert.deepEqual(fullValidation(big), [], 'the fixture is valid');
    const first = spy();
    assert.deepEqual(memo.validate(big, first.validate), []);
    assert.equal(first.calls.length, 1);
    assert.equal(first.calls[0]?.length, 300);
    const added = [instance(2, 151), instance(2, 152)];
    const second = spy();
    assert.deepEqual(memo.validate(study(150, added), second.validate), []);
    assert.deepEqual(second.calls, [added.map((i) => i.uid)]);
    const third = spy();
    assert.deepEqual(memo.validate(study(150, added), third.validate), []);
    assert.deepEqual(third.calls, [[]], 'nothing new: only the study-level elements are validated');
  });

  it('reports exactly the issues full validation reports for an invalid new instance, and does not remember it', () => {
    const memo = new RepeatedElementMemo();
    memo.validate(study(40), fullValidation);
    const bad = { ...instance(2, 41), number: -3 } as ImagingStudySeriesInstance;
    const { sopClass: _class, ...noClass } = instance(2, 42);
    const invalid = study(40, [bad, noClass as ImagingStudySeriesInstance]);
    const expected = fullValidation(invalid);
    assert.deepEqual(
      expected.map((i) => [i.severity, i.expression]),
      [
        ['error', ['ImagingStudy.series[1].instance[40].number']],
        ['error', ['ImagingStudy.series[1].instance[41].sopClass']],
      ],
    );
    const calls = spy();
    assert.deepEqual(memo.validate(invalid, calls.validate), expected);
    assert.equal(calls.calls.length, 2, 'the reduced copy, then the whole study for exact paths');
    assert.equal(calls.calls[1]?.length, 82);
    assert.deepEqual(memo.validate(invalid, fullValidation), expected, 'still reported the second time');
  });

  it('still reports study-level errors once every entry is remembered', () => {
    const memo = new RepeatedElementMemo();
    memo.validate(study(20), fullValidation);
    const { subject: _subject, ...noSubject } = study(20);
    const expected = fullValidation(noSubject as ImagingStudy);
    assert.ok(expected.length > 0);
    assert.deepEqual(memo.validate(noSubject as ImagingStudy, fullValidation), expected);
  });

  it('validates small studies and other resources whole', () => {
    const memo = new RepeatedElementMemo();
    const small = study(5);
    const seen: Resource[] = [];
    memo.validate(small, (r) => (seen.push(r), []));
    memo.validate(small, (r) => (seen.push(r), []));
    const patient: Resource = { resourceType: 'Patient', id: 'p' };
    memo.validate(patient, (r) => (seen.push(r), []));
    assert.deepEqual(seen, [small, small, patient]);
  });
});

describe('createValidator with the memo', () => {
  it('gives the same issues as full validation as a study grows, valid and invalid', () => {
    const validator = createValidator();
    for (let n = 10; n <= 60; n += 10) {
      assert.deepEqual(validator.validate(study(n)), [], `${n} per series`);
    }
    const invalid = study(60, [{ ...instance(2, 61), uid: '' }]);
    const expected = fullValidation(invalid);
    assert.ok(expected.length > 0);
    assert.deepEqual(validator.validate(invalid), expected);
  });
});
