/**
 * Covers the route table of https://hl7.org/fhir/R4/http.html (summary table): every interaction's
 * (method, path) maps to its handler; literal segments (`_history`, `_search`, `$validate`) never
 * collide with `:type`/`:id`; unknown type -> 404 not-supported, invalid id
 * (https://hl7.org/fhir/R4/datatypes.html#id) -> 400 value, wrong method -> 405, unknown path -> 404.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FhirError } from '../../../../server/src/errors/outcome';
import { fhirRouter } from '../../../../server/src/fhir/registry';
import type { FhirMethod } from '../../../../server/src/fhir/types';

function interaction(method: FhirMethod, path: string): string {
  return fhirRouter.match(method, path).route.interaction;
}

function failure(method: FhirMethod, path: string): { status: number; code: string | undefined } {
  try {
    fhirRouter.match(method, path);
  } catch (err) {
    assert.ok(err instanceof FhirError);
    return { status: err.status, code: err.outcome.issue?.[0]?.code };
  }
  assert.fail(`${method} ${path} unexpectedly matched`);
}

describe('fhirRouter.match', () => {
  it('routes every interaction to the expected handler', () => {
    const cases: [FhirMethod, string, string][] = [
      ['GET', 'metadata', 'capabilities'],
      ['POST', '', 'transaction'],
      ['GET', '', 'search-system'],
      ['GET', '_history', 'history-system'],
      ['GET', 'Patient', 'search-type'],
      ['POST', 'Patient/_search', 'search-type'],
      ['POST', 'Patient', 'create'],
      ['PUT', 'Patient', 'conditional-update'],
      ['DELETE', 'Patient', 'conditional-delete'],
      ['GET', 'Patient/_history', 'history-type'],
      ['POST', 'Patient/$validate', 'operation:validate'],
      ['GET', 'Patient/abc-1.2', 'read'],
      ['PUT', 'Patient/abc', 'update'],
      ['PATCH', 'Patient/abc', 'patch'],
      ['DELETE', 'Patient/abc', 'delete'],
      ['GET', 'Patient/abc/_history', 'history-instance'],
      ['POST', 'Patient/abc/$validate', 'operation:validate'],
      ['GET', 'Patient/abc/_history/3', 'vread'],
      ['GET', 'Patient/abc/Observation', 'search-compartment'],
      ['GET', 'Patient/abc/*', 'search-compartment'],
    ];
    for (const [method, path, expected] of cases) {
      assert.equal(interaction(method, path), expected, `${method} /${path}`);
    }
  });

  it('extracts path parameters', () => {
    assert.deepEqual(fhirRouter.match('GET', 'Observation/o1/_history/2').pathParams, {
      type: 'Observation',
      id: 'o1',
      vid: '2',
    });
    assert.deepEqual(fhirRouter.match('GET', 'Patient/p1/Encounter').pathParams, {
      type: 'Patient',
      id: 'p1',
      targetType: 'Encounter',
    });
    assert.deepEqual(fhirRouter.match('GET', 'Patient/p1/*').pathParams, {
      type: 'Patient',
      id: 'p1',
      targetType: '*',
    });
  });

  it('routes HEAD like GET', () => {
    assert.equal(interaction('HEAD', 'Patient/abc'), 'read');
  });

  it('answers 404 not-supported for an unknown resource type', () => {
    assert.deepEqual(failure('GET', 'Foo/1'), { status: 404, code: 'not-supported' });
    assert.deepEqual(failure('POST', 'Foo'), { status: 404, code: 'not-supported' });
    assert.deepEqual(failure('GET', 'Patient/1/Foo'), { status: 404, code: 'not-supported' });
  });

  it('answers 400 for an invalid id', () => {
    assert.deepEqual(failure('GET', 'Patient/bad!id'), { status: 400, code: 'value' });
    assert.deepEqual(failure('GET', `Patient/${'a'.repeat(65)}`), { status: 400, code: 'value' });
    assert.equal(interaction('GET', `Patient/${'a'.repeat(64)}`), 'read');
  });

  it('answers 405 for a known path with another method', () => {
    assert.deepEqual(failure('PATCH', 'Patient'), { status: 405, code: 'not-supported' });
    assert.deepEqual(failure('POST', 'Patient/abc'), { status: 405, code: 'not-supported' });
    assert.deepEqual(failure('GET', 'Patient/_search'), { status: 405, code: 'not-supported' });
    assert.deepEqual(failure('DELETE', 'metadata'), { status: 405, code: 'not-supported' });
  });

  it('answers 404 not-found for paths no route serves', () => {
    assert.deepEqual(failure('GET', 'Patient/abc/_history/1/extra'), { status: 404, code: 'not-found' });
    assert.deepEqual(failure('GET', 'Observation/abc/Patient/x'), { status: 404, code: 'not-found' });
    assert.deepEqual(failure('GET', 'Patient/_unknown'), { status: 404, code: 'not-found' });
  });

  it('handle() rejects (never throws synchronously) for unroutable requests', async () => {
    const ctx = {} as Parameters<typeof fhirRouter.handle>[1];
    const pending = fhirRouter.handle({ method: 'GET', path: 'Foo/1', params: [], headers: {} }, ctx);
    await assert.rejects(pending, (err: unknown) => err instanceof FhirError && err.status === 404);
  });
});
