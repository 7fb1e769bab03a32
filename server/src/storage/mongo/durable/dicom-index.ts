/**
 * The DICOM index on MongoDB (server/src/durable/dicom-index.ts), in the collections of
 * dicom-index-documents.ts, queried with the filters of dicom-index-filter.ts.
 *
 * The transaction writer writes on the transaction's session: the instance upsert says whether
 * the SOP Instance UID was already stored, and only a new instance updates its series and study.
 */
import type { ClientSession, Collection, Db } from 'mongodb';
import type {
  DicomIndex,
  DicomIndexWriter,
  DicomInstanceRecord,
  DicomInstanceRow,
  DicomQuery,
  DicomRejectionRecord,
  DicomRejectionRow,
  DicomSeriesRow,
  DicomStudyRow,
} from '../../../durable/dicom-index';
import { durableCollection } from '../collections';
import {
  DICOM_INDEXES,
  DICOM_INSTANCES_COLLECTION,
  DICOM_REJECTIONS_COLLECTION,
  DICOM_SERIES_COLLECTION,
  DICOM_STUDIES_COLLECTION,
  defined,
  instanceFields,
  SERIES_INCREMENT,
  seriesOnInsert,
  studyIncrement,
  studyOnInsert,
  toRejectionRow,
  toSeriesRow,
  toStudyRow,
  type DicomInstanceDocument,
  type DicomRejectionDocument,
  type DicomSeriesDocument,
  type DicomStudyDocument,
} from './dicom-index-documents';
import {
  hasStudyRowKeys,
  INSTANCE_SORT,
  instanceFilter,
  SERIES_SORT,
  seriesFilter,
  STUDY_INSTANCES_SORT,
  STUDY_SORT,
  studyFilter,
  studyScopeFilter,
} from './dicom-index-filter';
import { newRecordId } from './queue-documents';

interface DicomCollections {
  studies: Collection<DicomStudyDocument>;
  series: Collection<DicomSeriesDocument>;
  instances: Collection<DicomInstanceDocument>;
  rejections: Collection<DicomRejectionDocument>;
}

function collections(db: Db): DicomCollections {
  return {
    studies: durableCollection<DicomStudyDocument>(db, DICOM_STUDIES_COLLECTION),
    series: durableCollection<DicomSeriesDocument>(db, DICOM_SERIES_COLLECTION),
    instances: durableCollection<DicomInstanceDocument>(db, DICOM_INSTANCES_COLLECTION),
    rejections: durableCollection<DicomRejectionDocument>(db, DICOM_REJECTIONS_COLLECTION),
  };
}

/**
 * Creates the DICOM collections' indexes (idempotent); run at start-up, outside transactions.
 * @param db - the database.
 */
export async function createDicomIndexes(db: Db): Promise<void> {
  for (const [name, indexes] of Object.entries(DICOM_INDEXES)) {
    await db.collection(name).createIndexes([...indexes]);
  }
}

/**
 * Adds an instance and updates its series and study, as upserts so that nothing raises a
 * duplicate-key error inside the transaction.
 * @param c - the collections.
 * @param session - the transaction's session.
 * @param r - the instance.
 */
export async function putMongoDicomInstance(
  c: DicomCollections,
  session: ClientSession,
  r: DicomInstanceRecord,
): Promise<'created' | 'exists'> {
  const inserted = await c.instances.updateOne(
    { _id: r.sopInstanceUid },
    { $setOnInsert: instanceFields(r) },
    { upsert: true, session },
  );
  if (inserted.upsertedCount === 0) {
    return 'exists';
  }
  const series = await c.series.updateOne(
    { _id: r.seriesUid },
    { $setOnInsert: seriesOnInsert(r), ...SERIES_INCREMENT },
    { upsert: true, session },
  );
  await c.studies.updateOne(
    { _id: r.studyUid },
    { $setOnInsert: studyOnInsert(r), ...studyIncrement(r, series.upsertedCount === 1) },
    { upsert: true, session },
  );
  return 'created';
}

/** The DicomIndexWriter of one MongoDB transaction (buffered; see the module comment). */
export class MongoDicomIndexWriter implements DicomIndexWriter {
  private readonly c: DicomCollections;

  /**
   * @param db - the database.
   * @param session - the session running the transaction.
   */
  constructor(
    db: Db,
    private readonly session: ClientSession,
  ) {
    this.c = collections(db);
  }

