/**
 * The DICOM index on SQLite (server/src/durable/dicom-index.ts): `tessera_dicom_studies`,
 * `tessera_dicom_series`, `tessera_dicom_instances` (schema.ts, migration 3), written inside
 * the store's write transaction (dicom-index-put.ts) and queried on the read connection with
 * the conditions of dicom-index-where.ts. Rejections are their own durable writes.
 */
import { randomUUID } from 'node:crypto';
import type {
  DicomIndex,
  DicomIndexWriter,
  DicomInstanceRecord,
  DicomInstanceRow,
  DicomJson,
  DicomQuery,
  DicomRejectionRecord,
  DicomRejectionRow,
  DicomSeriesRow,
  DicomStudyRow,
} from '../../../durable/dicom-index';
import { DICOM_INSTANCES_TABLE, DICOM_REJECTIONS_TABLE, DICOM_SERIES_TABLE, DICOM_STUDIES_TABLE } from '../schema';
import type { StatementCache } from '../statement-cache';
import type { DurableAccess } from './access';
import { putDicomInstance } from './dicom-index-put';
import { fromRejectionRow, insertRejection, REJECTION_COLUMNS, type RejectionRow } from './dicom-index-rejections';
import {
  hasStudyRowKeys,
  instanceConditions,
  pageArgs,
  seriesConditions,
  studyConditions,
  studyListSource,
  whereClause,
  type SqlConditions,
} from './dicom-index-where';

interface StudyRow {
  study_uid: string;
  attributes: string;
  modalities: string;
  sop_classes: string;
  number_of_series: number;
  number_of_instances: number;
  updated_at: string;
}

interface SeriesRow {
  study_uid: string;
  series_uid: string;
  study_attributes: string;
  attributes: string;
  number_of_instances: number;
}

function toStudy(row: StudyRow): DicomStudyRow {
  return {
    studyUid: row.study_uid,
    attributes: JSON.parse(row.attributes) as DicomJson,
    modalitiesInStudy: JSON.parse(row.modalities) as string[],
    sopClassesInStudy: JSON.parse(row.sop_classes) as string[],
    numberOfSeries: row.number_of_series,
    numberOfInstances: row.number_of_instances,
    updatedAt: row.updated_at,
  };
}

function toSeries(row: SeriesRow): DicomSeriesRow {
  const attributes = JSON.parse(row.attributes) as DicomJson;
  return {
    studyUid: row.study_uid,
    seriesUid: row.series_uid,
    studyAttributes: { ...(JSON.parse(row.study_attributes) as DicomJson), ...attributes },
    attributes,
    numberOfInstances: row.number_of_instances,
  };
}

const toInstance = (row: { record: string }): DicomInstanceRow => JSON.parse(row.record) as DicomInstanceRecord;

/** A DicomIndexWriter bound to an open session's write connection. */
export class SqliteDicomIndexWriter implements DicomIndexWriter {
  /**
   * @param cache - statements of the session's write connection.
   */
  constructor(private readonly cache: () => StatementCache) {}

  /** {@inheritDoc DicomIndexWriter.putInstance} */
  putInstance(record: DicomInstanceRecord): Promise<'created' | 'exists'> {
    return Promise.resolve(putDicomInstance(this.cache(), record));
  }
}

/** The DICOM index on SQLite, read on the read connection (committed data only). */
export class SqliteDicomIndex implements DicomIndex {
  /**
   * @param db - read and write access.
   */
  constructor(private readonly db: DurableAccess) {}

  /** {@inheritDoc DicomIndex.getInstance} */
  async getInstance(sopInstanceUid: string): Promise<DicomInstanceRow | undefined> {
    const row = this.db
      .read()
      .get(`SELECT record FROM ${DICOM_INSTANCES_TABLE} WHERE sop_instance_uid = ?`)
      .get(sopInstanceUid) as { record: string } | undefined;
    return row && toInstance(row);
  }

