// Covers issue 3 "Mapping" against the real FHIR stack (createTestApp: SQLite file, real validator):
// https://hl7.org/fhir/R4/http.html#transaction (one message = one atomic transaction),
// #ccreate (ifNoneExist) and #cond-update (PUT Type?identifier=..), https://hl7.org/fhir/R4/bundle.html#references
// (urn:uuid fullUrls); idempotent re-sends, corrections (OBX-11 C / OBR-25 C) as new versions,
// ORU → ORM linking (DiagnosticReport.basedOn), order cancel on the same ServiceRequest, and the
// Patient update policy (ADT replaces, orders/results create only when missing).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, DiagnosticReport, Observation, Patient, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { mapMessage } from '../../../adapters/hl7/src/mapping/map-message';
import type { MappedMessage } from '../../../adapters/hl7/src/mapping/map-message';
import { parseMessage } from '../../../adapters/hl7/src/message/parse';
import { createTestApp } from '../../helpers/test-app';
import type { TestApp } from '../../helpers/test-app';

const DIR = join(__dirname, '..', '..', 'fixtures', 'hl7');
const TYPES = [
  'Patient',
  'Encounter',
  'Practitioner',
  'Organization',
  'ServiceRequest',
  'Specimen',
  'Observation',
  'DiagnosticReport',
] as const;

/** The good fixtures in the order a site would send them. */
const SEQUENCE = [
  'adt-a01-admit',
  'adt-a04-register',
  'adt-a08-update',
  'adt-a28-add-person',
  'adt-a31-update-person',
  'adt-a40-merge',
  'orm-o01-new',
  'orm-o01-status-change',
  'orm-o01-cancel',
  'oml-o21-new',
  'oru-r01-all-types',
  'oru-r01-correction',
  'oru-r01-z-segments',
  'oru-r01-cbc',
];

function map(name: string): MappedMessage {
  return mapMessage(parseMessage(readFileSync(join(DIR, `${name}.hl7`))));
}

async function post(app: TestApp, name: string): Promise<Bundle> {
  const res = await app.request.post('/fhir').set('content-type', 'application/fhir+json').send(map(name).bundle);
  assert.equal(res.status, 200, `${name}: ${JSON.stringify(res.body)}`);
  return res.body as Bundle;
}

async function counts(app: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const type of TYPES) {
    out[type] = (await app.repo.search({ resourceType: type, params: [['_count', '1000']] })).matches.length;
  }
  return out;
}

async function findOne<T extends Resource>(app: TestApp, type: T['resourceType'], query: string): Promise<T> {
  const res = await app.request.get(`/fhir/${type}?${query}`);
  assert.equal(res.status, 200);
  const entries = (res.body as Bundle).entry ?? [];
  assert.equal(entries.length, 1, `${type}?${query} matches ${entries.length}`);
  return entries[0]?.resource as T;
}

const SR_QUERY = 'identifier=urn:tessera:hl7v2:authority:RIS%7CPO-1001';
const DR_QUERY = 'identifier=urn:tessera:hl7v2:authority:LAB%7CF-9001';
const GLUCOSE_QUERY = 'identifier=urn:tessera:hl7v2:authority:LAB%7CF-9001/1/2345-7';
const PATIENT_QUERY = 'identifier=urn:tessera:hl7v2:authority:HOSP%7CMRN12345';

