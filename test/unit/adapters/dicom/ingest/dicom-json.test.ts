// toDicomJson / splitByLevel / indexRecordOf / personNameText: what the DICOM index keeps of an
// accepted instance.
// Covers: PS3.18 F.2 (DICOM JSON: `vr` and `Value`, sequences as nested objects, F.2.7 InlineBinary,
// F.2.6 bulk data left out), PS3.5 6.2 (trailing NUL/space padding; PN component groups joined
// with `=`, 6.2.1.1), PS3.3 C.7.1.1 / C.7.2.1 / C.7.3.1 (Patient, General Study, General Series
// attributes kept at their level).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { INLINE_BINARY_LIMIT, splitByLevel, toDicomJson } from '../../../../../adapters/dicom/src/ingest/dicom-json';
import { indexRecordOf, personNameText } from '../../../../../adapters/dicom/src/ingest/index-record';
import { inspectHead } from '../../../../../adapters/dicom/src/ingest/inspect-instance';
import type { DicomJson } from '../../../../../server/src/durable/dicom-index';
import { generateCorpus, type CorpusManifest } from '../../../../fixtures/dicom/corpus';

let dir = '';
let manifest: CorpusManifest;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-dicom-json-'));
  manifest = await generateCorpus(dir, { radiographs: 0, smallSize: 64, ctSlices: 2, ctSize: 64, broken: false });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('toDicomJson', () => {
  it('sorts tags, strips padding and empty values, and drops dcmjs bookkeeping', () => {
    const json = toDicomJson({
      '00100020': { vr: 'LO', Value: ['P1 \0'], _rawValue: ['P1 \0'] },
      '00080060': { vr: 'CS', Value: ['CT '] },
      '00080090': { vr: 'PN', Value: [''] },
      '00200013': { vr: 'IS', Value: [7] },
      '00081030': { vr: 'LO', Value: ['', 'b', null] },
    } as unknown as DicomJson);
    assert.deepEqual(Object.keys(json), ['00080060', '00080090', '00081030', '00100020', '00200013']);
    assert.deepEqual(json, {
      '00080060': { vr: 'CS', Value: ['CT'] },
      '00080090': { vr: 'PN' },
      '00081030': { vr: 'LO', Value: ['b'] },
      '00100020': { vr: 'LO', Value: ['P1'] },
      '00200013': { vr: 'IS', Value: [7] },
    });
  });

  it('inlines small binary values as base64 and leaves large ones as bulk data', () => {
    const small = new Uint8Array([1, 2, 3, 4]).buffer;
    const large = new Uint8Array(INLINE_BINARY_LIMIT + 2).buffer;
    const json = toDicomJson({
      '00091010': { vr: 'OB', Value: [small] },
      '00091011': { vr: 'OW', Value: [large] },
      '00091012': { vr: 'UN', Value: [] },
    } as unknown as DicomJson);
    assert.deepEqual(json['00091010'], { vr: 'OB', InlineBinary: Buffer.from([1, 2, 3, 4]).toString('base64') });
    assert.deepEqual(json['00091011'], { vr: 'OW' });
    assert.deepEqual(json['00091012'], { vr: 'UN' });
  });

  it('cleans sequence items recursively; an empty sequence keeps only its VR', () => {
    const json = toDicomJson({
      '00081032': {
        vr: 'SQ',
        Value: [{ '00080104': { vr: 'LO', Value: ['Chest PA '] }, '00080100': { vr: 'SH', Value: ['X1'] } }],
      },
      '00400275': { vr: 'SQ', Value: [] },
    } as unknown as DicomJson);
    assert.deepEqual(json, {
      '00081032': {
        vr: 'SQ',
        Value: [{ '00080100': { vr: 'SH', Value: ['X1'] }, '00080104': { vr: 'LO', Value: ['Chest PA'] } }],
      },
      '00400275': { vr: 'SQ' },
    });
  });
});