  /** {@inheritDoc DicomIndex.listInstances} */
  async listInstances(studyUid: string, seriesUid?: string): Promise<DicomInstanceRow[]> {
    const series = seriesUid === undefined ? '' : ' AND series_uid = ?';
    const rows = this.db
      .read()
      .get(
        `SELECT record FROM ${DICOM_INSTANCES_TABLE} WHERE study_uid = ?${series} ` +
          'ORDER BY series_number, series_uid, instance_number, sop_instance_uid',
      )
      .all(...(seriesUid === undefined ? [studyUid] : [studyUid, seriesUid])) as { record: string }[];
    return rows.map(toInstance);
  }

  /** {@inheritDoc DicomIndex.findStudies} -- newest study date first, then Study Instance UID. */
  async findStudies(query: DicomQuery): Promise<DicomStudyRow[]> {
    const c: SqlConditions = { where: [], args: [] };
    const source = studyListSource(c, query);
    studyConditions(c, { ...query, level: 'study' });
    const sql =
      'SELECT st.study_uid, st.attributes, st.modalities, st.sop_classes, st.number_of_series, ' +
      `st.number_of_instances, st.updated_at FROM ${source.from}${whereClause(c)} ` +
      `ORDER BY ${source.orderBy} LIMIT ? OFFSET ?`;
    const rows = this.db
      .read()
      .get(sql)
      .all(...c.args, ...pageArgs(query)) as StudyRow[];
    return rows.map(toStudy);
  }

  /** {@inheritDoc DicomIndex.findSeries} -- ordered by Series Number, then Series Instance UID. */
  async findSeries(query: DicomQuery): Promise<DicomSeriesRow[]> {
    const c: SqlConditions = { where: [], args: [] };
    seriesConditions(c, query, 'se');
    studyConditions(c, { ...query, level: 'series' });
    const sql =
      'SELECT se.study_uid, se.series_uid, st.attributes AS study_attributes, se.attributes, se.number_of_instances ' +
      `FROM ${DICOM_SERIES_TABLE} se JOIN ${DICOM_STUDIES_TABLE} st ON st.study_uid = se.study_uid${whereClause(c)} ` +
      'ORDER BY se.series_number, se.series_uid LIMIT ? OFFSET ?';
    const rows = this.db
      .read()
      .get(sql)
      .all(...c.args, ...pageArgs(query)) as SeriesRow[];
    return rows.map(toSeries);
  }

  /** {@inheritDoc DicomIndex.findInstances} -- ordered by Instance Number, then SOP Instance UID. */
  async findInstances(query: DicomQuery): Promise<DicomInstanceRow[]> {
    const c: SqlConditions = { where: [], args: [] };
    instanceConditions(c, query);
    const join = hasStudyRowKeys(query) ? ` JOIN ${DICOM_STUDIES_TABLE} st ON st.study_uid = i.study_uid` : '';
    studyConditions(c, { ...query, level: 'instance' });
    const sql =
      `SELECT i.record FROM ${DICOM_INSTANCES_TABLE} i${join}${whereClause(c)} ` +
      'ORDER BY i.instance_number, i.sop_instance_uid LIMIT ? OFFSET ?';
    const rows = this.db
      .read()
      .get(sql)
      .all(...c.args, ...pageArgs(query)) as { record: string }[];
    return rows.map(toInstance);
  }

  /** {@inheritDoc DicomIndex.recordRejection} */
  recordRejection(rejection: DicomRejectionRecord): Promise<DicomRejectionRow> {
    const row: DicomRejectionRow = { ...rejection, id: randomUUID(), receivedAt: new Date().toISOString() };
    return this.db.write((cache) => {
      insertRejection(cache, row);
      return row;
    });
  }

  /** {@inheritDoc DicomIndex.listRejections} */
  async listRejections(options?: { limit?: number; offset?: number }): Promise<DicomRejectionRow[]> {
    const rows = this.db
      .read()
      .get(`SELECT ${REJECTION_COLUMNS} FROM ${DICOM_REJECTIONS_TABLE} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .all(...pageArgs(options ?? {})) as RejectionRow[];
    return rows.map(fromRejectionRow);
  }

  /** {@inheritDoc DicomIndex.listBlobAddresses} */
  async listBlobAddresses(): Promise<string[]> {
    const rows = this.db.read().get(`SELECT DISTINCT sha256 FROM ${DICOM_INSTANCES_TABLE} ORDER BY sha256`).all() as {
      sha256: string;
    }[];
    return rows.map((r) => r.sha256);
  }
}
