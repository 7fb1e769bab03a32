/**
 * Body Part Examined (0018,0015) defined terms → SNOMED CT, per PS3.16 Annex L ("Correspondence of
 * Anatomic Region Codes and Body Part Examined Defined Terms") with the codes of CID 4031 "Common
 * Anatomic Regions" (PS3.16 2022b). ImagingStudy.series.bodySite is a Coding
 * (https://hl7.org/fhir/R4/imagingstudy-definitions.html#ImagingStudy.series.bodySite), so a term
 * outside the table has no code to carry: it is left out and reported as a warning.
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part16/chapter_L.html
 */
import type { Coding } from '@medplum/fhirtypes';

/** The SNOMED CT code system URI (https://hl7.org/fhir/R4/snomedct.html). */
export const SNOMED_CT = 'http://snomed.info/sct';

/** Defined term → [SNOMED CT code, display]. */
export const bodySiteFromBodyPartExamined: Readonly<Record<string, readonly [string, string]>> = {
  ABDOMEN: ['818981001', 'Abdomen'],
  ABDOMENPELVIS: ['818982008', 'Abdomen and Pelvis'],
  ANKLE: ['70258002', 'Ankle joint'],
  ARM: ['40983000', 'Upper arm'],
  BREAST: ['76752008', 'Breast'],
  CHEST: ['816094009', 'Chest'],
  CHESTABDOMEN: ['416550000', 'Chest and Abdomen'],
  CHESTABDPELVIS: ['416775004', 'Chest, Abdomen and Pelvis'],
  CLAVICLE: ['51299004', 'Clavicle'],
  COCCYX: ['64688005', 'Coccyx'],
  CSPINE: ['122494005', 'Cervical spine'],
  CTSPINE: ['297171002', 'Cervico-thoracic spine'],
  ELBOW: ['16953009', 'Elbow joint'],
  EXTREMITY: ['66019005', 'Extremity'],
  FEMUR: ['71341001', 'Femur'],
  FINGER: ['7569003', 'Finger'],
  FOOT: ['56459004', 'Foot'],
  FOREARM: ['14975008', 'Forearm'],
  HAND: ['85562004', 'Hand'],
  HEAD: ['69536005', 'Head'],
  HEADNECK: ['774007', 'Head and Neck'],
  HEART: ['80891009', 'Heart'],
  HIP: ['29836001', 'Hip'],
  HUMERUS: ['85050009', 'Humerus'],
  JAW: ['661005', 'Jaw region'],
  KNEE: ['72696002', 'Knee'],
  LEG: ['30021000', 'Lower leg'],
  LSPINE: ['122496007', 'Lumbar spine'],
  LSSPINE: ['297173004', 'Lumbo-sacral spine'],
  NECK: ['45048000', 'Neck'],
  NECKCHEST: ['417437006', 'Neck and Chest'],
  PATELLA: ['64234005', 'Patella'],
  PELVIS: ['816092008', 'Pelvis'],
  RIB: ['113197003', 'Rib'],
  SCAPULA: ['79601000', 'Scapula'],
  SHOULDER: ['16982005', 'Shoulder'],
  SKULL: ['89546000', 'Skull'],
  SPINE: ['421060004', 'Spine'],
  SSPINE: ['54735007', 'Sacrum'],
  STERNUM: ['56873002', 'Sternum'],
  THIGH: ['68367000', 'Thigh'],
  TLSPINE: ['297172009', 'Thoraco-lumbar spine'],
  TMJ: ['53620006', 'Temporomandibular joint'],
  TOE: ['29707007', 'Toe'],
  TSPINE: ['122495006', 'Thoracic spine'],
  WHOLEBODY: ['38266002', 'Entire body'],
  WRIST: ['74670003', 'Wrist joint'],
};

/**
 * A Body Part Examined value → SNOMED CT Coding. Matching ignores case and surrounding spaces
 * (CS values are upper case, but senders vary).
 * @param bodyPart - the Body Part Examined value
 * @returns the Coding, or undefined when absent or not in the table
 */
export function bodySiteCoding(bodyPart: string | undefined): Coding | undefined {
  const key = bodyPart?.trim().toUpperCase() ?? '';
  const entry = Object.prototype.hasOwnProperty.call(bodySiteFromBodyPartExamined, key)
    ? bodySiteFromBodyPartExamined[key]
    : undefined;
  return entry === undefined ? undefined : { system: SNOMED_CT, code: entry[0], display: entry[1] };
}
