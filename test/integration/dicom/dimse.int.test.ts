/**
 * DIMSE through the real process with Debian's dcmtk as the peer (issue 4, "DIMSE"):
 * - PS3.4 Annex A (Verification): `echoscu` succeeds; a wrong called AE title is rejected at
 *   association (PS3.8 9.3.4, A-ASSOCIATE-RJ reason "called AE title not recognized");
 * - PS3.4 Annex B (Storage): `storescu` in each transfer syntax (PS3.5 10 and A.4/A.5: explicit,
 *   implicit, deflated, JPEG baseline/lossless, JPEG-LS, RLE) succeeds, and WADO-RS (PS3.18 10.4)
 *   returns a Part-10 whose data set dcmdump prints exactly as the source's, in the syntax sent;
 * - PS3.4 B.2.3 failure statuses (0xC000, 0xA900) for broken data sets, each listed by
 *   `GET /admin/dicom/rejections` with its reason; a re-send stores nothing twice;
 * - PS3.4 C.4.1 / C.6.2 (Study Root C-FIND): STUDY level by PatientID, PatientName wildcard
 *   (C.2.2.2.4), StudyDate range (C.2.2.2.5), SERIES level under a StudyInstanceUID.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Bundle, ImagingStudy } from '@medplum/fhirtypes';
import { imagingStudyIdOf } from '../../../adapters/dicom/src/ingest/study-resources';
import type { CorpusEntry } from '../../fixtures/dicom/corpus';
import { newUid } from '../../fixtures/dicom/uids';
import {
  assertDcmtk,
  datasetDump,
  dcmtk,
  findResponses,
  multipartParts,
  skipWithoutDcmtk,
  startDicomHarness,
  storescu,
  storeResponses,
  writeRadiograph,
  type DicomHarness,
} from './setup';

/** storescu options proposing each corpus file's transfer syntax. */
const PROPOSE: Record<string, string> = {
  '1.2.840.10008.1.2': '-xi',
  '1.2.840.10008.1.2.1': '-xe',
  '1.2.840.10008.1.2.1.99': '-xd',
  '1.2.840.10008.1.2.4.50': '-xy',
  '1.2.840.10008.1.2.4.70': '-xs',
  '1.2.840.10008.1.2.4.80': '-xt',
  '1.2.840.10008.1.2.5': '-xr',
};

/** How storescu -v names the failure statuses (dcmtk DU_cstoreStatusString). */
const STATUS_TEXT: Record<number, string> = { 0xc000: 'CannotUnderstand', 0xa900: 'DataSetDoesNotMatchSOPClass' };

interface Rejection {
  status: number;
  reason: string;
  sopInstanceUid?: string;
  source: string;
}

