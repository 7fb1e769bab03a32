/**
 * A real Orthanc (Debian's package) sends studies to Tessera with its C-STORE SCU (issue 4, "Tests
 * with real peers"):
 * - PS3.4 Annex A (Verification, C-ECHO) and Annex B (Storage, C-STORE) between two real AEs, over
 *   Orthanc's REST `POST /modalities/{name}/echo` and `/store`;
 * - PS3.4 B.2.3 / issue 4: success only once the instance is stored, so right after the store
 *   returns, QIDO-RS (PS3.18 10.6, `/dicomweb/studies` and `.../instances`) lists every instance and
 *   FHIR `ImagingStudy?identifier=urn:dicom:uid|urn:oid:<uid>` (https://hl7.org/fhir/R4/imagingstudy.html)
 *   counts every series and instance;
 * - re-sending the same SOP Instance UIDs stores nothing twice.
 * Orthanc runs in its own network namespace (test/helpers/orthanc.ts); Tessera binds only to the
 * host end of the private link. Without root, `ip` or Orthanc the suite is skipped, unless
 * TESSERA_REQUIRE_PEERS=1 (CI), where it fails.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Bundle, ImagingStudy } from '@medplum/fhirtypes';
import { generateCorpus, type CorpusEntry } from '../fixtures/dicom/corpus';
import { hasDcmtk } from '../fixtures/dicom/dcmtk';
import { orthancUnavailableReason, startOrthanc, type OrthancPeer } from '../helpers/orthanc';
import { startTessera, type TesseraProcess } from '../helpers/start-tessera';

const requirePeers = process.env.TESSERA_REQUIRE_PEERS === '1';
const unavailable = orthancUnavailableReason();
const skip =
  unavailable !== undefined && !requirePeers ? `${unavailable} (set TESSERA_REQUIRE_PEERS=1 to fail instead)` : false;

type DicomJson = Record<string, { vr: string; Value?: unknown[] } | undefined>;

/** First value of a DICOM JSON attribute (PS3.18 F.2). */
function first(item: DicomJson, tag: string): unknown {
  return item[tag]?.Value?.[0];
}

describe('Orthanc sends to Tessera over DIMSE (real peers)', { skip }, () => {
  let dir: string;
  let orthanc: OrthancPeer;
  let tessera: TesseraProcess;
  let baseUrl: string;
  let valid: CorpusEntry[];
  /** StudyInstanceUID -> SOP Instance UIDs. */
  const byStudy = new Map<string, Set<string>>();
  let orthancIds: string[] = [];

  const json = async <T>(url: string): Promise<T> => {
    const res = await fetch(url, { headers: { accept: 'application/dicom+json, application/fhir+json' } });
    assert.equal(res.status, 200, `${url}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  };

  before(async () => {
    assert.equal(unavailable, undefined, `TESSERA_REQUIRE_PEERS=1 but ${unavailable ?? ''}`);
    dir = await mkdtemp(join(tmpdir(), 'tessera-dicom-orthanc-'));
    const manifest = await generateCorpus(join(dir, 'corpus'), {
      radiographs: 2,
      ctSlices: 6,
      compressed: hasDcmtk(),
      broken: false,
    });
    valid = manifest.files.filter((f) => f.valid);
    for (const f of valid) {
      const study = f.studyInstanceUid as string;
      byStudy.set(study, (byStudy.get(study) ?? new Set()).add(f.sopInstanceUid as string));
    }
    orthanc = await startOrthanc();
    tessera = await startTessera({
      TESSERA_DATA_DIR: join(dir, 'tessera'),
      TESSERA_HOST: orthanc.link.hostAddress,
      TESSERA_AUTH: 'off',
    });
    baseUrl = `http://${orthanc.link.hostAddress}:${tessera.httpPort}`;
    assert.ok(tessera.dicomPort !== undefined, 'Tessera did not report a "dicom" port in its listening line');
    await orthanc.addModality('tessera', { aet: 'TESSERA', host: orthanc.link.hostAddress, port: tessera.dicomPort });
    for (const f of valid) {
      orthancIds.push(await orthanc.upload(await readFile(join(dir, 'corpus', f.path))));
    }
    orthancIds = [...new Set(orthancIds)];
  });

  after(async () => {
    await tessera?.stop();
    await orthanc?.stop();
    if (dir !== undefined) {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('Orthanc holds the corpus and reaches Tessera with C-ECHO', async () => {
    const stats = await orthanc.statistics();
    assert.equal(stats.CountInstances, valid.length, orthanc.log().slice(-2000));
    assert.equal(stats.CountStudies, byStudy.size);
    await orthanc.rest('POST', '/modalities/tessera/echo', {});
  });

  it('C-STORE from Orthanc: QIDO-RS lists every study and instance', async () => {
    const job = (await orthanc.storeTo('tessera', orthancIds)) as {
      FailedInstancesCount?: number;
      InstancesCount?: number;
    };
    assert.equal(job.FailedInstancesCount ?? 0, 0, JSON.stringify(job));
    assert.equal(job.InstancesCount, valid.length, JSON.stringify(job));
    const studies = await json<DicomJson[]>(`${baseUrl}/dicomweb/studies?limit=1000`);
    const listed = new Set(studies.map((s) => first(s, '0020000D')));
    assert.deepEqual(listed, new Set(byStudy.keys()));
    for (const [study, sops] of byStudy) {
      const instances = await json<DicomJson[]>(`${baseUrl}/dicomweb/studies/${study}/instances`);
      assert.deepEqual(new Set(instances.map((i) => first(i, '00080018'))), sops, `instances of study ${study}`);
    }
  });

  it('C-STORE from Orthanc: one ImagingStudy per study counts every instance', async () => {
    for (const [study, sops] of byStudy) {
      const identifier = encodeURIComponent(`urn:dicom:uid|urn:oid:${study}`);
      const bundle = await json<Bundle<ImagingStudy>>(`${baseUrl}/fhir/ImagingStudy?identifier=${identifier}`);
      assert.equal(bundle.entry?.length, 1, `ImagingStudy for ${study}`);
      const resource = bundle.entry?.[0]?.resource as ImagingStudy;
      const uids = new Set((resource.series ?? []).flatMap((s) => (s.instance ?? []).map((i) => i.uid)));
      assert.deepEqual(uids, sops);
      assert.equal(resource.numberOfInstances, sops.size);
      const series = new Set(valid.filter((f) => f.studyInstanceUid === study).map((f) => f.seriesInstanceUid));
      assert.equal(resource.numberOfSeries, series.size);
    }
  });

  it('a re-send of the same instances stores nothing twice', async () => {
    const job = (await orthanc.storeTo('tessera', orthancIds)) as { FailedInstancesCount?: number };
    assert.equal(job.FailedInstancesCount ?? 0, 0, JSON.stringify(job));
    const bundle = await json<Bundle<ImagingStudy>>(`${baseUrl}/fhir/ImagingStudy?_count=1000`);
    assert.equal(bundle.entry?.length, byStudy.size);
    const total = (bundle.entry ?? []).reduce((n, e) => n + (e.resource?.numberOfInstances ?? 0), 0);
    assert.equal(total, valid.length);
  });
});
