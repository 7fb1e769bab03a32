/**
 * Covers https://hl7.org/fhir/R4/http.html#mime-type: JSON formats accepted through `_format`
 * and `Accept` (406 otherwise), request bodies as FHIR JSON, JSON Patch (PATCH only) or form
 * parameters (POST _search only), anything else 415.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FhirError } from '../../../../server/src/errors/outcome';
import { bodyKind, checkAcceptable, mediaType } from '../../../../server/src/http/negotiation';

function status(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    assert.ok(err instanceof FhirError);
    return err.status;
  }
}

describe('checkAcceptable', () => {
  it('accepts JSON formats and wildcards', () => {
    for (const format of ['json', 'application/json', 'application/fhir+json', 'application/fhir json']) {
      assert.equal(
        status(() => checkAcceptable(format, undefined)),
        undefined,
        format,
      );
    }
    for (const accept of [
      undefined,
      '*/*',
      'application/fhir+json',
      'application/json;q=0.9',
      'text/html,application/xhtml+xml,*/*;q=0.8',
    ]) {
      assert.equal(
        status(() => checkAcceptable(undefined, accept)),
        undefined,
        accept,
      );
    }
  });

  it('answers 406 for XML and other formats; _format wins over Accept', () => {
    assert.equal(
      status(() => checkAcceptable('xml', undefined)),
      406,
    );
    assert.equal(
      status(() => checkAcceptable('application/fhir+xml', '*/*')),
      406,
    );
    assert.equal(
      status(() => checkAcceptable(undefined, 'application/fhir+xml')),
      406,
    );
    assert.equal(
      status(() => checkAcceptable(undefined, 'text/plain')),
      406,
    );
    assert.equal(
      status(() => checkAcceptable('json', 'application/fhir+xml')),
      undefined,
    );
  });
});

describe('bodyKind', () => {
  it('reads FHIR JSON for POST/PUT/PATCH', () => {
    assert.equal(bodyKind('application/fhir+json; charset=utf-8', 'POST', 'Patient'), 'json');
    assert.equal(bodyKind('Application/JSON', 'PUT', 'Patient/1'), 'json');
  });

  it('reads JSON Patch only for PATCH', () => {
    assert.equal(bodyKind('application/json-patch+json', 'PATCH', 'Patient/1'), 'json');
    assert.equal(
      status(() => bodyKind('application/json-patch+json', 'POST', 'Patient')),
      415,
    );
  });

  it('reads form parameters only for POST _search', () => {
    assert.equal(bodyKind('application/x-www-form-urlencoded', 'POST', 'Patient/_search'), 'form');
    assert.equal(
      status(() => bodyKind('application/x-www-form-urlencoded', 'POST', 'Patient')),
      415,
    );
  });

  it('answers 415 for other or missing content types', () => {
    assert.equal(
      status(() => bodyKind('text/plain', 'POST', 'Patient')),
      415,
    );
    assert.equal(
      status(() => bodyKind('application/fhir+xml', 'PUT', 'Patient/1')),
      415,
    );
    assert.equal(
      status(() => bodyKind(undefined, 'POST', 'Patient')),
      415,
    );
  });

  it('strips media type parameters', () => {
    assert.equal(mediaType('application/fhir+json; fhirVersion=4.0'), 'application/fhir+json');
    assert.equal(mediaType(undefined), undefined);
  });
});
