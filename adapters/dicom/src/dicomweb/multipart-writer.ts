/**
 * Writes `multipart/related` responses (RFC 2387; PS3.18 8.7.3.1 for WADO-RS): each part's
 * bytes are streamed as they are read, with backpressure, never gathered whole.
 */
import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';

/** One part to send. */
export interface OutgoingPart {
  readonly contentType: string;
  /** Extra part headers (Content-Location, ...). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The bytes, or a function opening them when the part is reached. */
  readonly body: Buffer | (() => Promise<Readable>);
}

/** A fresh boundary (RFC 2046 5.1.1: up to 70 characters, no characters needing quotes). */
export function newBoundary(): string {
  return `tessera-${randomUUID()}`;
}

/**
 * The Content-Type of a multipart/related response.
 * @param type - the root media type (`application/dicom`, `application/octet-stream`)
 * @param boundary - the boundary
 * @param transferSyntax - the transfer-syntax parameter, when one applies
 */
export function multipartContentType(type: string, boundary: string, transferSyntax?: string): string {
  const ts = transferSyntax === undefined ? '' : `; transfer-syntax=${transferSyntax}`;
  return `multipart/related; type="${type}"${ts}; boundary=${boundary}`;
}

function writeAsync(out: Writable, bytes: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}

/** Waits until `out` drains; rejects when it closes first (the client went away). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (error) {
        reject(error);
      } else {
        resolve();
      }
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new Error('The response closed before the body was sent'));
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

async function pipeBody(source: Readable, out: Writable): Promise<void> {
  try {
    for await (const chunk of source) {
      if (!out.write(chunk as Buffer)) {
        await drained(out);
      }
    }
  } finally {
    source.destroy();
  }
}

/**
 * Streams parts to `out` (an HTTP response whose headers are already set); does not end it.
 * @param out - where to write
 * @param boundary - the boundary named in the Content-Type
 * @param parts - the parts, in order (an async iterable may open each lazily)
 */
export async function writeMultipart(
  out: Writable,
  boundary: string,
  parts: Iterable<OutgoingPart> | AsyncIterable<OutgoingPart>,
): Promise<void> {
  for await (const part of parts) {
    const headers = Object.entries({ 'Content-Type': part.contentType, ...part.headers })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    await writeAsync(out, `--${boundary}\r\n${headers}\r\n`);
    if (Buffer.isBuffer(part.body)) {
      await writeAsync(out, part.body);
    } else {
      await pipeBody(await part.body(), out);
    }
    await writeAsync(out, '\r\n');
  }
  await writeAsync(out, `--${boundary}--\r\n`);
}
