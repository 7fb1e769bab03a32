/**
 * Message delimiters, read from MSH-1 (field separator) and MSH-2 (encoding characters).
 * HL7 v2.5.1 chapter 2, section 2.5.4 "Message delimiters" and 2.14.9.1/2.14.9.2.
 */
import { Hl7ParseError } from './errors';

/** The five delimiters a message declares in its own header. */
export interface Hl7Delimiters {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subcomponent: string;
}

/** The recommended delimiters `|^~\&` (section 2.5.4). */
export const DEFAULT_DELIMITERS: Hl7Delimiters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
};

/** Characters that may never serve as a delimiter. */
const FORBIDDEN = /[A-Za-z0-9\r\n]/;

/**
 * Reads the delimiters from an MSH segment line (`MSH|^~\&|...`).
 * @param mshLine - the MSH segment text, starting with `MSH`
 * @returns the delimiters the message declares
 * @throws Hl7ParseError with reason `bad-delimiters` when they are missing, repeated or alphanumeric
 */
export function readDelimiters(mshLine: string): Hl7Delimiters {
  const field = mshLine.charAt(3);
  const end = mshLine.indexOf(field, 4);
  const encoding = end < 0 ? mshLine.slice(4) : mshLine.slice(4, end);
  // 2.5.1 declares four encoding characters; v2.7 adds a fifth (truncation) that we tolerate.
  if (field === '' || encoding.length < 4 || encoding.length > 5) {
    throw new Hl7ParseError('bad-delimiters', `MSH-2 must hold 4 encoding characters, got '${encoding}'`);
  }
  const chars = [field, ...encoding.slice(0, 4)];
  if (new Set(chars).size !== chars.length || chars.some((c) => FORBIDDEN.test(c))) {
    throw new Hl7ParseError('bad-delimiters', `delimiters must be distinct and not alphanumeric: '${chars.join('')}'`);
  }
  const [component, repetition, escape, subcomponent] = encoding;
  return {
    field,
    component: component as string,
    repetition: repetition as string,
    escape: escape as string,
    subcomponent: subcomponent as string,
  };
}

/**
 * The MSH-2 value for a set of delimiters.
 * @param delimiters - the delimiters
 * @returns the four encoding characters, component first
 */
export function encodingCharacters(delimiters: Hl7Delimiters): string {
  return delimiters.component + delimiters.repetition + delimiters.escape + delimiters.subcomponent;
}
