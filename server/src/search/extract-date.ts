/**
 * Date ranges of FHIR data types, for date index entries.
 *
 * Spec: https://hl7.org/fhir/R4/search.html#date -- date, dateTime and instant with their
 * implicit precision; Period from start to end (a missing end means "ongoing", a missing start
 * "unknown start": both open); Timing by its events (and repeat.boundsPeriod).
 */
import type { TypedValue } from '@medplum/core';
import type { Period, Timing } from '@medplum/fhirtypes';
import { MAX_INSTANT, MIN_INSTANT, parseInstantRange, type InstantRange } from './date-range';

function periodRange(p: Period): InstantRange | undefined {
  const start = p.start ? parseInstantRange(p.start) : undefined;
  const end = p.end ? parseInstantRange(p.end) : undefined;
  if (start === undefined && end === undefined) {
    return undefined;
  }
  return [start?.[0] ?? MIN_INSTANT, end?.[1] ?? MAX_INSTANT];
}

/**
 * The instant ranges of one value selected by a date SearchParameter expression.
 * @param tv - a date/dateTime/instant, Period or Timing; other types yield nothing.
 * @returns the inclusive epoch-ms ranges.
 */
export function dateRanges(tv: TypedValue): InstantRange[] {
  const v: unknown = tv.value;
  switch (tv.type) {
    case 'date':
    case 'dateTime':
    case 'instant': {
      const r = typeof v === 'string' ? parseInstantRange(v) : undefined;
      return r ? [r] : [];
    }
    case 'Period': {
      const r = periodRange(v as Period);
      return r ? [r] : [];
    }
    case 'Timing': {
      const t = v as Timing;
      const out: InstantRange[] = [];
      for (const e of t.event ?? []) {
        const r = parseInstantRange(e);
        if (r) {
          out.push(r);
        }
      }
      const bounds = t.repeat?.boundsPeriod ? periodRange(t.repeat.boundsPeriod) : undefined;
      if (bounds) {
        out.push(bounds);
      }
      return out;
    }
    default:
      return [];
  }
}
