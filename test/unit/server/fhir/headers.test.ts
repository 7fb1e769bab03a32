/**
 * Covers https://hl7.org/fhir/R4/http.html#concurrency (ETag `W/"n"`, If-Match, If-None-Match),
 * https://hl7.org/fhir/R4/http.html#ops (Prefer: return=) and https://hl7.org/fhir/R4/search.html#errors
 * (Prefer: handling=), and Location of https://hl7.org/fhir/R4/http.html#create.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FhirError } from '../../../../server/src/errors/outcome';
import {
  formatETag,
  ifNoneMatchMatches,
  parseIfMatch,
  parsePrefer,
  versionHeaders,
  writeHeaders,
} from '../../../../server/src/fhir/headers';

describe('If-Match', () => {
  it('accepts weak and strong tags', () => {
    assert.equal(parseIfMatch('W/"3"'), 3);
    assert.equal(parseIfMatch('"12"'), 12);
    assert.equal(parseIfMatch(' W/"1" '), 1);
    assert.equal(parseIfMatch(undefined), undefined);
    assert.equal(parseIfMatch(''), undefined);
  });

  it('rejects malformed values with 400 value', () => {
    for (const bad of ['3', 'W/3', 'W/"abc"', '"0"', 'W/"1", W/"2"', '*']) {
      assert.throws(
        () => parseIfMatch(bad),
        (err: unknown) => err instanceof FhirError && err.status === 400 && err.outcome.issue?.[0]?.code === 'value',
        bad,
      );
    }
  });
});

describe('If-None-Match', () => {
  it('matches the current version or *', () => {
    assert.ok(ifNoneMatchMatches('W/"2"', 2));
    assert.ok(ifNoneMatchMatches('W/"1", W/"2"', '2'));
    assert.ok(ifNoneMatchMatches('*', 5));
    assert.equal(ifNoneMatchMatches('W/"1"', 2), false);
    assert.equal(ifNoneMatchMatches(undefined, 2), false);
  });
});

describe('Prefer', () => {
  it('reads return and handling, ignoring unknown tokens', () => {
    assert.deepEqual(parsePrefer('return=minimal'), { return: 'minimal', handling: undefined });
    assert.deepEqual(parsePrefer('handling=strict, return=OperationOutcome'), {
      return: 'OperationOutcome',
      handling: 'strict',
    });
    assert.deepEqual(parsePrefer('respond-async; return="representation"'), {
      return: 'representation',
      handling: undefined,
    });
    assert.deepEqual(parsePrefer('return=everything'), { return: undefined, handling: undefined });
    assert.deepEqual(parsePrefer(undefined), {});
  });
});

describe('version headers', () => {
  it('formats ETag, Last-Modified and Location', () => {
    assert.equal(formatETag(7), 'W/"7"');
    const h = versionHeaders('2', '2024-03-04T05:06:07.890Z');
    assert.equal(h.ETag, 'W/"2"');
    assert.equal(h['Last-Modified'], 'Mon, 04 Mar 2024 05:06:07 GMT');
    const w = writeHeaders('http://b/fhir', {
      resourceType: 'Patient',
      id: 'x',
      meta: { versionId: '3', lastUpdated: '2024-03-04T05:06:07.890Z' },
    });
    assert.equal(w.Location, 'http://b/fhir/Patient/x/_history/3');
    assert.equal(w.ETag, 'W/"3"');
  });
});
