/**
 * FHIR date/dateTime/instant values as inclusive epoch-millisecond ranges, shared by index
 * extraction and search planning.
 *
 * Spec: https://hl7.org/fhir/R4/search.html#date -- "the date parameter searches on a period of
 * time [...] with the implicit precision of the value": `2020` covers the whole year, `2020-03`
 * the whole month, `2020-03-15T10:00` the whole minute.
 *
 * Values without a timezone (dates, and date-times that omit it) are interpreted as UTC. FHIR
 * leaves this to the server; UTC keeps extraction and search deterministic on every host.
 */

/** The lowest instant a range can hold (open Period start); equals the JS Date minimum. */
export const MIN_INSTANT = -8_640_000_000_000_000;

/** The highest instant a range can hold (open Period end); equals the JS Date maximum. */
export const MAX_INSTANT = 8_640_000_000_000_000;

/** An inclusive [low, high] range in epoch milliseconds. */
export type InstantRange = readonly [low: number, high: number];

const DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

const MINUTE = 60_000;
const DAY = 86_400_000;

function utc(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.getTime();
}

function offsetMs(tz: string | undefined): number {
  if (tz === undefined || tz === 'Z') {
    return 0;
  }
  const sign = tz.startsWith('-') ? -1 : 1;
  const hours = Number(tz.slice(1, 3));
  const minutes = Number(tz.slice(4, 6));
  if (hours > 14 || minutes > 59) {
    return Number.NaN;
  }
  return sign * (hours * 60 + minutes) * MINUTE;
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) {
    return false;
  }
  return day <= new Date(utc(year, month, 0)).getUTCDate();
}

/**
 * Parses a FHIR date, dateTime or instant (seconds optional, for search values) into the range
 * its precision implies.
 * @param text - e.g. `2020`, `2020-03`, `2020-03-15`, `2020-03-15T10:00`, `2020-03-15T10:00:00.5+02:00`.
 * @returns the inclusive [low, high] range, or undefined when `text` is not a valid date.
 */
export function parseInstantRange(text: string): InstantRange | undefined {
  const m = DATE_TIME.exec(text);
  if (m === null) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  if (mo === undefined) {
    return [utc(year, 0, 1), utc(year + 1, 0, 1) - 1];
  }
  const month = Number(mo);
  if (d === undefined) {
    return month >= 1 && month <= 12 ? [utc(year, month - 1, 1), utc(year, month, 1) - 1] : undefined;
  }
  const day = Number(d);
  if (!validDay(year, month, day)) {
    return undefined;
  }
  const dayStart = utc(year, month - 1, day);
  if (h === undefined) {
    return [dayStart, dayStart + DAY - 1];
  }
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const offset = offsetMs(tz);
  if (hour > 23 || minute > 59 || second > 59 || Number.isNaN(offset)) {
    return undefined;
  }
  const start = dayStart + ((hour * 60 + minute) * 60 + second) * 1000 - offset;
  if (s === undefined) {
    return [start, start + MINUTE - 1];
  }
  if (frac === undefined) {
    return [start, start + 999];
  }
  const digits = frac.slice(0, 3);
  const low = start + Number(digits.padEnd(3, '0'));
  return [low, low + 10 ** (3 - digits.length) - 1];
}
