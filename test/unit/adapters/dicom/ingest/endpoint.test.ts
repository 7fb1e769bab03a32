// The DICOMweb Endpoint every ImagingStudy names (https://hl7.org/fhir/R4/imagingstudy.html
// ImagingStudy.endpoint; https://hl7.org/fhir/R4/endpoint.html; connection type dicom-wado-rs from
// http://terminology.hl7.org/CodeSystem/endpoint-connection-type), kept current with the base URL,
// on a real SQLite store through the real repository and validator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Endpoint } from '@medplum/fhirtypes';
import {
  DICOMWEB_ENDPOINT_ID,
  dicomwebEndpoint,
  ensureDicomwebEndpoint,
} from '../../../../../adapters/dicom/src/ingest/endpoint';
import { systemAccess } from '../../../../../server/src/context';
import { silentLogger } from '../../../../../server/src/observability/logger';
import { createRepositoryFactory } from '../../../../../server/src/repository/create-repository';
import type { FhirRepository } from '../../../../../server/src/repository/repository';
import { createValidator } from '../../../../../server/src/validation/fhir-validator';
import { openTempSqliteStore } from '../../../../helpers/sqlite-temp';

const validator = createValidator();
let temp: Awaited<ReturnType<typeof openTempSqliteStore>>;
let repo: FhirRepository;

before(async () => {
  temp = await openTempSqliteStore();
  repo = createRepositoryFactory({
    store: temp.store,
    validator,
    baseUrl: () => 'http://tessera.test',
    logger: silentLogger(),
  })(systemAccess);
});

after(async () => {
  await temp.cleanup();
});

describe('dicomwebEndpoint', () => {
  it('is a valid active Endpoint at <base>/dicomweb', () => {
    const endpoint = dicomwebEndpoint('https://pacs.example.org/tessera');
    assert.equal(endpoint.address, 'https://pacs.example.org/tessera/dicomweb');
    assert.equal(endpoint.id, DICOMWEB_ENDPOINT_ID);
    assert.equal(endpoint.connectionType.code, 'dicom-wado-rs');
    assert.deepEqual(validator.validate(endpoint), []);
  });
});

describe('ensureDicomwebEndpoint', () => {
  it('creates the Endpoint once, leaves it alone for the same URL and updates it when the URL changes', async () => {
    const reference = await ensureDicomwebEndpoint(repo, 'http://a.test');
    assert.deepEqual(reference, { reference: `Endpoint/${DICOMWEB_ENDPOINT_ID}` });
    const created = await repo.read<Endpoint>('Endpoint', DICOMWEB_ENDPOINT_ID);
    assert.equal(created.meta?.versionId, '1');
    assert.equal(created.address, 'http://a.test/dicomweb');
    await ensureDicomwebEndpoint(repo, 'http://a.test');
    assert.equal((await repo.read<Endpoint>('Endpoint', DICOMWEB_ENDPOINT_ID)).meta?.versionId, '1');
    await ensureDicomwebEndpoint(repo, 'http://b.test');
    const moved = await repo.read<Endpoint>('Endpoint', DICOMWEB_ENDPOINT_ID);
    assert.equal(moved.meta?.versionId, '2');
    assert.equal(moved.address, 'http://b.test/dicomweb');
  });

  it('reactivates an Endpoint someone switched off, and recreates a deleted one', async () => {
    const current = await repo.read<Endpoint>('Endpoint', DICOMWEB_ENDPOINT_ID);
    await repo.update<Endpoint>({ ...current, status: 'off' });
    await ensureDicomwebEndpoint(repo, 'http://b.test');
    assert.equal((await repo.read<Endpoint>('Endpoint', DICOMWEB_ENDPOINT_ID)).status, 'active');
    await repo.delete('Endpoint', DICOMWEB_ENDPOINT_ID);
    await ensureDicomwebEndpoint(repo, 'http://b.test');
    const back = await repo.read<Endpoint>('Endpoint', DICOMWEB_ENDPOINT_ID);
    assert.equal(back.status, 'active');
    assert.equal(back.address, 'http://b.test/dicomweb');
  });
});
