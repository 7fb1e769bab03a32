/**
 * Implicit precision ranges shared by extraction and planning.
 * Spec: https://hl7.org/fhir/R4/search.html#date (precision, timezones),
 * https://hl7.org/fhir/R4/search.html#number (significant figures, exponential form),
 * https://hl7.org/fhir/R4/search.html#string (case and accent normalization).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseInstantRange } from '../../../../server/src/search/date-range';
import { parseDecimalRange } from '../../../../server/src/search/number-range';
import { normalizeString } from '../../../../server/src/search/normalize';

describe('parseInstantRange', () => {
  it('gives a year, month and day their whole span (UTC)', () => {
    assert.deepEqual(parseInstantRange('2020'), [Date.UTC(2020, 0, 1), Date.UTC(2021, 0, 1) - 1]);
    assert.deepEqual(parseInstantRange('2020-02'), [Date.UTC(2020, 1, 1), Date.UTC(2020, 2, 1) - 1]);
    assert.deepEqual(parseInstantRange('2020-03-15'), [Date.UTC(2020, 2, 15), Date.UTC(2020, 2, 16) - 1]);
  });

  it('applies timezone offsets and the precision of minutes, seconds and fractions', () => {
    const t = Date.parse('2020-03-15T08:30:00Z');
    assert.deepEqual(parseInstantRange('2020-03-15T10:30+02:00'), [t, t + 60_000 - 1]);
    assert.deepEqual(parseInstantRange('2020-03-15T10:30:00+02:00'), [t, t + 999]);
    assert.deepEqual(parseInstantRange('2020-03-15T03:30:00-05:00'), [t, t + 999]);
    assert.deepEqual(parseInstantRange('2020-03-15T08:30:00.5Z'), [t + 500, t + 599]);
    assert.deepEqual(parseInstantRange('2020-03-15T08:30:00.123456Z'), [t + 123, t + 123]);
  });

  it('treats a date-time without timezone as UTC', () => {
    const t = Date.parse('2020-03-15T08:30:00Z');
    assert.deepEqual(parseInstantRange('2020-03-15T08:30:00'), [t, t + 999]);
  });

  it('rejects invalid dates', () => {
    for (const bad of ['2020-13', '2020-02-30', '20', '2020-03-15T25:00:00Z', 'yesterday', '2020-3-5']) {
      assert.equal(parseInstantRange(bad), undefined, bad);
    }
    assert.notEqual(parseInstantRange('2020-02-29'), undefined);
    assert.equal(parseInstantRange('2019-02-29'), undefined);
  });
});

describe('parseDecimalRange', () => {
  it('uses the significant figures of the value as written', () => {
    assert.deepEqual(parseDecimalRange('100'), { value: 100, low: 99.5, high: 100.5 });
    assert.deepEqual(parseDecimalRange('100.00'), { value: 100, low: 99.995, high: 100.005 });
    assert.deepEqual(parseDecimalRange('1.0e2'), { value: 100, low: 95, high: 105 });
    assert.deepEqual(parseDecimalRange('1e2'), { value: 100, low: 50, high: 150 });
    assert.deepEqual(parseDecimalRange('-0.25'), { value: -0.25, low: -0.255, high: -0.245 });
  });

  it('takes the precision of a stored JSON number from its shortest text', () => {
    assert.deepEqual(parseDecimalRange(7.25), { value: 7.25, low: 7.245, high: 7.255 });
    assert.deepEqual(parseDecimalRange(5), { value: 5, low: 4.5, high: 5.5 });
  });

  it('rejects non-numbers', () => {
    for (const bad of ['abc', '1,5', '', '1e', '0x10']) {
      assert.equal(parseDecimalRange(bad), undefined, bad);
    }
  });
});

describe('normalizeString', () => {
  it('folds case, accents and whitespace', () => {
    assert.equal(normalizeString('  Émile\t ZOLA  '), 'emile zola');
    assert.equal(normalizeString('Ångström'), normalizeString('angstrom'));
    assert.equal(normalizeString('Müller'), 'muller');
  });
});
