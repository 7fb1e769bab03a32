/**
 * Compiles a DicomQuery into SQL conditions, per PS3.4 C.2.2.2 (Study Root, C.6.2.1):
 * single value matching is equality; wild card matching (`*` any run, `?` one character) is
 * GLOB, which is case-sensitive and, with a literal prefix, uses the column's index
 * (https://www.sqlite.org/optoverview.html#the_like_optimization); Patient's Name matches its
 * upper-cased copy against the upper-cased value, so it is case-insensitive. UID lists are `IN`,
 * date ranges are inclusive string comparisons on YYYYMMDD. Study-level keys apply at every
 * level; series-level keys at series and instance level; instance-level keys at instance level.
 */
import type { DicomQuery, DicomStringMatch } from '../../../durable/dicom-index';
import { DICOM_STUDIES_TABLE, DICOM_STUDY_MODALITIES_TABLE } from '../schema';
import { patientNameKey } from './dicom-index-put';

/** Conditions joined with AND, and their bound values in order. */
export interface SqlConditions {
  readonly where: string[];
  readonly args: (string | number)[];
}

/**
 * A DICOM wild card pattern as a GLOB pattern: `*` and `?` keep their meaning, `[` (GLOB's only
 * other special character) is escaped as a one-character class.
 * @param pattern - the DICOM pattern.
 */
export function toGlob(pattern: string): string {
  return pattern.replace(/\[/g, '[[]');
}

function matchString(
  out: SqlConditions,
  column: string,
  match: DicomStringMatch | undefined,
  fold?: (s: string) => string,
): void {
  if (match === undefined) {
    return;
  }
  const f = fold ?? ((s: string): string => s);
  if (match.kind === 'exact') {
    out.where.push(`${column} = ?`);
    out.args.push(f(match.value));
  } else {
    out.where.push(`${column} GLOB ?`);
    out.args.push(toGlob(f(match.pattern)));
  }
}

function matchList(out: SqlConditions, column: string, values: readonly string[] | undefined): void {
  if (values === undefined || values.length === 0) {
    return;
  }
  out.where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
  out.args.push(...values);
}

function matchEqual(out: SqlConditions, column: string, value: string | number | undefined): void {
  if (value !== undefined) {
    out.where.push(`${column} = ?`);
    out.args.push(value);
  }
}

/**
 * Whether the query has keys held only by the study row (so series and instance queries join it).
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
    q.studyDate !== undefined
  );
}

/**
 * Conditions on the study row (alias `st`); at study level also the Study Instance UID list and
 * SOPClassesInStudy (ModalitiesInStudy is a join, see studyListSource).
 * @param out - conditions to add to.
 * @param q - the query.
 */
export function studyConditions(out: SqlConditions, q: DicomQuery): void {
  matchString(out, 'st.patient_id', q.patientId);
  matchString(out, 'st.patient_name_upper', q.patientName, patientNameKey);
  matchString(out, 'st.accession_number', q.accessionNumber);
  matchString(out, 'st.study_id', q.studyId);
  matchString(out, 'st.study_description', q.studyDescription);
  matchString(out, 'st.referring_physician_name', q.referringPhysicianName);
  if (q.studyDate?.from !== undefined) {
    out.where.push('st.study_date >= ?');
    out.args.push(q.studyDate.from);
  }
  if (q.studyDate?.to !== undefined) {
    out.where.push('st.study_date <= ?');
    out.args.push(q.studyDate.to);
  }
  if (q.level === 'study') {
    matchList(out, 'st.study_uid', q.studyUids);
    if (q.sopClassUid !== undefined) {
      out.where.push('EXISTS (SELECT 1 FROM json_each(st.sop_classes) WHERE value = ?)');
      out.args.push(q.sopClassUid);
    }
  }
}

/**
 * Conditions on a series or instance row (alias `alias`, which has `study_uid`, `series_uid`,
 * `modality` and `series_number` columns).
 * @param out - conditions to add to.
 * @param q - the query.
 * @param alias - `se` or `i`.
 */
export function seriesConditions(out: SqlConditions, q: DicomQuery, alias: string): void {
  matchList(out, `${alias}.study_uid`, q.studyUids);
  matchList(out, `${alias}.series_uid`, q.seriesUids);
  matchEqual(out, `${alias}.modality`, q.modality);
  matchEqual(out, `${alias}.series_number`, q.seriesNumber);
}

/**
 * Conditions on an instance row (alias `i`).
 * @param out - conditions to add to.
 * @param q - the query.
 */
export function instanceConditions(out: SqlConditions, q: DicomQuery): void {
  seriesConditions(out, q, 'i');
  matchList(out, 'i.sop_instance_uid', q.sopInstanceUids);
  matchEqual(out, 'i.sop_class_uid', q.sopClassUid);
  matchEqual(out, 'i.instance_number', q.instanceNumber);
}

/**
 * The FROM clause and order of a study list: the study table in (date desc, UID) order, or, for
 * ModalitiesInStudy matching, the study-modality table, which is clustered in that same order
 * per modality, joined to the study rows.
 * @param out - conditions to add the modality to.
 * @param q - the query.
 */
export function studyListSource(out: SqlConditions, q: DicomQuery): { from: string; orderBy: string } {
  if (q.modality === undefined) {
    return { from: `${DICOM_STUDIES_TABLE} st`, orderBy: 'st.study_date DESC, st.study_uid' };
  }
  out.where.push('m.modality = ?');
  out.args.push(q.modality);
  return {
    from: `${DICOM_STUDY_MODALITIES_TABLE} m JOIN ${DICOM_STUDIES_TABLE} st ON st.study_uid = m.study_uid`,
    orderBy: 'm.study_date DESC, m.study_uid',
  };
}

/**
 * ` WHERE ...` for the conditions, or nothing.
 * @param c - the conditions.
 */
export function whereClause(c: SqlConditions): string {
  return c.where.length > 0 ? ` WHERE ${c.where.join(' AND ')}` : '';
}

/**
 * ` LIMIT ? OFFSET ?` arguments for a query's page (-1: no limit).
 * @param q - the query.
 */
export function pageArgs(q: { readonly limit?: number; readonly offset?: number }): [number, number] {
  return [q.limit ?? -1, q.offset ?? 0];
}
