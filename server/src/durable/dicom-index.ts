/**
 * The DICOM index port: what is stored, at study, series and instance level, for C-FIND, QIDO-RS
 * and WADO-RS (DESIGN.md flow 2). The original Part-10 bytes live in the blob store; this index
 * holds their address and the attributes a query matches and returns, as DICOM JSON
 * (PS3.18 F.2, the form dcmjs calls "denaturalized"). It is written in the same store transaction
 * as the ImagingStudy, so the index, the FHIR resources and the inference job commit together.
 *
 * Matching semantics are PS3.4 C.2.2.2 (single value, wildcard `*`/`?`, range for dates, UID
 * list); every backend implements them identically (the shared DICOM index suite runs on each).
 */

/** One attribute in the DICOM JSON model (PS3.18 F.2.2). */
export interface DicomJsonElement {
  readonly vr: string;
  readonly Value?: readonly unknown[];
  readonly BulkDataURI?: string;
  readonly InlineBinary?: string;
}

/** A data set in the DICOM JSON model: tag (8 upper-case hex digits) → element. */
export type DicomJson = Readonly<Record<string, DicomJsonElement>>;

/** Query/retrieve level (PS3.4 C.6.2.1: Study Root). */
export type DicomLevel = 'study' | 'series' | 'instance';

/** One instance as the index stores it; the keys are copied out of `attributes` for matching. */
export interface DicomInstanceRecord {
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopInstanceUid: string;
  readonly sopClassUid: string;
  /** The transfer syntax the bytes are stored in (as received). */
  readonly transferSyntaxUid: string;
  /** Blob store address of the Part-10 file. */
  readonly sha256: string;
  /** Size of the Part-10 file in bytes. */
  readonly size: number;
  /** Who sent it: `dicom://<calling AE>` or `dicomweb`. */
  readonly source: string;
  /** ISO instant of receipt. */
  readonly receivedAt: string;
  // Matching keys, normalised (strings trimmed; absent when the attribute is absent or empty).
  readonly patientId?: string;
  readonly issuerOfPatientId?: string;
  /** Patient's Name as DICOM PN text (`Family^Given=Ideographic=Phonetic`). */
  readonly patientName?: string;
  readonly patientBirthDate?: string;
  readonly patientSex?: string;
  /** YYYYMMDD. */
  readonly studyDate?: string;
  readonly studyTime?: string;
  readonly accessionNumber?: string;
  readonly studyId?: string;
  readonly studyDescription?: string;
  readonly referringPhysicianName?: string;
  readonly modality?: string;
  readonly seriesNumber?: number;
  readonly seriesDescription?: string;
  readonly instanceNumber?: number;
  readonly numberOfFrames?: number;
  /**
   * Study-level attributes (Patient and General Study modules) as DICOM JSON: the study record
   * is built from the first instance of a study.
   */
  readonly studyAttributes: DicomJson;
  /** Series-level attributes (General Series module) as DICOM JSON. */
  readonly seriesAttributes: DicomJson;
  /**
   * Every attribute of the instance except bulk data (PixelData and other binary values over
   * the inline limit carry a BulkDataURI instead): WADO-RS metadata and instance-level QIDO.
   */
  readonly instanceAttributes: DicomJson;
}

/** A stored study with the attributes computed over its series and instances (PS3.18 10.6.3.3.1). */
export interface DicomStudyRow {
  readonly studyUid: string;
  readonly attributes: DicomJson;
  readonly modalitiesInStudy: readonly string[];
  readonly sopClassesInStudy: readonly string[];
  readonly numberOfSeries: number;
  readonly numberOfInstances: number;
  /** ISO instant of the last instance received. */
  readonly updatedAt: string;
}

/** A stored series. */
export interface DicomSeriesRow {
  readonly studyUid: string;
  readonly seriesUid: string;
  /** Study attributes merged with series attributes. */
  readonly studyAttributes: DicomJson;
  readonly attributes: DicomJson;
  readonly numberOfInstances: number;
}

