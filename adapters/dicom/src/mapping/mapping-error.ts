/**
 * A DICOM data set that cannot become FHIR resources (a missing Type 1 UID, instances of several
 * studies mixed, ...). The C-STORE and STOW-RS handlers turn it into a failure status with this
 * reason (PS3.4 C.4.2.1.4 `0xA900`/`0xC000`; PS3.18 10.5.3 FailureReason), never a silent drop.
 */

/** Why an instance was refused by the mapping. */
export type DicomMappingErrorReason = 'missing-attribute' | 'study-mismatch' | 'invalid-value';

/** An instance the mapping refuses, with the attribute at fault. */
export class DicomMappingError extends Error {
  /**
   * @param reason - the kind of fault
   * @param attribute - the DICOM keyword at fault (e.g. `StudyInstanceUID`)
   * @param message - a human-readable explanation
   */
  public constructor(
    public readonly reason: DicomMappingErrorReason,
    public readonly attribute: string,
    message: string,
  ) {
    super(message);
    this.name = 'DicomMappingError';
  }
}

/** A finding that does not stop the mapping (e.g. a Body Part Examined with no SNOMED CT code). */
export interface DicomMappingWarning {
  /** The DICOM keyword concerned. */
  readonly attribute: string;
  /** What was done about it. */
  readonly message: string;
}
