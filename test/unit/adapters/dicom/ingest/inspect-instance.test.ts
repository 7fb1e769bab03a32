// inspectHead / checkPixelData / inspectInstance: whether a received Part-10 file may be stored,
// and the DIMSE status of each refusal.
// Covers: PS3.4 B.2.3 (0xC000 cannot understand: not DICOM, truncated, identifying UIDs missing;
// 0xA900 data set does not match SOP class), PS3.10 7.1 (File Meta names the data set's SOP class
// and instance), PS3.7 9.1.1 (C-STORE Affected SOP Class/Instance UIDs), PS3.18 10.5.3.2 (STOW-RS
// instance outside the target study), PS3.5 8.1.1 (native Pixel Data length), PS3.5 A.4
// (encapsulated Pixel Data closed by its Sequence Delimitation Item).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  checkPixelData,
  IngestRejection,
  inspectHead,
  inspectInstance,
  type ReadBlob,
} from '../../../../../adapters/dicom/src/ingest/inspect-instance';
import type { ReceivedInstance } from '../../../../../adapters/dicom/src/ingest/types';
import { DimseStatus } from '../../../../../adapters/dicom/src/status';
import { generateCorpus, SopClass, type CorpusManifest } from '../../../../fixtures/dicom/corpus';
import type { NaturalDataset } from '../../../../fixtures/dicom/dcmjs-api';
import { deflatedFile, encapsulatedFile, explicitFile, smallRadiograph, trailingPadding } from './support';

let dir = '';
let manifest: CorpusManifest;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-inspect-'));
  manifest = await generateCorpus(dir, { radiographs: 0, smallSize: 64, ctSlices: 1, ctSize: 64 });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A received file: the whole file stands behind `readBlob`, the receiver kept `headBytes` and the tail. */
function receive(
  bytes: Buffer,
  options: Partial<Pick<ReceivedInstance, 'declared' | 'expectedStudyUid'>> & {
    headBytes?: number;
    tail?: boolean;
  } = {},
): { received: ReceivedInstance; readBlob: ReadBlob; reads: () => number } {
  let reads = 0;
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const received: ReceivedInstance = {
    blob: { sha256, size: bytes.length, created: true },
    head: bytes.subarray(0, options.headBytes ?? bytes.length),
    ...(options.tail === false ? {} : { tail: bytes.subarray(-64) }),
    source: 'dicom://MODALITY',
    ...(options.declared === undefined ? {} : { declared: options.declared }),
    ...(options.expectedStudyUid === undefined ? {} : { expectedStudyUid: options.expectedStudyUid }),
  };
  const readBlob: ReadBlob = (address) => {
    reads++;
    assert.equal(address, sha256);
    return Promise.resolve(bytes);
  };
  return { received, readBlob, reads: () => reads };
}

async function rejection(promise: Promise<unknown>): Promise<IngestRejection> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof IngestRejection, String(error));
    return error;
  }
  assert.fail('accepted');
}

