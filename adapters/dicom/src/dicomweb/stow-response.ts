/**
 * The STOW-RS response (PS3.18 10.5.3, Table 10.5.3-1): a DICOM JSON data set with RetrieveURL
 * (0008,1190) of the study, ReferencedSOPSequence (0008,1199) for the instances stored and
 * FailedSOPSequence (0008,1198) with FailureReason (0008,1197) for the others. HTTP status
 * (Table 10.5.3-2): 200 all stored, 202 some failed or carry warnings, 409 all failed.
 */
import { DimseStatus } from '../status';
import type { DicomJsonBuilder } from './dicom-json';
import { element } from './dicom-json';
import { retrieveUrl } from './urls';

/** What became of one part. */
export type StowPartResult =
  | {
      readonly kind: 'stored';
      readonly studyUid: string;
      readonly seriesUid: string;
      readonly sopClassUid: string;
      readonly sopInstanceUid: string;
      readonly warnings: readonly string[];
    }
  | {
      readonly kind: 'failed';
      /** FailureReason: a DIMSE failure status (PS3.18 10.5.3.2, PS3.4 B.2.3). */
      readonly status: number;
      readonly reason: string;
      readonly sopClassUid?: string;
      readonly sopInstanceUid?: string;
    };

/** The response: HTTP status and body. */
export interface StowResponse {
  readonly status: 200 | 202 | 409;
  readonly body: DicomJsonBuilder;
}

/**
 * Builds the STOW-RS response.
 * @param root - the DICOMweb root (`<base>/dicomweb`)
 * @param results - one per part, in order (at least one)
 * @param studyUid - the study named by the request path, if any
 */
export function stowResponse(root: string, results: readonly StowPartResult[], studyUid?: string): StowResponse {
  const stored = results.filter((r) => r.kind === 'stored');
  const failed = results.filter((r) => r.kind === 'failed');
  const body: DicomJsonBuilder = {};
  const studies = new Set(stored.map((r) => r.studyUid));
  const study = studyUid ?? (studies.size === 1 ? [...studies][0] : undefined);
  if (study !== undefined) {
    body['00081190'] = element('UR', [retrieveUrl(root, { studyUid: study })]);
  }
  if (failed.length > 0) {
    body['00081198'] = element(
      'SQ',
      failed.map((r) => ({
        '00081150': element('UI', r.sopClassUid === undefined ? undefined : [r.sopClassUid]),
        '00081155': element('UI', r.sopInstanceUid === undefined ? undefined : [r.sopInstanceUid]),
        '00081197': element('US', [r.status]),
      })),
    );
  }
  if (stored.length > 0) {
    body['00081199'] = element(
      'SQ',
      stored.map((r) => ({
        '00081150': element('UI', [r.sopClassUid]),
        '00081155': element('UI', [r.sopInstanceUid]),
        '00081190': element('UR', [
          retrieveUrl(root, { studyUid: r.studyUid, seriesUid: r.seriesUid, sopInstanceUid: r.sopInstanceUid }),
        ]),
        ...(r.warnings.length > 0 ? { '00081196': element('US', [DimseStatus.CoercionOfDataElements]) } : {}),
      })),
    );
  }
  const warned = stored.some((r) => r.warnings.length > 0);
  const status = stored.length === 0 ? 409 : failed.length > 0 || warned ? 202 : 200;
  return { status, body };
}
