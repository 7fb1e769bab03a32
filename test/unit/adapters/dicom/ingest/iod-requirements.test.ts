// sopClassMismatch: the checks behind C-STORE 0xA900 "Data Set does not match SOP Class".
// Covers: PS3.4 B.2.3, PS3.3 A.3 (CT Image: Modality CT, Image Plane, rescale), A.26 (DX
// Modality), A.35 (SR: Value Type, Concept Name), C.7.6.3 (Image Pixel Type 1 attributes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sopClassMismatch } from '../../../../../adapters/dicom/src/ingest/iod-requirements';
import { SopClass } from '../../../../fixtures/dicom/corpus';

const pixel = {
  Rows: 64,
  Columns: 64,
  BitsAllocated: 16,
  SamplesPerPixel: 1,
  PhotometricInterpretation: 'MONOCHROME2',
};
const ct = {
  ...pixel,
  Modality: 'CT',
  ImagePositionPatient: [0, 0, 0],
  ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
  PixelSpacing: [0.5, 0.5],
  RescaleIntercept: -1024,
  RescaleSlope: 1,
};

describe('sopClassMismatch', () => {
  it('accepts data sets that carry what their class requires', () => {
    assert.equal(sopClassMismatch(SopClass.ct, ct), undefined);
    assert.equal(sopClassMismatch(SopClass.dxForPresentation, { ...pixel, Modality: 'DX ' }), undefined);
    assert.equal(sopClassMismatch(SopClass.cr, { ...pixel, Modality: 'OT' }), undefined, 'CR fixes no Modality');
    assert.equal(sopClassMismatch(SopClass.ct, { ...ct, RescaleIntercept: 0 }), undefined, '0 is a value');
  });

  it('names the Modality the class fixes', () => {
    assert.equal(
      sopClassMismatch(SopClass.ct, { ...ct, Modality: 'DX' }),
      'CT Image Storage requires Modality CT, the data set has DX',
    );
    assert.match(
      sopClassMismatch(SopClass.dxForPresentation, pixel) ?? '',
      /requires Modality DX, the data set has none/,
    );
  });

  it('lists every missing or empty Type 1 attribute', () => {
    const { PixelSpacing: _s, RescaleSlope: _r, ...rest } = ct;
    assert.equal(
      sopClassMismatch(SopClass.ct, { ...rest, Rows: '', ImagePositionPatient: [] }),
      'CT Image Storage requires Rows, ImagePositionPatient, PixelSpacing, RescaleSlope',
    );
    assert.equal(
      sopClassMismatch('1.2.840.10008.5.1.4.1.1.88.22', { Modality: 'SR', ValueType: 'CONTAINER' }),
      'Enhanced SR Storage requires ConceptNameCodeSequence',
    );
  });

  it('accepts classes it does not check on their UIDs alone', () => {
    assert.equal(sopClassMismatch('1.2.840.10008.5.1.4.1.1.481.1', {}), undefined);
  });
});
