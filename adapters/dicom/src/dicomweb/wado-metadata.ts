/**
 * WADO-RS metadata (PS3.18 10.4.1.1.2): the instances' DICOM JSON (everything but bulk data), with
 * PixelData's BulkDataURI pointing at the instance's frames resource (PS3.18 F.2.6). Other bulk
 * data elements, which Tessera has no bulkdata resource for, are returned empty (zero-length).
 */
import type { DicomInstanceRow, DicomJsonElement } from '../../../../server/src/durable/dicom-index';
import type { DicomJsonBuilder } from './dicom-json';
import { sorted } from './dicom-json';
import { framesUrl, retrieveUrl } from './urls';

const PIXEL_DATA = '7FE00010';

function withoutBulkData(value: DicomJsonElement): DicomJsonElement {
  if (value.BulkDataURI !== undefined) {
    return { vr: value.vr };
  }
  if (value.vr === 'SQ' && value.Value !== undefined) {
    return {
      vr: 'SQ',
      Value: value.Value.map((item) => {
        const out: DicomJsonBuilder = {};
        for (const [tag, inner] of Object.entries(item as Record<string, DicomJsonElement>)) {
          out[tag] = withoutBulkData(inner);
        }
        return out;
      }),
    };
  }
  return value;
}

function pixelVr(transferSyntaxUid: string): string {
  return ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2'].includes(
    transferSyntaxUid,
  )
    ? 'OW'
    : 'OB';
}

/**
 * The metadata of one instance.
 * @param row - the instance row
 * @param root - the DICOMweb root
 */
export function instanceMetadata(row: DicomInstanceRow, root: string): DicomJsonBuilder {
  const out: DicomJsonBuilder = {};
  for (const [tag, value] of Object.entries(row.instanceAttributes)) {
    out[tag] = tag === PIXEL_DATA ? value : withoutBulkData(value);
  }
  const pixelData =
    out[PIXEL_DATA] ?? (out['00280010'] !== undefined ? { vr: pixelVr(row.transferSyntaxUid) } : undefined);
  if (pixelData !== undefined) {
    const url = retrieveUrl(root, {
      studyUid: row.studyUid,
      seriesUid: row.seriesUid,
      sopInstanceUid: row.sopInstanceUid,
    });
    out[PIXEL_DATA] = { vr: pixelData.vr, BulkDataURI: framesUrl(url, row.numberOfFrames ?? 1) };
  }
  return sorted(out);
}