describe('inspectInstance: the broken corpus', () => {
  it('refuses every broken file with its expected status and a reason', async () => {
    const broken = manifest.files.filter((f) => !f.valid);
    assert.equal(broken.length, 7);
    for (const entry of broken) {
      const { received, readBlob } = receive(await readFile(join(dir, entry.path)));
      const refused = await rejection(inspectInstance(received, readBlob));
      assert.equal(refused.status, entry.expectedStatus, `${entry.path}: ${refused.reason}`);
      assert.ok(refused.reason.length > 0);
    }
  });

  it('names what is missing and what disagrees', async () => {
    const reasons = new Map<string, string>();
    for (const entry of manifest.files.filter((f) => !f.valid && f.reason !== undefined)) {
      const { received, readBlob } = receive(await readFile(join(dir, entry.path)));
      reasons.set(entry.reason ?? '', (await rejection(inspectInstance(received, readBlob))).reason);
    }
    assert.match(reasons.get('missing-study-instance-uid') ?? '', /StudyInstanceUID \(0020,000D\)/);
    assert.match(reasons.get('missing-sop-instance-uid') ?? '', /SOPInstanceUID \(0008,0018\)/);
    assert.match(reasons.get('meta-sop-class-mismatch') ?? '', /File Meta SOP class/);
    assert.match(reasons.get('sop-class-dataset-mismatch') ?? '', /CT Image Storage requires Modality CT/);
    assert.match(reasons.get('truncated-pixel-data') ?? '', /^truncated: Pixel Data declares/);
    assert.match(reasons.get('not-dicom') ?? '', /DICM/);
  });

  it('accepts every valid corpus file and reports its UIDs', async () => {
    for (const entry of manifest.files.filter((f) => f.valid)) {
      const { received, readBlob } = receive(await readFile(join(dir, entry.path)));
      const instance = await inspectInstance(received, readBlob);
      assert.deepEqual(instance.uids, {
        studyUid: entry.studyInstanceUid,
        seriesUid: entry.seriesInstanceUid,
        sopInstanceUid: entry.sopInstanceUid,
        sopClassUid: entry.sopClassUid,
        transferSyntaxUid: entry.transferSyntaxUid,
      });
      assert.equal(instance.hasPixelData, true);
      assert.equal(instance.meta.PatientID, entry.patientId);
    }
  });
});

describe('inspectInstance: truncated pixel data', () => {
  it('detects a cut native Pixel Data from a head alone, without reading the blob', async () => {
    const entry = manifest.files.find((f) => f.reason === 'truncated-pixel-data');
    assert.ok(entry);
    const bytes = await readFile(join(dir, entry.path));
    const { received, readBlob, reads } = receive(bytes, { headBytes: 2048, tail: false });
    assert.ok(received.head.length < bytes.length);
    const refused = await rejection(inspectInstance(received, readBlob));
    assert.equal(refused.status, DimseStatus.CannotUnderstand);
    assert.match(refused.reason, /^truncated/);
    assert.equal(refused.uids.sopInstanceUid, entry.sopInstanceUid);
    assert.equal(reads(), 0);
  });

  it('detects Pixel Data shorter than Rows x Columns x Bits', async () => {
    const bytes = explicitFile({ ...smallRadiograph(), Rows: 128 }); // 64 x 64 pixels declared as 128 rows
    const { received, readBlob } = receive(bytes);
    const refused = await rejection(inspectInstance(received, readBlob));
    assert.equal(refused.status, DimseStatus.CannotUnderstand);
    assert.match(refused.reason, /Rows × Columns/);
  });

  it('detects a cut encapsulated Pixel Data from the tail and the fragments', async () => {
    const open = encapsulatedFile(smallRadiograph(), { close: false });
    const { received, readBlob, reads } = receive(open, { headBytes: 1500 });
    const refused = await rejection(inspectInstance(received, readBlob));
    assert.equal(refused.status, DimseStatus.CannotUnderstand);
    assert.match(refused.reason, /Sequence Delimitation Item/);
    assert.equal(reads(), 1, 'the fragments are walked in the stored blob');
  });

  it('accepts closed encapsulated Pixel Data from the tail alone, and with trailing elements by walking', async () => {
    const closed = receive(encapsulatedFile(smallRadiograph()), { headBytes: 1500 });
    const instance = await inspectInstance(closed.received, closed.readBlob);
    assert.equal(instance.hasPixelData, true);
    assert.equal(closed.reads(), 0, 'the delimiter is in the tail');
    const trailing = receive(encapsulatedFile(smallRadiograph(), { trailer: trailingPadding(100) }), {
      headBytes: 1500,
    });
    await inspectInstance(trailing.received, trailing.readBlob);
    assert.equal(trailing.reads(), 1);
    const noTail = receive(encapsulatedFile(smallRadiograph()), { headBytes: 1500, tail: false });
    await inspectInstance(noTail.received, noTail.readBlob);
    assert.equal(noTail.reads(), 1);
  });

  it('checks a deflated file against its inflated length', async () => {
    const good = receive(deflatedFile(smallRadiograph()));
    assert.equal(
      (await inspectInstance(good.received, good.readBlob)).uids.transferSyntaxUid,
      '1.2.840.10008.1.2.1.99',
    );
    const short = receive(deflatedFile({ ...smallRadiograph(), Columns: 128 }));
    assert.equal(
      (await rejection(inspectInstance(short.received, short.readBlob))).status,
      DimseStatus.CannotUnderstand,
    );
  });

  it('checkPixelData accepts a data set without Pixel Data', async () => {
    const { PixelData: _pixels, ...rest }: NaturalDataset = {
      ...smallRadiograph(),
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.104.1', // Encapsulated PDF: not checked, no pixels
    };
    const bytes = explicitFile(rest);
    const instance = inspectHead(bytes, true, {});
    assert.ok(instance);
    assert.equal(instance.hasPixelData, false);
    await checkPixelData(instance, { blob: { sha256: 'x', size: bytes.length } }, bytes, () => assert.fail('no read'));
  });
});