describe('HL7 v2 mapping through the FHIR transaction', () => {
  const apps: TestApp[] = [];
  const fresh = async (): Promise<TestApp> => {
    const app = await createTestApp({ auth: 'off' });
    apps.push(app);
    return app;
  };
  after(async () => {
    await Promise.all(apps.map((a) => a.close()));
  });

  describe('the whole corpus in sequence', () => {
    let app: TestApp;
    before(async () => {
      app = await fresh();
    });

    it('covers every good fixture', () => {
      const good = readdirSync(DIR)
        .filter((f) => f.endsWith('.hl7') && !f.startsWith('bad-'))
        .map((f) => f.replace(/\.hl7$/, ''));
      assert.deepEqual([...good].sort(), [...SEQUENCE].sort());
    });

    it('commits each message (200, all resources valid) and a second run creates nothing', async () => {
      for (const name of SEQUENCE) {
        await post(app, name);
        const first = await counts(app);
        const again = await post(app, name);
        assert.ok(
          (again.entry ?? []).every((e) => e.response?.status?.startsWith('200')),
          name,
        );
        assert.deepEqual(await counts(app), first, `${name} re-sent`);
      }
      const totals = await counts(app);
      assert.equal(totals.Patient, 4);
      assert.equal(totals.ServiceRequest, 3); // PO-1001, LO-3001 (OML order, then its CBC result), F-9777
      assert.equal(totals.DiagnosticReport, 3);
      assert.equal(totals.Observation, 15 + 1 + 10);
    });
  });

  it('a corrected ORU makes a new version of the same Observation and DiagnosticReport', async () => {
    const app = await fresh();
    await post(app, 'oru-r01-all-types');
    const before = await findOne<Observation>(app, 'Observation', GLUCOSE_QUERY);
    const report = await findOne<DiagnosticReport>(app, 'DiagnosticReport', DR_QUERY);
    const totals = await counts(app);
    await post(app, 'oru-r01-correction');
    const after = await findOne<Observation>(app, 'Observation', GLUCOSE_QUERY);
    assert.equal(after.id, before.id);
    assert.equal(Number(after.meta?.versionId), Number(before.meta?.versionId) + 1);
    assert.equal(after.status, 'corrected');
    assert.equal(after.valueQuantity?.value, 105);
    assert.equal(before.valueQuantity?.value, 95);
    const history = await app.request.get(`/fhir/Observation/${after.id}/_history`);
    assert.equal((history.body as Bundle).entry?.length, 2);
    const corrected = await findOne<DiagnosticReport>(app, 'DiagnosticReport', DR_QUERY);
    assert.equal(corrected.id, report.id);
    assert.equal(corrected.status, 'corrected');
    assert.deepEqual(await counts(app), totals);
  });

  it("ORU after ORM: DiagnosticReport.basedOn is the ORM's ServiceRequest, which the ORU leaves as it was", async () => {
    const app = await fresh();
    await post(app, 'orm-o01-new');
    const order = await findOne<ServiceRequest>(app, 'ServiceRequest', SR_QUERY);
    await post(app, 'oru-r01-all-types');
    const report = await findOne<DiagnosticReport>(app, 'DiagnosticReport', DR_QUERY);
    assert.deepEqual(
      report.basedOn?.map((r) => r.reference),
      [`ServiceRequest/${order.id}`],
    );
    const glucose = await findOne<Observation>(app, 'Observation', GLUCOSE_QUERY);
    assert.deepEqual(
      glucose.basedOn?.map((r) => r.reference),
      [`ServiceRequest/${order.id}`],
    );
    const unchanged = await findOne<ServiceRequest>(app, 'ServiceRequest', SR_QUERY);
    assert.equal(unchanged.meta?.versionId, order.meta?.versionId);
    assert.equal(unchanged.identifier?.find((i) => i.type?.coding?.[0]?.code === 'ACSN')?.value, 'ACC-5001');
    const byBasedOn = await app.request.get(`/fhir/DiagnosticReport?based-on=ServiceRequest/${order.id}`);
    assert.equal((byBasedOn.body as Bundle).entry?.length, 1);
    assert.equal((await counts(app)).Patient, 1);
  });

  it('order cancel and status change update the same ServiceRequest', async () => {
    const app = await fresh();
    await post(app, 'orm-o01-new');
    const created = await findOne<ServiceRequest>(app, 'ServiceRequest', SR_QUERY);
    assert.equal(created.status, 'active');
    await post(app, 'orm-o01-status-change');
    await post(app, 'orm-o01-cancel');
    const cancelled = await findOne<ServiceRequest>(app, 'ServiceRequest', SR_QUERY);
    assert.equal(cancelled.id, created.id);
    assert.equal(cancelled.status, 'revoked');
    assert.equal(cancelled.meta?.versionId, '3');
  });

  it('ADT replaces the Patient found by PID-3; order and result PIDs never overwrite it', async () => {
    const app = await fresh();
    await post(app, 'adt-a01-admit');
    const admitted = await findOne<Patient>(app, 'Patient', PATIENT_QUERY);
    await post(app, 'orm-o01-new');
    await post(app, 'oru-r01-all-types');
    const kept = await findOne<Patient>(app, 'Patient', PATIENT_QUERY);
    assert.equal(kept.meta?.versionId, admitted.meta?.versionId);
    assert.deepEqual(kept.address, admitted.address);
    await post(app, 'adt-a08-update');
    const updated = await findOne<Patient>(app, 'Patient', PATIENT_QUERY);
    assert.equal(updated.id, admitted.id);
    assert.equal(updated.name?.[0]?.family, 'Doe-Smith');
    assert.deepEqual(updated.address?.[0]?.line, ['2 Oak Ave']);
    const encounters = await app.request.get(`/fhir/Encounter?subject=Patient/${admitted.id}`);
    assert.equal((encounters.body as Bundle).entry?.length, 1);
  });

  it('ADT^A40 commits the survivor and hands the merge to the pipeline', async () => {
    const app = await fresh();
    await post(app, 'adt-a28-add-person');
    const mapped = map('adt-a40-merge');
    assert.deepEqual(
      mapped.merges.map((m) => [m.survivor.value, m.merged.value]),
      [['MRN12345', 'MRN99999']],
    );
    await post(app, 'adt-a40-merge');
    await findOne<Patient>(app, 'Patient', PATIENT_QUERY);
    await findOne<Patient>(app, 'Patient', 'identifier=urn:tessera:hl7v2:authority:HOSP%7CMRN99999');
  });
});
