/** Instance metadata builders shared by the DICOM mapping tests. */
import type { DicomInstanceMetadata } from '../../../../../adapters/dicom/src/mapping';

/**
 * One CT-like instance of study 1.2.3, overridable.
 * @param overrides - attributes to replace
 * @returns the instance metadata
 */
export function instance(overrides: Partial<DicomInstanceMetadata> = {}): DicomInstanceMetadata {
  return {
    PatientID: 'MRN-1',
    IssuerOfPatientID: 'HOSP',
    PatientName: 'Doe^Jane',
    StudyInstanceUID: '1.2.3',
    StudyDate: '20250115',
    StudyTime: '101500',
    AccessionNumber: 'ACC-1',
    SeriesInstanceUID: '1.2.3.1',
    SeriesNumber: 1,
    Modality: 'CT',
    BodyPartExamined: 'CHEST',
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: '1.2.3.1.1',
    InstanceNumber: 1,
    ...overrides,
  };
}
