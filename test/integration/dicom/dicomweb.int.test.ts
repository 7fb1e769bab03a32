/**
 * DICOMweb at `/dicomweb` through the real process (issue 4, "DICOMweb"; PS3.18 chapter 10):
 * - STOW-RS (10.5): a multipart/related body of valid and broken instances answers 202 with a
 *   ReferencedSOPSequence and a FailedSOPSequence whose FailureReason is each file's status
 *   (PS3.18 10.5.3.1, Table 10.5.3-1);
 * - QIDO-RS (10.6): studies, series and instances with PatientName wildcard matching
 *   (PS3.18 8.3.4.6.1 / PS3.4 C.2.2.2.4) and `includefield`;
 * - WADO-RS (10.4): the instance bytes identical to what was posted, `metadata` as DICOM JSON
 *   (PS3.18 F.2), `frames` (bulk pixel data of one frame), `rendered` as JPEG (10.4.1.1.3);
 * - flow 2 (DESIGN.md): one `inference.image` queue job per new image;
 * - the blob integrity check `POST /admin/dicom/$verify` finds a corrupted file by its SHA-256.
 */
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CorpusEntry } from '../../fixtures/dicom/corpus';
import { assertDcmtk, first, multipartParts, skipWithoutDcmtk, startDicomHarness, type DicomHarness } from './setup';

type DicomJson = Record<string, { vr: string; Value?: unknown[] } | undefined>;

interface Job {
  topic: string;
  payload: { sopInstanceUid?: string; sha256?: string; imagingStudy?: string };
}

interface Rejection {
  status: number;
  reason: string;
  size: number;
  sopInstanceUid?: string;
}

interface Verification {
  ok: boolean;
  checked: number;
  mismatches: { sha256: string; actual?: string; reason: string }[];
}

const BOUNDARY = 'tessera-stow-boundary-7d1f';

