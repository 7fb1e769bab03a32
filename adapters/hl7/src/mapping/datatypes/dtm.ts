/**
 * DTM/TS/DT → FHIR date, dateTime and instant (HL7 v2.5.1 chapter 2A, 2A.3.22 DTM
 * `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`; V2-to-FHIR IG "Datatype DTM[dateTime]" and
 * "Datatype DTM[instant]"; FHIR R4 https://hl7.org/fhir/R4/datatypes.html#dateTime).
 * FHIR needs a time zone once a time is given: a DTM without one takes MSH-7's offset
 * (HL7 2A.3.22: "the time zone of the sender"), else UTC. Minutes and seconds missing from a
 * time are filled with zeros, since FHIR times carry seconds.
 */

/** A DTM value understood. */
export interface ParsedDtm {
  /** FHIR `date`: YYYY, YYYY-MM or YYYY-MM-DD. */
  readonly date: string;
  /** FHIR `dateTime`: the date, or a full time with seconds and offset. */
  readonly dateTime: string;
  /** FHIR `instant`, only when the value carries a time. */
  readonly instant: string | undefined;
  /** The time of day (`hh:mm:ss[.f]`) when given (for TM / birthTime). */
  readonly time: string | undefined;
}

const DTM = /^(\d{4})(\d{2})?(\d{2})?(?:(\d{2})(\d{2})?(\d{2})?(?:\.(\d{1,4}))?)?([+-]\d{4})?$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS[month - 1] ?? 0);
}

/**
 * Formats an HL7 offset `+hhmm` as FHIR `+hh:mm` (`Z` for UTC when no offset applies).
 * @param offset - `+hhmm`/`-hhmm`, or undefined
 * @returns the FHIR offset
 */
export function fhirOffset(offset: string | undefined): string {
  return offset === undefined ? 'Z' : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

/**
 * Reads the offset of a DTM, e.g. MSH-7's.
 * @param raw - the DTM text
 * @returns `+hhmm`, or undefined
 */
export function dtmOffset(raw: string | undefined): string | undefined {
  const m = raw === undefined ? null : /([+-]\d{4})$/.exec(raw.trim());
  return m?.[1];
}

/**
 * Parses a DTM (also DT, and the first component of TS).
 * @param raw - the text
 * @param defaultOffset - `+hhmm` used when the value has a time but no offset
 * @returns the FHIR forms, or undefined when the text is not a valid DTM
 */
export function parseDtm(raw: string, defaultOffset?: string): ParsedDtm | undefined {
  // A message repeats its timestamps (OBR-7, every OBX-14): the parsed forms are immutable, so
  // recent ones are reused. The cache is cleared when full, which keeps it bounded.
  const key = defaultOffset === undefined ? raw : `${raw}\u0000${defaultOffset}`;
  if (recent.has(key)) {
    return recent.get(key);
  }
  const parsed = parseDtmUncached(raw, defaultOffset);
  if (recent.size >= RECENT_LIMIT) {
    recent.clear();
  }
  recent.set(key, parsed);
  return parsed;
}

/** Recently parsed DTM values (see parseDtm). */
const recent = new Map<string, ParsedDtm | undefined>();
const RECENT_LIMIT = 1024;

function parseDtmUncached(raw: string, defaultOffset?: string): ParsedDtm | undefined {
  const m = DTM.exec(raw.trim());
  if (m === null) {
    return undefined;
  }
  const [, y, mo, d, h, mi, s, frac, off] = m;
  const year = Number(y);
  if (mo !== undefined && (Number(mo) < 1 || Number(mo) > 12)) {
    return undefined;
  }
  if (d !== undefined && (Number(d) < 1 || Number(d) > daysIn(year, Number(mo)))) {
    return undefined;
  }
  if (h !== undefined && (d === undefined || Number(h) > 23 || Number(mi ?? 0) > 59 || Number(s ?? 0) > 59)) {
    return undefined;
  }
  const date = [y, mo, d].filter((p) => p !== undefined).join('-');
  if (h === undefined) {
    return { date, dateTime: date, instant: undefined, time: undefined };
  }
  const time = `${h}:${mi ?? '00'}:${s ?? '00'}${frac === undefined ? '' : '.' + frac}`;
  const dateTime = `${date}T${time}${fhirOffset(off ?? defaultOffset)}`;
  return { date, dateTime, instant: dateTime, time };
}

/**
 * Parses a TM `HH[MM[SS[.S[S[S[S]]]]]][+/-ZZZZ]` into a FHIR `time` (offset dropped: FHIR time has none).
 * @param raw - the text
 * @returns `hh:mm:ss[.f]`, or undefined when invalid
 */
export function parseTm(raw: string): string | undefined {
  const m = /^(\d{2})(\d{2})?(\d{2})?(?:\.(\d{1,4}))?([+-]\d{4})?$/.exec(raw.trim());
  if (m === null || Number(m[1]) > 23 || Number(m[2] ?? 0) > 59 || Number(m[3] ?? 0) > 59) {
    return undefined;
  }
  return `${m[1]}:${m[2] ?? '00'}:${m[3] ?? '00'}${m[4] === undefined ? '' : '.' + m[4]}`;
}
