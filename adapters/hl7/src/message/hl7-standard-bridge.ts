/**
 * The only module that calls `hl7-standard`: it hands over segment lines written in the standard
 * delimiters `|^~\&` and reads `transform()`'s result back, in message order, as our model
 * (HL7 v2.5.1 chapter 2, section 2.5 "Message construction rules": field, repetition, component,
 * subcomponent). Only `transform()` is used: `get()` is type-unstable and throws on a missing
 * segment index, `getSegments()` groups by type, and `set()`/`build()` corrupt what they write.
 *
 * What this module does around `transform()`, each for one of its limits:
 * - every line ends with `\r` and the text is never empty of line endings (it throws otherwise);
 * - a segment id that is not three upper-case letters or digits (`zpi`, `ZX`, `ZPID`) is handed
 *   over as a stand-in id, because it throws on such ids; we keep the real id ourselves;
 * - a line without `|` is handed over as `ID|`, because it drops such lines silently;
 * - a line list that does not start with MSH gets a stand-in header, because it refuses those and
 *   treats text starting with FHS/BHS as a batch;
 * - segments are placed by their `index`, never read grouped by type;
 * - MSH data starts at MSH-2, which it overwrites with `^~\&`: that value is skipped here and the
 *   caller supplies MSH-1/MSH-2 from the message's own header;
 * - a field holding only `&` comes back as an array of strings, which its `get()` treats as
 *   repetitions: here it becomes one component with subcomponents, as HL7 nests them.
 */
import HL7 from 'hl7-standard';
import { Field, Repetition } from './model';
import type { Hl7Leaf } from './model';

/** One segment read back from `hl7-standard`. */
export interface BridgedSegment {
  /** The segment id as written in the line (in standard delimiters). */
  readonly id: string;
  /** Fields in order: field 1 first, except for MSH where the first is MSH-3. */
  readonly fields: readonly Field[];
}

/** Converts one raw value (still in standard delimiters, still escaped) to a leaf. */
export type LeafReader = (value: string) => Hl7Leaf;

/** Ids `hl7-standard` accepts (`_invalidSegments` rejects any other character). */
const ACCEPTED_ID = /^[A-Z0-9]{3}$/;
/** Handed over in place of an id it would reject; the real id is kept on our side. */
const STAND_IN_ID = 'ZZZ';
/** Handed over before a line list that does not start with MSH. */
const STAND_IN_HEADER = 'MSH|^~\\&';

/** Thrown when `hl7-standard` answers in a shape this bridge does not know (a new version). */
function unexpected(what: string): Error {
  return new Error(`hl7-standard returned an unexpected ${what}; check the bridge against its version`);
}

/** One repetition: components in key order (`SEG.n.1`, `SEG.n.2`...), each text or subcomponents. */
function toRepetition(components: HL7.Components, leaf: LeafReader): Repetition {
  // Plain loops: this runs for every component of every message (see the parse-time budget).
  const out: Hl7Leaf[][] = [];
  for (const key in components) {
    const c = components[key];
    if (typeof c === 'string') {
      out.push([leaf(c)]);
    } else if (Array.isArray(c) && c.length > 0) {
      const subcomponents: Hl7Leaf[] = [];
      for (const s of c) {
        subcomponents.push(leaf(s));
      }
      out.push(subcomponents);
    } else {
      throw unexpected('component');
    }
  }
  return new Repetition(out);
}

/** One field, from any of the four shapes `_transformSegment` produces. */
function toField(value: HL7.FieldValue, leaf: LeafReader): Field {
  if (typeof value === 'string') {
    return new Field([new Repetition([[leaf(value)]])]);
  }
  if (!Array.isArray(value)) {
    return new Field([toRepetition(value, leaf)]);
  }
  const subcomponents: Hl7Leaf[] = [];
  const repetitions: Repetition[] = [];
  for (const item of value) {
    if (typeof item === 'string') {
      subcomponents.push(leaf(item));
    } else {
      repetitions.push(toRepetition(item, leaf));
    }
  }
  if (subcomponents.length > 0 === repetitions.length > 0) {
    throw unexpected('field');
  }
  // Strings only: the field held `&` but neither `~` nor `^`, so it is one component.
  return new Field(repetitions.length > 0 ? repetitions : [new Repetition([subcomponents])]);
}

/** Runs `transform()` and returns its segments placed by `index`. */
function transformInOrder(text: string, count: number): HL7.Segment[] {
  // Without a callback, transform() throws its errors and leaves its result on `transformed`.
  const hl7 = new HL7(text);
  hl7.transform();
  const ordered = new Array<HL7.Segment | undefined>(count);
  for (const group of Object.values(hl7.transformed)) {
    for (const segment of group) {
      if (!(segment.index >= 0 && segment.index < count) || ordered[segment.index] !== undefined) {
        throw unexpected('segment index');
      }
      ordered[segment.index] = segment;
    }
  }
  return ordered.map((segment) => {
    if (segment === undefined) {
      throw unexpected('segment count');
    }
    return segment;
  });
}

/**
 * Splits segment lines into fields, repetitions, components and subcomponents with `hl7-standard`.
 * @param lines - segment lines without terminators, written in the standard delimiters `|^~\&`
 * @param leaf - converts each raw value (translating, nulling `""`, unescaping)
 * @returns one entry per line, in the same order
 */
export function transformSegments(lines: readonly string[], leaf: LeafReader): BridgedSegment[] {
  const ids: string[] = [];
  const bare: boolean[] = [];
  const input: string[] = [];
  for (const line of lines) {
    const sep = line.indexOf('|');
    const id = sep < 0 ? line : line.slice(0, sep);
    ids.push(id);
    bare.push(sep < 0);
    input.push((ACCEPTED_ID.test(id) ? id : STAND_IN_ID) + (sep < 0 ? '|' : line.slice(sep)));
  }
  const offset = ids[0] === 'MSH' ? 0 : 1;
  if (offset === 1) {
    input.unshift(STAND_IN_HEADER);
  }
  const segments = transformInOrder(input.join('\r') + '\r', input.length);
  return ids.map((id, i) => {
    if (bare[i] === true) {
      return { id, fields: [] };
    }
    const values = Object.values((segments[i + offset] as HL7.Segment).data);
    // MSH data starts at MSH-2 (overwritten by hl7-standard); the caller supplies MSH-1/MSH-2.
    return { id, fields: (id === 'MSH' ? values.slice(1) : values).map((v) => toField(v, leaf)) };
  });
}
