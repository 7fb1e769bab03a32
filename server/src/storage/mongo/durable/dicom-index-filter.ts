/**
 * Translates a DicomQuery into MongoDB filter documents and sorts, per PS3.4 C.2.2.2 (Study
 * Root, C.6.2.1). Single value matching is equality; wild card matching (`*` any run, `?` one
 * character) is an anchored regular expression with every other character escaped, which
 * MongoDB bounds by its literal prefix on an index
 * (https://www.mongodb.com/docs/manual/reference/operator/query/regex/#index-use); Patient's
 * Name matches its upper-cased copy, so it is case-insensitive, other strings are case-sensitive.
 * UID lists are `$in`; date ranges are inclusive string comparisons on YYYYMMDD.
 *
 * Study-level keys other than the UID list live only on study documents: a series or instance
 * query first selects the matching study UIDs (studyScopeFilter) and then filters by them.
 */
import type { Document } from 'mongodb';
import type { DicomQuery, DicomStringMatch } from '../../../durable/dicom-index';

/** Study list order: newest study date first (missing last), then Study Instance UID. */
export const STUDY_SORT = { studyDate: -1, _id: 1 } as const;
/** Series list order. */
export const SERIES_SORT = { seriesNumber: 1, _id: 1 } as const;
/** Instance list order. */
export const INSTANCE_SORT = { instanceNumber: 1, _id: 1 } as const;
/** Instances of a study: by series, then instance. */
export const STUDY_INSTANCES_SORT = { seriesNumber: 1, seriesUid: 1, instanceNumber: 1, _id: 1 } as const;

/**
 * The anchored regular expression of a DICOM wild card pattern.
 * @param pattern - `*` any run of characters, `?` exactly one; everything else literal.
 */
export function wildcardRegExp(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    source += ch === '*' ? '[\\s\\S]*' : ch === '?' ? '[\\s\\S]' : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function addString(filter: Document, field: string, match: DicomStringMatch | undefined, upper = false): void {
  if (match === undefined) {
    return;
  }
  const fold = (s: string): string => (upper ? s.toUpperCase() : s);
  filter[field] = match.kind === 'exact' ? fold(match.value) : wildcardRegExp(fold(match.pattern));
}

function addList(filter: Document, field: string, values: readonly string[] | undefined): void {
  if (values !== undefined && values.length > 0) {
    filter[field] = { $in: [...values] };
  }
}

function addEqual(filter: Document, field: string, value: string | number | undefined): void {
  if (value !== undefined) {
    filter[field] = value;
  }
}

/**
 * Whether the query has keys held only by study documents.
 * @param q - the query.
 */
export function hasStudyRowKeys(q: DicomQuery): boolean {
  return (
    q.patientId !== undefined ||
    q.patientName !== undefined ||
    q.accessionNumber !== undefined ||
    q.studyId !== undefined ||
    q.studyDescription !== undefined ||
    q.referringPhysicianName !== undefined ||
    (q.studyDate !== undefined && (q.studyDate.from !== undefined || q.studyDate.to !== undefined))
  );
}

function studyKeys(q: DicomQuery): Document {
  const filter: Document = {};
  addString(filter, 'patientId', q.patientId);
  addString(filter, 'patientNameUpper', q.patientName, true);
  addString(filter, 'accessionNumber', q.accessionNumber);
  addString(filter, 'studyId', q.studyId);
  addString(filter, 'studyDescription', q.studyDescription);
  addString(filter, 'referringPhysicianName', q.referringPhysicianName);
  const { from, to } = q.studyDate ?? {};
  if (from !== undefined || to !== undefined) {
    filter.studyDate = { ...(from === undefined ? {} : { $gte: from }), ...(to === undefined ? {} : { $lte: to }) };
  }
  return filter;
}

/**
 * The filter of a study-level query on `dicomStudies` (ModalitiesInStudy and SOPClassesInStudy
 * contain the value).
 * @param q - the query.
 */
export function studyFilter(q: DicomQuery): Document {
  const filter = studyKeys(q);
  addList(filter, '_id', q.studyUids);
  addEqual(filter, 'modalities', q.modality);
  addEqual(filter, 'sopClasses', q.sopClassUid);
  return filter;
}

/**
 * The filter on `dicomStudies` selecting the studies that scope a series or instance query
 * (study-row keys and the Study Instance UID list); only needed when hasStudyRowKeys.
 * @param q - the query.
 */
export function studyScopeFilter(q: DicomQuery): Document {
  const filter = studyKeys(q);
  addList(filter, '_id', q.studyUids);
  return filter;
}

/**
 * The filter of a series-level query on `dicomSeries`.
 * @param q - the query.
 * @param studyUids - the studies selected by studyScopeFilter, when the query has study-row keys.
 */
export function seriesFilter(q: DicomQuery, studyUids?: readonly string[]): Document {
  const filter: Document = {};
  if (studyUids !== undefined) {
    filter.studyUid = { $in: [...studyUids] };
  } else {
    addList(filter, 'studyUid', q.studyUids);
  }
  addList(filter, '_id', q.seriesUids);
  addEqual(filter, 'modality', q.modality);
  addEqual(filter, 'seriesNumber', q.seriesNumber);
  return filter;
}

/**
 * The filter of an instance-level query on `dicomInstances`.
 * @param q - the query.
 * @param studyUids - the studies selected by studyScopeFilter, when the query has study-row keys.
 */
export function instanceFilter(q: DicomQuery, studyUids?: readonly string[]): Document {
  const filter: Document = {};
  if (studyUids !== undefined) {
    filter.studyUid = { $in: [...studyUids] };
  } else {
    addList(filter, 'studyUid', q.studyUids);
  }
  addList(filter, 'seriesUid', q.seriesUids);
  addEqual(filter, 'modality', q.modality);
  addEqual(filter, 'seriesNumber', q.seriesNumber);
  addList(filter, '_id', q.sopInstanceUids);
  addEqual(filter, 'sopClassUid', q.sopClassUid);
  addEqual(filter, 'instanceNumber', q.instanceNumber);
  return filter;
}
