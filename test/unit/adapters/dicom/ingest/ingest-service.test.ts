// DicomIngestService over a real SQLite store, the real repository and validator, and a real
// FileBlobStore: a stored Part-10 file becomes an index row, an ImagingStudy (with its Patient and
// the ServiceRequest of its accession) and an inference job in one transaction, or a rejection
// with a DIMSE status kept in the rejection log.
// Covers: PS3.4 B.2.3 (statuses 0xC000, 0xA900, 0xA700; success only once durable; a re-sent
// SOP Instance stores nothing twice), PS3.18 10.5.3.2 (STOW-RS target study), R4 ImagingStudy
// (https://hl7.org/fhir/R4/imagingstudy.html: identifier urn:dicom:uid, subject, basedOn,
// endpoint, numberOfSeries/numberOfInstances, series.instance), v2-0203 ACSN accession identifier.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ImagingStudy, Patient, ServiceRequest } from '@medplum/fhirtypes';
import pino from 'pino';
import { openBlobIntake } from '../../../../../adapters/dicom/src/ingest/blob-intake';
import { ensureDicomwebEndpoint } from '../../../../../adapters/dicom/src/ingest/endpoint';
import {
  DicomIngestService,
  INFERENCE_TOPIC,
  type InferenceJobPayload,
} from '../../../../../adapters/dicom/src/ingest/ingest-service';
import { imagingStudyIdOf } from '../../../../../adapters/dicom/src/ingest/study-resources';
import {
  ingestArriving,
  type ArrivingInstance,
  type IngestOutcome,
  type ReceivedInstance,
} from '../../../../../adapters/dicom/src/ingest/types';
import { accessionIdentifier, dicomMappingConfig } from '../../../../../adapters/dicom/src/mapping';
import { systemAccess } from '../../../../../server/src/context';
import type { DicomRejectionRow } from '../../../../../server/src/durable/dicom-index';
import { silentLogger } from '../../../../../server/src/observability/logger';
import { createRepositoryFactory } from '../../../../../server/src/repository/create-repository';
import type { FhirRepository } from '../../../../../server/src/repository/repository';
import { FileBlobStore } from '../../../../../server/src/storage/files/file-blob-store';
import type { SqliteStore } from '../../../../../server/src/storage/sqlite/sqlite-store';
import { createValidator } from '../../../../../server/src/validation/fhir-validator';
import {
  ctSeries,
  decodePart10,
  encodePart10,
  generateCorpus,
  TransferSyntax,
  type CorpusEntry,
  type CorpusManifest,
} from '../../../../fixtures/dicom/corpus';
import type { NaturalDataset } from '../../../../fixtures/dicom/dcmjs-api';
import { openTempSqliteStore } from '../../../../helpers/sqlite-temp';

/** The HL7 adapter's default accession system (adapters/hl7/src/mapping/config.ts). */
const HL7_ACCESSION_SYSTEM = dicomMappingConfig().accessionSystem;
const validator = createValidator();

interface Harness {
  readonly store: SqliteStore;
  readonly repo: FhirRepository;
  readonly blobs: FileBlobStore;
  readonly service: DicomIngestService;
  readonly outcomes: { outcome: IngestOutcome; ms: number; source: string }[];
  cleanup(): Promise<void>;
}

async function openHarness(blobDir: string): Promise<Harness> {
  const temp = await openTempSqliteStore();
  const repo = createRepositoryFactory({
    store: temp.store,
    validator,
    baseUrl: () => 'http://tessera.test',
    logger: silentLogger(),
  })(systemAccess);
  const blobs = new FileBlobStore(blobDir, { sync: false });
  const endpoint = await ensureDicomwebEndpoint(repo, 'http://tessera.test');
  const outcomes: Harness['outcomes'] = [];
  const service = new DicomIngestService({
    repo,
    index: temp.store.records.dicom,
    blobs,
    mapping: dicomMappingConfig(),
    endpoint,
    logger: pino({ level: 'silent' }),
    onOutcome: (outcome, ms, source) => outcomes.push({ outcome, ms, source }),
  });
  return { store: temp.store, repo, blobs, service, outcomes, cleanup: () => temp.cleanup() };
}

