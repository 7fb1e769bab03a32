/**
 * Builds ER7 text from typed values (HL7 v2.5.1 chapter 2, section 2.5 construction rules,
 * 2.5.4 delimiters, 2.7.1 escaping). Every value is escaped; sparse fields land at their
 * sequence number; subcomponents stay subcomponents; trailing empty positions are dropped;
 * segments end with `\r` only. MSH-1/MSH-2 are written from the delimiters.
 */
import { DEFAULT_DELIMITERS, encodingCharacters } from './delimiters';
import type { Hl7Delimiters } from './delimiters';
import { escapeValue } from './escape';

/** A leaf: text, `null` for the HL7 explicit null `""`, undefined for empty. */
export type LeafInput = string | null | undefined;
/** A component: one value, or its subcomponents. */
export type ComponentInput = LeafInput | readonly LeafInput[];
/** A repetition: one value, or its components. */
export type RepetitionInput = LeafInput | readonly ComponentInput[];
/** A field: one value, its components (one repetition), or several repetitions. */
export type FieldInput = RepetitionInput | { readonly repetitions: readonly RepetitionInput[] };

/** A segment to build. */
export interface SegmentInput {
  /** Segment id, e.g. `PID`. */
  readonly id: string;
  /** Fields keyed by sequence number (1-based); absent keys are empty. MSH-1/MSH-2 are ignored. */
  readonly fields: Readonly<Record<number, FieldInput>>;
}

/** Joins parts, dropping trailing empty ones. */
function joinTrimmed(parts: readonly string[], separator: string): string {
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') {
    end--;
  }
  return parts.slice(0, end).join(separator);
}

/** Writes a leaf: null as `""`, undefined as empty, text escaped. */
function leaf(value: LeafInput, d: Hl7Delimiters): string {
  if (value === null) {
    return '""';
  }
  return value === undefined ? '' : escapeValue(value, d);
}

/** Writes one component. */
function component(value: ComponentInput, d: Hl7Delimiters): string {
  return Array.isArray(value)
    ? joinTrimmed(
        (value as readonly LeafInput[]).map((v) => leaf(v, d)),
        d.subcomponent,
      )
    : leaf(value as LeafInput, d);
}

/** Writes one repetition. */
function repetition(value: RepetitionInput, d: Hl7Delimiters): string {
  return Array.isArray(value)
    ? joinTrimmed(
        (value as readonly ComponentInput[]).map((v) => component(v, d)),
        d.component,
      )
    : leaf(value as LeafInput, d);
}

/**
 * Writes one field.
 * @param value - the field value
 * @param delimiters - the delimiters of the message being built
 * @returns the escaped field text
 */
export function serializeField(value: FieldInput, delimiters: Hl7Delimiters = DEFAULT_DELIMITERS): string {
  if (value !== null && typeof value === 'object' && 'repetitions' in value) {
    return joinTrimmed(
      value.repetitions.map((r) => repetition(r, delimiters)),
      delimiters.repetition,
    );
  }
  return repetition(value, delimiters);
}

/**
 * Writes one segment (without terminator).
 * @param segment - the segment id and its fields by sequence number
 * @param delimiters - the delimiters of the message being built
 * @returns the segment text
 */
export function serializeSegment(segment: SegmentInput, delimiters: Hl7Delimiters = DEFAULT_DELIMITERS): string {
  const isMsh = segment.id === 'MSH';
  const positions = Object.keys(segment.fields).map(Number);
  const last = Math.max(0, ...positions);
  const parts: string[] = [];
  // For MSH the field separator itself is MSH-1, so field n sits at parts index n - 1.
  for (let n = isMsh ? 2 : 1; n <= last; n++) {
    const value = segment.fields[n];
    parts.push(
      isMsh && n === 2 ? encodingCharacters(delimiters) : value === undefined ? '' : serializeField(value, delimiters),
    );
  }
  if (isMsh && parts.length === 0) {
    parts.push(encodingCharacters(delimiters));
  }
  return joinTrimmed([segment.id, ...parts], delimiters.field);
}

/**
 * Writes a message: each segment ended with `\r` (section 2.5.4, segment terminator).
 * @param segments - segments in order, MSH first
 * @param delimiters - the delimiters to declare in MSH-1/MSH-2 and use throughout
 * @returns the message text
 */
export function serializeMessage(
  segments: readonly SegmentInput[],
  delimiters: Hl7Delimiters = DEFAULT_DELIMITERS,
): string {
  return segments.map((s) => serializeSegment(s, delimiters) + '\r').join('');
}
