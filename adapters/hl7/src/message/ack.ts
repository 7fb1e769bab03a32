/**
 * Original-mode acknowledgments (HL7 v2.5.1 chapter 2, section 2.9.2 "Original acknowledgment
 * rules", 2.14.1 ACK message, 2.15.8 MSA, 2.15.5 ERR with table 0357).
 */
import { randomBytes } from 'node:crypto';
import { encodingFor, readRawCharset } from './charset';
import { DEFAULT_DELIMITERS } from './delimiters';
import type { Hl7ErrorCode } from './error-codes';
import { HL7_TABLE_0357, SEGMENT_SEQUENCE_ERROR } from './error-codes';
import type { Hl7Message } from './message';
import type { Field } from './model';
import { serializeMessage } from './serialize';
import type { FieldInput, SegmentInput } from './serialize';

/** MSH-11 written when the original's cannot be read. */
const FALLBACK_PROCESSING_ID = 'P';
/** MSH-12 written when the original's cannot be read. */
const FALLBACK_VERSION = '2.5.1';

/** MSA-1 acknowledgment code (table 0008, original mode). */
export type AckCode = 'AA' | 'AE' | 'AR';

/** ERR-2 error location (ERL data type): where in the original message the error is. */
export interface AckErrorLocation {
  /** ERL.1 segment id, e.g. `PID`. */
  readonly segment: string;
  /** ERL.2 segment sequence (1-based occurrence). */
  readonly sequence?: number;
  /** ERL.3 field position. */
  readonly field?: number;
  /** ERL.4 field repetition. */
  readonly repetition?: number;
  /** ERL.5 component number. */
  readonly component?: number;
  /** ERL.6 subcomponent number. */
  readonly subcomponent?: number;
}

/** One ERR segment. */
export interface AckError {
  /** ERR-3 table 0357 condition code. */
  readonly code: Hl7ErrorCode;
  /** ERR-4 severity (table 0516): E error, W warning, I information. Default E. */
  readonly severity?: 'E' | 'W' | 'I';
  /** ERR-2 location. */
  readonly location?: AckErrorLocation;
  /** ERR-8 user message. */
  readonly message?: string;
}

/** Options for `buildAck`. */
export interface AckOptions {
  /** ERR segments to add, in order. */
  readonly errors?: readonly AckError[];
  /** MSH-10 of the ACK; generated when absent. */
  readonly controlId?: string;
  /** MSH-7 time; now when absent. */
  readonly now?: Date;
}

/** The pieces of the original header an ACK echoes. */
interface AckHeader {
  readonly sendingApplication?: FieldInput;
  readonly sendingFacility?: FieldInput;
  readonly receivingApplication?: FieldInput;
  readonly receivingFacility?: FieldInput;
  readonly trigger?: string;
  readonly controlId?: string;
  readonly processingId?: string;
  readonly version?: string;
  readonly characterSet?: string;
}

/**
 * Formats a DTM timestamp `YYYYMMDDHHMMSS+0000` in UTC (2A.3.22).
 * @param date - the time
 * @returns the HL7 timestamp
 */
export function formatHl7Timestamp(date: Date): string {
  const iso = date.toISOString();
  return iso.slice(0, 19).replace(/[-T:]/g, '') + '+0000';
}

/** A new MSH-10 (ST, at most 20 characters). */
function newControlId(): string {
  return 'ACK' + randomBytes(8).toString('hex');
}

/** Copies a parsed field into serializer input, keeping its full structure. */
function copyField(field: Field | undefined): FieldInput | undefined {
  return field === undefined
    ? undefined
    : { repetitions: field.repetitions.map((r) => r.components.map((c) => [...c])) };
}

/** Builds an ERR segment. */
function errSegment(error: AckError): SegmentInput {
  const l = error.location;
  const location =
    l &&
    [l.segment, l.sequence, l.field, l.repetition, l.component, l.subcomponent].map((v) =>
      v === undefined ? undefined : String(v),
    );
  return {
    id: 'ERR',
    fields: {
      ...(location ? { 2: location } : {}),
      3: [error.code.code, error.code.text, HL7_TABLE_0357],
      4: error.severity ?? 'E',
      ...(error.message === undefined ? {} : { 8: error.message }),
    },
  };
}

