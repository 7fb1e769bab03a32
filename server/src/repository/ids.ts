/**
 * Logical ids. Server-assigned ids are time-ordered UUIDs (RFC 9562 version 7), so that the
 * default search order (by id) is creation order and keyset paging is stable
 * (DESIGN.md, "FHIR conventions").
 */
import { randomBytes } from 'node:crypto';

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

let lastMs = 0;
let sequence = 0;

/** A new UUIDv7: 48-bit ms timestamp, then a 12-bit counter within the millisecond, then random bits. */
export function newId(): string {
  const now = Date.now();
  if (now === lastMs) {
    sequence = (sequence + 1) & 0xfff;
  } else {
    lastMs = now;
    sequence = randomBytes(2).readUInt16BE(0) & 0x7ff;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Whether `id` is a valid logical id, https://hl7.org/fhir/R4/datatypes.html#id.
 * @param id - the candidate id.
 */
export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}
