/**
 * Logical ids. Server-assigned ids are time-ordered UUIDs (RFC 9562 version 7), so that the
 * default search order (by id) is creation order and keyset paging is stable
 * (DESIGN.md, "FHIR conventions").
 */
import { randomBytes } from 'node:crypto';

const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

let lastMs = 0;
let sequence = 0;

/** Random bytes drawn 4 KiB at a time: one draw per 256 ids instead of one per id. */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** Copies 16 fresh random bytes into `target`. */
function fillRandom16(target: Buffer): void {
  if (poolOffset + 16 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  pool.copy(target, 0, poolOffset, poolOffset + 16);
  poolOffset += 16;
}

/** A new UUIDv7: 48-bit ms timestamp, then a 12-bit counter within the millisecond, then random bits. */
export function newId(): string {
  const now = Date.now();
  if (now === lastMs) {
    sequence = (sequence + 1) & 0xfff;
  } else {
    lastMs = now;
    sequence = -1;
  }
  const bytes = Buffer.allocUnsafe(16);
  fillRandom16(bytes);
  if (sequence < 0) {
    // A new millisecond starts its counter at a random point of the lower half (RFC 9562 6.2).
    sequence = bytes.readUInt16BE(14) & 0x7ff;
  }
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
