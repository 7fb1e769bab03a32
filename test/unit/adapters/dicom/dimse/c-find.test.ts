// C-FIND SCP (Study Root, STUDY and SERIES level) against the real SQLite DICOM index, queried
// with dcmtk's findscu (responses extracted with -X) and dcmjs-dimse's Client for statuses.
// Covers: PS3.4 C.2.2.2 (single value, wildcard, date range, UID list matching; universal
// matching of empty keys), PS3.4 C.4.1.1.3.2 (pending responses carry the requested keys,
// Query/Retrieve Level and Specific Character Set), PS3.4 C.6.2.1.2 (computed attributes:
// Modalities in Study, Number of Study Related Series/Instances, Number of Series Related
// Instances), PS3.4 C.4.1.1.4 (final status; 0xA900 for an unsupported level).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, requests } from 'dcmjs-dimse';
import type { responses } from 'dcmjs-dimse';
import pino from 'pino';
import type { DimseServer } from '../../../../../adapters/dicom/src/dimse';
import { identifierToQuery, startDimseServer } from '../../../../../adapters/dicom/src/dimse';
import { dcmjsData } from '../../../../../adapters/dicom/src/dcmjs';
import { FileBlobStore } from '../../../../../server/src/storage/files/file-blob-store';
import type { SqliteStore } from '../../../../../server/src/storage/sqlite/sqlite-store';
import { CT_IMAGE, CR_IMAGE, instanceRecord, putAll } from '../../../../conformance/dicom-index.fixtures';
import { openTempSqliteStore } from '../../../../helpers/sqlite-temp';
import { RecordingSink, runDcmtk } from './dimse-peers';

let dir = '';
let temp: Awaited<ReturnType<typeof openTempSqliteStore>>;
let store: SqliteStore;
let server: DimseServer;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-cfind-'));
  temp = await openTempSqliteStore();
  store = temp.store;
  const doe1 = {
    studyUid: '1.2.826.1.1',
    patientId: 'P1',
    patientName: 'Doe^John',
    studyDate: '20260110',
    accessionNumber: 'ACC1',
  };
  const doe2 = {
    studyUid: '1.2.826.1.2',
    patientId: 'P2',
    patientName: 'Doe^Jane',
    studyDate: '20260220',
    accessionNumber: 'ACC2',
  };
  const roe = {
    studyUid: '1.2.826.1.3',
    patientId: 'P3',
    patientName: 'Roe^Richard',
    studyDate: '20251231',
    accessionNumber: 'ACC3',
  };
  await putAll(store, [
    instanceRecord({
      ...doe1,
      seriesUid: '1.2.826.1.1.1',
      sopInstanceUid: '1.2.826.1.1.1.1',
      modality: 'CT',
      sopClassUid: CT_IMAGE,
      seriesNumber: 1,
    }),
    instanceRecord({
      ...doe1,
      seriesUid: '1.2.826.1.1.1',
      sopInstanceUid: '1.2.826.1.1.1.2',
      modality: 'CT',
      sopClassUid: CT_IMAGE,
      seriesNumber: 1,
    }),
    instanceRecord({
      ...doe1,
      seriesUid: '1.2.826.1.1.2',
      sopInstanceUid: '1.2.826.1.1.2.1',
      modality: 'CR',
      sopClassUid: CR_IMAGE,
      seriesNumber: 2,
    }),
    instanceRecord({
      ...doe2,
      seriesUid: '1.2.826.1.2.1',
      sopInstanceUid: '1.2.826.1.2.1.1',
      modality: 'CR',
      sopClassUid: CR_IMAGE,
    }),
    instanceRecord({
      ...roe,
      seriesUid: '1.2.826.1.3.1',
      sopInstanceUid: '1.2.826.1.3.1.1',
      modality: 'CT',
      sopClassUid: CT_IMAGE,
    }),
  ]);
  const blobs = new FileBlobStore(join(dir, 'blobs'));
  server = await startDimseServer({
    host: '127.0.0.1',
    port: 0,
    aeTitle: 'TESSERA',
    blobs,
    sink: new RecordingSink(blobs),
    index: store.records.dicom,
    logger: pino({ level: 'silent' }),
  });
});

