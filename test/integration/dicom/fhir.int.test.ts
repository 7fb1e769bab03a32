/**
 * What DICOM ingest makes of a study on the FHIR side, through the real process with bearer auth
 * on (issue 4, "Storage and FHIR"; DESIGN.md flow 2):
 * - one ImagingStudy per Study Instance UID (https://hl7.org/fhir/R4/imagingstudy.html) with the
 *   right numberOfSeries/numberOfInstances, its `endpoint` the DICOMweb Endpoint
 *   (https://hl7.org/fhir/R4/endpoint.html) and its subject the Patient with the DICOM Patient ID;
 * - searchable by the R4 ImagingStudy parameters (https://hl7.org/fhir/R4/imagingstudy.html#search):
 *   patient, identifier (Study UID `urn:dicom:uid|urn:oid:<uid>`, accession), modality, bodysite,
 *   started (ge/le prefixes, https://hl7.org/fhir/R4/search.html#prefix), basedon, series,
 *   instance, dicom-class;
 * - an HL7 ORM^O01 order (`POST /hl7/v2`) and a later image with the same accession number and
 *   Patient ID meet: ImagingStudy.basedOn is the order's ServiceRequest, the subject its Patient.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Bundle, Endpoint, ImagingStudy, Patient, ServiceRequest } from '@medplum/fhirtypes';
import { imagingStudyIdOf } from '../../../adapters/dicom/src/ingest/study-resources';
import { DEFAULT_DICOM_MAPPING_CONFIG } from '../../../adapters/dicom/src/mapping/config';
import type { CorpusEntry } from '../../fixtures/dicom/corpus';
import { SopClass, newUid } from '../../fixtures/dicom/uids';
import { ormO01 } from '../../helpers/hl7-messages';
import {
  assertDcmtk,
  skipWithoutDcmtk,
  startDicomHarness,
  storescu,
  storeResponses,
  writeRadiograph,
  type DicomHarness,
} from './setup';

const TOKEN = 'dicom-fhir-int-test-token';
const ORDER = { mrn: 'MRN-DICOM-ORDER', accession: 'ACC-HL7-DICOM-1', placer: 'PL-DICOM-1', filler: 'FL-DICOM-1' };

describe('DICOM to FHIR ImagingStudy (real process, auth on)', { skip: skipWithoutDcmtk }, () => {
  let h: DicomHarness;
  let valid: CorpusEntry[];
  const orderedStudy = newUid();

  const search = async <T extends ImagingStudy | Patient | ServiceRequest>(query: string): Promise<T[]> =>
    ((await h.json<Bundle<T>>(`/fhir/${query}`)).entry ?? []).map((e) => e.resource as T);
  /** The Study Instance UIDs of the ImagingStudies a search returns. */
  const studiesOf = async (params: string): Promise<Set<string>> =>
    new Set(
      (await search<ImagingStudy>(`ImagingStudy?${params}`)).map(
        (s) => s.identifier?.find((i) => i.system === 'urn:dicom:uid')?.value?.replace('urn:oid:', '') ?? '',
      ),
    );
  const ctStudy = (): string => valid.find((f) => f.kind === 'ct')?.studyInstanceUid ?? '';

  before(async () => {
    assertDcmtk();
    h = await startDicomHarness(
      'fhir',
      { radiographs: 1, radiographSize: 256, ctSlices: 3, ctSize: 128, broken: false },
      { TESSERA_AUTH: 'smart', TESSERA_API_TOKEN: TOKEN },
    );
    valid = h.manifest.files.filter((f) => f.valid);
    const ack = await h.request('/hl7/v2', {
      method: 'POST',
      headers: { 'content-type': 'x-application/hl7-v2+er7' },
      body: ormO01({ controlId: 'DICOM-ORM-1', ...ORDER }),
    });
    assert.equal(ack.status, 200, ack.body.toString());
    assert.match(ack.body.toString(), /MSA\|AA\|DICOM-ORM-1/);
    const ordered = join(h.corpusDir, 'ordered.dcm');
    await writeRadiograph(ordered, {
      modality: 'DX',
      studyUid: orderedStudy,
      patientId: ORDER.mrn,
      issuer: 'HOSP',
      accessionNumber: ORDER.accession,
      studyDate: '20250820',
    });
    const sent = await storescu(h.dicomPort, [...valid.map((f) => join(h.corpusDir, f.path)), ordered]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.ok(
      storeResponses(sent.stderr).every((s) => s === 'success'),
      sent.stderr,
    );
  });
  after(async () => {
    await h?.close();
  });

  it('refuses FHIR, DICOMweb and admin reads without the bearer token', async () => {
    const res = await h.request('/fhir/ImagingStudy', { headers: { authorization: 'Bearer wrong' } });
    assert.equal(res.status, 401);
    const admin = await h.request('/admin/dicom/rejections', { headers: { authorization: 'Bearer wrong' } });
    assert.equal(admin.status, 401);
    const dicomweb = await h.request('/dicomweb/studies', { headers: { authorization: 'Bearer wrong' } });
    assert.equal(dicomweb.status, 401);
  });

  it('one ImagingStudy per study, read by its derived id, with the right counts', async () => {
    for (const study of new Set(valid.map((f) => f.studyInstanceUid ?? ''))) {
      const files = valid.filter((f) => f.studyInstanceUid === study);
      const resource = await h.json<ImagingStudy>(`/fhir/ImagingStudy/${imagingStudyIdOf(study)}`);
      assert.equal(resource.numberOfInstances, files.length, study);
      assert.equal(resource.numberOfSeries, new Set(files.map((f) => f.seriesInstanceUid)).size, study);
      const uids = (resource.series ?? []).flatMap((s) => (s.instance ?? []).map((i) => i.uid));
      assert.deepEqual(new Set(uids), new Set(files.map((f) => f.sopInstanceUid)));
    }
  });

  it('links the DICOMweb Endpoint and a subject Patient with the DICOM Patient ID', async () => {
    const ct = await h.json<ImagingStudy>(`/fhir/ImagingStudy/${imagingStudyIdOf(ctStudy())}`);
    assert.deepEqual(
      ct.endpoint?.map((e) => e.reference),
      ['Endpoint/tessera-dicomweb'],
    );
    const endpoint = await h.json<Endpoint>('/fhir/Endpoint/tessera-dicomweb');
    const address = new URL(endpoint.address);
    assert.equal(address.port, String(h.tessera.httpPort));
    assert.equal(address.pathname, '/dicomweb');
    assert.equal(endpoint.connectionType.code, 'dicom-wado-rs');
    const patient = await h.json<Patient>(`/fhir/${ct.subject.reference ?? ''}`);
    assert.ok(
      patient.identifier?.some((i) => i.value === 'TESSERA-CT-0001'),
      JSON.stringify(patient.identifier),
    );
  });

  it('searches by patient, identifier, accession, modality, bodysite and started', async () => {
    const ct = ctStudy();
    const resource = await h.json<ImagingStudy>(`/fhir/ImagingStudy/${imagingStudyIdOf(ct)}`);
    assert.deepEqual(await studiesOf(`patient=${resource.subject.reference ?? ''}`), new Set([ct]));
    assert.deepEqual(await studiesOf(`identifier=${encodeURIComponent(`urn:dicom:uid|urn:oid:${ct}`)}`), new Set([ct]));
    const accession = `${DEFAULT_DICOM_MAPPING_CONFIG.accessionSystem}|ACC-CT-0001`;
    assert.deepEqual(await studiesOf(`identifier=${encodeURIComponent(accession)}`), new Set([ct]));
    const dcm = 'http://dicom.nema.org/resources/ontology/DCM';
    assert.deepEqual(await studiesOf(`modality=${encodeURIComponent(`${dcm}|CT`)}`), new Set([ct]));
    const radiographStudies = new Set(
      valid.filter((f) => f.kind === 'radiograph').map((f) => f.studyInstanceUid ?? ''),
    );
    assert.deepEqual(
      await studiesOf(
        `modality=${encodeURIComponent(`${dcm}|DX`)},${encodeURIComponent(`${dcm}|CR`)}&started=ge2026-01-01`,
      ),
      radiographStudies,
    );
    const chest = await studiesOf(`bodysite=${encodeURIComponent('http://snomed.info/sct|816094009')}`);
    assert.equal(chest.size, new Set(valid.map((f) => f.studyInstanceUid)).size + 1);
    assert.deepEqual(await studiesOf('started=ge2025-08-01&started=le2025-08-31'), new Set([orderedStudy]));
    assert.equal((await studiesOf('started=le2024-12-31')).size, 0);
  });

  it('searches by series, instance and dicom-class', async () => {
    const slice = valid.find((f) => f.kind === 'ct') as CorpusEntry;
    const ct = slice.studyInstanceUid ?? '';
    assert.deepEqual(await studiesOf(`series=${slice.seriesInstanceUid ?? ''}`), new Set([ct]));
    assert.deepEqual(await studiesOf(`instance=${slice.sopInstanceUid ?? ''}`), new Set([ct]));
    const ctClass = encodeURIComponent(`urn:ietf:rfc:3986|urn:oid:${SopClass.ct}`);
    assert.deepEqual(await studiesOf(`dicom-class=${ctClass}`), new Set([ct]));
    assert.deepEqual(await studiesOf(`dicom-class=${encodeURIComponent(`urn:oid:${SopClass.ct}`)}`), new Set([ct]));
  });

  it('an HL7 order and its images meet: basedOn the ServiceRequest, subject the same Patient', async () => {
    const orders = await search<ServiceRequest>(`ServiceRequest?identifier=${ORDER.placer}`);
    assert.equal(orders.length, 1);
    const order = orders[0] as ServiceRequest;
    const study = await h.json<ImagingStudy>(`/fhir/ImagingStudy/${imagingStudyIdOf(orderedStudy)}`);
    assert.deepEqual(
      study.basedOn?.map((r) => r.reference),
      [`ServiceRequest/${order.id ?? ''}`],
    );
    assert.equal(study.subject.reference, order.subject.reference);
    assert.ok(
      study.identifier?.some(
        (i) => i.value === ORDER.accession && i.system === DEFAULT_DICOM_MAPPING_CONFIG.accessionSystem,
      ),
    );
    assert.deepEqual(await studiesOf(`basedon=ServiceRequest/${order.id ?? ''}`), new Set([orderedStudy]));
    const patients = await search<Patient>(`Patient?identifier=${ORDER.mrn}`);
    assert.equal(patients.length, 1, 'the image created no second Patient');
  });
});