/** A stored instance (the record as written). */
export type DicomInstanceRow = DicomInstanceRecord;

/** How a string key matches (PS3.4 C.2.2.2.1 single value, C.2.2.2.4 wild card). */
export type DicomStringMatch =
  | { readonly kind: 'exact'; readonly value: string }
  /** `*` matches any run of characters, `?` exactly one. */
  | { readonly kind: 'wildcard'; readonly pattern: string };

/**
 * A query. Keys absent match everything (universal matching). String keys on Patient's Name
 * match case-insensitively (what viewers expect, as QIDO-RS `fuzzymatching` leaves open);
 * other strings match exactly, case-sensitively.
 */
export interface DicomQuery {
  readonly level: DicomLevel;
  /** UID list matching (C.2.2.2.2) on Study Instance UID; also scopes series/instance queries. */
  readonly studyUids?: readonly string[];
  readonly seriesUids?: readonly string[];
  readonly sopInstanceUids?: readonly string[];
  readonly patientId?: DicomStringMatch;
  readonly patientName?: DicomStringMatch;
  readonly accessionNumber?: DicomStringMatch;
  readonly studyId?: DicomStringMatch;
  readonly studyDescription?: DicomStringMatch;
  readonly referringPhysicianName?: DicomStringMatch;
  /** Inclusive range of YYYYMMDD dates (C.2.2.2.5); either end may be open. */
  readonly studyDate?: { readonly from?: string; readonly to?: string };
  /** Study level: ModalitiesInStudy contains it; series/instance level: Modality equals it. */
  readonly modality?: string;
  readonly sopClassUid?: string;
  readonly seriesNumber?: number;
  readonly instanceNumber?: number;
  /** Page size (no limit when absent) and rows skipped. Ordered by study date desc, then UID. */
  readonly limit?: number;
  readonly offset?: number;
}

/** Why an input was refused: kept so nothing is dropped silently. */
export interface DicomRejectionRecord {
  /** Blob store address of what was received, when it could be stored. */
  readonly sha256?: string;
  readonly size: number;
  readonly source: string;
  /** DIMSE status sent (PS3.4 B.2.3 / PS3.18 FailureReason). */
  readonly status: number;
  readonly reason: string;
  readonly sopClassUid?: string;
  readonly sopInstanceUid?: string;
}

/** A stored rejection. */
export interface DicomRejectionRow extends DicomRejectionRecord {
  readonly id: string;
  readonly receivedAt: string;
}

/** The index as a store transaction writes it. */
export interface DicomIndexWriter {
  /**
   * Adds an instance and updates its series and study rows.
   * @param record - the instance
   * @returns `created`, or `exists` when the SOP Instance UID is already stored (nothing changed)
   */
  putInstance(record: DicomInstanceRecord): Promise<'created' | 'exists'>;
}

/** The index outside a transaction. */
export interface DicomIndex {
  getInstance(sopInstanceUid: string): Promise<DicomInstanceRow | undefined>;
  /** Instances of a study (or one series of it), ordered by series then instance number. */
  listInstances(studyUid: string, seriesUid?: string): Promise<DicomInstanceRow[]>;
  findStudies(query: DicomQuery): Promise<DicomStudyRow[]>;
  findSeries(query: DicomQuery): Promise<DicomSeriesRow[]>;
  findInstances(query: DicomQuery): Promise<DicomInstanceRow[]>;
  /** Records a refused input (its own durable write). */
  recordRejection(rejection: DicomRejectionRecord): Promise<DicomRejectionRow>;
  /** The most recent rejections first. */
  listRejections(options?: { limit?: number; offset?: number }): Promise<DicomRejectionRow[]>;
  /** Every stored blob address, for the integrity check. */
  listBlobAddresses(): Promise<string[]>;
}
