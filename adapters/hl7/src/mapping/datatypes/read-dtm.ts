/**
 * Reads a date/time field of a segment, recording AE 102 (data type error, HL7 table 0357) with
 * the field's location when it is not a valid DTM (issue 3: "unparseable date" → AE).
 */
import { DATA_TYPE_ERROR } from '../../message/error-codes';
import type { MappingContext, SegmentAt } from '../context';
import { locate } from '../context';
import { value } from '../values';
import { parseDtm } from './dtm';
import type { ParsedDtm } from './dtm';

/**
 * Reads and parses a DTM component.
 * @param ctx - mapping context (errors, default offset)
 * @param at - the segment
 * @param field - field number
 * @param component - component number (default 1; TS and DR keep the time in a component)
 * @returns the parsed value, or undefined when absent or invalid (then an error is recorded)
 */
export function readDtm(ctx: MappingContext, at: SegmentAt, field: number, component = 1): ParsedDtm | undefined {
  const raw = value(at.segment, field, component);
  if (raw === undefined) {
    return undefined;
  }
  const parsed = parseDtm(raw, ctx.defaultOffset);
  if (parsed === undefined) {
    ctx.error(
      DATA_TYPE_ERROR,
      locate(at, field, component === 1 ? undefined : component),
      `${at.segment.id}-${field} '${raw}' is not a valid HL7 date/time (YYYY[MM[DD[HH[MM[SS[.SSSS]]]]]][+/-ZZZZ])`,
    );
  }
  return parsed;
}
