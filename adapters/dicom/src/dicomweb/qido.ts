/**
 * QIDO-RS search transactions (PS3.18 10.6): studies, series (all or of a study) and instances
 * (all, of a study, or of a series), answered from the DICOM index.
 */
import type { DicomIndex, DicomLevel } from '../../../../server/src/durable/dicom-index';
import type { DicomJsonBuilder } from './dicom-json';
import { parseQidoParams } from './qido-params';
import { instanceJson, seriesJson, studyJson } from './qido-response';

/** The result of a search: the matches (empty → 204) and warnings for a `Warning` header. */
export interface QidoResult {
  readonly matches: DicomJsonBuilder[];
  readonly warnings: readonly string[];
}

/**
 * Runs a QIDO-RS search.
 * @param index - the DICOM index
 * @param root - the DICOMweb root (`<base>/dicomweb`)
 * @param level - what is searched for
 * @param params - the query parameters
 * @param scope - the study (and series) UIDs named by the path
 * @throws FhirError 400 for unknown parameters or bad values
 */
export async function qidoSearch(
  index: DicomIndex,
  root: string,
  level: DicomLevel,
  params: URLSearchParams,
  scope: { studyUid?: string; seriesUid?: string } = {},
): Promise<QidoResult> {
  const { query, includeFields, warnings } = parseQidoParams(level, params, scope);
  const shape = { root, include: includeFields };
  let matches: DicomJsonBuilder[];
  if (level === 'study') {
    matches = (await index.findStudies(query)).map((row) => studyJson(row, shape));
  } else if (level === 'series') {
    matches = (await index.findSeries(query)).map((row) => seriesJson(row, shape));
  } else {
    matches = (await index.findInstances(query)).map((row) => instanceJson(row, shape));
  }
  return { matches, warnings };
}
