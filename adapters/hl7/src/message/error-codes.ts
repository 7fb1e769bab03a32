/**
 * HL7 table 0357 "Message error condition codes", used in ERR-3 (HL7 v2.5.1 chapter 2,
 * section 2.15.5.3, and the table in 2.15.5).
 */

/** One table 0357 entry. */
export interface Hl7ErrorCode {
  /** The code, e.g. `101`. */
  readonly code: string;
  /** The table's text, e.g. `Required field missing`. */
  readonly text: string;
}

/** The coding system for table 0357 in a CWE. */
export const HL7_TABLE_0357 = 'HL70357';

/** 0: Message accepted. */
export const MESSAGE_ACCEPTED: Hl7ErrorCode = { code: '0', text: 'Message accepted' };
/** 100: Segment sequence error. */
export const SEGMENT_SEQUENCE_ERROR: Hl7ErrorCode = { code: '100', text: 'Segment sequence error' };
/** 101: Required field missing. */
export const REQUIRED_FIELD_MISSING: Hl7ErrorCode = { code: '101', text: 'Required field missing' };
/** 102: Data type error. */
export const DATA_TYPE_ERROR: Hl7ErrorCode = { code: '102', text: 'Data type error' };
/** 103: Table value not found. */
export const TABLE_VALUE_NOT_FOUND: Hl7ErrorCode = { code: '103', text: 'Table value not found' };
/** 200: Unsupported message type. */
export const UNSUPPORTED_MESSAGE_TYPE: Hl7ErrorCode = { code: '200', text: 'Unsupported message type' };
/** 201: Unsupported event code. */
export const UNSUPPORTED_EVENT_CODE: Hl7ErrorCode = { code: '201', text: 'Unsupported event code' };
/** 202: Unsupported processing id. */
export const UNSUPPORTED_PROCESSING_ID: Hl7ErrorCode = { code: '202', text: 'Unsupported processing id' };
/** 203: Unsupported version id. */
export const UNSUPPORTED_VERSION_ID: Hl7ErrorCode = { code: '203', text: 'Unsupported version id' };
/** 204: Unknown key identifier. */
export const UNKNOWN_KEY_IDENTIFIER: Hl7ErrorCode = { code: '204', text: 'Unknown key identifier' };
/** 205: Duplicate key identifier. */
export const DUPLICATE_KEY_IDENTIFIER: Hl7ErrorCode = { code: '205', text: 'Duplicate key identifier' };
/** 206: Application record locked. */
export const APPLICATION_RECORD_LOCKED: Hl7ErrorCode = { code: '206', text: 'Application record locked' };
/** 207: Application internal error. */
export const APPLICATION_INTERNAL_ERROR: Hl7ErrorCode = { code: '207', text: 'Application internal error' };