describe('inspectHead: heads and what the receiver was told', () => {
  it('returns undefined for a head that ends before the pixel data; inspectInstance then reads the blob', async () => {
    const bytes = explicitFile(smallRadiograph());
    assert.equal(inspectHead(bytes.subarray(0, 600), false, {}), undefined);
    const { received, readBlob, reads } = receive(bytes, { headBytes: 600 });
    const instance = await inspectInstance(received, readBlob);
    assert.equal(reads(), 1);
    assert.equal(instance.meta.Rows, 64);
  });

  it('refuses a data set other than the C-STORE command names (0xA900)', () => {
    const dataset = smallRadiograph();
    const bytes = explicitFile(dataset);
    const sopInstanceUid = String(dataset.SOPInstanceUID);
    const ok = inspectHead(bytes, true, { declared: { sopClassUid: SopClass.dxForPresentation, sopInstanceUid } });
    assert.equal(ok?.uids.sopInstanceUid, sopInstanceUid);
    for (const declared of [
      { sopClassUid: SopClass.ct, sopInstanceUid },
      { sopClassUid: SopClass.dxForPresentation, sopInstanceUid: `${sopInstanceUid}.9` },
    ]) {
      assert.throws(
        () => inspectHead(bytes, true, { declared }),
        (e: unknown) => e instanceof IngestRejection && e.status === 0xa900 && /C-STORE names/.test(e.reason),
      );
    }
  });

  it('refuses an instance of another study than the STOW-RS target (0xA900)', () => {
    const dataset = smallRadiograph();
    const bytes = explicitFile(dataset);
    assert.ok(inspectHead(bytes, true, { expectedStudyUid: String(dataset.StudyInstanceUID) }));
    assert.throws(
      () => inspectHead(bytes, true, { expectedStudyUid: '1.2.3.4' }),
      (e: unknown) =>
        e instanceof IngestRejection &&
        e.status === 0xa900 &&
        e.reason.includes('not 1.2.3.4') &&
        e.uids.sopInstanceUid === dataset.SOPInstanceUID,
    );
  });

  it('refuses a missing Series Instance UID and SOP Class UID, naming both (0xC000)', () => {
    const { SeriesInstanceUID: _series, SOPClassUID: _class, ...rest } = smallRadiograph();
    assert.throws(
      () => inspectHead(explicitFile(rest), true, {}),
      (e: unknown) =>
        e instanceof IngestRejection &&
        e.status === 0xc000 &&
        /SeriesInstanceUID \(0020,000E\), SOPInstanceUID|SeriesInstanceUID \(0020,000E\), SOPClassUID/.test(e.reason),
    );
  });

  it('refuses an image cut before its Pixel Data (0xC000)', {}, async () => {
    const bytes = explicitFile(smallRadiograph());
    const head = inspectHead(bytes, true, {});
    const valueStart = (head?.parsed.datasetOffset ?? 0) + (head?.parsed.pixelData?.valueOffset ?? 0);
    for (const cut of [valueStart - 17, valueStart - 12]) {
      const { received, readBlob } = receive(bytes.subarray(0, cut));
      const refused = await rejection(inspectInstance(received, readBlob));
      assert.equal(refused.status, DimseStatus.CannotUnderstand);
    }
  });
});
