/**
 * WADO-RS rendered resources (PS3.18 10.4.1.1.3, query parameters 8.3.5.1): `window=center,width,linear`
 * (only the linear function), `viewport=w,h`, `quality=1..100`; the media type from Accept.
 */
import { fhirError } from '../../../../server/src/errors/outcome';
import { renderedType } from './negotiate';
import type { RenderOptions, RenderedType } from './render';
import { renderFrame } from './render';
import type { DicomPath } from './urls';
import type { WadoDeps } from './wado';
import { instancesAt, readBlob } from './wado';

function invalid(details: string): Error {
  return fhirError('TESSERA_E_SEARCH_INVALID_VALUE', details);
}

function numbers(name: string, value: string, count: number): number[] {
  const parts = value
    .split(',')
    .slice(0, count)
    .map((s) => Number(s.trim()));
  if (parts.length !== count || parts.some((n) => !Number.isFinite(n))) {
    throw invalid(`${name} must be ${count} comma-separated numbers`);
  }
  return parts;
}

/**
 * Parses the rendering parameters.
 * @param params - the query parameters
 * @param accept - the Accept header
 * @param frame - the 1-based frame
 * @throws FhirError 400 for bad values, 406 for unsupported media types
 */
export function parseRenderOptions(params: URLSearchParams, accept: string | undefined, frame: number): RenderOptions {
  const type: RenderedType = renderedType(accept);
  const options: { -readonly [K in keyof RenderOptions]: RenderOptions[K] } = { type, frame };
  const window = params.get('window');
  if (window !== null) {
    const fn = window.split(',')[2]?.trim().toLowerCase() ?? 'linear';
    if (fn !== 'linear') {
      throw invalid(`Window function ${fn} is not supported; use linear`);
    }
    const [center, width] = numbers('window', window, 2) as [number, number];
    if (width < 1) {
      throw invalid('Window width must be at least 1');
    }
    options.window = { center, width };
  }
  const viewport = params.get('viewport');
  if (viewport !== null) {
    const [width, height] = numbers('viewport', viewport, 2) as [number, number];
    if (!(width >= 1 && height >= 1 && width <= 8192 && height <= 8192)) {
      throw invalid('viewport must be two sizes between 1 and 8192');
    }
    options.viewport = { width: Math.round(width), height: Math.round(height) };
  }
  const quality = params.get('quality');
  if (quality !== null) {
    const q = Number(quality);
    if (!Number.isInteger(q) || q < 1 || q > 100) {
      throw invalid('quality must be an integer from 1 to 100');
    }
    options.quality = q;
  }
  return options;
}

/**
 * Renders a frame of an instance.
 * @param deps - index, blobs, root
 * @param path - the instance
 * @param options - from parseRenderOptions
 * @returns the media type and the encoded image
 * @throws FhirError 404
 */
export async function retrieveRendered(
  deps: WadoDeps,
  path: Required<DicomPath>,
  options: RenderOptions,
): Promise<{ contentType: RenderedType; body: Buffer }> {
  const [row] = await instancesAt(deps.index, path);
  if (row === undefined) {
    throw fhirError('TESSERA_E_DICOMWEB_NOT_FOUND', `No DICOM instance ${path.sopInstanceUid}`);
  }
  const body = await renderFrame(await readBlob(deps.blobs, row.sha256), options);
  return { contentType: options.type, body };
}
