/**
 * Write analysis on worker threads gives exactly what the calling thread computes: validation
 * issues (https://hl7.org/fhir/R4/validation.html) and search index entries
 * (https://hl7.org/fhir/R4/search.html), for valid and invalid resources.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Observation, Patient } from '@medplum/fhirtypes';
import { analyzeResource } from '../../../../server/src/repository/analysis';
import { AnalyzerPool } from '../../../../server/src/repository/analyzer-pool';
import { createValidator } from '../../../../server/src/validation/fhir-validator';

const observation: Observation = {
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '718-7' }] },
  subject: { reference: 'Patient/p1' },
  valueQuantity: { value: 13.2, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
};

describe('AnalyzerPool', () => {
  let pool: AnalyzerPool;
  before(() => {
    pool = new AnalyzerPool(2);
  });
  after(async () => {
    await pool.close();
  });

  it('returns the same index entries and issues as the calling thread', async () => {
    const local = analyzeResource(createValidator(), observation);
    const remote = await pool.analyze(observation);
    assert.deepEqual(remote.index, local.index);
    assert.ok(remote.index.some((e) => e.kind === 'reference' && e.code === 'subject' && e.targetId === 'p1'));
    assert.deepEqual(remote.issues, local.issues);
  });

  it('reports validation errors and indexes nothing for an invalid resource', async () => {
    const analysis = await pool.analyze({ resourceType: 'Patient', gender: 'banana' } as unknown as Patient);
    assert.ok(analysis.issues.some((i) => i.severity === 'error' && i.expression?.includes('Patient.gender')));
    assert.deepEqual(analysis.index, []);
  });

  it('answers many concurrent requests, each with its own result', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => pool.analyze({ ...observation, subject: { reference: `Patient/p${i}` } })),
    );
    results.forEach((r, i) => {
      assert.ok(r.index.some((e) => e.kind === 'reference' && e.code === 'subject' && e.targetId === `p${i}`));
    });
  });

  it('rejects work after close', async () => {
    const closed = new AnalyzerPool(1);
    await closed.close();
    await assert.rejects(closed.analyze(observation), /closed/);
  });
});
