/**
 * Writes one instance into the SQLite DICOM index (server/src/durable/dicom-index.ts): the
 * instance row is inserted unless its SOP Instance UID is stored, then the series and study rows
 * are created from it or have their counts, modalities and SOP classes updated. Runs on the write
 * connection inside the caller's transaction (synchronous, like every better-sqlite3 call).
 */
import type { DicomInstanceRecord } from '../../../durable/dicom-index';
import {
  DICOM_INSTANCES_TABLE,
  DICOM_SERIES_TABLE,
  DICOM_STUDIES_TABLE,
  DICOM_STUDY_MODALITIES_TABLE,
} from '../schema';
import type { StatementCache } from '../statement-cache';

const INSERT_INSTANCE =
  `INSERT INTO ${DICOM_INSTANCES_TABLE} (sop_instance_uid, study_uid, series_uid, sop_class_uid, modality, ` +
  'series_number, instance_number, sha256, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ' +
  'ON CONFLICT(sop_instance_uid) DO NOTHING';

const INSERT_SERIES =
  `INSERT INTO ${DICOM_SERIES_TABLE} (series_uid, study_uid, attributes, modality, series_number, ` +
  'number_of_instances) VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT(series_uid) DO NOTHING';

const INSERT_STUDY =
  `INSERT INTO ${DICOM_STUDIES_TABLE} (study_uid, attributes, patient_id, issuer, patient_name, ` +
  'patient_name_upper, study_date, accession_number, study_id, study_description, referring_physician_name, ' +
  'modalities, sop_classes, number_of_series, number_of_instances, updated_at) ' +
  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '[]', 0, 0, ?) ON CONFLICT(study_uid) DO NOTHING";

/**
 * Adds `value` to a JSON array of strings kept sorted, or returns undefined when it is there.
 * @param json - the stored array.
 * @param value - the value to add.
 */
function addToSet(json: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  const set = JSON.parse(json) as string[];
  if (set.includes(value)) {
    return undefined;
  }
  return JSON.stringify([...set, value].sort());
}

/**
 * Upper-cases a Patient's Name for case-insensitive matching (PS3.4 C.2.2.2.1 leaves PN case
 * handling open; the port matches it case-insensitively).
 * @param name - PN text.
 */
export function patientNameKey(name: string): string {
  return name.toUpperCase();
}

/**
 * Inserts the study row if absent, then counts the instance (and its series when new) and adds
 * its modality and SOP class to the study's sets.
 * @param cache - write-connection statements.
 * @param r - the instance.
 * @param newSeries - whether the instance started a series.
 */
function updateStudy(cache: StatementCache, r: DicomInstanceRecord, newSeries: boolean): void {
  cache
    .get(INSERT_STUDY)
    .run(
      r.studyUid,
      JSON.stringify(r.studyAttributes),
      r.patientId ?? null,
      r.issuerOfPatientId ?? null,
      r.patientName ?? null,
      r.patientName === undefined ? null : patientNameKey(r.patientName),
      r.studyDate ?? null,
      r.accessionNumber ?? null,
      r.studyId ?? null,
      r.studyDescription ?? null,
      r.referringPhysicianName ?? null,
      r.receivedAt,
    );
  const sets = cache
    .get(`SELECT study_date, modalities, sop_classes FROM ${DICOM_STUDIES_TABLE} WHERE study_uid = ?`)
    .get(r.studyUid) as { study_date: string | null; modalities: string; sop_classes: string };
  const modalities = addToSet(sets.modalities, r.modality);
  const sopClasses = addToSet(sets.sop_classes, r.sopClassUid);
  cache
    .get(
      `UPDATE ${DICOM_STUDIES_TABLE} SET number_of_instances = number_of_instances + 1, ` +
        'number_of_series = number_of_series + ?, modalities = coalesce(?, modalities), ' +
        'sop_classes = coalesce(?, sop_classes), updated_at = max(updated_at, ?) WHERE study_uid = ?',
    )
    .run(newSeries ? 1 : 0, modalities ?? null, sopClasses ?? null, r.receivedAt, r.studyUid);
  if (modalities !== undefined && r.modality !== undefined) {
    cache
      .get(`INSERT OR IGNORE INTO ${DICOM_STUDY_MODALITIES_TABLE} (modality, study_date, study_uid) VALUES (?, ?, ?)`)
      .run(r.modality, sets.study_date ?? '', r.studyUid);
  }
}

/**
 * Adds an instance and updates its series and study rows.
 * @param cache - write-connection statements (inside the caller's transaction).
 * @param r - the instance.
 * @returns `created`, or `exists` when the SOP Instance UID is stored (nothing changed).
 */
export function putDicomInstance(cache: StatementCache, r: DicomInstanceRecord): 'created' | 'exists' {
  const inserted = cache
    .get(INSERT_INSTANCE)
    .run(
      r.sopInstanceUid,
      r.studyUid,
      r.seriesUid,
      r.sopClassUid,
      r.modality ?? null,
      r.seriesNumber ?? null,
      r.instanceNumber ?? null,
      r.sha256,
      JSON.stringify(r),
    );
  if (inserted.changes === 0) {
    return 'exists';
  }
  const series = cache
    .get(INSERT_SERIES)
    .run(r.seriesUid, r.studyUid, JSON.stringify(r.seriesAttributes), r.modality ?? null, r.seriesNumber ?? null);
  if (series.changes === 0) {
    cache
      .get(`UPDATE ${DICOM_SERIES_TABLE} SET number_of_instances = number_of_instances + 1 WHERE series_uid = ?`)
      .run(r.seriesUid);
  }
  updateStudy(cache, r, series.changes === 1);
  return 'created';
}
