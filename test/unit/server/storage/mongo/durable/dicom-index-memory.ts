/**
 * An in-memory DICOM index driven by the MongoDB backend's own documents, updates, filters and
 * sorts (server/src/storage/mongo/durable/dicom-index-*.ts), evaluated with mingo, an
 * independent implementation of the MongoDB query and update language. It follows the calls
 * MongoDicomIndex and putMongoDicomInstance make: an upsert inserts `{ _id, ...$setOnInsert }`
 * when nothing matches, then applies the other operators (mingo has no upsert).
 */
import { find, updateOne } from 'mingo';
import type { Document } from 'mongodb';
import type { DicomInstanceRecord, DicomQuery } from '../../../../../../server/src/durable/dicom-index';
import {
  instanceFields,
  SERIES_INCREMENT,
  seriesOnInsert,
  studyIncrement,
  studyOnInsert,
  type DicomInstanceDocument,
  type DicomSeriesDocument,
  type DicomStudyDocument,
} from '../../../../../../server/src/storage/mongo/durable/dicom-index-documents';
import {
  hasStudyRowKeys,
  INSTANCE_SORT,
  instanceFilter,
  SERIES_SORT,
  seriesFilter,
  STUDY_SORT,
  studyFilter,
  studyScopeFilter,
} from '../../../../../../server/src/storage/mongo/durable/dicom-index-filter';

type Row = Document & { _id: string };

/**
 * An upsert as MongoDB runs it.
 * @returns whether it inserted.
 */
function upsert(docs: Row[], id: string, onInsert: Document, update: Document): boolean {
  const inserted = !docs.some((d) => d._id === id);
  if (inserted) {
    docs.push({ _id: id, ...structuredClone(onInsert) });
  }
  if (Object.keys(update).length > 0) {
    updateOne(docs, { _id: id }, update as Parameters<typeof updateOne>[2]);
  }
  return inserted;
}

function run<T>(docs: Row[], filter: Document, sort: Document, q: DicomQuery): T[] {
  let cursor = find(docs, filter).sort(sort as Record<string, 1 | -1>);
  if (q.offset !== undefined) {
    cursor = cursor.skip(q.offset);
  }
  if (q.limit !== undefined) {
    cursor = cursor.limit(q.limit);
  }
  return cursor.all() as T[];
}

/** The three index collections in memory. */
export class MemoryDicomIndex {
  readonly studies: Row[] = [];
  readonly series: Row[] = [];
  readonly instances: Row[] = [];

  /** What putMongoDicomInstance does. */
  put(r: DicomInstanceRecord): 'created' | 'exists' {
    if (!upsert(this.instances, r.sopInstanceUid, instanceFields(r), {})) {
      return 'exists';
    }
    const newSeries = upsert(this.series, r.seriesUid, seriesOnInsert(r), SERIES_INCREMENT);
    upsert(this.studies, r.studyUid, studyOnInsert(r), studyIncrement(r, newSeries));
    return 'created';
  }

  /** What MongoDicomIndex.findStudies selects. */
  findStudies(q: DicomQuery): DicomStudyDocument[] {
    return run(this.studies, studyFilter(q), STUDY_SORT, q);
  }

  /** What MongoDicomIndex.findSeries selects. */
  findSeries(q: DicomQuery): DicomSeriesDocument[] {
    const scope = this.scope(q);
    return scope?.length === 0 ? [] : run(this.series, seriesFilter(q, scope), SERIES_SORT, q);
  }

  /** What MongoDicomIndex.findInstances selects. */
  findInstances(q: DicomQuery): DicomInstanceDocument[] {
    const scope = this.scope(q);
    return scope?.length === 0 ? [] : run(this.instances, instanceFilter(q, scope), INSTANCE_SORT, q);
  }

  private scope(q: DicomQuery): string[] | undefined {
    return hasStudyRowKeys(q) ? (find(this.studies, studyScopeFilter(q)).all() as Row[]).map((d) => d._id) : undefined;
  }
}
