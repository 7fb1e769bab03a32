/**
 * JSON Patch for the FHIR patch interaction: https://hl7.org/fhir/R4/http.html#patch, RFC 6902.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Patient } from '@medplum/fhirtypes';
import type { Operation } from 'fast-json-patch';
import { FhirError } from '../../../../server/src/errors/outcome';
import { applyJsonPatch } from '../../../../server/src/repository/json-patch';

const patient: Patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe' }] };

function statusOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof FhirError ? err.status : -1;
  }
  return undefined;
}

describe('applyJsonPatch', () => {
  it('applies operations to a copy', () => {
    const result = applyJsonPatch(patient, [
      { op: 'replace', path: '/name/0/family', value: 'Roe' },
      { op: 'add', path: '/active', value: true },
    ]);
    assert.equal(result.name?.[0]?.family, 'Roe');
    assert.equal(result.active, true);
    assert.equal(patient.name?.[0]?.family, 'Doe', 'the input is not mutated');
  });

  it('rejects a malformed patch document with 400', () => {
    assert.equal(
      statusOf(() => applyJsonPatch(patient, { op: 'add' } as unknown as Operation[])),
      400,
    );
    assert.equal(
      statusOf(() => applyJsonPatch(patient, [{ op: 'jump', path: '/x' } as unknown as Operation])),
      400,
    );
  });

  it('rejects a patch that cannot be applied with 422', () => {
    assert.equal(
      statusOf(() => applyJsonPatch(patient, [{ op: 'test', path: '/name/0/family', value: 'X' }])),
      422,
    );
    assert.equal(
      statusOf(() => applyJsonPatch(patient, [{ op: 'remove', path: '/telecom/3' }])),
      422,
    );
  });
});
