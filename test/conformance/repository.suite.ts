/**
 * The shared repository conformance suite (STYLE.md habit 4): every Store backend runs it
 * through the real FhirRepository and the real validator. A backend is done when this is green.
 *
 * Covers:
 * - https://hl7.org/fhir/R4/http.html#create, #read, #vread, #update, #patch, #delete, #history,
 *   #ccreate, #cond-update, #cdelete, #transaction (atomicity), versioning (#versioning)
 * - https://hl7.org/fhir/R4/search.html: string, token, reference, date, number, quantity, uri,
 *   composite, modifiers, prefixes, chaining, _has, _include/_revinclude, _sort, _count, _total,
 *   keyset paging, compartment search
 * - SMART scopes and patient compartments enforced by the repository (access control seam)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Encounter, Group, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { systemAccess, type AccessContext } from '../../server/src/context';
import { FhirError } from '../../server/src/errors/outcome';
import { silentLogger } from '../../server/src/observability/logger';
import { createRepositoryFactory, type RepositoryFactory } from '../../server/src/repository/create-repository';
import type { FhirRepository, SearchResult } from '../../server/src/repository/repository';
import type { Store } from '../../server/src/storage/store';
import { createValidator } from '../../server/src/validation/fhir-validator';

/** Makes a fresh, empty, initialized store and a cleanup function. */
export type StoreFactory = () => Promise<{ store: Store; cleanup(): Promise<void> }>;

async function rejectsWith(promise: Promise<unknown>, status: number, issueCode?: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof FhirError, `expected FhirError, got ${String(err)}`);
    assert.equal(err.status, status, JSON.stringify(err.outcome));
    if (issueCode) {
      assert.equal(err.outcome.issue?.[0]?.code, issueCode);
    }
    return true;
  });
}

function ids(result: SearchResult): string[] {
  return result.matches.map((r) => r.id as string);
}

function q(query: string): [string, string][] {
  return [...new URLSearchParams(query)];
}

function patient(family: string, given: string, birthDate: string, extra: Partial<Patient> = {}): Patient {
  return { resourceType: 'Patient', name: [{ family, given: [given] }], birthDate, ...extra };
}

function observation(subject: string, code: string, value: number, extra: Partial<Observation> = {}): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code }] },
    subject: { reference: subject },
    valueQuantity: { value, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
    ...extra,
  };
}

/**
 * Registers the suite for one backend.
 * @param name - backend name for the test titles.
 * @param makeStore - creates a fresh store per suite.
 */
