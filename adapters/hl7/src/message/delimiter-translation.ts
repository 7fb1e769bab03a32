/**
 * Translates a message's own delimiters (MSH-1/MSH-2, HL7 v2.5.1 chapter 2, section 2.5.4) to the
 * recommended `|^~\&` that `hl7-standard` hard-codes, and back.
 *
 * The translation is a permutation of characters: each declared delimiter becomes its standard
 * counterpart, and each standard character that this message uses as data becomes one of the
 * declared delimiters that no standard character maps to. A permutation is a bijection, so
 * `fromStandard(toStandard(s)) === s` for every string, whatever characters the data holds
 * (placeholder characters could collide with data; a permutation cannot).
 */
import type { Hl7Delimiters } from './delimiters';

/** A reversible character translation. */
export interface DelimiterTranslation {
  /** True when the message already uses `|^~\&`: both directions return their input. */
  readonly identity: boolean;
  /**
   * Rewrites text from the message's delimiters to the standard ones.
   * @param text - text in the message's delimiters
   * @returns the same text in standard delimiters
   */
  toStandard(text: string): string;
  /**
   * Rewrites text (a whole segment or one value) from standard delimiters back to the message's.
   * @param text - text produced by `toStandard` (or a part of it)
   * @returns the original text
   */
  fromStandard(text: string): string;
}

/** Standard delimiters in the order field, component, repetition, escape, subcomponent. */
const STANDARD: readonly string[] = ['|', '^', '~', '\\', '&'];

const same = (text: string): string => text;

const IDENTITY: DelimiterTranslation = { identity: true, toStandard: same, fromStandard: same };

/** A `String.replace` that applies a character map. */
function mapper(map: ReadonlyMap<string, string>): (text: string) => string {
  const chars = [...map.keys()].map((c) => c.replace(/[\\\]^-]/g, '\\$&')).join('');
  const pattern = new RegExp(`[${chars}]`, 'g');
  const replace = (c: string): string => map.get(c) ?? c;
  return (text) => text.replace(pattern, replace);
}

/**
 * Builds the translation for a message's delimiters.
 * @param delimiters - the delimiters the message declares (distinct, as `readDelimiters` ensures)
 * @returns the translation (the identity for `|^~\&`)
 */
export function delimiterTranslation(delimiters: Hl7Delimiters): DelimiterTranslation {
  const declared = [
    delimiters.field,
    delimiters.component,
    delimiters.repetition,
    delimiters.escape,
    delimiters.subcomponent,
  ];
  if (declared.every((c, i) => c === STANDARD[i])) {
    return IDENTITY;
  }
  const forward = new Map<string, string>();
  declared.forEach((c, i) => forward.set(c, STANDARD[i] as string));
  // Standard characters that are data here take the places the declared delimiters left free.
  const dataStandard = STANDARD.filter((c) => !declared.includes(c));
  const freeDeclared = declared.filter((c) => !STANDARD.includes(c));
  dataStandard.forEach((c, i) => forward.set(c, freeDeclared[i] as string));
  for (const [from, to] of [...forward]) {
    if (from === to) {
      forward.delete(from);
    }
  }
  const backward = new Map([...forward].map(([from, to]) => [to, from]));
  return { identity: false, toStandard: mapper(forward), fromStandard: mapper(backward) };
}
