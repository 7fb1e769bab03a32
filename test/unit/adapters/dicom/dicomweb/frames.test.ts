/**
 * Covers frame extraction (PS3.18 10.4.1.1.5; PS3.5 8.2 native and A.4 encapsulated pixel data)
 * on the corpus: native and deflated (PS3.5 A.5) files give Rows×Columns×2-byte frames, JPEG
 * baseline and JPEG-LS give their codestream (SOI marker first), plus frame-list parsing; and the
 * DICOMweb content negotiation of PS3.18 8.7 (transfer-syntax parameter, rendered media types).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EXPLICIT_LITTLE,
  extractFrames,
  parseFrameList,
  selectFrames,
} from '../../../../../adapters/dicom/src/dicomweb/frames';
import {
  acceptedTransferSyntaxes,
  checkTransferSyntax,
  renderedType,
  requireDicomJson,
} from '../../../../../adapters/dicom/src/dicomweb/negotiate';
import { FhirError } from '../../../../../server/src/errors/outcome';
import type { CorpusManifest } from '../../../../fixtures/dicom/corpus';
import { generateCorpus } from '../../../../fixtures/dicom/corpus';
import { hasDcmtk } from '../../../../fixtures/dicom/dcmtk';

describe('extractFrames', { skip: !hasDcmtk() && 'dcmtk not installed' }, () => {
  let dir: string;
  let manifest: CorpusManifest;
  const file = async (variant: string): Promise<Buffer> => {
    const entry = manifest.files.find((f) => f.variant === variant);
    assert.ok(entry);
    return readFile(join(dir, entry.path));
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-frames-'));
    manifest = await generateCorpus(dir, {
      radiographs: 0,
      ctSlices: 1,
      ctSize: 64,
      smallSize: 64,
      compressed: true,
      broken: false,
    });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('cuts native pixel data into frames of the declared size', async () => {
    const ct = manifest.files.find((f) => f.kind === 'ct');
    const bytes = await readFile(join(dir, ct?.path ?? ''));
    const { transferSyntaxUid, frames } = extractFrames(bytes);
    assert.equal(transferSyntaxUid, EXPLICIT_LITTLE);
    assert.equal(frames.length, 1);
    assert.equal(frames[0]?.length, 64 * 64 * 2);
    assert.ok(bytes.subarray(bytes.length - 64 * 64 * 2).equals(frames[0] as Buffer));
  });

  it('inflates deflated files and serves their frames as native', async () => {
    const { transferSyntaxUid, frames } = extractFrames(await file('deflated'));
    assert.equal(transferSyntaxUid, EXPLICIT_LITTLE);
    assert.equal(frames[0]?.length, 64 * 64 * 2);
  });

  for (const [variant, ts] of [
    ['jpeg-ls', '1.2.840.10008.1.2.4.80'],
    ['jpeg-baseline', '1.2.840.10008.1.2.4.50'],
  ] as const) {
    it(`gives the ${variant} codestream of an encapsulated frame`, async () => {
      const bytes = await file(variant);
      const { transferSyntaxUid, frames } = extractFrames(bytes);
      assert.equal(transferSyntaxUid, ts);
      assert.equal(frames.length, 1);
      const frame = frames[0] as Buffer;
      assert.deepEqual([...frame.subarray(0, 2)], [0xff, 0xd8], 'starts with SOI');
      assert.ok(bytes.indexOf(frame) > 0, 'the stored fragment, byte for byte');
    });
  }
});

describe('frame lists', () => {
  it('parses 1-based lists and refuses malformed ones', () => {
    assert.deepEqual(parseFrameList('1,3, 2'), [1, 3, 2]);
    assert.throws(() => parseFrameList('0'), FhirError);
    assert.throws(() => parseFrameList('1,,2'), FhirError);
    assert.throws(() => parseFrameList('a'), FhirError);
  });

  it('selects frames and answers 404 beyond the last', () => {
    const frames = [Buffer.from('a'), Buffer.from('b')];
    assert.deepEqual(selectFrames(frames, [2, 1]).map(String), ['b', 'a']);
    assert.throws(
      () => selectFrames(frames, [3]),
      (err: unknown) => err instanceof FhirError && err.status === 404,
    );
  });
});

describe('negotiation', () => {
  it('reads transfer-syntax from multipart ranges', () => {
    assert.equal(acceptedTransferSyntaxes(undefined, ['application/dicom']), '*');
    assert.equal(
      acceptedTransferSyntaxes('multipart/related; type="application/dicom"; transfer-syntax=*', ['application/dicom']),
      '*',
    );
    assert.deepEqual(
      acceptedTransferSyntaxes('multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.1', [
        'application/dicom',
      ]),
      ['1.2.840.10008.1.2.1'],
    );
    assert.throws(() => acceptedTransferSyntaxes('application/json', ['application/dicom']), FhirError);
    assert.throws(() => checkTransferSyntax(['1.2.840.10008.1.2.1'], ['1.2.840.10008.1.2.5']), FhirError);
    checkTransferSyntax('*', ['1.2.840.10008.1.2.5']);
  });

  it('chooses rendered media types and DICOM JSON', () => {
    assert.equal(renderedType(undefined), 'image/jpeg');
    assert.equal(renderedType('image/png, image/jpeg'), 'image/png');
    assert.equal(renderedType('image/*'), 'image/jpeg');
    assert.throws(() => renderedType('image/gif'), FhirError);
    requireDicomJson('application/dicom+json');
    requireDicomJson('application/json');
    assert.throws(() => requireDicomJson('application/dicom+xml'), FhirError);
  });
});
