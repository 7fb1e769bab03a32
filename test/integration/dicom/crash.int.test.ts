/**
 * SIGKILL during C-STORE (issue 4: "success only after the file and its FHIR resources are
 * durable"; PS3.4 B.2.3): storescu sends a CT series one instance at a time and Tessera is killed
 * mid-series. After a restart on the same data directory, every instance that was answered Success
 * is in the DICOM index, in the ImagingStudy (one transaction writes both) and in the blob store
 * with its bytes intact; sending the whole series again stores each instance exactly once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ImagingStudy } from '@medplum/fhirtypes';
import { imagingStudyIdOf } from '../../../adapters/dicom/src/ingest/study-resources';
import { generateCorpus, type CorpusManifest } from '../../fixtures/dicom/corpus';
import { startTessera, type TesseraProcess } from '../../helpers/start-tessera';
import { assertDcmtk, dcmtk, skipWithoutDcmtk, storeResponses } from './setup';

const SLICES = 60;

describe('SIGKILL during a C-STORE series', { skip: skipWithoutDcmtk }, () => {
  let dir: string;
  let manifest: CorpusManifest;
  let tessera: TesseraProcess | undefined;

  before(async () => {
    assertDcmtk();
    dir = await mkdtemp(join(tmpdir(), 'tessera-dicom-crash-'));
    manifest = await generateCorpus(join(dir, 'corpus'), {
      radiographs: 0,
      ctSlices: SLICES,
      ctSize: 256,
      broken: false,
    });
  });
  after(async () => {
    await tessera?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const start = (): Promise<TesseraProcess> =>
    startTessera({ TESSERA_DATA_DIR: join(dir, 'data'), TESSERA_AUTH: 'off' });
  const json = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${tessera?.baseUrl ?? ''}${path}`);
    assert.equal(res.status, 200, path);
    return (await res.json()) as T;
  };

  it('keeps every instance answered Success, and a re-send stores the rest once', async () => {
    const slices = manifest.files.filter((f) => f.kind === 'ct').sort((a, b) => a.path.localeCompare(b.path));
    assert.equal(slices.length, SLICES);
    const studyUid = slices[0]?.studyInstanceUid ?? '';
    const paths = slices.map((f) => join(dir, 'corpus', f.path));

    const victim = await start();
    tessera = victim;
    // storescu -v prints one "Received Store Response (Success)" per instance, in sending order.
    const sender = spawn('storescu', ['-v', '-aec', 'TESSERA', '127.0.0.1', String(victim.dicomPort), ...paths], {
      env: { ...process.env, TCP_NODELAY: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (storeResponses(output).length >= 15 && victim.child.exitCode === null) {
        victim.child.kill('SIGKILL');
      }
    };
    sender.stdout.on('data', collect);
    sender.stderr.on('data', collect);
    await new Promise<void>((resolve) => sender.once('exit', () => resolve()));
    await victim.exited;
    const answered = storeResponses(output);
    assert.ok(answered.length >= 15, `killed after ${answered.length} responses`);
    assert.ok(answered.length < SLICES, 'the kill came before the series ended');
    assert.ok(answered.every((status) => status === 'success'));

    tessera = await start();
    const confirmed = slices.slice(0, answered.length).map((f) => f.sopInstanceUid);
    const instances = await json<Record<string, { Value?: unknown[] }>[]>(`/dicomweb/studies/${studyUid}/instances`);
    const stored = new Set(instances.map((i) => i['00080018']?.Value?.[0]));
    for (const uid of confirmed) {
      assert.ok(stored.has(uid), `instance ${uid ?? ''} was answered Success but is not stored`);
    }
    // The index and the ImagingStudy commit together: they agree after the crash.
    const study = await json<ImagingStudy>(`/fhir/ImagingStudy/${imagingStudyIdOf(studyUid)}`);
    assert.equal(study.numberOfInstances, stored.size);
    const verify = await fetch(`${tessera.baseUrl}/admin/dicom/$verify`, { method: 'POST' });
    const report = (await verify.json()) as { ok: boolean; checked: number };
    assert.equal(report.ok, true);
    assert.equal(report.checked, stored.size);

    const resend = await dcmtk('storescu', ['-v', '-aec', 'TESSERA', '127.0.0.1', String(tessera.dicomPort), ...paths]);
    assert.equal(resend.code, 0, resend.stderr);
    assert.deepEqual(new Set(storeResponses(resend.stderr + resend.stdout)), new Set(['success']));
    const after = await json<ImagingStudy>(`/fhir/ImagingStudy/${imagingStudyIdOf(studyUid)}`);
    assert.equal(after.numberOfInstances, SLICES);
    const all = await json<unknown[]>(`/dicomweb/studies/${studyUid}/instances`);
    assert.equal(all.length, SLICES);
  });
});
