/**
 * The checks behind C-STORE status 0xA900 "Data Set does not match SOP Class" (PS3.4 B.2.3):
 * for the storage SOP classes a modality sends most, the Modality value the IOD fixes and the
 * Type 1 attributes of its image modules (PS3.3 A.2 CR, A.3 CT, A.4 MR, A.6 US, A.26 DX/MG,
 * A.8 Secondary Capture, A.35 SR). Other SOP classes are accepted on their UIDs alone: this is a
 * sanity check of what the sender claims, not a full IOD validator.
 */

/** What an IOD requires of a data set. */
interface IodRequirement {
  readonly name: string;
  /** Enumerated Modality (0008,0060) values (PS3.3 C.8.x.1.1 of each IOD). */
  readonly modalities?: readonly string[];
  /** Type 1 attributes (keyword → tag) beyond the SOP Common and UID ones. */
  readonly required: readonly string[];
}

const IMAGE_PIXEL = ['Rows', 'Columns', 'BitsAllocated', 'SamplesPerPixel', 'PhotometricInterpretation'];
const IMAGE_PLANE = ['ImagePositionPatient', 'ImageOrientationPatient', 'PixelSpacing'];

const REQUIREMENTS: Readonly<Record<string, IodRequirement>> = {
  '1.2.840.10008.5.1.4.1.1.1': { name: 'CR Image Storage', required: IMAGE_PIXEL },
  '1.2.840.10008.5.1.4.1.1.1.1': {
    name: 'Digital X-Ray Image Storage - For Presentation',
    modalities: ['DX'],
    required: IMAGE_PIXEL,
  },
  '1.2.840.10008.5.1.4.1.1.1.1.1': {
    name: 'Digital X-Ray Image Storage - For Processing',
    modalities: ['DX'],
    required: IMAGE_PIXEL,
  },
  '1.2.840.10008.5.1.4.1.1.1.2': {
    name: 'Digital Mammography X-Ray Image Storage - For Presentation',
    modalities: ['MG'],
    required: IMAGE_PIXEL,
  },
  '1.2.840.10008.5.1.4.1.1.1.2.1': {
    name: 'Digital Mammography X-Ray Image Storage - For Processing',
    modalities: ['MG'],
    required: IMAGE_PIXEL,
  },
  '1.2.840.10008.5.1.4.1.1.2': {
    name: 'CT Image Storage',
    modalities: ['CT'],
    required: [...IMAGE_PIXEL, ...IMAGE_PLANE, 'RescaleIntercept', 'RescaleSlope'],
  },
  '1.2.840.10008.5.1.4.1.1.4': {
    name: 'MR Image Storage',
    modalities: ['MR'],
    required: [...IMAGE_PIXEL, ...IMAGE_PLANE],
  },
  '1.2.840.10008.5.1.4.1.1.6.1': { name: 'Ultrasound Image Storage', modalities: ['US'], required: IMAGE_PIXEL },
  '1.2.840.10008.5.1.4.1.1.7': { name: 'Secondary Capture Image Storage', required: IMAGE_PIXEL },
  '1.2.840.10008.5.1.4.1.1.88.11': {
    name: 'Basic Text SR Storage',
    modalities: ['SR'],
    required: ['ValueType', 'ConceptNameCodeSequence'],
  },
  '1.2.840.10008.5.1.4.1.1.88.22': {
    name: 'Enhanced SR Storage',
    modalities: ['SR'],
    required: ['ValueType', 'ConceptNameCodeSequence'],
  },
  '1.2.840.10008.5.1.4.1.1.88.33': {
    name: 'Comprehensive SR Storage',
    modalities: ['SR'],
    required: ['ValueType', 'ConceptNameCodeSequence'],
  },
};

/**
 * Checks a data set against what its SOP class requires.
 * @param sopClassUid - the data set's SOP Class UID
 * @param dataset - naturalized attributes (keyword → value)
 * @returns why the data set does not match, or undefined when it does (or the class is not checked)
 */
export function sopClassMismatch(sopClassUid: string, dataset: Readonly<Record<string, unknown>>): string | undefined {
  const requirement = REQUIREMENTS[sopClassUid];
  if (requirement === undefined) {
    return undefined;
  }
  const modality = typeof dataset.Modality === 'string' ? dataset.Modality.trim() : undefined;
  if (requirement.modalities !== undefined && (modality === undefined || !requirement.modalities.includes(modality))) {
    return `${requirement.name} requires Modality ${requirement.modalities.join('/')}, the data set has ${modality ?? 'none'}`;
  }
  const missing = requirement.required.filter((keyword) => isEmpty(dataset[keyword]));
  if (missing.length > 0) {
    return `${requirement.name} requires ${missing.join(', ')}`;
  }
  return undefined;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Whether instances of a SOP class are images, which must carry Pixel Data (7FE0,0010): an image
 * without it was cut off before its pixels (or is not what it claims).
 * @param sopClassUid - the SOP Class UID
 * @returns true for the image classes checked here
 */
export function requiresPixelData(sopClassUid: string): boolean {
  return REQUIREMENTS[sopClassUid]?.required.includes('Rows') === true;
}
