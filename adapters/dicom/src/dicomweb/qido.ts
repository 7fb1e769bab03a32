/**
 * QIDO-RS search transactions (PS3.18 10.6): studies, series (all or of a study) and instances
 * (all, of a study, or of a series), answered from the DICOM index.
 */
import type { DicomIndex, DicomLevel } from '../../../../server/src/durable/dicom-index';
import type { DicomJsonBuilder } from './dicom-json';
import { parseQidoParams } from './qido-params';
import { instanceJson, seriesJson, studyJson } from './qido-response';

/**
 * The most matches one response carries. A search that asks for more (or sets no `limit`) gets
 * this many and a warning that more can be requested with `offset` (PS3.18 8.3.4.4).
 */
export const MAX_QIDO_RESULTS = 1000;

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
  const parsed = parseQidoParams(level, params, scope);
  const shape = { root, include: parsed.includeFields };
  const limit = Math.min(parsed.query.limit ?? MAX_QIDO_RESULTS, MAX_QIDO_RESULTS);
  // One more than the page tells whether the cap cut the answer short.
  const query = { ...parsed.query, limit: limit + 1 };
  let matches: DicomJsonBuilder[];
  if (level === 'study') {
    matches = (await index.findStudies(query)).map((row) => studyJson(row, shape));
  } else if (level === 'series') {
    matches = (await index.findSeries(query)).map((row) => seriesJson(row, shape));
  } else {
    matches = (await index.findInstances(query)).map((row) => instanceJson(row, shape));
  }
  const warnings = [...parsed.warnings];
  if (matches.length > limit) {
    matches = matches.slice(0, limit);
    if (limit === MAX_QIDO_RESULTS && (parsed.query.limit === undefined || parsed.query.limit > limit)) {
      warnings.push('There are additional results that can be requested');
    }
  }
  return { matches, warnings };
}
