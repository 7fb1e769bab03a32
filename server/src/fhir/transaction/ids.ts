/**
 * Time-ordered UUIDs (RFC 9562 version 7) for ids the transaction processor assigns up front to
 * `POST` entries, so references to their `urn:uuid:` fullUrls can be rewritten before anything is
 * written (https://hl7.org/fhir/R4/http.html#trules). DESIGN.md: server ids are time-ordered UUIDs.
 */
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/** A new UUIDv7: 48-bit millisecond timestamp, then a 12-bit counter (monotonic within a ms), then randomness. */
export function newId(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      ms = ++lastMs;
      counter = 0;
    }
  } else {
    counter = 0;
  }
  lastMs = ms;
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
