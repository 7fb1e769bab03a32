/**
 * Part-10 files the ingest tests need beyond the generated corpus (test/fixtures/dicom/): small
 * radiographs and CT slices, a Deflated Explicit VR Little Endian file (PS3.5 A.5; dcmjs writes
 * the data set uncompressed, so it is deflated here) and encapsulated pixel data (PS3.5 A.4).
 */
import { deflateRawSync } from 'node:zlib';
import {
  chestRadiograph,
  encodePart10,
  TransferSyntax,
  type RadiographOptions,
} from '../../../../fixtures/dicom/corpus';
import type { NaturalDataset } from '../../../../fixtures/dicom/dcmjs-api';

/** Offset of the data set in an (uncompressed) Part-10 file: after the File Meta group. */
export function datasetOffsetOf(file: Buffer): number {
  return 132 + 12 + file.readUInt32LE(132 + 8);
}

/** A small DX radiograph dataset (64 x 64, 16 bits). */
export function smallRadiograph(options: Partial<RadiographOptions> = {}): NaturalDataset {
  return chestRadiograph({ modality: 'DX', rows: 64, columns: 64, ...options });
}

/** The dataset as an Explicit VR Little Endian Part-10 file. */
export function explicitFile(dataset: NaturalDataset): Buffer {
  return encodePart10(dataset, TransferSyntax.explicitLittle);
}

/** The dataset as a Deflated Explicit VR Little Endian file (File Meta plain, data set deflated). */
export function deflatedFile(dataset: NaturalDataset): Buffer {
  const plain = encodePart10(dataset, TransferSyntax.deflatedExplicitLittle); // meta says deflated, body is not
  const offset = datasetOffsetOf(plain);
  return Buffer.concat([plain.subarray(0, offset), deflateRawSync(plain.subarray(offset))]);
}

/** An item (FFFE,E000) of an encapsulated pixel data sequence. */
function item(value: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(0xfffe, 0);
  header.writeUInt16LE(0xe000, 2);
  header.writeUInt32LE(value.length, 4);
  return Buffer.concat([header, value]);
}

/** The Sequence Delimitation Item (FFFE,E0DD) that closes encapsulated pixel data. */
export const SEQUENCE_DELIMITER = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);

/**
 * A file with encapsulated (undefined length) pixel data in RLE Lossless: an empty Basic Offset
 * Table item and one fragment, then the delimiter unless `close` is false, then `trailer`.
 */
export function encapsulatedFile(
  dataset: NaturalDataset,
  options: { close?: boolean; fragment?: number; trailer?: Buffer } = {},
): Buffer {
  const { PixelData: _pixels, ...rest } = dataset;
  const head = encodePart10(rest, TransferSyntax.rleLossless);
  const tag = Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff]); // (7FE0,0010) OB, undefined
  const fragment = Buffer.alloc(options.fragment ?? 512, 0x5a);
  return Buffer.concat([
    head,
    tag,
    item(Buffer.alloc(0)),
    item(fragment),
    ...(options.close === false ? [] : [SEQUENCE_DELIMITER]),
    options.trailer ?? Buffer.alloc(0),
  ]);
}

/** A trailing top-level element after the pixel data: (FFFC,FFFC) Data Set Trailing Padding, OB. */
export function trailingPadding(length: number): Buffer {
  const header = Buffer.from([0xfc, 0xff, 0xfc, 0xff, 0x4f, 0x42, 0, 0, 0, 0, 0, 0]);
  header.writeUInt32LE(length, 8);
  return Buffer.concat([header, Buffer.alloc(length)]);
}
