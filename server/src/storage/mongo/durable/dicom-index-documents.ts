/**
 * Documents of the DICOM index on MongoDB (server/src/durable/dicom-index.ts) and the updates
 * that write them: `dicomInstances` (one per SOP Instance UID, the record as written),
 * `dicomSeries` and `dicomStudies` (created by the first instance with `$setOnInsert`, then
 * counted with `$inc`; ModalitiesInStudy and SOPClassesInStudy are sets kept with `$addToSet`,
 * PS3.18 10.6.3.3.1), and `dicomRejections`. Optional keys are left out rather than stored as
 * null, so that a missing key sorts and matches the same way everywhere.
 */
import type { Document, IndexDescription } from 'mongodb';
import type {
  DicomInstanceRecord,
  DicomJson,
  DicomRejectionRow,
  DicomSeriesRow,
  DicomStudyRow,
} from '../../../durable/dicom-index';

/** Study rows. */
export const DICOM_STUDIES_COLLECTION = 'dicomStudies';
/** Series rows. */
export const DICOM_SERIES_COLLECTION = 'dicomSeries';
/** Instance rows. */
export const DICOM_INSTANCES_COLLECTION = 'dicomInstances';
/** Refused inputs. */
export const DICOM_REJECTIONS_COLLECTION = 'dicomRejections';

/** A study: `_id` is the Study Instance UID. */
export interface DicomStudyDocument {
  _id: string;
  attributes: DicomJson;
  patientId?: string;
  issuerOfPatientId?: string;
  patientName?: string;
  /** Patient's Name upper-cased, for case-insensitive matching. */
  patientNameUpper?: string;
  studyDate?: string;
  accessionNumber?: string;
  studyId?: string;
  studyDescription?: string;
  referringPhysicianName?: string;
  modalities?: string[];
  sopClasses?: string[];
  numberOfSeries: number;
  numberOfInstances: number;
  updatedAt: string;
}

/** A series: `_id` is the Series Instance UID. */
export interface DicomSeriesDocument {
  _id: string;
  studyUid: string;
  attributes: DicomJson;
  modality?: string;
  seriesNumber?: number;
  numberOfInstances: number;
}

/** An instance: `_id` is the SOP Instance UID; matching keys copied beside the record. */
export interface DicomInstanceDocument {
  _id: string;
  studyUid: string;
  seriesUid: string;
  sopClassUid: string;
  modality?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  sha256: string;
  record: DicomInstanceRecord;
}

/** A rejection: `_id` is its id (an ObjectId in hex, so ids grow with time). */
export type DicomRejectionDocument = Omit<DicomRejectionRow, 'id'> & { _id: string };

/** Indexes per collection: the study list order per key QIDO-RS searches by (PS3.18 10.6.1.2). */
export const DICOM_INDEXES: Readonly<Record<string, readonly IndexDescription[]>> = {
  [DICOM_STUDIES_COLLECTION]: [
    { name: 'order', key: { studyDate: -1, _id: 1 } },
    { name: 'patient_id', key: { patientId: 1, studyDate: -1, _id: 1 } },
    { name: 'patient_name', key: { patientNameUpper: 1 } },
    { name: 'accession', key: { accessionNumber: 1 } },
    { name: 'modalities', key: { modalities: 1, studyDate: -1, _id: 1 } },
  ],
  [DICOM_SERIES_COLLECTION]: [
    { name: 'study', key: { studyUid: 1, seriesNumber: 1, _id: 1 } },
    { name: 'order', key: { seriesNumber: 1, _id: 1 } },
  ],
  [DICOM_INSTANCES_COLLECTION]: [
    { name: 'study', key: { studyUid: 1, seriesNumber: 1, seriesUid: 1, instanceNumber: 1, _id: 1 } },
    { name: 'series', key: { seriesUid: 1, instanceNumber: 1, _id: 1 } },
    { name: 'sha256', key: { sha256: 1 } },
  ],
  [DICOM_REJECTIONS_COLLECTION]: [{ name: 'recent', key: { receivedAt: -1, _id: -1 } }],
};

/**
 * The object without its undefined properties (the driver would store them as null).
 * @param o - an object.
 */
export function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The instance document (without `_id`, which the upsert filter carries).
 * @param r - the record.
 */
export function instanceFields(r: DicomInstanceRecord): Omit<DicomInstanceDocument, '_id'> {
  return defined({
    studyUid: r.studyUid,
    seriesUid: r.seriesUid,
    sopClassUid: r.sopClassUid,
    modality: r.modality,
    seriesNumber: r.seriesNumber,
    instanceNumber: r.instanceNumber,
    sha256: r.sha256,
    record: r,
  });
}

/**
 * What a new series is created with (`$setOnInsert`); the count comes from seriesIncrement.
 * @param r - its first instance.
 */
export function seriesOnInsert(r: DicomInstanceRecord): Document {
  return defined({
    studyUid: r.studyUid,
    attributes: r.seriesAttributes,
    modality: r.modality,
    seriesNumber: r.seriesNumber,
  });
}

/** The update counting one more instance in a series. */
export const SERIES_INCREMENT: Document = { $inc: { numberOfInstances: 1 } };

/**
 * What a new study is created with (`$setOnInsert`): the study attributes and matching keys of
 * its first instance. Counts, sets and the time come from studyIncrement (disjoint paths).
 * @param r - its first instance.
 */
export function studyOnInsert(r: DicomInstanceRecord): Document {
  return defined({
    attributes: r.studyAttributes,
    patientId: r.patientId,
    issuerOfPatientId: r.issuerOfPatientId,
    patientName: r.patientName,
    patientNameUpper: r.patientName?.toUpperCase(),
    studyDate: r.studyDate,
    accessionNumber: r.accessionNumber,
    studyId: r.studyId,
    studyDescription: r.studyDescription,
    referringPhysicianName: r.referringPhysicianName,
  });
}

/**
 * The update counting one more instance (and series, when it started one) in a study.
 * @param r - the instance.
 * @param newSeries - whether it created its series.
 */
export function studyIncrement(r: DicomInstanceRecord, newSeries: boolean): Document {
  return {
    $inc: { numberOfInstances: 1, numberOfSeries: newSeries ? 1 : 0 },
    $addToSet: defined({ sopClasses: r.sopClassUid, modalities: r.modality === '' ? undefined : r.modality }),
    $max: { updatedAt: r.receivedAt },
  };
}

/**
 * The port's study row.
 * @param d - the document.
 */
export function toStudyRow(d: DicomStudyDocument): DicomStudyRow {
  return {
    studyUid: d._id,
    attributes: d.attributes,
    modalitiesInStudy: [...(d.modalities ?? [])].sort(),
    sopClassesInStudy: [...(d.sopClasses ?? [])].sort(),
    numberOfSeries: d.numberOfSeries,
    numberOfInstances: d.numberOfInstances,
    updatedAt: d.updatedAt,
  };
}

/**
 * The port's series row.
 * @param d - the document.
 * @param study - its study's attributes.
 */
export function toSeriesRow(d: DicomSeriesDocument, study: DicomJson): DicomSeriesRow {
  return {
    studyUid: d.studyUid,
    seriesUid: d._id,
    studyAttributes: { ...study, ...d.attributes },
    attributes: d.attributes,
    numberOfInstances: d.numberOfInstances,
  };
}

/**
 * The port's rejection row.
 * @param d - the document.
 */
export function toRejectionRow(d: DicomRejectionDocument): DicomRejectionRow {
  const { _id, ...rest } = d;
  return { id: _id, ...rest };
}