describe('splitByLevel', () => {
  it('puts Patient and Study attributes at study level, Series ones at series level, the character set in both', () => {
    const el = { vr: 'LO', Value: ['x'] };
    const { study, series } = splitByLevel({
      '00080005': el,
      '00100010': el,
      '00101010': el, // PatientAge: any group 0010 attribute
      '0020000D': el,
      '00080050': el,
      '0020000E': el,
      '00080060': el,
      '00180015': el,
      '00080018': el, // SOPInstanceUID: instance level only
      '00280010': el,
    });
    assert.deepEqual(Object.keys(study).sort(), ['00080005', '00080050', '00100010', '00101010', '0020000D']);
    assert.deepEqual(Object.keys(series).sort(), ['00080005', '00080060', '00180015', '0020000E']);
  });
});

describe('indexRecordOf', () => {
  it('copies the matching keys out of every valid corpus file and keeps the attributes by level', async () => {
    const receivedAt = new Date('2026-01-15T10:00:00.000Z');
    for (const entry of manifest.files.filter((f) => f.valid)) {
      const instance = inspectHead(await readFile(join(dir, entry.path)), true, {});
      assert.ok(instance);
      const blob = { sha256: 'a'.repeat(64), size: entry.bytes, created: true };
      const record = indexRecordOf(instance, blob, 'dicom://CT1', receivedAt);
      assert.equal(record.sopInstanceUid, entry.sopInstanceUid);
      assert.equal(record.studyUid, entry.studyInstanceUid);
      assert.equal(record.transferSyntaxUid, entry.transferSyntaxUid);
      assert.equal(record.sha256, blob.sha256);
      assert.equal(record.size, entry.bytes);
      assert.equal(record.source, 'dicom://CT1');
      assert.equal(record.receivedAt, receivedAt.toISOString());
      assert.equal(record.patientId, entry.patientId);
      assert.equal(record.accessionNumber, entry.accessionNumber);
      assert.equal(record.modality, entry.modality);
      assert.equal(typeof record.seriesNumber, 'number');
      assert.equal(record.instanceAttributes['00080018']?.Value?.[0], entry.sopInstanceUid);
      assert.equal(record.studyAttributes['00100020']?.Value?.[0], entry.patientId);
      assert.equal(record.seriesAttributes['00080060']?.Value?.[0], entry.modality);
      assert.ok(!('00080018' in record.studyAttributes) && !('00080018' in record.seriesAttributes));
      assert.ok(!Object.values(record).includes(undefined), `${entry.path}: no undefined fields`);
      assert.ok(!('referringPhysicianName' in record), 'an empty PN is left out');
    }
  });

  it('writes non-ASCII person names with their component groups', async () => {
    const entry = manifest.files.find((f) => f.patientId === 'TESSERA-YAMADA');
    assert.ok(entry);
    const instance = inspectHead(await readFile(join(dir, entry.path)), true, {});
    assert.ok(instance);
    const record = indexRecordOf(instance, { sha256: 'b'.repeat(64), size: 1, created: true }, 'dicomweb', new Date());
    assert.equal(record.patientName, 'Yamada^Tarou=山田^太郎=やまだ^たろう');
  });
});

describe('personNameText', () => {
  it('joins component groups with = and drops trailing empty groups', () => {
    assert.equal(personNameText({ vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] }), 'Doe^Jane');
    assert.equal(personNameText({ vr: 'PN', Value: [{ Ideographic: '山田' }] }), '=山田');
    assert.equal(personNameText({ vr: 'PN', Value: [{ Alphabetic: 'A', Phonetic: 'a' }] }), 'A==a');
    assert.equal(personNameText({ vr: 'PN', Value: [' Doe '] }), 'Doe');
    assert.equal(personNameText({ vr: 'PN', Value: [{}] }), undefined);
    assert.equal(personNameText({ vr: 'PN' }), undefined);
    assert.equal(personNameText(undefined), undefined);
  });
});
