/**
 * Who sent a message, as the key the message log deduplicates on: MSH-3 sending application and
 * MSH-4 sending facility (HD data type, HL7 v2.5.1 section 2A.3.36). MSH-10 is unique only per
 * sender (section 2.14.9.10), so the pair (sender, MSH-10) identifies a message.
 */
import type { Hl7Message } from '../message/message';
import type { Field } from '../message/model';

/** An HD field as `namespace^universal id^type`, trailing empty parts dropped. */
function hd(field: Field | undefined): string {
  const parts = [1, 2, 3].map((n) => field?.component(n) ?? '');
  while (parts.length > 0 && parts[parts.length - 1] === '') {
    parts.pop();
  }
  return parts.join('^');
}

/**
 * The sender key of a parsed message: `MSH-3|MSH-4`.
 * @param message - the parsed message
 * @returns the key, e.g. `LAB^1.2.3^ISO|HOSP`
 */
export function senderOf(message: Hl7Message): string {
  return `${hd(message.sendingApplication)}|${hd(message.sendingFacility)}`;
}

/**
 * The message type for listings: `ORU^R01`.
 * @param message - the parsed message
 */
export function messageTypeOf(message: Hl7Message): string {
  const { code, trigger } = message.messageType;
  return [code ?? '', trigger ?? ''].filter((p) => p !== '').join('^');
}
