/**
 * Presentation context negotiation (PS3.8 9.3.2.2, PS3.7 D.3.3.4): accept every Storage SOP
 * Class, Verification and Study Root Query/Retrieve FIND; for each accepted context choose the
 * transfer syntax by OUR preference among those offered (uncompressed first, then lossless, then
 * lossy), never simply the first or last one the peer lists. Data is stored as received, so any
 * known transfer syntax is acceptable; unknown ones (and Explicit VR Big Endian, retired) are not.
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part08/sect_9.3.3.html
 */
import type { association } from 'dcmjs-dimse';
import { constants } from 'dcmjs-dimse';

/** Verification SOP Class (PS3.4 A.4). */
export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';
/** Study Root Query/Retrieve Information Model - FIND (PS3.4 C.6.2). */
export const STUDY_ROOT_FIND_SOP_CLASS = '1.2.840.10008.5.1.4.1.2.2.1';
/** Every Storage SOP Class UID starts with this root (PS3.4 B.5, PS3.6 Annex A). */
export const STORAGE_SOP_CLASS_ROOT = '1.2.840.10008.5.1.4.1.1.';

/** Transfer syntaxes, most preferred first (PS3.5 section 10, Annex A). */
export const TRANSFER_SYNTAX_PREFERENCE: readonly string[] = [
  '1.2.840.10008.1.2.1', // Explicit VR Little Endian
  '1.2.840.10008.1.2', // Implicit VR Little Endian
  '1.2.840.10008.1.2.1.99', // Deflated Explicit VR Little Endian
  '1.2.840.10008.1.2.4.70', // JPEG Lossless, First-Order Prediction
  '1.2.840.10008.1.2.4.57', // JPEG Lossless, Non-Hierarchical
  '1.2.840.10008.1.2.4.80', // JPEG-LS Lossless
  '1.2.840.10008.1.2.5', // RLE Lossless
  '1.2.840.10008.1.2.4.90', // JPEG 2000 Lossless Only
  '1.2.840.10008.1.2.4.201', // HTJ2K Lossless
  '1.2.840.10008.1.2.4.202', // HTJ2K Lossless RPCL
  '1.2.840.10008.1.2.4.110', // JPEG XL Lossless
  '1.2.840.10008.1.2.4.50', // JPEG Baseline (Process 1)
  '1.2.840.10008.1.2.4.51', // JPEG Extended (Process 2 & 4)
  '1.2.840.10008.1.2.4.81', // JPEG-LS Lossy (Near-Lossless)
  '1.2.840.10008.1.2.4.91', // JPEG 2000
  '1.2.840.10008.1.2.4.203', // HTJ2K
  '1.2.840.10008.1.2.4.111', // JPEG XL JPEG Recompression
  '1.2.840.10008.1.2.4.112', // JPEG XL
  '1.2.840.10008.1.2.4.92', // JPEG 2000 Part 2 Multi-component Lossless
  '1.2.840.10008.1.2.4.93', // JPEG 2000 Part 2 Multi-component
  '1.2.840.10008.1.2.4.100', // MPEG2 Main Profile / Main Level
  '1.2.840.10008.1.2.4.101', // MPEG2 Main Profile / High Level
  '1.2.840.10008.1.2.4.102', // MPEG-4 AVC/H.264 High Profile / Level 4.1
  '1.2.840.10008.1.2.4.103', // MPEG-4 AVC/H.264 BD-compatible
  '1.2.840.10008.1.2.4.104', // MPEG-4 AVC/H.264 2D
  '1.2.840.10008.1.2.4.105', // MPEG-4 AVC/H.264 3D
  '1.2.840.10008.1.2.4.106', // MPEG-4 AVC/H.264 Stereo
  '1.2.840.10008.1.2.4.107', // HEVC/H.265 Main Profile
  '1.2.840.10008.1.2.4.108', // HEVC/H.265 Main 10 Profile
];

/** Whether an abstract syntax is one Tessera serves. */
export function isSupportedAbstractSyntax(uid: string): boolean {
  return uid === VERIFICATION_SOP_CLASS || uid === STUDY_ROOT_FIND_SOP_CLASS || uid.startsWith(STORAGE_SOP_CLASS_ROOT);
}

/**
 * Picks the transfer syntax we prefer among those offered.
 * @param offered - the transfer syntaxes of one proposed presentation context
 * @returns the chosen UID, or undefined when none is acceptable
 */
export function chooseTransferSyntax(offered: readonly string[]): string | undefined {
  const set = new Set(offered.map((uid) => uid.trim()));
  return TRANSFER_SYNTAX_PREFERENCE.find((uid) => set.has(uid));
}

/** The outcome of one proposed presentation context. */
export interface ContextDecision {
  readonly id: number;
  readonly abstractSyntaxUid: string;
  /** `PresentationContextResult` value (0 accept, 3 abstract syntax, 4 transfer syntaxes). */
  readonly result: number;
  readonly transferSyntaxUid?: string;
}

/**
 * Sets the result of every proposed presentation context of an association request.
 * @param request - the association as read from the A-ASSOCIATE-RQ
 * @returns what was decided per context
 */
export function negotiatePresentationContexts(request: association.Association): ContextDecision[] {
  const { PresentationContextResult } = constants;
  return request.getPresentationContexts().map(({ id, context }) => {
    const abstractSyntaxUid = context.getAbstractSyntaxUid();
    if (!isSupportedAbstractSyntax(abstractSyntaxUid)) {
      context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
      return { id, abstractSyntaxUid, result: PresentationContextResult.RejectAbstractSyntaxNotSupported };
    }
    const transferSyntaxUid = chooseTransferSyntax(context.getTransferSyntaxUids());
    if (transferSyntaxUid === undefined) {
      context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      return { id, abstractSyntaxUid, result: PresentationContextResult.RejectTransferSyntaxesNotSupported };
    }
    context.setResult(PresentationContextResult.Accept, transferSyntaxUid);
    return { id, abstractSyntaxUid, result: PresentationContextResult.Accept, transferSyntaxUid };
  });
}