let dir = '';
let manifest: CorpusManifest;
let h: Harness;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-ingest-'));
  manifest = await generateCorpus(join(dir, 'corpus'), { radiographs: 0, smallSize: 64, ctSlices: 4, ctSize: 64 });
  h = await openHarness(join(dir, 'blobs'));
});

after(async () => {
  await h.cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function corpusFile(entry: CorpusEntry): Promise<Buffer> {
  return readFile(join(dir, 'corpus', entry.path));
}

/** Stores the bytes and describes them as a receiver does. */
async function receive(
  harness: Harness,
  bytes: Buffer,
  extra: Partial<Pick<ReceivedInstance, 'declared' | 'expectedStudyUid' | 'source'>> = {},
): Promise<ReceivedInstance> {
  const blob = await harness.blobs.put(bytes);
  return { blob, head: bytes.subarray(0, 256 * 1024), tail: bytes.subarray(-64), source: 'dicom://CT1', ...extra };
}

function stored(outcome: IngestOutcome): Extract<IngestOutcome, { kind: 'stored' }> {
  assert.equal(outcome.kind, 'stored', JSON.stringify(outcome));
  return outcome as Extract<IngestOutcome, { kind: 'stored' }>;
}

function rejected(outcome: IngestOutcome): Extract<IngestOutcome, { kind: 'rejected' }> {
  assert.equal(outcome.kind, 'rejected', JSON.stringify(outcome));
  return outcome as Extract<IngestOutcome, { kind: 'rejected' }>;
}

async function patientsWith(repo: FhirRepository, patientId: string): Promise<readonly Patient[]> {
  const result = await repo.search({ resourceType: 'Patient', params: [['identifier', patientId]] });
  return result.matches as Patient[];
}

async function jobsOf(harness: Harness, studyUid: string): Promise<InferenceJobPayload[]> {
  const jobs = await harness.store.records.queue.list({ topic: INFERENCE_TOPIC, limit: 1000 });
  return jobs.map((j) => j.payload as InferenceJobPayload).filter((p) => p.studyUid === studyUid);
}

function instanceUids(study: ImagingStudy): string[] {
  return (study.series ?? []).flatMap((s) => (s.instance ?? []).map((i) => i.uid)).sort();
}

/** A small CT series of its own study. */
function series(slices: number, options: { patientId: string; issuer?: string; accessionNumber?: string }): Buffer[] {
  return ctSeries({ slices, rows: 32, columns: 32, ...options }).map((ds: NaturalDataset) =>
    encodePart10(ds, TransferSyntax.explicitLittle),
  );
}

describe('DicomIngestService.ingest: rejections', () => {
  it('rejects every broken corpus file with its expected status and records it in the rejection log', async () => {
    const broken = manifest.files.filter((f) => !f.valid);
    const before = (await h.store.records.dicom.listRejections({ limit: 1000 })).length;
    const rows: DicomRejectionRow[] = [];
    for (const entry of broken) {
      const received = await receive(h, await corpusFile(entry));
      const outcome = rejected(await h.service.ingest(received));
      assert.equal(outcome.status, entry.expectedStatus, `${entry.path}: ${outcome.reason}`);
      const [row] = await h.store.records.dicom.listRejections({ limit: 1 });
      assert.ok(row);
      assert.equal(row.sha256, received.blob.sha256, entry.path);
      assert.equal(row.size, received.blob.size);
      assert.equal(row.status, entry.expectedStatus);
      assert.equal(row.reason, outcome.reason);
      assert.equal(row.source, 'dicom://CT1');
      rows.push(row);
      if (entry.sopInstanceUid !== null) {
        assert.equal(await h.store.records.dicom.getInstance(entry.sopInstanceUid), undefined, entry.path);
      }
    }
    assert.equal((await h.store.records.dicom.listRejections({ limit: 1000 })).length, before + broken.length);
    const truncated = broken.find((f) => f.reason === 'truncated-pixel-data');
    assert.ok(truncated?.studyInstanceUid);
    assert.equal((await jobsOf(h, truncated.studyInstanceUid)).length, 0);
    const studies = await h.repo.search({
      resourceType: 'ImagingStudy',
      params: [['identifier', `urn:dicom:uid|urn:oid:${truncated.studyInstanceUid}`]],
    });
    assert.equal(studies.matches.length, 0, 'no ImagingStudy for a refused instance');
    assert.equal((await patientsWith(h.repo, 'TESSERA-BROKEN')).length, 0);
  });

  it('refuses a data set other than the C-STORE command names, and one outside the STOW-RS target study (0xA900)', async () => {
    const [file] = series(1, { patientId: 'MISMATCH-1' });
    assert.ok(file);
    const { dataset } = decodePart10(file);
    const sopInstanceUid = String(dataset.SOPInstanceUID);
    const declared = { sopClassUid: String(dataset.SOPClassUID), sopInstanceUid: `${sopInstanceUid}.1` };
    const cStore = rejected(await h.service.ingest(await receive(h, file, { declared })));
    assert.equal(cStore.status, 0xa900);
    assert.equal(cStore.sopInstanceUid, sopInstanceUid);
    const stow = rejected(
      await h.service.ingest(await receive(h, file, { source: 'dicomweb', expectedStudyUid: '1.2.3' })),
    );
    assert.equal(stow.status, 0xa900);
    const [row] = await h.store.records.dicom.listRejections({ limit: 1 });
    assert.equal(row?.status, 0xa900);
    assert.equal(row?.source, 'dicomweb');
    assert.equal(row?.sopInstanceUid, sopInstanceUid);
    assert.equal(row?.sopClassUid, dataset.SOPClassUID);
    assert.equal(await h.store.records.dicom.getInstance(sopInstanceUid), undefined);
  });
});

describe('DicomIngestService.ingest: a CT series', () => {
  let slices: CorpusEntry[] = [];
  let studyUid = '';
  let order: ServiceRequest;
  let first: ImagingStudy;

  before(async () => {
    slices = manifest.files.filter((f) => f.kind === 'ct');
    studyUid = slices[0]?.studyInstanceUid ?? '';
    const patient = await h.repo.create<Patient>({
      resourceType: 'Patient',
      identifier: [{ system: 'urn:tessera:hl7v2:authority:RIS', value: 'RIS-ONLY' }],
    });
    const created = await h.repo.create<ServiceRequest>({
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: `Patient/${patient.resource.id ?? ''}` },
      identifier: [accessionIdentifier(slices[0]?.accessionNumber ?? '', HL7_ACCESSION_SYSTEM)],
    });
    order = created.resource;
  });

  it('stores every slice into one ImagingStudy linked to a new Patient, the order and the endpoint', async () => {
    assert.equal(slices.length, 4);
    for (const entry of slices) {
      const outcome = stored(await h.service.ingest(await receive(h, await corpusFile(entry))));
      assert.equal(outcome.created, true);
      assert.equal(outcome.imagingStudyId, imagingStudyIdOf(studyUid));
      assert.equal(outcome.uids.sopInstanceUid, entry.sopInstanceUid);
    }
    first = await h.repo.read<ImagingStudy>('ImagingStudy', imagingStudyIdOf(studyUid));
    assert.deepEqual(instanceUids(first), slices.map((s) => s.sopInstanceUid).sort());
    assert.equal(first.series?.length, 1);
    assert.equal(first.numberOfSeries, 1);
    assert.equal(first.numberOfInstances, 4);
    assert.equal(first.series?.[0]?.numberOfInstances, 4);
    assert.ok(first.identifier?.some((i) => i.system === 'urn:dicom:uid' && i.value === `urn:oid:${studyUid}`));
    assert.deepEqual(first.basedOn, [{ reference: `ServiceRequest/${order.id ?? ''}` }]);
    assert.deepEqual(first.endpoint, [{ reference: 'Endpoint/tessera-dicomweb' }]);
    const patients = await patientsWith(h.repo, slices[0]?.patientId ?? '');
    assert.equal(patients.length, 1, 'the Patient is created once');
    assert.equal(first.subject.reference, `Patient/${patients[0]?.id ?? ''}`);
    assert.equal(first.meta?.versionId, '4', 'one version per instance');
    assert.deepEqual(validator.validate(first), [], 'clean: warnings would defeat the repeated-element memo');
  });

  it('indexes every instance and queues one inference job per image', async () => {
    const rows = await h.store.records.dicom.listInstances(studyUid);
    assert.deepEqual(rows.map((r) => r.sopInstanceUid).sort(), slices.map((s) => s.sopInstanceUid).sort());
    const jobs = await jobsOf(h, studyUid);
    assert.deepEqual(jobs.map((j) => j.sopInstanceUid).sort(), slices.map((s) => s.sopInstanceUid).sort());
    for (const job of jobs) {
      const row = rows.find((r) => r.sopInstanceUid === job.sopInstanceUid);
      assert.equal(job.sha256, row?.sha256);
      assert.equal(job.imagingStudy, `ImagingStudy/${imagingStudyIdOf(studyUid)}`);
      assert.equal(job.modality, 'CT');
      assert.notEqual(await h.blobs.stat(job.sha256), undefined);
    }
  });

  it('stores nothing for a re-sent instance, and warns when its bytes differ', async () => {
    const entry = slices[1];
    assert.ok(entry);
    const bytes = await corpusFile(entry);
    const again = stored(await h.service.ingest(await receive(h, bytes)));
    assert.equal(again.created, false);
    assert.deepEqual(again.warnings, []);
    assert.equal(again.imagingStudyId, imagingStudyIdOf(studyUid));
    const changed = Buffer.from(bytes);
    changed[changed.length - 1] = (changed[changed.length - 1] ?? 0) ^ 0xff; // one pixel byte
    const other = stored(await h.service.ingest(await receive(h, changed)));
    assert.equal(other.created, false);
    assert.equal(other.warnings.length, 1);
    const study = await h.repo.read<ImagingStudy>('ImagingStudy', imagingStudyIdOf(studyUid));
    assert.equal(study.meta?.versionId, first.meta?.versionId, 'ImagingStudy unchanged');
    assert.equal((await jobsOf(h, studyUid)).length, slices.length);
    assert.equal((await h.store.records.dicom.listInstances(studyUid)).length, slices.length);
    const row = await h.store.records.dicom.getInstance(entry.sopInstanceUid ?? '');
    assert.notEqual(row?.sha256, (await h.blobs.put(changed)).sha256, 'the first copy stays indexed');
  });

  it('reuses the Patient for a second study with the same Patient ID and issuer', async () => {
    const { dataset } = decodePart10(await corpusFile(slices[0] as CorpusEntry));
    const files = series(2, { patientId: String(dataset.PatientID), issuer: String(dataset.IssuerOfPatientID) });
    const outcomes = [];
    for (const file of files) {
      outcomes.push(stored(await h.service.ingest(await receive(h, file))));
    }
    const second = await h.repo.read<ImagingStudy>('ImagingStudy', outcomes[0]?.imagingStudyId ?? '');
    assert.notEqual(second.id, first.id);
    assert.equal(second.numberOfInstances, 2);
    assert.equal(second.subject.reference, first.subject.reference);
    assert.equal((await patientsWith(h.repo, String(dataset.PatientID))).length, 1);
  });
});

describe('DicomIngestService.ingest: concurrency', () => {
  it('builds one ImagingStudy and one Patient from instances of a new study ingested at once', async () => {
    const files = series(6, { patientId: 'CONCURRENT-1', accessionNumber: 'ACC-CONC' });
    const received = await Promise.all(files.map((f) => receive(h, f)));
    const outcomes = (await Promise.all(received.map((r) => h.service.ingest(r)))).map(stored);
    assert.ok(outcomes.every((o) => o.created));
    assert.equal(new Set(outcomes.map((o) => o.imagingStudyId)).size, 1);
    const study = await h.repo.read<ImagingStudy>('ImagingStudy', outcomes[0]?.imagingStudyId ?? '');
    assert.deepEqual(instanceUids(study), outcomes.map((o) => o.uids.sopInstanceUid).sort());
    assert.equal(study.numberOfInstances, 6);
    // Instances arriving while their study commits join one batch: fewer versions than instances.
    assert.ok(Number(study.meta?.versionId) < 6, `version ${study.meta?.versionId ?? ''}`);
    const patients = await patientsWith(h.repo, 'CONCURRENT-1');
    assert.equal(patients.length, 1);
    assert.equal(study.subject.reference, `Patient/${patients[0]?.id ?? ''}`);
    assert.equal((await jobsOf(h, outcomes[0]?.uids.studyUid ?? '')).length, 6);
    const all = await h.repo.search({
      resourceType: 'ImagingStudy',
      params: [['identifier', `urn:dicom:uid|urn:oid:${outcomes[0]?.uids.studyUid ?? ''}`]],
    });
    assert.equal(all.matches.length, 1);
  });

  it('stores a re-sent instance once when both copies arrive at once', async () => {
    const [file] = series(1, { patientId: 'CONCURRENT-2' });
    assert.ok(file);
    const outcomes = (
      await Promise.all(
        [receive(h, file), receive(h, file), receive(h, file)].map(async (r) => h.service.ingest(await r)),
      )
    ).map(stored);
    assert.equal(outcomes.filter((o) => o.created).length, 1);
    const study = await h.repo.read<ImagingStudy>('ImagingStudy', outcomes[0]?.imagingStudyId ?? '');
    assert.equal(study.numberOfInstances, 1);
    assert.equal((await jobsOf(h, outcomes[0]?.uids.studyUid ?? '')).length, 1);
  });

  it('reports every outcome with its duration and source', () => {
    assert.ok(h.outcomes.length > 0);
    assert.ok(h.outcomes.every((o) => o.ms >= 0 && o.source.length > 0));
    assert.ok(
      h.outcomes.some((o) => o.outcome.kind === 'rejected') && h.outcomes.some((o) => o.outcome.kind === 'stored'),
    );
  });
});

describe('DicomIngestService.ingestArriving', () => {
  /** Feeds the bytes through a real intake (head of `headBytes`), as the C-STORE receiver does. */
  function arriving(
    harness: Harness,
    bytes: Buffer,
    headBytes: number,
    extra: Partial<ArrivingInstance> = {},
  ): ArrivingInstance {
    const intake = openBlobIntake(harness.blobs, undefined, headBytes);
    intake.input.end(bytes);
    return { headReady: intake.headReady, stored: intake.result, source: 'dicom://CT1', ...extra };
  }

  /** What two ingests of the same files should agree on (ids and versions aside). */
  function comparable(study: ImagingStudy): unknown {
    const { meta: _meta, subject: _subject, ...rest } = study;
    return rest;
  }

  it('gives the same ImagingStudy, index rows and jobs as ingest, whether the head holds the pixel data start or not', async () => {
    const files = series(4, { patientId: 'ARRIVING-1' });
    const other = await openHarness(join(dir, 'blobs-arriving'));
    try {
      const viaIngest: IngestOutcome[] = [];
      const viaArriving: IngestOutcome[] = [];
      for (const [i, file] of files.entries()) {
        viaIngest.push(await h.service.ingest(await receive(h, file)));
        viaArriving.push(await other.service.ingestArriving(arriving(other, file, i % 2 === 0 ? 256 * 1024 : 600)));
      }
      assert.deepEqual(viaArriving, viaIngest);
      const id = stored(viaIngest[0] as IngestOutcome).imagingStudyId;
      const a = await h.repo.read<ImagingStudy>('ImagingStudy', id);
      const b = await other.repo.read<ImagingStudy>('ImagingStudy', id);
      assert.deepEqual(comparable(b), comparable(a));
      assert.equal(b.meta?.versionId, a.meta?.versionId);
      const studyUid = stored(viaIngest[0] as IngestOutcome).uids.studyUid;
      const strip = (rows: { receivedAt: string }[]): unknown => rows.map(({ receivedAt: _r, ...rest }) => rest);
      assert.deepEqual(
        strip(await other.store.records.dicom.listInstances(studyUid)),
        strip(await h.store.records.dicom.listInstances(studyUid)),
      );
      assert.deepEqual(
        (await jobsOf(other, studyUid)).map((j) => j.sopInstanceUid).sort(),
        (await jobsOf(h, studyUid)).map((j) => j.sopInstanceUid).sort(),
      );
      assert.equal((await patientsWith(other.repo, 'ARRIVING-1')).length, 1);
    } finally {
      await other.cleanup();
    }
  });

  it('rejects the same broken files with the same statuses', async () => {
    for (const entry of manifest.files.filter((f) => !f.valid)) {
      const outcome = rejected(await h.service.ingestArriving(arriving(h, await corpusFile(entry), 2048)));
      assert.equal(outcome.status, entry.expectedStatus, `${entry.path}: ${outcome.reason}`);
    }
  });

  it('answers 0xA700 when the blob put fails, records it and stores nothing', async () => {
    const [file] = series(1, { patientId: 'ARRIVING-FAIL' });
    assert.ok(file);
    const intake = openBlobIntake(h.blobs, undefined, 1 << 20);
    intake.input.write(file);
    intake.input.destroy(new Error('ENOSPC: no space left on device'));
    const outcome = rejected(
      await h.service.ingestArriving({ headReady: intake.headReady, stored: intake.result, source: 'dicom://CT1' }),
    );
    assert.equal(outcome.status, 0xa700);
    assert.match(outcome.reason, /blob store/);
    const [row] = await h.store.records.dicom.listRejections({ limit: 1 });
    assert.equal(row?.status, 0xa700);
    assert.equal(row?.sha256, undefined);
    const { dataset } = decodePart10(file);
    assert.equal(await h.store.records.dicom.getInstance(String(dataset.SOPInstanceUID)), undefined);
    assert.equal((await patientsWith(h.repo, 'ARRIVING-FAIL')).length, 0);
    const studies = await h.repo.search({
      resourceType: 'ImagingStudy',
      params: [['identifier', `urn:dicom:uid|urn:oid:${String(dataset.StudyInstanceUID)}`]],
    });
    assert.equal(studies.matches.length, 0);
  });

  it('hands a sink without ingestArriving the stored instance, or 0xA700 when storing failed', async () => {
    const seen: ReceivedInstance[] = [];
    const sink = {
      ingest: (received: ReceivedInstance): Promise<IngestOutcome> => {
        seen.push(received);
        return Promise.resolve({ kind: 'rejected', status: 0xc000, reason: 'recorded' });
      },
    };
    const declared = { sopClassUid: '1.2', sopInstanceUid: '1.2.3' };
    await ingestArriving(sink, arriving(h, Buffer.from('bytes'), 100, { declared, expectedStudyUid: '9.9' }));
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]?.declared, declared);
    assert.equal(seen[0]?.expectedStudyUid, '9.9');
    assert.ok(seen[0]?.head.equals(Buffer.from('bytes')));
    const failed = await ingestArriving(sink, {
      headReady: Promise.resolve({ head: Buffer.alloc(0), complete: false }),
      stored: Promise.reject(new Error('disk gone')),
      source: 'dicomweb',
    });
    assert.deepEqual(failed, { kind: 'rejected', status: 0xa700, reason: 'blob store: disk gone' });
    assert.equal(seen.length, 1);
  });
});