after(async () => {
  await server.close();
  await temp.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** Runs findscu -S with keys and returns the extracted response identifiers, naturalized. */
async function findscu(keys: readonly string[]): Promise<Record<string, unknown>[]> {
  const out = await mkdtemp(join(dir, 'rsp-'));
  const args = [
    '-S',
    '-X',
    '-od',
    out,
    '-aec',
    'TESSERA',
    ...keys.flatMap((k) => ['-k', k]),
    '127.0.0.1',
    String(server.port),
  ];
  const result = await runDcmtk('findscu', args);
  assert.equal(result.code, 0, result.stderr);
  const files = (await readdir(out)).filter((f) => f.startsWith('rsp')).sort();
  return Promise.all(
    files.map(async (file) => {
      const bytes = await readFile(join(out, file));
      const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      return dcmjsData.DicomMetaDictionary.naturalizeDataset(dcmjsData.DicomMessage.readFile(copy).dict);
    }),
  );
}

function pn(value: unknown): string {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'object' && first !== null
    ? String((first as { Alphabetic?: string }).Alphabetic)
    : String(first);
}

describe('identifierToQuery', () => {
  it('maps keys to matching kinds and skips universal ones', () => {
    const query = identifierToQuery('study', {
      PatientID: 'P1',
      PatientName: [{ Alphabetic: 'DOE*' }],
      StudyDate: '20260101-',
      StudyInstanceUID: ['1.2', '1.3'],
      AccessionNumber: '',
      ModalitiesInStudy: 'CT',
      StudyDescription: '*',
    });
    assert.deepEqual(query, {
      level: 'study',
      patientId: { kind: 'exact', value: 'P1' },
      patientName: { kind: 'wildcard', pattern: 'DOE*' },
      studyDate: { from: '20260101' },
      studyUids: ['1.2', '1.3'],
      modality: 'CT',
    });
    assert.deepEqual(identifierToQuery('study', { StudyDate: '-20251231' }).studyDate, { to: '20251231' });
    assert.deepEqual(identifierToQuery('study', { StudyDate: '20260110' }).studyDate, {
      from: '20260110',
      to: '20260110',
    });
    assert.deepEqual(identifierToQuery('study', { StudyInstanceUID: '1.2\\1.3' }).studyUids, ['1.2', '1.3']);
    const series = identifierToQuery('series', { Modality: 'CR', SeriesInstanceUID: '9.9', SeriesNumber: 2 });
    assert.deepEqual(series, { level: 'series', modality: 'CR', seriesUids: ['9.9'], seriesNumber: 2 });
  });
});

describe('C-FIND SCP with findscu', () => {
  it('STUDY level by Patient ID returns the requested keys and computed attributes', async () => {
    const matches = await findscu([
      'QueryRetrieveLevel=STUDY',
      'PatientID=P1',
      'PatientName',
      'StudyDate',
      'StudyInstanceUID',
      'ModalitiesInStudy',
      'NumberOfStudyRelatedSeries',
      'NumberOfStudyRelatedInstances',
    ]);
    assert.equal(matches.length, 1);
    const [match] = matches;
    assert.ok(match);
    assert.equal(match.QueryRetrieveLevel, 'STUDY');
    assert.equal(match.SpecificCharacterSet, 'ISO_IR 192');
    assert.equal(match.StudyInstanceUID, '1.2.826.1.1');
    assert.equal(pn(match.PatientName), 'Doe^John');
    assert.equal(match.StudyDate, '20260110');
    assert.deepEqual([match.ModalitiesInStudy].flat().sort(), ['CR', 'CT']);
    assert.equal(Number(match.NumberOfStudyRelatedSeries), 2);
    assert.equal(Number(match.NumberOfStudyRelatedInstances), 3);
    assert.equal(match.AccessionNumber, undefined, 'keys not requested are not returned');
  });

  it('matches Patient Name wildcards, date ranges and UID lists', async () => {
    const uids = async (keys: string[]): Promise<string[]> =>
      (await findscu(['QueryRetrieveLevel=STUDY', 'StudyInstanceUID', ...keys]))
        .map((m) => String(m.StudyInstanceUID))
        .sort();
    assert.deepEqual(await uids(['PatientName=Doe*']), ['1.2.826.1.1', '1.2.826.1.2']);
    assert.deepEqual(await uids(['PatientName=?oe^Richard']), ['1.2.826.1.3']);
    assert.deepEqual(await uids(['StudyDate=20260101-20260131']), ['1.2.826.1.1']);
    assert.deepEqual(await uids(['StudyDate=20260101-']), ['1.2.826.1.1', '1.2.826.1.2']);
    assert.deepEqual(await uids(['StudyDate=-20251231']), ['1.2.826.1.3']);
    assert.deepEqual(await uids(['AccessionNumber=ACC2']), ['1.2.826.1.2']);
    assert.deepEqual(await uids(['ModalitiesInStudy=CT']), ['1.2.826.1.1', '1.2.826.1.3']);
    const list = await findscu(['QueryRetrieveLevel=STUDY', 'StudyInstanceUID=1.2.826.1.1\\1.2.826.1.3']);
    assert.deepEqual(list.map((m) => String(m.StudyInstanceUID)).sort(), ['1.2.826.1.1', '1.2.826.1.3']);
    assert.deepEqual(await uids(['PatientID=NOBODY']), []);
  });

  it('SERIES level within a study, by Modality, with Number of Series Related Instances', async () => {
    const matches = await findscu([
      'QueryRetrieveLevel=SERIES',
      'StudyInstanceUID=1.2.826.1.1',
      'SeriesInstanceUID',
      'Modality',
      'NumberOfSeriesRelatedInstances',
    ]);
    assert.deepEqual(
      matches.map((m) => [m.SeriesInstanceUID, m.Modality, Number(m.NumberOfSeriesRelatedInstances)]).sort(),
      [
        ['1.2.826.1.1.1', 'CT', 2],
        ['1.2.826.1.1.2', 'CR', 1],
      ],
    );
    const cr = await findscu(['QueryRetrieveLevel=SERIES', 'Modality=CR', 'SeriesInstanceUID']);
    assert.deepEqual(cr.map((m) => m.SeriesInstanceUID).sort(), ['1.2.826.1.1.2', '1.2.826.1.2.1']);
  });
});

describe('C-FIND statuses (dcmjs-dimse Client)', () => {
  async function find(
    elements: Record<string, unknown>,
    level?: string,
  ): Promise<{ status: number; comment: string; pending: number }[]> {
    const client = new Client();
    const request = requests.CFindRequest.createStudyFindRequest(elements);
    if (level !== undefined) {
      request.getDataset()?.setElement('QueryRetrieveLevel', level);
    }
    const seen: { status: number; comment: string; pending: number }[] = [];
    request.on('response', (response: responses.CFindResponse) => {
      seen.push({ status: response.getStatus(), comment: response.getErrorComment() ?? '', pending: seen.length });
    });
    client.addRequest(request);
    const closed = new Promise<void>((resolve) => client.on('closed', () => resolve()));
    client.send('127.0.0.1', server.port, 'SCU', 'TESSERA');
    await closed;
    return seen;
  }

  it('ends the pending responses with success', async () => {
    const seen = await find({ PatientName: 'Doe*', StudyInstanceUID: '' });
    assert.deepEqual(
      seen.map((s) => s.status),
      [0xff00, 0xff00, 0x0000],
    );
  });

  it('refuses an unsupported level with 0xA900 and an Error Comment', async () => {
    const seen = await find({ SOPInstanceUID: '' }, 'IMAGE');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.status, 0xa900);
    assert.match(seen[0]?.comment ?? '', /IMAGE/);
  });
});
