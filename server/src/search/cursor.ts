/**
 * Keyset paging cursors (plan.ts `Cursor`) as opaque `_cursor` values: base64url-encoded JSON.
 * Spec: https://hl7.org/fhir/R4/http.html#paging -- the server decides how paging links work;
 * a keyset cursor keeps deep pages correct while data changes.
 */
import { fhirError } from '../errors/outcome';
import type { Cursor } from './plan';

/**
 * Encodes a cursor for a `_cursor` link parameter.
 * @param c - the cursor.
 * @returns the base64url text.
 */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify({ d: c.direction, v: c.values, i: c.id }), 'utf8').toString('base64url');
}

function invalidCursor(): Error {
  return fhirError('TESSERA_E_SEARCH_INVALID_CURSOR', undefined, '_cursor');
}

function isSortValue(v: unknown): v is string | number | null {
  return v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * Decodes a `_cursor` value.
 * @param s - the text produced by `encodeCursor`.
 * @returns the cursor; throws 400 TESSERA_E_SEARCH_INVALID_CURSOR when it is malformed.
 */
export function decodeCursor(s: string): Cursor {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) {
    throw invalidCursor();
  }
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const o = raw as { d?: unknown; v?: unknown; i?: unknown } | null;
  if (
    o === null ||
    typeof o !== 'object' ||
    (o.d !== 'after' && o.d !== 'before') ||
    !Array.isArray(o.v) ||
    !o.v.every(isSortValue) ||
    typeof o.i !== 'string' ||
    o.i.length === 0
  ) {
    throw invalidCursor();
  }
  return { direction: o.d, values: o.v, id: o.i };
}