/** A STOW-RS request body (PS3.18 10.5.1.2: one application/dicom part per instance). */
function stowBody(files: Buffer[]): Buffer {
  const chunks: Buffer[] = [];
  for (const file of files) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`), file, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

describe('DICOMweb (real process)', { skip: skipWithoutDcmtk }, () => {
  let h: DicomHarness;
  let valid: CorpusEntry[];
  let broken: CorpusEntry[];
  let stow: { status: number; body: DicomJson };
  const bytesOf = new Map<string, Buffer>();

  const instancePath = (f: CorpusEntry): string =>
    `/dicomweb/studies/${f.studyInstanceUid}/series/${f.seriesInstanceUid}/instances/${f.sopInstanceUid}`;

  before(async () => {
    assertDcmtk();
    h = await startDicomHarness('dicomweb', { radiographs: 1, radiographSize: 512, ctSlices: 3, ctSize: 128 });
    valid = h.manifest.files.filter((f) => f.valid);
    broken = h.manifest.files.filter((f) => !f.valid);
    const files: Buffer[] = [];
    for (const f of [...valid, ...broken]) {
      const bytes = await readFile(join(h.corpusDir, f.path));
      bytesOf.set(f.path, bytes);
      files.push(bytes);
    }
    const res = await h.request('/dicomweb/studies', {
      method: 'POST',
      headers: {
        'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
        accept: 'application/dicom+json',
      },
      body: stowBody(files),
    });
    stow = { status: res.status, body: JSON.parse(res.body.toString()) as DicomJson };
  });
  after(async () => {
    await h?.close();
  });

  it('STOW-RS: 202 with every valid instance referenced and every broken one failed with its reason', () => {
    assert.equal(stow.status, 202, JSON.stringify(stow.body).slice(0, 500));
    const referenced = (stow.body['00081199']?.Value ?? []) as DicomJson[];
    assert.deepEqual(new Set(referenced.map((r) => first(r, '00081155'))), new Set(valid.map((f) => f.sopInstanceUid)));
    const failed = (stow.body['00081198']?.Value ?? []) as DicomJson[];
    assert.equal(failed.length, broken.length, JSON.stringify(failed));
    for (const f of broken.filter((b) => b.sopInstanceUid !== null)) {
      const item = failed.find((x) => first(x, '00081155') === f.sopInstanceUid);
      assert.ok(item !== undefined, `no FailedSOPSequence item for ${f.path}`);
      assert.equal(first(item, '00081197'), f.expectedStatus, `FailureReason of ${f.path}`);
    }
    for (const item of failed) {
      assert.equal(typeof first(item, '00081197'), 'number');
    }
  });

  it('lists every STOW-RS rejection with its status and reason', async () => {
    const { rejections } = await h.json<{ rejections: Rejection[] }>('/admin/dicom/rejections?_count=100');
    assert.equal(rejections.length, broken.length, JSON.stringify(rejections));
    assert.deepEqual(rejections.map((r) => r.status).sort(), broken.map((f) => f.expectedStatus).sort());
    for (const f of broken.filter((b) => b.sopInstanceUid !== null)) {
      const row = rejections.find((r) => r.sopInstanceUid === f.sopInstanceUid);
      assert.ok(row !== undefined, `no rejection for ${f.path}`);
      assert.equal(row.status, f.expectedStatus, f.path);
    }
    assert.ok(rejections.every((r) => r.reason.trim().length > 0 && r.size > 0));
  });

  it('QIDO-RS: studies, series and instances with a PatientName wildcard and includefield', async () => {
    const ct = valid.filter((f) => f.kind === 'ct');
    const ctStudy = ct[0]?.studyInstanceUid ?? '';
    const studies = await h.json<DicomJson[]>('/dicomweb/studies?PatientName=smi*&includefield=00100030');
    assert.deepEqual(
      studies.map((s) => first(s, '0020000D')),
      [ctStudy],
    );
    assert.equal(first(studies[0] as DicomJson, '00100030'), '19700101');
    const everyone = await h.json<DicomJson[]>('/dicomweb/studies?PatientName=*');
    assert.equal(everyone.length, new Set(valid.map((f) => f.studyInstanceUid)).size);

    const series = await h.json<DicomJson[]>(`/dicomweb/studies/${ctStudy}/series?includefield=00180015`);
    assert.deepEqual(
      series.map((s) => [first(s, '0020000E'), first(s, '00080060')]),
      [[ct[0]?.seriesInstanceUid, 'CT']],
    );
    assert.equal(first(series[0] as DicomJson, '00180015'), 'CHEST', 'includefield BodyPartExamined');

    const instances = await h.json<DicomJson[]>(`/dicomweb/instances?PatientName=Sm?th*&includefield=00280010`);
    assert.deepEqual(new Set(instances.map((i) => first(i, '00080018'))), new Set(ct.map((f) => f.sopInstanceUid)));
    assert.ok(instances.every((i) => first(i, '00280010') === ct[0]?.rows));
  });

  it('WADO-RS: instance bytes as posted, metadata, frames and a rendered JPEG', async () => {
    for (const f of valid) {
      const res = await h.request(instancePath(f), {
        headers: { accept: 'multipart/related; type="application/dicom"' },
      });
      assert.equal(res.status, 200);
      const parts = multipartParts(res.body, res.headers.get('content-type') ?? '');
      assert.equal(parts.length, 1);
      assert.ok((parts[0] as Buffer).equals(bytesOf.get(f.path) as Buffer), `${f.path}: bytes changed`);
    }
    const ct = valid.find((f) => f.kind === 'ct') as CorpusEntry;
    const metadata = await h.json<DicomJson[]>(`${instancePath(ct)}/metadata`);
    assert.equal(metadata.length, 1);
    assert.equal(first(metadata[0] as DicomJson, '00080018'), ct.sopInstanceUid);
    assert.equal(first(metadata[0] as DicomJson, '00100020'), ct.patientId);

    const frame = await h.request(`${instancePath(ct)}/frames/1`, {
      headers: { accept: 'multipart/related; type="application/octet-stream"' },
    });
    assert.equal(frame.status, 200, frame.body.toString().slice(0, 300));
    const frames = multipartParts(frame.body, frame.headers.get('content-type') ?? '');
    assert.equal(frames.length, 1);
    assert.equal(frames[0]?.length, ct.expectedPixelBytes);

    const rendered = await h.request(`${instancePath(ct)}/rendered`, { headers: { accept: 'image/jpeg' } });
    assert.equal(rendered.status, 200, rendered.body.toString().slice(0, 300));
    assert.match(rendered.headers.get('content-type') ?? '', /^image\/jpeg/);
    assert.deepEqual([...rendered.body.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  });

  it('queues one inference.image job per new image', async () => {
    const { jobs } = await h.json<{ jobs: Job[] }>('/admin/queue/jobs?topic=inference.image&_count=100');
    assert.ok(jobs.every((j) => j.topic === 'inference.image'));
    const uids = jobs.map((j) => j.payload.sopInstanceUid);
    assert.equal(uids.length, valid.length, JSON.stringify(uids));
    assert.deepEqual(new Set(uids), new Set(valid.map((f) => f.sopInstanceUid)));
    assert.ok(jobs.every((j) => /^ImagingStudy\/.+/.test(j.payload.imagingStudy ?? '')));

    // A re-send is accepted (PS3.18 10.5.3: every instance referenced) but stores and queues nothing new.
    const again = await h.request('/dicomweb/studies', {
      method: 'POST',
      headers: {
        'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
        accept: 'application/dicom+json',
      },
      body: stowBody(valid.map((f) => bytesOf.get(f.path) as Buffer)),
    });
    assert.equal(again.status, 200, again.body.toString().slice(0, 500));
    const resent = await h.json<{ jobs: Job[] }>('/admin/queue/jobs?topic=inference.image&_count=100');
    assert.equal(resent.jobs.length, valid.length);
  });

  it('$verify passes, then reports a corrupted blob by its SHA-256', async () => {
    const verify = async (): Promise<Verification> => {
      const res = await h.request('/admin/dicom/$verify', { method: 'POST' });
      assert.equal(res.status, 200, res.body.toString());
      return JSON.parse(res.body.toString()) as Verification;
    };
    const clean = await verify();
    assert.equal(clean.ok, true, JSON.stringify(clean.mismatches));
    assert.ok(clean.checked >= valid.length);
    assert.deepEqual(clean.mismatches, []);

    const { jobs } = await h.json<{ jobs: Job[] }>('/admin/queue/jobs?topic=inference.image&_count=1');
    const sha = jobs[0]?.payload.sha256 ?? '';
    assert.match(sha, /^[0-9a-f]{64}$/);
    const file = join(h.dataDir, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha);
    await chmod(file, 0o644);
    const bytes = await readFile(file);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(file, bytes);

    const dirty = await verify();
    assert.equal(dirty.ok, false);
    assert.deepEqual(
      dirty.mismatches.map((m) => m.sha256),
      [sha],
    );
    assert.notEqual(dirty.mismatches[0]?.actual, sha);
  });
});