  /** {@inheritDoc DicomIndexWriter.putInstance} */
  putInstance(record: DicomInstanceRecord): Promise<'created' | 'exists'> {
    return putMongoDicomInstance(this.c, this.session, record);
  }
}

/** The DICOM index on MongoDB outside transactions. */
export class MongoDicomIndex implements DicomIndex {
  private readonly c: DicomCollections;

  /**
   * @param db - the database.
   */
  constructor(db: Db) {
    this.c = collections(db);
  }

  /** {@inheritDoc DicomIndex.getInstance} */
  async getInstance(sopInstanceUid: string): Promise<DicomInstanceRow | undefined> {
    const doc = await this.c.instances.findOne({ _id: sopInstanceUid }, { projection: { record: 1 } });
    return doc?.record;
  }

  /** {@inheritDoc DicomIndex.listInstances} */
  async listInstances(studyUid: string, seriesUid?: string): Promise<DicomInstanceRow[]> {
    const docs = await this.c.instances
      .find(defined({ studyUid, seriesUid }), { sort: STUDY_INSTANCES_SORT, projection: { record: 1 } })
      .toArray();
    return docs.map((d) => d.record);
  }

  /** {@inheritDoc DicomIndex.findStudies} */
  async findStudies(query: DicomQuery): Promise<DicomStudyRow[]> {
    const docs = await this.c.studies.find(studyFilter(query), { sort: STUDY_SORT, ...page(query) }).toArray();
    return docs.map(toStudyRow);
  }

  /** {@inheritDoc DicomIndex.findSeries} */
  async findSeries(query: DicomQuery): Promise<DicomSeriesRow[]> {
    const scope = await this.studyScope(query);
    if (scope?.length === 0) {
      return [];
    }
    const docs = await this.c.series.find(seriesFilter(query, scope), { sort: SERIES_SORT, ...page(query) }).toArray();
    const studyUids = [...new Set(docs.map((d) => d.studyUid))];
    const studies = await this.c.studies.find({ _id: { $in: studyUids } }, { projection: { attributes: 1 } }).toArray();
    const attributes = new Map(studies.map((s) => [s._id, s.attributes]));
    return docs.map((d) => toSeriesRow(d, attributes.get(d.studyUid) ?? {}));
  }

  /** {@inheritDoc DicomIndex.findInstances} */
  async findInstances(query: DicomQuery): Promise<DicomInstanceRow[]> {
    const scope = await this.studyScope(query);
    if (scope?.length === 0) {
      return [];
    }
    const docs = await this.c.instances
      .find(instanceFilter(query, scope), { sort: INSTANCE_SORT, projection: { record: 1 }, ...page(query) })
      .toArray();
    return docs.map((d) => d.record);
  }

  /** {@inheritDoc DicomIndex.recordRejection} */
  async recordRejection(rejection: DicomRejectionRecord): Promise<DicomRejectionRow> {
    const doc: DicomRejectionDocument = defined({
      ...rejection,
      _id: newRecordId(),
      receivedAt: new Date().toISOString(),
    });
    await this.c.rejections.insertOne(doc);
    return toRejectionRow(doc);
  }

  /** {@inheritDoc DicomIndex.listRejections} */
  async listRejections(options?: { limit?: number; offset?: number }): Promise<DicomRejectionRow[]> {
    const docs = await this.c.rejections
      .find({}, { sort: { receivedAt: -1, _id: -1 }, ...page(options ?? {}) })
      .toArray();
    return docs.map(toRejectionRow);
  }

  /** {@inheritDoc DicomIndex.listBlobAddresses} */
  async listBlobAddresses(): Promise<string[]> {
    const values = await this.c.instances.distinct('sha256');
    return values.sort();
  }

  /** The study UIDs scoping a series or instance query, when it has study-row keys. */
  private async studyScope(query: DicomQuery): Promise<string[] | undefined> {
    if (!hasStudyRowKeys(query)) {
      return undefined;
    }
    const docs = await this.c.studies.find(studyScopeFilter(query), { projection: { _id: 1 } }).toArray();
    return docs.map((d) => d._id);
  }
}

function page(q: { readonly limit?: number; readonly offset?: number }): { limit?: number; skip?: number } {
  return defined({ limit: q.limit, skip: q.offset });
}
