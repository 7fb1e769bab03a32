/**
 * The attributes of one DICOM instance that the FHIR mapping reads, in dcmjs "naturalized" form
 * (keyword → value, as `dcmjs.data.DicomMetaDictionary.naturalizeDataset` returns). Modules:
 * PS3.3 C.7.1.1 Patient, C.7.2.1 General Study, C.7.3.1 General Series, C.12.1 SOP Common,
 * C.7.6.1 General Image, C.7.6.6 Multi-frame.
 * https://dicom.nema.org/medical/dicom/current/output/html/part03.html#sect_C.7.1.1
 */

/** A PN value split into its component groups (PS3.5 6.2; PS3.18 F.2.2 "PN" JSON model). */
export interface DicomPersonNameGroups {
  readonly Alphabetic?: string | undefined;
  readonly Ideographic?: string | undefined;
  readonly Phonetic?: string | undefined;
}

/**
 * A PN value as dcmjs gives it: the raw string (`Yamada^Tarou=山田^太郎`), one object of
 * component groups, or a list of either (PN may be multi-valued; the first value is the name).
 */
export type DicomPersonName = string | DicomPersonNameGroups | readonly (string | DicomPersonNameGroups)[];

/** One item of Issuer of Patient ID Qualifiers Sequence (0010,0024), PS3.3 C.7.1.1. */
export interface DicomIssuerQualifiers {
  /** Universal Entity ID (0040,0032). */
  readonly UniversalEntityID?: string | undefined;
  /** Universal Entity ID Type (0040,0033): ISO, UUID, URI, DNS, ... */
  readonly UniversalEntityIDType?: string | undefined;
}

/** The naturalized attributes of one instance that the mapping reads; anything else is ignored. */
export interface DicomInstanceMetadata {
  // Patient (PS3.3 C.7.1.1)
  readonly PatientID?: string | undefined;
  readonly IssuerOfPatientID?: string | undefined;
  readonly IssuerOfPatientIDQualifiersSequence?: readonly DicomIssuerQualifiers[] | undefined;
  readonly PatientName?: DicomPersonName | undefined;
  readonly PatientBirthDate?: string | undefined;
  readonly PatientSex?: string | undefined;
  // General Study (C.7.2.1)
  readonly StudyInstanceUID?: string | undefined;
  readonly StudyDate?: string | undefined;
  readonly StudyTime?: string | undefined;
  readonly AccessionNumber?: string | undefined;
  readonly StudyDescription?: string | undefined;
  readonly StudyID?: string | undefined;
  // General Series (C.7.3.1)
  readonly SeriesInstanceUID?: string | undefined;
  readonly Modality?: string | undefined;
  readonly SeriesNumber?: number | string | undefined;
  readonly SeriesDescription?: string | undefined;
  readonly SeriesDate?: string | undefined;
  readonly SeriesTime?: string | undefined;
  readonly BodyPartExamined?: string | undefined;
  // SOP Common (C.12.1) and General Image (C.7.6.1)
  readonly SOPClassUID?: string | undefined;
  readonly SOPInstanceUID?: string | undefined;
  readonly InstanceNumber?: number | string | undefined;
  readonly NumberOfFrames?: number | string | undefined;
  /** Timezone Offset From UTC (0008,0201), `+hhmm`/`-hhmm`: applies to every DA/TM of the instance. */
  readonly TimezoneOffsetFromUTC?: string | undefined;
}
