/**
 * Escape sequences in data fields, HL7 v2.5.1 chapter 2, section 2.7 (2.7.1 delimiters,
 * 2.7.2 hexadecimal `\Xhh..\`, 2.7.6 formatted text `\.br\`). Unknown sequences are kept literally.
 */
import type { Hl7Delimiters } from './delimiters';
import type { Hl7Encoding } from './charset';

/**
 * Replaces every escape sequence of a value with the text it stands for.
 * @param value - the raw value, as it appears between delimiters
 * @param delimiters - the message's delimiters
 * @param encoding - the charset that `\Xhh\` bytes are decoded with
 * @returns the unescaped text
 */
export function unescapeValue(value: string, delimiters: Hl7Delimiters, encoding: Hl7Encoding = 'utf8'): string {
  const esc = delimiters.escape;
  if (!value.includes(esc)) {
    return value;
  }
  let out = '';
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf(esc, i);
    const end = start < 0 ? -1 : value.indexOf(esc, start + 1);
    if (start < 0 || end < 0) {
      out += value.slice(i);
      break;
    }
    out += value.slice(i, start);
    const seq = value.slice(start + 1, end);
    out += decodeSequence(seq, delimiters, encoding) ?? esc + seq + esc;
    i = end + 1;
  }
  return out;
}

/** Decodes one sequence (the text between two escape characters), or undefined when unknown. */
function decodeSequence(seq: string, delimiters: Hl7Delimiters, encoding: Hl7Encoding): string | undefined {
  switch (seq) {
    case 'F':
      return delimiters.field;
    case 'S':
      return delimiters.component;
    case 'T':
      return delimiters.subcomponent;
    case 'R':
      return delimiters.repetition;
    case 'E':
      return delimiters.escape;
    case '.br':
      return '\n';
    default:
      if (/^X(?:[0-9A-Fa-f]{2})+$/.test(seq)) {
        return Buffer.from(seq.slice(1), 'hex').toString(encoding);
      }
      return undefined;
  }
}

/**
 * Escapes a value so it can be written between delimiters: every delimiter and the escape
 * character itself (2.7.1), line breaks as `\.br\` (2.7.6), carriage returns as `\X0D\` (2.7.2),
 * and a literal `""` as `\X2222\` so it is not read back as the HL7 null.
 * @param value - the text to write
 * @param delimiters - the delimiters of the message being built
 * @returns the escaped value
 */
export function escapeValue(value: string, delimiters: Hl7Delimiters): string {
  if (value === '""') {
    return `${delimiters.escape}X2222${delimiters.escape}`;
  }
  const table = new Map<string, string>([
    [delimiters.escape, 'E'],
    [delimiters.field, 'F'],
    [delimiters.component, 'S'],
    [delimiters.subcomponent, 'T'],
    [delimiters.repetition, 'R'],
    ['\n', '.br'],
    ['\r', 'X0D'],
  ]);
  let out = '';
  for (const ch of value) {
    const seq = table.get(ch);
    out += seq === undefined ? ch : delimiters.escape + seq + delimiters.escape;
  }
  return out;
}
