/**
 * Reads a request body with a size limit (TESSERA_MAX_BODY_BYTES -> 413) and parses it as JSON
 * (-> 400 TESSERA_E_HTTP_MALFORMED_JSON) or form parameters. Bodies are read only on routes that
 * take one, never by a global middleware, so GET stays lean.
 */
import type { IncomingMessage } from 'node:http';
import { fhirError } from '../errors/outcome';

/**
 * Whether the request announces a body (RFC 9112 §6.3).
 * @param req - the request.
 */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Reads the whole body.
 * @param req - the request.
 * @param limit - the maximum number of bytes.
 * @throws FhirError TESSERA_E_HTTP_BODY_TOO_LARGE (413).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(limit: number): Error {
  return fhirError('TESSERA_E_HTTP_BODY_TOO_LARGE', `The request body exceeds ${limit} bytes`);
}

/**
 * Parses a JSON body.
 * @param raw - the body bytes (UTF-8).
 * @throws FhirError TESSERA_E_HTTP_MALFORMED_JSON (400).
 */
export function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    throw fhirError('TESSERA_E_HTTP_MALFORMED_JSON', `The request body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Parses `application/x-www-form-urlencoded` parameters, in order.
 * @param raw - the body bytes.
 */
export function parseFormBody(raw: Buffer): [string, string][] {
  return [...new URLSearchParams(raw.toString('utf8'))];
}
