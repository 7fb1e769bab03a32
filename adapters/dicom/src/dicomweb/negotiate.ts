/**
 * DICOMweb content negotiation (PS3.18 8.7): the Accept header's media ranges, each with its
 * `type` and `transfer-syntax` parameters. Tessera never transcodes: a retrieve asking only for
 * transfer syntaxes other than the stored one is 406 (PS3.18 8.7.3.5.2 lets an origin server
 * refuse); `transfer-syntax=*` or none takes the stored bytes as they are.
 */
import { fhirError } from '../../../../server/src/errors/outcome';
import { mediaParameter } from './multipart-reader';
import type { RenderedType } from './render';

interface MediaRange {
  readonly media: string;
  readonly type?: string;
  readonly transferSyntax?: string;
}

/**
 * Splits an Accept header into media ranges (quality values ignored: order is preference).
 * @param accept - the header
 */
export function mediaRanges(accept: string | undefined): MediaRange[] {
  if (accept === undefined || accept.trim() === '') {
    return [{ media: '*/*' }];
  }
  // commas inside quoted parameters (type="a,b") are rare; split on commas outside quotes
  const ranges = accept.match(/(?:[^,"]|"[^"]*")+/g) ?? [];
  return ranges.map((range) => {
    const type = mediaParameter(range, 'type');
    const transferSyntax = mediaParameter(range, 'transfer-syntax');
    return {
      media: (range.split(';')[0] ?? '').trim().toLowerCase(),
      ...(type !== undefined ? { type: type.toLowerCase() } : {}),
      ...(transferSyntax !== undefined ? { transferSyntax } : {}),
    };
  });
}

function notAcceptable(details: string): Error {
  return fhirError('TESSERA_E_HTTP_NOT_ACCEPTABLE', details);
}

/**
 * Checks a metadata or QIDO-RS request accepts DICOM JSON.
 * @param accept - the Accept header
 * @throws FhirError 406
 */
export function requireDicomJson(accept: string | undefined): void {
  const ok = mediaRanges(accept).some((r) =>
    ['*/*', 'application/*', 'application/dicom+json', 'application/json'].includes(r.media),
  );
  if (!ok) {
    throw notAcceptable('Accept application/dicom+json or application/json');
  }
}

/**
 * The transfer syntaxes a multipart retrieve accepts for parts of `partType`.
 * @param accept - the Accept header
 * @param partTypes - the part media types this resource can have (`application/dicom`, `application/octet-stream`)
 * @returns `*` (any, the stored one) or the listed UIDs
 * @throws FhirError 406 when no range accepts a multipart of those parts
 */
export function acceptedTransferSyntaxes(accept: string | undefined, partTypes: readonly string[]): '*' | string[] {
  const listed: string[] = [];
  let any = false;
  for (const range of mediaRanges(accept)) {
    const multipart =
      range.media === 'multipart/related' && (range.type === undefined || partTypes.includes(range.type));
    const direct = ['*/*', 'multipart/*'].includes(range.media) || partTypes.includes(range.media);
    if (!multipart && !direct) {
      continue;
    }
    if (range.transferSyntax === undefined || range.transferSyntax === '*') {
      any = true;
    } else {
      listed.push(range.transferSyntax);
    }
  }
  if (any) {
    return '*';
  }
  if (listed.length === 0) {
    throw notAcceptable(`Accept multipart/related; type="${partTypes[0] ?? ''}"`);
  }
  return listed;
}

/**
 * Checks the stored transfer syntaxes against what the client accepts.
 * @param accepted - from acceptedTransferSyntaxes
 * @param stored - the transfer syntaxes of the data sent
 * @throws FhirError 406 when one is not accepted (no transcoding)
 */
export function checkTransferSyntax(accepted: '*' | readonly string[], stored: Iterable<string>): void {
  if (accepted === '*') {
    return;
  }
  for (const ts of stored) {
    if (!accepted.includes(ts)) {
      throw notAcceptable(`Stored in transfer syntax ${ts}; Tessera does not transcode (use transfer-syntax=*)`);
    }
  }
}

/**
 * The rendered media type to produce.
 * @param accept - the Accept header
 * @throws FhirError 406 for anything but JPEG or PNG
 */
export function renderedType(accept: string | undefined): RenderedType {
  for (const range of mediaRanges(accept)) {
    if (range.media === 'image/png') {
      return 'image/png';
    }
    if (['image/jpeg', 'image/*', '*/*'].includes(range.media)) {
      return 'image/jpeg';
    }
  }
  throw notAcceptable('Rendered resources are image/jpeg or image/png');
}