describe('DIMSE with dcmtk (real process)', { skip: skipWithoutDcmtk }, () => {
  let h: DicomHarness;
  let valid: CorpusEntry[];
  const dated = [
    { file: 'dated-1.dcm', studyUid: newUid(), date: '20250301', patientId: 'FIND-DATE-1' },
    { file: 'dated-2.dcm', studyUid: newUid(), date: '20250610', patientId: 'FIND-DATE-2' },
  ];

  const find = async (keys: string[]): Promise<Record<string, string>[]> => {
    const args = ['-S', '-v', '-aec', 'TESSERA', ...keys.flatMap((k) => ['-k', k]), '127.0.0.1', String(h.dicomPort)];
    const result = await dcmtk('findscu', args);
    assert.equal(result.code, 0, result.stderr);
    return findResponses(result.stderr);
  };
  const studies = async (): Promise<ImagingStudy[]> =>
    ((await h.json<Bundle<ImagingStudy>>('/fhir/ImagingStudy?_count=100')).entry ?? []).map(
      (e) => e.resource as ImagingStudy,
    );

  before(async () => {
    assertDcmtk();
    h = await startDicomHarness('dimse', {
      radiographs: 1,
      radiographSize: 512,
      ctSlices: 3,
      ctSize: 128,
      compressed: true,
    });
    valid = h.manifest.files.filter((f) => f.valid);
    for (const d of dated) {
      await writeRadiograph(join(h.corpusDir, d.file), {
        modality: 'CR',
        studyUid: d.studyUid,
        studyDate: d.date,
        patientId: d.patientId,
        patientName: 'Dated^Dora',
      });
    }
  });
  after(async () => {
    await h?.close();
  });

  it('C-ECHO: echoscu succeeds', async () => {
    const result = await dcmtk('echoscu', ['-v', '-aec', 'TESSERA', '127.0.0.1', String(h.dicomPort)]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Received Echo Response \(Success\)/);
  });

  it('rejects an association whose called AE title is not ours', async () => {
    const result = await dcmtk('echoscu', ['-v', '-aec', 'NOT-TESSERA', '127.0.0.1', String(h.dicomPort)]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Association Rejected/);
    assert.match(result.stderr, /Called AE Title Not Recognized/);
  });

  it('C-STORE in every transfer syntax; WADO-RS returns the same data set in the syntax sent', async () => {
    for (const f of valid) {
      const option = PROPOSE[f.transferSyntaxUid ?? ''];
      assert.ok(option !== undefined, `no storescu option for ${f.transferSyntaxUid ?? ''}`);
      const source = join(h.corpusDir, f.path);
      const sent = await storescu(h.dicomPort, [source], [option]);
      assert.equal(sent.code, 0, sent.stderr);
      assert.deepEqual(storeResponses(sent.stderr), ['success'], `${f.path}: ${sent.stderr}`);

      const path = `/dicomweb/studies/${f.studyInstanceUid}/series/${f.seriesInstanceUid}/instances/${f.sopInstanceUid}`;
      const res = await h.request(path, { headers: { accept: 'multipart/related; type="application/dicom"' } });
      assert.equal(res.status, 200, `${f.path}: ${res.body.toString().slice(0, 300)}`);
      const parts = multipartParts(res.body, res.headers.get('content-type') ?? '');
      assert.equal(parts.length, 1);
      const stored = join(h.dir, `stored-${f.sopInstanceUid}.dcm`);
      await writeFile(stored, parts[0] as Buffer);
      const ts = await dcmtk('dcmdump', ['-q', '-Un', '+P', '0002,0010', stored]);
      assert.match(ts.stdout, new RegExp(`\\[${(f.transferSyntaxUid ?? '').replace(/\./g, '\\.')}\\]`), f.path);
      assert.deepEqual(await datasetDump(stored), await datasetDump(source), `${f.path}: data set changed`);
    }
  });

  it('chooses the transfer syntax by our preference when one context offers several', async () => {
    // `+C` puts every proposed syntax in one presentation context: `-xb` offers big endian (retired)
    // first and implicit last, `-xd` deflated first; explicit VR little endian is what we prefer.
    for (const option of ['-xb', '-xd']) {
      const study = newUid();
      const sop = newUid();
      const file = join(h.corpusDir, `combined${option}.dcm`);
      await writeRadiograph(file, { modality: 'DX', studyUid: study, sopInstanceUid: sop });
      const sent = await storescu(h.dicomPort, [file], ['+C', option]);
      assert.deepEqual(storeResponses(sent.stderr), ['success'], sent.stderr);
      const instances = await h.json<Record<string, { Value?: unknown[] }>[]>(`/dicomweb/studies/${study}/instances`);
      const series = instances[0]?.['0020000E']?.Value?.[0] as string;
      const res = await h.request(`/dicomweb/studies/${study}/series/${series}/instances/${sop}`, {
        headers: { accept: 'multipart/related; type="application/dicom"' },
      });
      const stored = join(h.dir, `combined${option}-stored.dcm`);
      await writeFile(stored, multipartParts(res.body, res.headers.get('content-type') ?? '')[0] as Buffer);
      const ts = await dcmtk('dcmdump', ['-q', '-Un', '+P', '0002,0010', stored]);
      assert.match(ts.stdout, /\[1\.2\.840\.10008\.1\.2\.1\]/, `${option}: ${ts.stdout}`);
      assert.deepEqual(await datasetDump(stored), await datasetDump(file), option);
    }
  });

  it('answers broken data sets with their failure status and lists them as rejections', async () => {
    // storescu itself refuses to send non-DICOM, truncated and UID-less files, and sends no File
    // Meta (so a meta/data set class mismatch cannot travel over DIMSE): those go through STOW-RS.
    const sendable = h.manifest.files.filter(
      (f) => !f.valid && (f.reason === 'missing-study-instance-uid' || f.reason === 'sop-class-dataset-mismatch'),
    );
    assert.equal(sendable.length, 2);
    for (const f of sendable) {
      const sent = await storescu(h.dicomPort, [join(h.corpusDir, f.path)]);
      const expected = STATUS_TEXT[f.expectedStatus ?? 0] ?? '?';
      assert.match(sent.stderr, new RegExp(`Received Store Response \\(Error: ${expected}`), f.path);
    }
    const { rejections } = await h.json<{ rejections: Rejection[] }>('/admin/dicom/rejections');
    for (const f of sendable) {
      const row = rejections.find((r) => r.sopInstanceUid === f.sopInstanceUid);
      assert.ok(row !== undefined, `no rejection for ${f.path}`);
      assert.equal(row.status, f.expectedStatus);
      assert.equal(row.source, 'dicom://STORESCU');
      assert.ok(row.reason.length > 0);
    }
    const reasons = rejections.map((r) => r.reason).join('\n');
    assert.match(reasons, /StudyInstanceUID/);
  });

  it('a re-send of the same instances stores nothing twice', async () => {
    const ids = new Set(valid.map((f) => imagingStudyIdOf(f.studyInstanceUid ?? '')));
    const beforeResend = (await studies()).filter((s) => ids.has(s.id ?? ''));
    assert.equal(beforeResend.length, ids.size);
    const sent = await storescu(
      h.dicomPort,
      valid.map((f) => join(h.corpusDir, f.path)),
    );
    assert.equal(sent.code, 0, sent.stderr);
    assert.ok(
      storeResponses(sent.stderr).every((s) => s === 'success'),
      sent.stderr,
    );
    const afterResend = (await studies()).filter((s) => ids.has(s.id ?? ''));
    const versions = (list: ImagingStudy[]): Record<string, [string, number]> =>
      Object.fromEntries(list.map((s) => [s.id ?? '', [s.meta?.versionId ?? '', s.numberOfInstances ?? -1]]));
    assert.deepEqual(versions(afterResend), versions(beforeResend));
    const instances = afterResend.reduce((n, s) => n + (s.numberOfInstances ?? 0), 0);
    assert.equal(instances, valid.length);
  });

  it('C-FIND (Study Root) by PatientID, PatientName wildcard, StudyDate range and at SERIES level', async () => {
    const sent = await storescu(
      h.dicomPort,
      dated.map((d) => join(h.corpusDir, d.file)),
    );
    assert.deepEqual(storeResponses(sent.stderr), ['success', 'success'], sent.stderr);
    const ct = valid.filter((f) => f.kind === 'ct');
    const ctStudy = ct[0]?.studyInstanceUid ?? '';

    const byId = await find(['QueryRetrieveLevel=STUDY', 'PatientID=TESSERA-CT-0001', 'StudyInstanceUID']);
    assert.deepEqual(
      byId.map((r) => r['0020,000d']),
      [ctStudy],
    );

    const byName = await find(['QueryRetrieveLevel=STUDY', 'PatientName=Smi*', 'StudyInstanceUID']);
    assert.deepEqual(
      byName.map((r) => r['0020,000d']),
      [ctStudy],
    );
    assert.equal(byName[0]?.['0010,0010'], 'Smith^John');
    const datedByName = await find(['QueryRetrieveLevel=STUDY', 'PatientName=dated*', 'StudyInstanceUID']);
    assert.deepEqual(new Set(datedByName.map((r) => r['0020,000d'])), new Set(dated.map((d) => d.studyUid)));

    const byDate = await find(['QueryRetrieveLevel=STUDY', 'StudyDate=20250101-20250430', 'StudyInstanceUID']);
    assert.deepEqual(
      byDate.map((r) => [r['0020,000d'], r['0008,0020']]),
      [[dated[0]?.studyUid, '20250301']],
    );
    const openEnded = await find([
      'QueryRetrieveLevel=STUDY',
      'StudyDate=20250501-',
      'PatientID=FIND-DATE*',
      'StudyInstanceUID',
    ]);
    assert.deepEqual(
      openEnded.map((r) => r['0020,000d']),
      [dated[1]?.studyUid],
    );

    const series = await find([
      'QueryRetrieveLevel=SERIES',
      `StudyInstanceUID=${ctStudy}`,
      'SeriesInstanceUID',
      'Modality',
      'NumberOfSeriesRelatedInstances',
    ]);
    assert.deepEqual(
      series.map((r) => [r['0020,000e'], r['0008,0060'], r['0020,1209']]),
      [[ct[0]?.seriesInstanceUid, 'CT', String(ct.length)]],
    );
  });
});
