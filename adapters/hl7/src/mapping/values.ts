/**
 * Small readers over the parsed message model: HL7 `""` (explicit null, v2.5.1 section 2.5.3)
 * and empty values are treated as "no value" by the mappers, since FHIR has no null.
 */
import type { Hl7Leaf, Repetition, Segment } from '../message/model';

/**
 * A value trimmed, or undefined when absent, empty or the HL7 null.
 * @param value - a leaf from the message model
 * @returns the text, or undefined
 */
export function text(value: Hl7Leaf | undefined): string | undefined {
  if (value === null || value === undefined) {
    return undefined;
  }
  const t = value.trim();
  return t === '' ? undefined : t;
}

/** Whether a repetition carries any value. */
function hasValue(rep: Repetition): boolean {
  for (const component of rep.components) {
    for (const sub of component) {
      if (text(sub) !== undefined) {
        return true;
      }
    }
  }
  return false;
}

/**
 * The non-empty repetitions of a field (a repetition with no value at all is skipped).
 * @param segment - the segment
 * @param field - field sequence number
 * @returns the repetitions that carry something
 */
export function repetitions(segment: Segment, field: number): Repetition[] {
  const f = segment.field(field);
  return f === undefined ? [] : f.repetitions.filter(hasValue);
}

/**
 * The first non-empty repetition of a field.
 * @param segment - the segment
 * @param field - field sequence number
 * @returns the repetition, or undefined
 */
export function firstRepetition(segment: Segment, field: number): Repetition | undefined {
  const f = segment.field(field);
  if (f !== undefined) {
    for (const rep of f.repetitions) {
      if (hasValue(rep)) {
        return rep;
      }
    }
  }
  return undefined;
}

/**
 * A segment's component value, trimmed (first repetition).
 * @param segment - the segment
 * @param field - field sequence number
 * @param component - component number (default 1)
 * @param sub - subcomponent number (default 1)
 * @returns the text, or undefined
 */
export function value(segment: Segment, field: number, component = 1, sub = 1): string | undefined {
  return text(segment.value(field, component, sub));
}

/**
 * Looks a key up in a table of own properties only (a sender's `constructor` or `__proto__` must
 * not reach Object.prototype).
 * @param table - the table
 * @param key - the key
 * @returns the value, or undefined
 */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Drops the keys whose value is undefined or an empty array. */
type Compact<T> = { [K in keyof T]: Exclude<T[K], undefined> };

/**
 * A copy of an object without its undefined values and empty arrays: one allocation where a
 * chain of conditional spreads would make one per optional field (the mappers' hot path).
 * @param draft - the object with optional values
 * @returns the object with only the values that are present
 */
export function compact<T extends object>(draft: T): Compact<T> {
  const out: Record<string, unknown> = {};
  for (const key in draft) {
    const v: unknown = draft[key];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) {
      out[key] = v;
    }
  }
  return out as Compact<T>;
}
