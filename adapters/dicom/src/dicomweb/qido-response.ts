/**
 * QIDO-RS response bodies (PS3.18 10.6.3): one DICOM JSON object per match holding the level's
 * default attributes (Tables 10.6.3-3 study, 10.6.3-4 series, 10.6.3-5 instance), the attributes
 * matched on, and those named by `includefield` (`all`: every attribute the index holds at that level).
 */
import type {
  DicomInstanceRow,
  DicomJson,
  DicomSeriesRow,
  DicomStudyRow,
} from '../../../../server/src/durable/dicom-index';
import type { DicomJsonBuilder } from './dicom-json';
import { element, mergeAll, pick, sorted } from './dicom-json';
import { retrieveUrl } from './urls';

const STUDY_DEFAULTS = [
  '00080005',
  '00080020',
  '00080030',
  '00080050',
  '00080090',
  '00080201',
  '00100010',
  '00100020',
  '00100030',
  '00100040',
  '0020000D',
  '00200010',
];
const SERIES_DEFAULTS = [
  '00080005',
  '00080060',
  '00080201',
  '0008103E',
  '0020000D',
  '0020000E',
  '00200011',
  '00400244',
  '00400245',
  '00400275',
];
const INSTANCE_DEFAULTS = [
  '00080005',
  '00080016',
  '00080018',
  '00080201',
  '0020000D',
  '0020000E',
  '00200013',
  '00280008',
  '00280010',
  '00280011',
  '00280100',
];

/** What a response object is built from. */
export interface QidoShape {
  /** The DICOMweb root (`<base>/dicomweb`). */
  readonly root: string;
  /** Extra tags (matching keys and includefield), or `all`. */
  readonly include: readonly string[] | 'all';
}

function select(
  defaults: readonly string[],
  include: readonly string[] | 'all',
  sources: DicomJson[],
): DicomJsonBuilder {
  if (include === 'all') {
    return mergeAll(...sources);
  }
  return pick(new Set([...defaults, ...include]), ...sources);
}

const ONLINE = element('CS', ['ONLINE']);

/**
 * A study match.
 * @param row - the study row
 * @param shape - root URL and extra attributes
 */
export function studyJson(row: DicomStudyRow, shape: QidoShape): DicomJsonBuilder {
  const out = select(STUDY_DEFAULTS, shape.include, [row.attributes]);
  out['00080056'] = ONLINE;
  out['00080061'] = element('CS', row.modalitiesInStudy);
  out['00080062'] = element('UI', row.sopClassesInStudy);
  out['00081190'] = element('UR', [retrieveUrl(shape.root, { studyUid: row.studyUid })]);
  out['0020000D'] = element('UI', [row.studyUid]);
  out['00201206'] = element('IS', [row.numberOfSeries]);
  out['00201208'] = element('IS', [row.numberOfInstances]);
  return sorted(out);
}

/**
 * A series match.
 * @param row - the series row
 * @param shape - root URL and extra attributes
 */
export function seriesJson(row: DicomSeriesRow, shape: QidoShape): DicomJsonBuilder {
  const out = select(SERIES_DEFAULTS, shape.include, [row.attributes, row.studyAttributes]);
  out['00080056'] = ONLINE;
  out['00081190'] = element('UR', [retrieveUrl(shape.root, { studyUid: row.studyUid, seriesUid: row.seriesUid })]);
  out['0020000D'] = element('UI', [row.studyUid]);
  out['0020000E'] = element('UI', [row.seriesUid]);
  out['00201209'] = element('IS', [row.numberOfInstances]);
  return sorted(out);
}

/**
 * An instance match.
 * @param row - the instance row
 * @param shape - root URL and extra attributes
 */
export function instanceJson(row: DicomInstanceRow, shape: QidoShape): DicomJsonBuilder {
  const out = select(INSTANCE_DEFAULTS, shape.include, [
    row.instanceAttributes,
    row.seriesAttributes,
    row.studyAttributes,
  ]);
  delete out['7FE00010'];
  out['00080016'] = element('UI', [row.sopClassUid]);
  out['00080018'] = element('UI', [row.sopInstanceUid]);
  out['00080056'] = ONLINE;
  out['00081190'] = element('UR', [
    retrieveUrl(shape.root, { studyUid: row.studyUid, seriesUid: row.seriesUid, sopInstanceUid: row.sopInstanceUid }),
  ]);
  out['0020000D'] = element('UI', [row.studyUid]);
  out['0020000E'] = element('UI', [row.seriesUid]);
  return sorted(out);
}
