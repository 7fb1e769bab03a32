// parseHead: File Meta Information and the attributes before Pixel Data of a Part-10 file, read
// through dcmjs's internal `DicomMessage._read(stream, syntax, { untilTag })` (pinned here).
// Covers: PS3.10 7.1 (preamble, DICM prefix, File Meta group length first), PS3.5 7.1.2/7.1.3
// (explicit and implicit VR element headers: where the Pixel Data value starts), PS3.5 A.4
// (encapsulated pixel data, undefined length), PS3.5 A.5 (Deflated Explicit VR Little Endian).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dcmjsData } from '../../../../../adapters/dicom/src/dcmjs';
import {
  DEFLATED_TS,
  parseHead,
  Part10Error,
  type ParsedHead,
} from '../../../../../adapters/dicom/src/part10/parse-head';
import { decodePart10, generateCorpus, TransferSyntax, type CorpusManifest } from '../../../../fixtures/dicom/corpus';
import { pixelDataExtent } from '../../../../fixtures/dicom/part10';
import { datasetOffsetOf, deflatedFile, encapsulatedFile, explicitFile, smallRadiograph } from '../ingest/support';

let dir = '';
let manifest: CorpusManifest;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-parse-head-'));
  manifest = await generateCorpus(dir, { radiographs: 0, smallSize: 64, ctSlices: 2, ctSize: 64 });
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function parsed(bytes: Buffer, complete = true): ParsedHead {
  const head = parseHead(bytes, complete);
  assert.ok(head, 'parseHead returned undefined for a whole file');
  return head;
}

function natural(head: ParsedHead): Record<string, unknown> {
  return dcmjsData.DicomMetaDictionary.naturalizeDataset(
    head.dataset as Parameters<typeof dcmjsData.DicomMetaDictionary.naturalizeDataset>[0],
  ) as Record<string, unknown>;
}

function part10Error(fn: () => unknown, reason: Part10Error['reason']): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof Part10Error, String(error));
    assert.equal(error.reason, reason, error.message);
    return true;
  });
}

describe('dcmjs DicomMessage._read, as parseHead relies on it (dcmjs 0.51)', () => {
  it('stops just after the PixelData tag: the key is present, the stream sits at its VR', () => {
    const bytes = explicitFile(smallRadiograph());
    const body = bytes.subarray(datasetOffsetOf(bytes));
    const stream = new dcmjsData.ReadBufferStream(
      body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer,
      true,
      { noCopy: true },
    );
    const dataset = dcmjsData.DicomMessage._read(stream, TransferSyntax.explicitLittle, {
      untilTag: '7FE00010',
      includeUntilTagValue: false,
    }) as Record<string, unknown>;
    assert.ok('7FE00010' in dataset);
    const extent = pixelDataExtent(bytes);
    assert.ok(extent);
    const tagAt = extent.valueOffset - 12 - datasetOffsetOf(bytes); // tag 4, VR 2, reserved 2, length 4
    assert.equal(stream.offset, tagAt + 4);
    assert.equal(body.toString('latin1', stream.offset, stream.offset + 2), 'OW');
  });
});

describe('parseHead: whole files', () => {
  it('reads every valid corpus file: meta, every attribute dcmjs reads but PixelData, and where PixelData starts', async () => {
    const valid = manifest.files.filter((f) => f.valid);
    assert.ok(valid.some((f) => f.transferSyntaxUid === TransferSyntax.implicitLittle));
    for (const entry of valid) {
      const bytes = await readFile(join(dir, entry.path));
      const head = parsed(bytes);
      const full = decodePart10(bytes);
      assert.equal(head.transferSyntaxUid, entry.transferSyntaxUid, entry.path);
      assert.equal(head.fileMeta['00020003']?.Value?.[0], entry.sopInstanceUid, entry.path);
      assert.ok(!('7FE00010' in head.dataset), `${entry.path}: PixelData left out`);
      const { PixelData: _pixels, ...expected } = full.dataset;
      assert.deepEqual(Object.keys(natural(head)).sort(), Object.keys(expected).sort(), entry.path);
      assert.equal(natural(head).SOPInstanceUID, entry.sopInstanceUid);
      assert.equal(natural(head).Rows, entry.rows);
      assert.equal(head.datasetOffset, datasetOffsetOf(bytes), entry.path);
      assert.equal(head.datasetOffset + head.datasetBytes, bytes.length, entry.path);
      const extent = pixelDataExtent(bytes);
      assert.ok(extent && head.pixelData, entry.path);
      assert.equal(head.datasetOffset + head.pixelData.valueOffset, extent.valueOffset, entry.path);
      assert.equal(head.pixelData.length, extent.declaredLength, entry.path);
      assert.equal(head.pixelData.length, entry.expectedPixelBytes, entry.path);
    }
  });

  it('locates encapsulated Pixel Data with an undefined length', () => {
    const dataset = smallRadiograph();
    const bytes = encapsulatedFile(dataset);
    const head = parsed(bytes);
    assert.equal(head.transferSyntaxUid, TransferSyntax.rleLossless);
    assert.deepEqual(head.pixelData, { valueOffset: head.pixelData?.valueOffset, length: undefined });
    // The value starts with the Basic Offset Table item (FFFE,E000).
    const at = head.datasetOffset + (head.pixelData?.valueOffset ?? 0);
    assert.deepEqual([bytes.readUInt16LE(at), bytes.readUInt16LE(at + 2)], [0xfffe, 0xe000]);
  });

  it('inflates a deflated data set and reports offsets in the inflated bytes', () => {
    const dataset = smallRadiograph();
    const plain = parsed(explicitFile(dataset));
    const bytes = deflatedFile(dataset);
    const head = parsed(bytes);
    assert.equal(head.transferSyntaxUid, DEFLATED_TS);
    assert.equal(head.datasetOffset, 0);
    assert.equal(head.datasetBytes, plain.datasetBytes, 'inflated size equals the plain data set');
    assert.ok(bytes.length < plain.datasetOffset + plain.datasetBytes, 'the file really is compressed');
    assert.deepEqual(head.pixelData, plain.pixelData);
    assert.deepEqual(natural(head), natural(plain));
  });

  it('reports a data set without Pixel Data without a location', () => {
    const { PixelData: _pixels, ...rest } = smallRadiograph();
    const head = parsed(explicitFile(rest));
    assert.equal(head.pixelData, undefined);
    assert.equal(natural(head).SOPInstanceUID, rest.SOPInstanceUID);
  });
});

