/**
 * WADO-RS rendered resources (PS3.18 8.3.5 and 10.4.1.1.3): a frame windowed to 8 bits and
 * encoded as JPEG (default) or PNG. dcmjs-imaging decodes (its WebAssembly codecs ship in the
 * npm package: RLE, JPEG, JPEG-LS, JPEG 2000), applies the Modality LUT, the window
 * (the `window` query parameter, else Window Center/Width, else the pixel range) and inverts
 * MONOCHROME1. `viewport=w,h` scales to fit inside w×h keeping the aspect ratio (nearest neighbour).
 */
import { DicomImage, NativePixelDecoder, WindowLevel } from 'dcmjs-imaging';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { fhirError } from '../../../../server/src/errors/outcome';

/** The media types a rendered resource can be. */
export type RenderedType = 'image/jpeg' | 'image/png';

/** Rendering parameters (PS3.18 8.3.5.1). */
export interface RenderOptions {
  readonly type: RenderedType;
  /** 1-based frame number. */
  readonly frame: number;
  readonly window?: { readonly center: number; readonly width: number };
  readonly viewport?: { readonly width: number; readonly height: number };
  /** JPEG quality 1-100 (the `quality` parameter). */
  readonly quality?: number;
}

let decoders: Promise<void> | undefined;

interface Rgba {
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
}

function fit(image: Rgba, viewport: { width: number; height: number }): Rgba {
  const scale = Math.min(viewport.width / image.width, viewport.height / image.height);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(image.height - 1, Math.floor(y / scale));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(image.width - 1, Math.floor(x / scale));
      image.data.copy(data, (y * width + x) * 4, (sy * image.width + sx) * 4, (sy * image.width + sx) * 4 + 4);
    }
  }
  return { width, height, data };
}

/**
 * Renders one frame.
 * @param part10 - the whole Part-10 file
 * @param options - media type, frame, window, viewport, quality
 * @returns the encoded image
 * @throws FhirError 404 when the frame does not exist
 */
export async function renderFrame(part10: Buffer, options: RenderOptions): Promise<Buffer> {
  decoders ??= NativePixelDecoder.initializeAsync();
  await decoders;
  const buffer = part10.buffer.slice(part10.byteOffset, part10.byteOffset + part10.byteLength) as ArrayBuffer;
  const image = new DicomImage(buffer);
  if (options.frame > image.getNumberOfFrames()) {
    throw fhirError('TESSERA_E_DICOMWEB_NOT_FOUND', `Frame ${options.frame} does not exist`);
  }
  const rendered = image.render({
    frame: options.frame - 1,
    ...(options.window ? { windowLevel: new WindowLevel(options.window.width, options.window.center) } : {}),
  });
  let rgba: Rgba = { width: rendered.width, height: rendered.height, data: Buffer.from(rendered.pixels) };
  if (options.viewport) {
    rgba = fit(rgba, options.viewport);
  }
  if (options.type === 'image/png') {
    const png = new PNG({ width: rgba.width, height: rgba.height });
    rgba.data.copy(png.data);
    return PNG.sync.write(png);
  }
  return encodeJpeg({ data: rgba.data, width: rgba.width, height: rgba.height }, options.quality ?? 90).data;
}
