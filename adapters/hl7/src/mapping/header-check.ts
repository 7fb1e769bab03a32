/**
 * Header checks, before any mapping (HL7 v2.5.1 chapter 2, section 2.9.2: a message whose type,
 * event, version or processing id the receiver does not support is rejected with AR; table 0357
 * codes 200 unsupported message type, 201 unsupported event code, 202 unsupported processing id,
 * 203 unsupported version id). MSH-10 is required for the ACK's MSA-2 and for idempotency (101).
 */
import type { AckError } from '../message/ack';
import {
  REQUIRED_FIELD_MISSING,
  UNSUPPORTED_EVENT_CODE,
  UNSUPPORTED_MESSAGE_TYPE,
  UNSUPPORTED_PROCESSING_ID,
  UNSUPPORTED_VERSION_ID,
} from '../message/error-codes';
import type { Hl7Message } from '../message/message';
import { Hl7MappingError } from './mapping-error';
import { lookup } from './values';

/** Message code → supported trigger events. */
export const SUPPORTED_MESSAGES: Readonly<Record<string, readonly string[]>> = {
  ADT: ['A01', 'A04', 'A08', 'A28', 'A31', 'A40'],
  ORM: ['O01'],
  OML: ['O21'],
  ORU: ['R01'],
};

/** Versions 2.3 to 2.8.x (MSH-12.1). */
const VERSION = /^2\.[3-8](\.\d+)?$/;
/** Processing ids (table 0103): production, debugging, training. */
const PROCESSING_IDS = new Set(['P', 'D', 'T']);

/**
 * The header errors of a message (empty when the header is acceptable).
 * @param message - the parsed message
 * @returns the ERR entries for an AR
 */
export function headerErrors(message: Hl7Message): AckError[] {
  const errors: AckError[] = [];
  const { code, trigger } = message.messageType;
  const events = code === undefined ? undefined : lookup(SUPPORTED_MESSAGES, code);
  if (events === undefined) {
    errors.push({
      code: UNSUPPORTED_MESSAGE_TYPE,
      severity: 'E',
      location: { segment: 'MSH', sequence: 1, field: 9, component: 1 },
      message: `message type '${code ?? ''}' is not supported (ADT, ORM, OML, ORU)`,
    });
  } else if (trigger === undefined || !events.includes(trigger)) {
    errors.push({
      code: UNSUPPORTED_EVENT_CODE,
      severity: 'E',
      location: { segment: 'MSH', sequence: 1, field: 9, component: 2 },
      message: `event '${trigger ?? ''}' is not supported for ${code} (${events.join(', ')})`,
    });
  }
  const version = message.version;
  if (version === undefined || !VERSION.test(version)) {
    errors.push({
      code: UNSUPPORTED_VERSION_ID,
      severity: 'E',
      location: { segment: 'MSH', sequence: 1, field: 12 },
      message: `version '${version ?? ''}' is not supported (2.3 to 2.8.x)`,
    });
  }
  const processing = message.processingId;
  if (processing === undefined || !PROCESSING_IDS.has(processing)) {
    errors.push({
      code: UNSUPPORTED_PROCESSING_ID,
      severity: 'E',
      location: { segment: 'MSH', sequence: 1, field: 11 },
      message: `processing id '${processing ?? ''}' is not supported (P, D, T)`,
    });
  }
  if (message.controlId === undefined) {
    errors.push({
      code: REQUIRED_FIELD_MISSING,
      severity: 'E',
      location: { segment: 'MSH', sequence: 1, field: 10 },
      message: 'MSH-10 message control id is required',
    });
  }
  return errors;
}

/**
 * Throws when the header is not acceptable.
 * @param message - the parsed message
 * @throws Hl7MappingError with ackCode AR and one ERR per problem
 */
export function checkHeader(message: Hl7Message): void {
  const errors = headerErrors(message);
  if (errors.length > 0) {
    throw new Hl7MappingError('AR', errors);
  }
}