describe('parseHead: heads and broken files', () => {
  it('returns undefined until the head holds the Pixel Data element header, then parses', () => {
    const bytes = explicitFile(smallRadiograph());
    const whole = parsed(bytes);
    const valueStart = whole.datasetOffset + (whole.pixelData?.valueOffset ?? NaN);
    for (let n = 0; n < valueStart; n += n < 200 ? 1 : 7) {
      assert.equal(parseHead(bytes.subarray(0, n), false), undefined, `head of ${n} bytes`);
    }
    assert.equal(parseHead(bytes.subarray(0, valueStart - 1), false), undefined);
    const head = parsed(bytes.subarray(0, valueStart), false);
    assert.deepEqual(head.dataset, whole.dataset);
    assert.deepEqual(head.pixelData, whole.pixelData);
    assert.equal(head.datasetBytes, valueStart - head.datasetOffset, 'datasetBytes counts the bytes given');
  });

  it('reads a deflated file only whole', () => {
    const bytes = deflatedFile(smallRadiograph());
    assert.equal(parseHead(bytes, false), undefined);
    assert.ok(parseHead(bytes, true));
    part10Error(() => parseHead(bytes.subarray(0, bytes.length - 100), true), 'truncated');
    part10Error(
      () => parseHead(Buffer.concat([bytes.subarray(0, datasetOffsetOf(bytes)), Buffer.alloc(64, 0xff)]), true),
      'truncated',
    );
  });

  it('refuses what is not Part-10 (no DICM at 128) but waits for more of a short head', async () => {
    for (const entry of manifest.files.filter((f) => f.reason === 'not-dicom')) {
      const bytes = await readFile(join(dir, entry.path));
      part10Error(() => parseHead(bytes, true), 'not-dicom');
    }
    assert.equal(parseHead(Buffer.alloc(100), false), undefined);
    part10Error(() => parseHead(Buffer.alloc(100), true), 'not-dicom');
    part10Error(() => parseHead(Buffer.alloc(400), false), 'not-dicom');
  });

  it('refuses File Meta without its group length first, and files cut inside the File Meta', () => {
    const bytes = explicitFile(smallRadiograph());
    const noLength = Buffer.from(bytes);
    noLength.writeUInt16LE(0x0001, 134); // (0002,0001) where (0002,0000) must be
    part10Error(() => parseHead(noLength, true), 'malformed');
    part10Error(() => parseHead(bytes.subarray(0, 140), true), 'truncated');
    part10Error(() => parseHead(bytes.subarray(0, datasetOffsetOf(bytes) - 1), true), 'truncated');
    assert.equal(parseHead(bytes.subarray(0, datasetOffsetOf(bytes) - 1), false), undefined);
  });

  it('refuses a whole file cut inside the Pixel Data element header', () => {
    const bytes = explicitFile(smallRadiograph());
    const head = parsed(bytes);
    const valueStart = head.datasetOffset + (head.pixelData?.valueOffset ?? NaN);
    part10Error(() => parseHead(bytes.subarray(0, valueStart - 2), true), 'truncated');
  });

  it('parses the truncated corpus file whole: the pixel data extent is checked later (inspect-instance)', async () => {
    const entry = manifest.files.find((f) => f.reason === 'truncated-pixel-data');
    assert.ok(entry);
    const bytes = await readFile(join(dir, entry.path));
    const head = parsed(bytes);
    assert.ok(head.pixelData?.length !== undefined);
    assert.ok(head.pixelData.valueOffset + head.pixelData.length > head.datasetBytes);
  });

  it('refuses a whole file cut inside an attribute before the Pixel Data', {}, () => {
    const bytes = explicitFile(smallRadiograph());
    const head = parsed(bytes);
    const valueStart = head.datasetOffset + (head.pixelData?.valueOffset ?? NaN);
    // 17 bytes before the Pixel Data value: inside the last attribute before (7FE0,0010).
    part10Error(() => parseHead(bytes.subarray(0, valueStart - 17), true), 'truncated');
    part10Error(() => parseHead(bytes.subarray(0, 500), true), 'truncated');
  });
});
