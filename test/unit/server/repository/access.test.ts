/**
 * SMART scopes as enforced by the repository:
 * https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html (v1 read/write and v2 cruds).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAllowed, patientCompartment, scopeAllows } from '../../../../server/src/repository/access';
import { FhirError } from '../../../../server/src/errors/outcome';

const ctx = (...scopes: string[]): { subject: string; scopes: string[] } => ({ subject: 't', scopes });

describe('scopes', () => {
  it('grants everything with system/*.*', () => {
    for (const p of ['c', 'r', 'u', 'd', 's'] as const) {
      assert.ok(scopeAllows(ctx('system/*.*'), 'Patient', p));
    }
  });

  it('understands SMART v2 permission letters per type', () => {
    const access = ctx('patient/Observation.rs');
    assert.ok(scopeAllows(access, 'Observation', 'r'));
    assert.ok(scopeAllows(access, 'Observation', 's'));
    assert.ok(!scopeAllows(access, 'Observation', 'c'));
    assert.ok(!scopeAllows(access, 'Patient', 'r'));
  });

  it('understands SMART v1 read/write', () => {
    assert.ok(scopeAllows(ctx('user/Patient.read'), 'Patient', 's'));
    assert.ok(!scopeAllows(ctx('user/Patient.read'), 'Patient', 'u'));
    assert.ok(scopeAllows(ctx('user/*.write'), 'Encounter', 'd'));
  });

  it('ignores malformed scopes and out-of-order letters', () => {
    assert.ok(!scopeAllows(ctx('openid', 'launch/patient', 'patient/Observation.sr'), 'Observation', 'r'));
  });

  it('throws a 403 forbidden OperationOutcome when not allowed', () => {
    assert.throws(
      () => assertAllowed(ctx('system/Patient.r'), 'Patient', 'c'),
      (err: unknown) => err instanceof FhirError && err.status === 403 && err.outcome.issue?.[0]?.code === 'forbidden',
    );
  });

  it('names the patient compartment of a patient-scoped caller', () => {
    assert.equal(patientCompartment({ subject: 'x', scopes: [], patient: '42' }), 'Patient/42');
    assert.equal(patientCompartment(ctx('system/*.*')), undefined);
  });
});