export function describeRepository(name: string, makeStore: StoreFactory): void {
  describe(`repository conformance: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let repoFor: RepositoryFactory;
    let repo: FhirRepository;

    before(async () => {
      ({ store, cleanup } = await makeStore());
      repoFor = createRepositoryFactory({
        store,
        validator: createValidator(),
        baseUrl: () => 'http://tessera.test',
        logger: silentLogger(),
      });
      repo = repoFor(systemAccess);
    });
    after(async () => {
      await cleanup();
    });

    describe('CRUD and versioning', () => {
      it('creates with a server-assigned time-ordered id, version 1 and lastUpdated', async () => {
        const { resource, created } = await repo.create(patient('Create', 'Ann', '1970-01-01'));
        assert.equal(created, true);
        assert.match(resource.id as string, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
        assert.equal(resource.meta?.versionId, '1');
        assert.match(resource.meta?.lastUpdated as string, /\.\d{3}Z$/);
        const second = await repo.create(patient('Create', 'Bob', '1970-01-01'));
        assert.ok((second.resource.id as string) > (resource.id as string), 'ids are time-ordered');
        const read = await repo.read<Patient>('Patient', resource.id as string);
        assert.deepEqual(read, resource);
      });

      it('updates with a new version, keeps history, and vreads old versions', async () => {
        const { resource } = await repo.create(patient('Versioned', 'V', '1980-05-05'));
        const v2 = await repo.update({ ...resource, gender: 'female' });
        assert.equal(v2.created, false);
        assert.equal(v2.resource.meta?.versionId, '2');
        const old = await repo.vread<Patient>('Patient', resource.id as string, '1');
        assert.equal(old.gender, undefined);
        const history = await repo.history({ resourceType: 'Patient', id: resource.id, params: [] });
        assert.deepEqual(
          history.entry?.map((e) => e.response?.etag),
          ['W/"2"', 'W/"1"'],
        );
      });

      it('update-as-create with a client id, and If-Match conflicts give 412', async () => {
        const { created, resource } = await repo.update(patient('Client', 'Id', '1990-01-01', { id: 'client-id-1' }));
        assert.equal(created, true);
        assert.equal(resource.meta?.versionId, '1');
        await rejectsWith(repo.update({ ...resource, gender: 'male' }, { ifMatch: 7 }), 412, 'conflict');
        const ok = await repo.update({ ...resource, gender: 'male' }, { ifMatch: 1 });
        assert.equal(ok.resource.meta?.versionId, '2');
      });

      it('patches with JSON Patch and rejects failing or invalid patches', async () => {
        const { resource } = await repo.create(patient('Patch', 'P', '1960-02-02'));
        const patched = await repo.patch<Patient>('Patient', resource.id as string, [
          { op: 'add', path: '/gender', value: 'other' },
        ]);
        assert.equal(patched.gender, 'other');
        assert.equal(patched.meta?.versionId, '2');
        await rejectsWith(
          repo.patch('Patient', resource.id as string, [{ op: 'test', path: '/gender', value: 'male' }]),
          422,
        );
        await rejectsWith(
          repo.patch('Patient', resource.id as string, [{ op: 'replace', path: '/gender', value: 'banana' }]),
          422,
          'code-invalid',
        );
        await rejectsWith(
          repo.patch('Patient', resource.id as string, [{ op: 'add', path: '/active', value: true }], { ifMatch: 1 }),
          412,
        );
      });

      it('deletes softly: read gives 410, history keeps the versions, delete is idempotent', async () => {
        const { resource } = await repo.create(patient('Delete', 'D', '1950-03-03'));
        await repo.delete('Patient', resource.id as string);
        await rejectsWith(repo.read('Patient', resource.id as string), 410, 'deleted');
        await repo.delete('Patient', resource.id as string);
        const history = await repo.history({ resourceType: 'Patient', id: resource.id, params: [] });
        assert.equal(history.entry?.length, 2);
        assert.equal(history.entry?.[0]?.request?.method, 'DELETE');
        assert.equal(history.entry?.[0]?.resource, undefined);
        const found = await repo.search({ resourceType: 'Patient', params: q('family=Delete') });
        assert.equal(found.matches.length, 0);
      });

      it('rejects unknown ids (404), unknown types (404) and invalid resources (422 with expression)', async () => {
        await rejectsWith(repo.read('Patient', 'does-not-exist'), 404, 'not-found');
        await rejectsWith(repo.read('Banana' as 'Patient', 'x'), 404);
        await assert.rejects(
          repo.create({ resourceType: 'Patient', gender: 'banana' } as unknown as Patient),
          (err: unknown) => {
            assert.ok(err instanceof FhirError);
            assert.equal(err.status, 422);
            assert.ok(err.outcome.issue?.some((i) => i.expression?.includes('Patient.gender')));
            return true;
          },
        );
        await rejectsWith(
          repo.create({ resourceType: 'Observation', status: 'bogus', code: { text: 'x' } } as unknown as Observation),
          422,
        );
      });

      it('conditional create, update and delete', async () => {
        const identifier = [{ system: 'urn:mrn', value: 'COND-1' }];
        const first = await repo.create(patient('Cond', 'C', '1999-09-09', { identifier }), {
          ifNoneExist: 'identifier=urn:mrn|COND-1',
        });
        const again = await repo.create(patient('Cond', 'C', '1999-09-09', { identifier }), {
          ifNoneExist: 'identifier=urn:mrn|COND-1',
        });
        assert.equal(again.created, false);
        assert.equal(again.resource.id, first.resource.id);
        const updated = await repo.conditionalUpdate(
          patient('Cond', 'Changed', '1999-09-09', { identifier }),
          'identifier=urn:mrn|COND-1',
        );
        assert.equal(updated.resource.id, first.resource.id);
        assert.equal(updated.resource.meta?.versionId, '2');
        const createdByUpdate = await repo.conditionalUpdate(
          patient('Cond', 'New', '1999-09-09', { identifier: [{ system: 'urn:mrn', value: 'COND-2' }] }),
          'identifier=urn:mrn|COND-2',
        );
        assert.equal(createdByUpdate.created, true);
        await repo.create(patient('Twin', 'A', '2000-01-01', { identifier: [{ system: 'urn:mrn', value: 'TWIN' }] }));
        await repo.create(patient('Twin', 'B', '2000-01-01', { identifier: [{ system: 'urn:mrn', value: 'TWIN' }] }));
        await rejectsWith(repo.conditionalDelete('Patient', 'identifier=urn:mrn|TWIN'), 412, 'multiple-matches');
        assert.equal(await repo.conditionalDelete('Patient', 'identifier=urn:mrn|COND-2'), 1);
        await rejectsWith(repo.read('Patient', createdByUpdate.resource.id as string), 410);
      });
    });

    describe('transactions', () => {
      it('commits everything or nothing', async () => {
        await assert.rejects(
          repo.withTransaction(async (tx) => {
            await tx.create(patient('Atomic', 'One', '2001-01-01'));
            await tx.create({ resourceType: 'Patient', gender: 'banana' } as unknown as Patient);
          }),
        );
        const none = await repo.search({ resourceType: 'Patient', params: q('family=Atomic') });
        assert.equal(none.matches.length, 0);
        await repo.withTransaction(async (tx) => {
          const p = await tx.create(patient('Atomic', 'Two', '2001-01-01'));
          const seen = await tx.search({ resourceType: 'Patient', params: q(`_id=${p.resource.id}`) });
          assert.equal(seen.matches.length, 1, 'a transaction sees its own writes');
          await tx.create(observation(`Patient/${p.resource.id}`, 'ATOM-1', 1));
        });
        const both = await repo.search({
          resourceType: 'Observation',
          params: q('code=ATOM-1&_include=Observation:subject'),
        });
        assert.equal(both.matches.length, 1);
        assert.equal(both.included.length, 1);
      });

      it('serializes concurrent writers without lost updates', async () => {
        const { resource } = await repo.create(patient('Concurrent', 'C', '1985-01-01'));
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            repo.patch('Patient', resource.id as string, [{ op: 'add', path: '/name/0/given/-', value: `G${i}` }]),
          ),
        );
        const final = await repo.read<Patient>('Patient', resource.id as string);
        assert.equal(final.meta?.versionId, '11');
        assert.equal(final.name?.[0]?.given?.length, 11);
      });
    });

    describe('search', () => {
      let alice: Patient;
      let bob: Patient;
      let org: Resource;
      before(async () => {
        org = (await repo.create({ resourceType: 'Organization', name: 'Saint Search Hospital' })).resource;
        alice = (
          await repo.create(
            patient('Searchlight', 'Alice', '1980-06-15', {
              gender: 'female',
              identifier: [{ system: 'urn:mrn', value: 'S-ALICE' }],
              managingOrganization: { reference: `Organization/${org.id}` },
              address: [{ city: 'Zürich' }],
            }),
          )
        ).resource;
        bob = (
          await repo.create(
            patient('Searchlight', 'Bob', '1992-11-30', {
              gender: 'male',
              identifier: [{ system: 'urn:mrn', value: 'S-BOB' }],
            }),
          )
        ).resource;
        for (const [who, code, value, date] of [
          [alice, 'SRCH-1', 5.4, '2024-01-10T10:00:00Z'],
          [alice, 'SRCH-1', 7.9, '2024-02-10T10:00:00Z'],
          [alice, 'SRCH-2', 120, '2024-03-10T10:00:00Z'],
          [bob, 'SRCH-1', 6.1, '2024-04-10T10:00:00Z'],
        ] as const) {
          await repo.create(observation(`Patient/${who.id}`, code, value, { effectiveDateTime: date }));
        }
      });

      it('string: default starts-with, case- and accent-insensitive; :exact; :contains', async () => {
        assert.equal((await repo.search({ resourceType: 'Patient', params: q('family=searchl') })).matches.length, 2);
        assert.deepEqual(ids(await repo.search({ resourceType: 'Patient', params: q('address-city=zurich') })), [
          alice.id,
        ]);
        assert.equal(
          (await repo.search({ resourceType: 'Patient', params: q('family:exact=searchlight') })).matches.length,
          0,
        );
        assert.equal(
          (await repo.search({ resourceType: 'Patient', params: q('family:exact=Searchlight') })).matches.length,
          2,
        );
        assert.equal(
          (await repo.search({ resourceType: 'Patient', params: q('family:contains=chlig') })).matches.length,
          2,
        );
      });

      it('token: system|code, |code-less forms, :not, OR with commas, AND with repeats', async () => {
        assert.deepEqual(ids(await repo.search({ resourceType: 'Patient', params: q('identifier=urn:mrn|S-ALICE') })), [
          alice.id,
        ]);
        assert.deepEqual(ids(await repo.search({ resourceType: 'Patient', params: q('identifier=S-BOB') })), [bob.id]);
        assert.equal(
          (await repo.search({ resourceType: 'Patient', params: q('identifier=urn:other|S-BOB') })).matches.length,
          0,
        );
        assert.deepEqual(
          ids(await repo.search({ resourceType: 'Patient', params: q('family=Searchlight&gender:not=male') })),
          [alice.id],
        );
        assert.equal(
          (await repo.search({ resourceType: 'Patient', params: q('identifier=urn:mrn|S-ALICE,urn:mrn|S-BOB') }))
            .matches.length,
          2,
        );
        assert.equal(
          (await repo.search({ resourceType: 'Patient', params: q('family=Searchlight&gender=male&gender=female') }))
            .matches.length,
          0,
        );
      });

      it('reference, chaining (two levels) and _has', async () => {
        const bySubject = await repo.search({
          resourceType: 'Observation',
          params: q(`subject=Patient/${alice.id}&code=http://loinc.org|SRCH-1`),
        });
        assert.equal(bySubject.matches.length, 2);
        const chained = await repo.search({
          resourceType: 'Observation',
          params: q('subject:Patient.identifier=urn:mrn|S-BOB'),
        });
        assert.equal(chained.matches.length, 1);
        const twoLevels = await repo.search({
          resourceType: 'Observation',
          params: q('subject:Patient.organization.name=saint search'),
        });
        assert.equal(twoLevels.matches.length, 3);
        const has = await repo.search({ resourceType: 'Patient', params: q('_has:Observation:subject:code=SRCH-2') });
        assert.deepEqual(ids(has), [alice.id]);
      });

      it('derived parameters (patient, phonetic, combo-*) search through the entries they derive from', async () => {
        const byPatient = await repo.search({
          resourceType: 'Observation',
          params: q(`patient=${alice.id}&code=SRCH-1`),
        });
        assert.equal(byPatient.matches.length, 2);
        const typed = await repo.search({ resourceType: 'Observation', params: q(`patient=Patient/${bob.id}`) });
        assert.equal(typed.matches.length, 1);
        const group = (await repo.create<Group>({ resourceType: 'Group', type: 'person', actual: true })).resource;
        await repo.create(observation(`Group/${group.id}`, 'SRCH-GRP', 1));
        assert.equal(
          (await repo.search({ resourceType: 'Observation', params: q('code=SRCH-GRP') })).matches.length,
          1,
        );
        assert.equal(
          (await repo.search({ resourceType: 'Observation', params: q(`code=SRCH-GRP&patient=${group.id}`) })).matches
            .length,
          0,
          'patient only matches subjects that are Patients',
        );
        const chained = await repo.search({
          resourceType: 'Observation',
          params: q('patient.identifier=urn:mrn|S-BOB'),
        });
        assert.equal(chained.matches.length, 1);
        const has = await repo.search({ resourceType: 'Patient', params: q('_has:Observation:patient:code=SRCH-2') });
        assert.deepEqual(ids(has), [alice.id]);
        assert.deepEqual(ids(await repo.search({ resourceType: 'Patient', params: q('phonetic=searchl&given=bob') })), [
          bob.id,
        ]);
        const carol = (await repo.create(patient('Panel', 'Carol', '1975-05-05'))).resource;
        const bp = await repo.create(
          observation(`Patient/${carol.id}`, 'SRCH-PANEL', 1, {
            component: [
              { code: { coding: [{ system: 'http://loinc.org', code: 'SRCH-COMP' }] }, valueQuantity: { value: 142 } },
            ],
          }),
        );
        const combo = await repo.search({ resourceType: 'Observation', params: q('combo-code=SRCH-COMP') });
        assert.deepEqual(ids(combo), [bp.resource.id]);
        assert.equal(
          (await repo.search({ resourceType: 'Observation', params: q('combo-code=SRCH-PANEL') })).matches.length,
          1,
        );
        assert.equal(
          (await repo.search({ resourceType: 'Observation', params: q('combo-value-quantity=142') })).matches.length,
          1,
        );
        const encounter = (
          await repo.create<Encounter>({
            resourceType: 'Encounter',
            status: 'finished',
            class: { code: 'AMB' },
            subject: { reference: `Patient/${bob.id}` },
          })
        ).resource;
        const inCompartment = await repo.search({
          resourceType: 'Encounter',
          params: [],
          compartment: { resourceType: 'Patient', id: bob.id as string },
        });
        assert.deepEqual(ids(inCompartment), [encounter.id]);
      });

      it('date and quantity prefixes with range semantics; composite', async () => {
        assert.equal(
          (await repo.search({ resourceType: 'Patient', params: q('family=Searchlight&birthdate=ge1990') })).matches
            .length,
          1,
        );
        assert.equal(
          (await repo.search({ resourceType: 'Patient', params: q('family=Searchlight&birthdate=1980-06') })).matches
            .length,
          1,
        );
        assert.equal(
          (await repo.search({ resourceType: 'Patient', params: q('family=Searchlight&birthdate=lt1980-06-15') }))
            .matches.length,
          0,
        );
        const obs = (p: string): Promise<SearchResult> =>
          repo.search({ resourceType: 'Observation', params: q(`code=SRCH-1,SRCH-2&${p}`) });
        assert.equal((await obs('date=ge2024-02-01&date=lt2024-04-01')).matches.length, 2);
        assert.equal((await obs('value-quantity=gt7')).matches.length, 2);
        assert.equal((await obs('value-quantity=5.4')).matches.length, 1);
        assert.equal((await obs('value-quantity=ap6')).matches.length, 2);
        assert.equal((await obs('value-quantity=lt100|http://unitsofmeasure.org|mg/dL')).matches.length, 3);
        assert.equal((await obs('code-value-quantity=http://loinc.org|SRCH-1$gt7')).matches.length, 1);
      });

      it(':missing, _id, _lastUpdated', async () => {
        const missing = await repo.search({
          resourceType: 'Patient',
          params: q('family=Searchlight&organization:missing=true'),
        });
        assert.deepEqual(ids(missing), [bob.id]);
        assert.deepEqual(ids(await repo.search({ resourceType: 'Patient', params: q(`_id=${bob.id}`) })), [bob.id]);
        const since = new Date(Date.parse(alice.meta?.lastUpdated as string) - 1000).toISOString();
        assert.equal(
          (await repo.search({ resourceType: 'Patient', params: q(`family=Searchlight&_lastUpdated=gt${since}`) }))
            .matches.length,
          2,
        );
      });

      it('_sort on several keys, _total, _include and _revinclude', async () => {
        const sorted = await repo.search({ resourceType: 'Patient', params: q('family=Searchlight&_sort=-birthdate') });
        assert.deepEqual(ids(sorted), [bob.id, alice.id]);
        const sorted2 = await repo.search({
          resourceType: 'Observation',
          params: q('code=SRCH-1&_sort=subject,-date&_total=accurate'),
        });
        assert.equal(sorted2.total, 3);
        const values = sorted2.matches.map((o) => (o as Observation).valueQuantity?.value);
        const expected = [...values].sort();
        assert.equal(values.length, expected.length);
        const withInclude = await repo.search({
          resourceType: 'Observation',
          params: q('code=SRCH-2&_include=Observation:subject'),
        });
        assert.deepEqual(
          withInclude.included.map((r) => r.id),
          [alice.id],
        );
        const rev = await repo.search({
          resourceType: 'Patient',
          params: q(`_id=${alice.id}&_revinclude=Observation:subject&_include=Patient:organization`),
        });
        assert.equal(rev.included.filter((r) => r.resourceType === 'Observation').length, 3);
        assert.equal(rev.included.filter((r) => r.resourceType === 'Organization').length, 1);
      });

      it('keyset paging: next/previous cursors stay correct while data changes', async () => {
        for (let i = 0; i < 7; i++) {
          await repo.create(patient('Pager', `P${i}`, `200${i}-01-01`));
        }
        const seen: string[] = [];
        let page = await repo.search({ resourceType: 'Patient', params: q('family=Pager&_count=3') });
        seen.push(...ids(page));
        let inserted = false;
        while (page.next) {
          if (!inserted) {
            await repo.create(patient('Pager', 'Late', '2010-01-01'));
            inserted = true;
          }
          page = await repo.search({
            resourceType: 'Patient',
            params: q(`family=Pager&_count=3&_cursor=${page.next}`),
          });
          seen.push(...ids(page));
        }
        assert.equal(new Set(seen).size, seen.length, 'no duplicates');
        assert.equal(seen.length, 8, 'the 7 originals plus the one created later (it sorts last by id)');
        assert.ok(page.previous);
        const back = await repo.search({
          resourceType: 'Patient',
          params: q(`family=Pager&_count=3&_cursor=${page.previous}`),
        });
        assert.deepEqual(ids(back), seen.slice(seen.length - 2 - 3, seen.length - 2));
      });

      it('compartment search', async () => {
        const result = await repo.search({
          resourceType: 'Observation',
          params: q('code=SRCH-1'),
          compartment: { resourceType: 'Patient', id: alice.id as string },
        });
        assert.equal(result.matches.length, 2);
      });

      it('unknown parameters: warning by default, 400 when strict', async () => {
        const lenient = await repo.search({ resourceType: 'Patient', params: q('family=Searchlight&banana=1') });
        assert.equal(lenient.matches.length, 2);
        assert.ok(lenient.warnings.length > 0);
        await rejectsWith(repo.search({ resourceType: 'Patient', params: q('banana=1'), strict: true }), 400);
      });
    });

    describe('access control', () => {
      it('patient-scoped callers only see and write their own compartment, including via _include', async () => {
        const mine = (await repo.create(patient('Scoped', 'Mine', '1970-01-01'))).resource;
        const other = (await repo.create(patient('Scoped', 'Other', '1970-01-01'))).resource;
        const myObs = (await repo.create(observation(`Patient/${mine.id}`, 'SCOPE-1', 1))).resource;
        const otherObs = (await repo.create(observation(`Patient/${other.id}`, 'SCOPE-1', 2))).resource;
        const access: AccessContext = { subject: 'Patient/x', scopes: ['patient/*.rs'], patient: mine.id };
        const scoped = repoFor(access);
        const found = await scoped.search({
          resourceType: 'Observation',
          params: q('code=SCOPE-1&_include=Observation:subject'),
        });
        assert.deepEqual(ids(found), [myObs.id]);
        assert.deepEqual(
          found.included.map((r) => r.id),
          [mine.id],
        );
        await rejectsWith(scoped.read('Observation', otherObs.id as string), 404);
        await rejectsWith(scoped.create(observation(`Patient/${mine.id}`, 'SCOPE-2', 1)), 403, 'forbidden');
        const readOnlyObs = repoFor({ subject: 'client', scopes: ['system/Observation.rs'] });
        await rejectsWith(readOnlyObs.read('Patient', mine.id as string), 403);
        assert.equal((await readOnlyObs.read('Observation', myObs.id as string)).id, myObs.id);
      });
    });
  });
}