/** Builds the ACK bytes from the echoed header pieces. */
function writeAck(header: AckHeader, code: AckCode, options: AckOptions): Buffer {
  const msh: Record<number, FieldInput> = {
    7: formatHl7Timestamp(options.now ?? new Date()),
    9: ['ACK', header.trigger, 'ACK'],
    10: options.controlId ?? newControlId(),
    // MSH-11/MSH-12 are required (2.14.9): fall back when the original did not say.
    11: header.processingId ?? FALLBACK_PROCESSING_ID,
    12: header.version ?? FALLBACK_VERSION,
  };
  // 2.9.2: the ACK goes back to the sender, so sending and receiving swap.
  const swap: [number, FieldInput | undefined][] = [
    [3, header.receivingApplication],
    [4, header.receivingFacility],
    [5, header.sendingApplication],
    [6, header.sendingFacility],
    [18, header.characterSet],
  ];
  for (const [n, value] of swap) {
    if (value !== undefined) {
      msh[n] = value;
    }
  }
  const segments: SegmentInput[] = [
    { id: 'MSH', fields: msh },
    { id: 'MSA', fields: { 1: code, 2: header.controlId } },
    ...(options.errors ?? []).map(errSegment),
  ];
  return Buffer.from(serializeMessage(segments, DEFAULT_DELIMITERS), encodingFor(header.characterSet));
}

/**
 * Builds an original-mode ACK for a parsed message: MSH with sender and receiver swapped,
 * MSH-9 `ACK^<trigger>^ACK`, a new MSH-10, the original MSH-11/MSH-12/MSH-18, MSA-1 the code,
 * MSA-2 the original MSH-10, and one ERR per error.
 * @param original - the message being acknowledged
 * @param code - MSA-1: AA accepted, AE error, AR rejected
 * @param options - errors, control id and time
 * @returns the ACK bytes, encoded with the original's character set
 */
export function buildAck(original: Hl7Message, code: AckCode, options: AckOptions = {}): Buffer {
  return writeAck(
    {
      sendingApplication: copyField(original.sendingApplication),
      sendingFacility: copyField(original.sendingFacility),
      receivingApplication: copyField(original.receivingApplication),
      receivingFacility: copyField(original.receivingFacility),
      trigger: original.messageType.trigger,
      controlId: original.controlId,
      processingId: original.processingId,
      version: original.version,
      characterSet: original.characterSet,
    },
    code,
    options,
  );
}

/**
 * Builds an AR ACK for bytes that could not be parsed, pulling what it can from the first
 * `MSH` line (sender, receiver, MSH-10, MSH-11, MSH-12) by plain splitting.
 * @param raw - the message bytes as received
 * @param reason - readable reason, written to ERR-8
 * @param code - ERR-3 table 0357 code (default 100, segment sequence error)
 * @returns the AR ACK bytes
 */
export function buildRejectForUnparseable(
  raw: Buffer,
  reason: string,
  code: Hl7ErrorCode = SEGMENT_SEQUENCE_ERROR,
): Buffer {
  const text = raw.toString('latin1');
  const match = /MSH([^A-Za-z0-9\r\n])([^\r\n]*)/.exec(text);
  const sep = match?.[1];
  const parts = sep === undefined ? [] : (match?.[2] ?? '').split(sep);
  // parts[0] is MSH-2, so MSH-n is parts[n - 2]; components are split on MSH-2's first character.
  const componentSep = parts[0]?.charAt(0) || '^';
  const first = (n: number): string | undefined => {
    const value = parts[n - 2]?.split(componentSep)[0];
    return value === undefined || value === '' ? undefined : value;
  };
  let charset: string | undefined;
  try {
    charset = readRawCharset(raw);
    encodingFor(charset);
  } catch {
    charset = undefined;
  }
  return writeAck(
    {
      sendingApplication: first(3),
      sendingFacility: first(4),
      receivingApplication: first(5),
      receivingFacility: first(6),
      trigger: parts[7]?.split(componentSep)[1],
      controlId: first(10),
      processingId: first(11),
      version: first(12),
      characterSet: charset,
    },
    'AR',
    { errors: [{ code, severity: 'E', message: reason }] },
  );
}
