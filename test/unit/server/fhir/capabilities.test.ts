/**
 * Covers https://hl7.org/fhir/R4/capabilitystatement.html and https://hl7.org/fhir/R4/http.html#capabilities:
 * the CapabilityStatement generated from the route registry lists exactly the routed interactions
 * (every routed interaction appears, and every listed interaction is routed), every R4 resource
 * type with its SearchParameters, the $validate operation, the security service when SMART is on,
 * and the documentation of unsupported parameters.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CapabilityStatement } from '@medplum/fhirtypes';
import { getResourceTypes, getSearchParametersFor } from '../../../../server/src/definitions/fhir-definitions';
import { fhirRouter, fhirRoutes } from '../../../../server/src/fhir/registry';
import type { FhirContext, FhirMethod } from '../../../../server/src/fhir/types';

async function metadata(auth: 'smart' | 'off'): Promise<CapabilityStatement> {
  const ctx = { baseUrl: 'http://cap.test', auth } as FhirContext;
  const result = await fhirRouter.handle({ method: 'GET', path: 'metadata', params: [], headers: {} }, ctx);
  assert.equal(result.status, 200);
  return JSON.parse(result.json ?? '') as CapabilityStatement;
}

/** A concrete request path for each type-level interaction code (to prove it is routed). */
const probes: Record<string, [FhirMethod, string]> = {
  read: ['GET', 'Observation/x'],
  vread: ['GET', 'Observation/x/_history/1'],
  update: ['PUT', 'Observation/x'],
  patch: ['PATCH', 'Observation/x'],
  delete: ['DELETE', 'Observation/x'],
  'history-instance': ['GET', 'Observation/x/_history'],
  'history-type': ['GET', 'Observation/_history'],
  create: ['POST', 'Observation'],
  'search-type': ['GET', 'Observation'],
};
const systemProbes: Record<string, [FhirMethod, string]> = {
  transaction: ['POST', ''],
  batch: ['POST', ''],
  'search-system': ['GET', ''],
  'history-system': ['GET', '_history'],
};

describe('CapabilityStatement from the registry', () => {
  it('has the fixed header fields', async () => {
    const cs = await metadata('smart');
    assert.equal(cs.status, 'active');
    assert.equal(cs.kind, 'instance');
    assert.equal(cs.fhirVersion, '4.0.1');
    assert.deepEqual(cs.format, ['json']);
    assert.equal(cs.software?.name, 'Tessera');
    assert.equal(cs.implementation?.url, 'http://cap.test/fhir');
    assert.equal(cs.rest?.[0]?.mode, 'server');
    for (const unsupported of ['_text', '_content', '_filter', '_query', '_list']) {
      assert.ok(cs.rest?.[0]?.documentation?.includes(unsupported), unsupported);
    }
  });

  it('lists every interaction that is routed, and routes every interaction it lists', async () => {
    const cs = await metadata('off');
    const rest = cs.rest?.[0];
    const listed = new Set((rest?.resource?.[0]?.interaction ?? []).map((i) => i.code));
    const routed = new Set(fhirRoutes.flatMap((r) => (r.capability.kind === 'type' ? [r.capability.code] : [])));
    assert.deepEqual([...listed].sort(), [...routed].sort());
    assert.deepEqual([...listed].sort(), Object.keys(probes).sort());
    for (const code of listed) {
      const [method, path] = probes[code] ?? ['GET', ''];
      const route = fhirRouter.match(method, path).route;
      assert.equal(route.capability.kind, 'type', code);
    }
    const system = new Set((rest?.interaction ?? []).map((i) => i.code));
    assert.deepEqual([...system].sort(), Object.keys(systemProbes).sort());
    for (const code of system) {
      const [method, path] = systemProbes[code] ?? ['GET', 'metadata'];
      const capability = fhirRouter.match(method, path).route.capability;
      assert.ok(capability.kind === 'system' && capability.codes.includes(code as 'batch'), code);
    }
  });

  it('declares the operations and compartments that are routed', async () => {
    const cs = await metadata('off');
    const rest = cs.rest?.[0];
    const ops = (rest?.resource?.[0]?.operation ?? []).map((o) => o.name);
    assert.deepEqual(ops, ['validate']);
    assert.equal(fhirRouter.match('POST', 'Observation/$validate').route.interaction, 'operation:validate');
    assert.equal(fhirRouter.match('POST', 'Observation/x/$validate').route.interaction, 'operation:validate');
    assert.deepEqual(rest?.compartment, ['http://hl7.org/fhir/CompartmentDefinition/patient']);
  });

  it('has one resource entry per R4 type, with its search parameters and flags', async () => {
    const cs = await metadata('off');
    const resources = cs.rest?.[0]?.resource ?? [];
    assert.deepEqual(
      resources.map((r) => r.type),
      [...getResourceTypes()],
    );
    const patient = resources.find((r) => r.type === 'Patient');
    assert.ok(patient);
    assert.equal(patient.versioning, 'versioned');
    assert.equal(patient.readHistory, true);
    assert.equal(patient.updateCreate, true);
    assert.equal(patient.conditionalCreate, true);
    assert.equal(patient.conditionalUpdate, true);
    assert.equal(patient.conditionalDelete, 'single');
    assert.equal(patient.conditionalRead, 'not-supported');
    assert.deepEqual(patient.referencePolicy, ['literal', 'local']);
    const names = new Set((patient.searchParam ?? []).map((p) => p.name));
    for (const code of Object.keys(getSearchParametersFor('Patient'))) {
      assert.ok(names.has(code), code);
    }
    const birthdate = patient.searchParam?.find((p) => p.name === 'birthdate');
    assert.equal(birthdate?.type, 'date');
    assert.match(birthdate?.definition ?? '', /^http:\/\/hl7\.org\/fhir\/SearchParameter\//);
    assert.ok((birthdate?.documentation ?? '').length > 0);
    assert.ok(patient.searchInclude?.includes('Patient:organization'));
    assert.ok(patient.searchRevInclude?.includes('Observation:subject'));
  });

  it('declares SMART security only when tokens are required', async () => {
    const smart = await metadata('smart');
    const service = smart.rest?.[0]?.security?.service?.[0]?.coding?.[0];
    assert.equal(service?.code, 'SMART-on-FHIR');
    assert.equal(service?.system, 'http://terminology.hl7.org/CodeSystem/restful-security-service');
    assert.ok((smart.rest?.[0]?.security?.description ?? '').includes('Bearer'));
    const off = await metadata('off');
    assert.equal(off.rest?.[0]?.security, undefined);
  });
});
