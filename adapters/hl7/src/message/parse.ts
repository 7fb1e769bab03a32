/**
 * Parses HL7 v2 ER7 messages (HL7 v2.5.1 chapter 2, section 2.5 "Message construction rules",
 * 2.5.4 delimiters, 2.7 escape sequences, 2.14.9 MSH).
 *
 * The structural split is delegated to `hl7-standard` (issue 3) through `hl7-standard-bridge.ts`;
 * this module closes its gaps around it: it decodes MSH-18 character sets (`charset.ts`),
 * normalizes mixed `\r`/`\n`/`\r\n` segment endings, reads the message's own delimiters
 * (`delimiters.ts`) and translates them to the `|^~\&` that `hl7-standard` hard-codes
 * (`delimiter-translation.ts`), keeps MSH-1/MSH-2 as sent, reads `""` as null and unescapes
 * every value (`escape.ts`). Callers only ever see `Hl7Message`.
 */
import { decodeMessageBytes } from './charset';
import type { Hl7Encoding } from './charset';
import { delimiterTranslation } from './delimiter-translation';
import { readDelimiters } from './delimiters';
import type { Hl7Delimiters } from './delimiters';
import { Hl7ParseError } from './errors';
import { unescapeValue } from './escape';
import { transformSegments } from './hl7-standard-bridge';
import { Hl7Message } from './message';
import { Field, Repetition, Segment } from './model';
import type { Hl7Leaf } from './model';

/** MSH-12 is the last required header field; a shorter MSH is rejected. */
const MIN_MSH_FIELDS = 12;

/**
 * Parses raw message bytes.
 * @param raw - the message bytes (without MLLP framing)
 * @returns the parsed message
 * @throws Hl7ParseError when there is no MSH, the MSH is too short, the delimiters are bad
 *   or MSH-18 names an unsupported character set
 */
export function parseMessage(raw: Buffer): Hl7Message {
  const { text, encoding } = decodeMessageBytes(raw);
  return parseText(text, encoding);
}

/**
 * Parses already decoded message text.
 * @param text - the message text
 * @param encoding - the encoding `\Xhh\` escapes are decoded with (default UTF-8)
 * @returns the parsed message
 * @throws Hl7ParseError as `parseMessage`
 */
export function parseText(text: string, encoding: Hl7Encoding = 'utf8'): Hl7Message {
  // Segment terminator is CR (2.5.4); LF and CRLF are tolerated, even mixed in one message.
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.replace(/^\s+/, ''))
    .filter((l) => l !== '');
  const first = lines[0];
  if (first === undefined) {
    throw new Hl7ParseError('empty', 'message is empty');
  }
  if (!first.startsWith('MSH')) {
    throw new Hl7ParseError('no-msh', `message must start with MSH, starts with '${first.slice(0, 3)}'`);
  }
  const delimiters = readDelimiters(first);
  const segments = parseLines(lines, delimiters, encoding);
  if ((segments[0] as Segment).fields.length < MIN_MSH_FIELDS) {
    throw new Hl7ParseError('msh-too-short', `MSH must reach MSH-${MIN_MSH_FIELDS} (version id)`);
  }
  return new Hl7Message(segments, delimiters, encoding);
}

/**
 * Parses one segment line.
 * @param line - the segment text without terminator
 * @param delimiters - the message's delimiters
 * @param encoding - the encoding for `\Xhh\` escapes
 * @returns the segment
 */
export function parseSegment(line: string, delimiters: Hl7Delimiters, encoding: Hl7Encoding): Segment {
  return parseLines([line], delimiters, encoding)[0] as Segment;
}

/** A field holding one verbatim value (MSH-1, MSH-2: never split, unescaped or nulled). */
function verbatim(value: string): Field {
  return new Field([new Repetition([[value]])]);
}

/** Parses segment lines written in the message's delimiters, in order. */
function parseLines(lines: readonly string[], delimiters: Hl7Delimiters, encoding: Hl7Encoding): Segment[] {
  const translation = delimiterTranslation(delimiters);
  // `""` is the explicit null (2.5.3); it is tested before unescaping, so `\X2222\` stays text.
  const leaf = (value: string): Hl7Leaf => {
    const original = translation.fromStandard(value);
    return original === '""' ? null : unescapeValue(original, delimiters, encoding);
  };
  const standard = translation.identity ? lines : lines.map(translation.toStandard);
  return transformSegments(standard, leaf).map(({ id, fields }, i) => {
    const name = translation.fromStandard(id);
    if (name !== 'MSH') {
      return new Segment(name, fields);
    }
    // MSH-1 is the field separator and MSH-2 the encoding characters, both as sent (2.14.9.1-2).
    const line = lines[i] as string;
    const end = line.indexOf(delimiters.field, 4);
    const msh2 = line.slice(4, end < 0 ? line.length : end);
    return new Segment(name, [verbatim(delimiters.field), verbatim(msh2), ...fields]);
  });
}
