/**
 * Character set handling from MSH-18 (HL7 v2.5.1 chapter 2, section 2.14.9.18, table 0211).
 * MSH-18 is read from the raw bytes (decoded as latin1, which is byte-preserving and
 * ASCII-compatible, so the delimiters and the header are readable whatever the charset),
 * then the whole message is decoded with the declared charset.
 */
import { Hl7ParseError } from './errors';

/** A node Buffer encoding we can decode a message with. */
export type Hl7Encoding = 'utf8' | 'latin1';

/** Result of decoding the raw bytes. */
export interface DecodedMessage {
  /** The message text. */
  readonly text: string;
  /** MSH-18 as declared (first repetition), or undefined when absent. */
  readonly charset: string | undefined;
  /** The node encoding used to decode the bytes. */
  readonly encoding: Hl7Encoding;
}

/**
 * Maps an MSH-18 value (table 0211) to a node encoding. Absent or ASCII decodes as UTF-8,
 * a superset of ASCII that tolerates senders that omit MSH-18.
 * @param charset - the MSH-18 value, or undefined
 * @returns the node encoding
 * @throws Hl7ParseError with reason `unsupported-charset` for other character sets
 */
export function encodingFor(charset: string | undefined): Hl7Encoding {
  const name = (charset ?? '').trim().toUpperCase();
  if (name === '' || name === 'ASCII' || name === 'UNICODE UTF-8' || name === 'UTF-8') {
    return 'utf8';
  }
  if (name === '8859/1') {
    return 'latin1';
  }
  throw new Hl7ParseError('unsupported-charset', `unsupported MSH-18 character set '${charset}'`);
}

/**
 * Reads MSH-18 (first repetition, first component) from the raw bytes.
 * @param raw - the message bytes
 * @returns the declared character set, or undefined
 */
export function readRawCharset(raw: Buffer): string | undefined {
  // Only the MSH line is decoded (latin1 keeps every byte, so offsets are byte offsets).
  const start = raw.indexOf('MSH', 0, 'latin1');
  if (start < 0) {
    return undefined;
  }
  let end = start;
  while (end < raw.length && raw[end] !== 0x0d && raw[end] !== 0x0a) {
    end++;
  }
  const line = raw.toString('latin1', start, end);
  const fieldSep = line.charAt(3);
  const encoding = line.slice(4, line.indexOf(fieldSep, 4));
  if (fieldSep === '' || encoding.length < 2) {
    return undefined;
  }
  // parts[0] is 'MSH', parts[1] is MSH-2, so MSH-n is parts[n - 1].
  const msh18 = line.split(fieldSep)[17];
  const first = msh18?.split(encoding.charAt(1))[0]?.split(encoding.charAt(0))[0];
  return first === undefined || first === '' ? undefined : first;
}

/**
 * Decodes raw message bytes with the character set the message declares in MSH-18.
 * @param raw - the message bytes
 * @returns the text, the declared charset and the encoding used
 */
export function decodeMessageBytes(raw: Buffer): DecodedMessage {
  const charset = readRawCharset(raw);
  const encoding = encodingFor(charset);
  return { text: raw.toString(encoding), charset, encoding };
}
