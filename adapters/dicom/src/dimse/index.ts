/**
 * The DICOM DIMSE layer: the SCP listener (C-ECHO, C-STORE into the blob store and the ingest
 * sink, C-FIND on the DICOM index), the C-STORE SCU and the durable `dicom.store` job.
 */
export { startDimseServer } from './server';
export type { DimseServer, DimseServerOptions } from './server';
export { storeInstances } from './scu';
export type { DicomRemote, StoreInstanceResult, StoreOptions } from './scu';
export { DICOM_STORE_TOPIC, createDicomStoreHandler, enqueueDicomStore } from './store-job';
export type { DicomStoreHandlerOptions, DicomStorePayload } from './store-job';
export { identifierToQuery, runFind } from './c-find';
export type { FindIndex, FindResult } from './c-find';
export {
  STORAGE_SOP_CLASS_ROOT,
  STUDY_ROOT_FIND_SOP_CLASS,
  TRANSFER_SYNTAX_PREFERENCE,
  VERIFICATION_SOP_CLASS,
  chooseTransferSyntax,
  isSupportedAbstractSyntax,
} from './negotiation';
export {
  TESSERA_IMPLEMENTATION_CLASS_UID,
  TESSERA_IMPLEMENTATION_VERSION,
  buildPart10Header,
  readPart10Meta,
} from './part10-header';
export type { Part10HeaderFields, Part10Meta } from './part10-header';
