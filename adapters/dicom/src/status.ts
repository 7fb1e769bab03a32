/**
 * DIMSE status codes Tessera sends (PS3.4 B.2.3 for C-STORE, C.4.1.1.4 for C-FIND; PS3.7 C).
 * STOW-RS reuses them as FailureReason (0008,1197) values (PS3.18 10.5.3.2).
 */
export const DimseStatus = {
  Success: 0x0000,
  /** C-FIND: a match follows, optional keys supported. */
  Pending: 0xff00,
  /** Processing failure (PS3.7 C.4.1): an unexpected error on our side. */
  ProcessingFailure: 0x0110,
  /** SOP Class not supported (PS3.7 C.5.3). */
  SopClassNotSupported: 0x0122,
  /** Refused: out of resources (storage unavailable or full). */
  OutOfResources: 0xa700,
  /** Error: data set does not match SOP Class. */
  DataSetDoesNotMatchSopClass: 0xa900,
  /** Error: cannot understand (not DICOM, truncated, required UIDs missing). */
  CannotUnderstand: 0xc000,
  /** C-FIND: identifier does not match SOP Class. */
  IdentifierDoesNotMatchSopClass: 0xa900,
  /** C-FIND: unable to process. */
  UnableToProcess: 0xc001,
  /** Warning: coercion of data elements (STOW-RS: the study UID in the path differs, PS3.18 10.5.3.2). */
  CoercionOfDataElements: 0xb000,
} as const;

/** Whether a status is a failure (PS3.7 C: A*, C*, 01xx, 02xx). */
export function isFailureStatus(status: number): boolean {
  return status !== DimseStatus.Success && status !== DimseStatus.Pending && (status & 0xf000) !== 0xb000;
}
