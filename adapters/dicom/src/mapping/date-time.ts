/**
 * DICOM DA, TM and DT values (PS3.5 6.2, "Value Representations") → FHIR date and dateTime
 * (https://hl7.org/fhir/R4/datatypes.html#dateTime). A FHIR dateTime with a time needs seconds and
 * a zone: missing minutes/seconds become 00, and the zone comes from Timezone Offset From UTC
 * (0008,0201) or the configured default. Values that are not well-formed give `undefined`.
 * https://dicom.nema.org/medical/dicom/current/output/html/part05.html#sect_6.2
 */

const DA = /^(\d{4})\.?(\d{2})\.?(\d{2})$/; // YYYYMMDD, or the ACR-NEMA YYYY.MM.DD
const TM = /^(\d{2})(?::?(\d{2})(?::?(\d{2})(?:\.(\d{1,6}))?)?)?$/; // HH[MM[SS[.F{1,6}]]], legacy colons
const DT = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?)?)?)?([+-]\d{4})?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/**
 * DA → FHIR date.
 * @param da - a DA value (`20250115`)
 * @returns `2025-01-15`, or undefined when absent or malformed
 */
export function dateFromDa(da: string | undefined): string | undefined {
  const m = DA.exec(da?.trim() ?? '');
  if (m === null) {
    return undefined;
  }
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  return validDate(Number(y), Number(mo), Number(d)) ? `${y}-${mo}-${d}` : undefined;
}

/**
 * TM → `hh:mm:ss[.f]`.
 * @param tm - a TM value (`101500.25`, `1015`, `10`)
 * @returns the FHIR time, or undefined when absent or malformed
 */
export function timeFromTm(tm: string | undefined): string | undefined {
  const m = TM.exec(tm?.trim() ?? '');
  if (m === null) {
    return undefined;
  }
  const [hh, mm = '00', ss = '00', frac] = m.slice(1) as [string, string | undefined, string | undefined, string?];
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60) {
    return undefined;
  }
  return `${hh}:${mm}:${ss}${frac === undefined ? '' : `.${frac}`}`;
}

/**
 * A DICOM offset (`+0100`, `-0500`) or FHIR zone → FHIR zone (`+01:00`, `Z`).
 * @param offset - the offset
 * @returns the zone, or undefined when absent or malformed
 */
export function fhirZone(offset: string | undefined): string | undefined {
  const value = offset?.trim() ?? '';
  if (value === 'Z') {
    return value;
  }
  const m = OFFSET.exec(value);
  return m === null ? undefined : `${m[1]}${m[2]}:${m[3]}`;
}

/**
 * DA + TM → FHIR dateTime: the date alone when there is no (valid) time.
 * @param da - the date (e.g. StudyDate)
 * @param tm - the time (e.g. StudyTime)
 * @param offset - Timezone Offset From UTC of the instance, if any
 * @param defaultZone - the zone used when `offset` is absent
 * @returns the dateTime, or undefined without a valid date
 */
export function dateTimeFromDaTm(
  da: string | undefined,
  tm: string | undefined,
  offset: string | undefined,
  defaultZone: string,
): string | undefined {
  const date = dateFromDa(da);
  if (date === undefined) {
    return undefined;
  }
  const time = timeFromTm(tm);
  const zone = fhirZone(offset) ?? fhirZone(defaultZone) ?? 'Z';
  return time === undefined ? date : `${date}T${time}${zone}`;
}

/**
 * DT → FHIR dateTime (`YYYY[MM[DD[HH[MM[SS[.F]]]]]][&ZZXX]`); a DT with hours but no offset takes
 * `defaultZone`, a DT with hours but no minutes gets `:00`.
 * @param dt - the DT value
 * @param defaultZone - the zone used when the value has none
 * @returns the dateTime, or undefined when absent or malformed
 */
export function dateTimeFromDt(dt: string | undefined, defaultZone: string): string | undefined {
  const m = DT.exec(dt?.trim() ?? '');
  if (m === null) {
    return undefined;
  }
  const [y, mo, d, hh, mm = '00', ss = '00', frac, off] = m.slice(1) as (string | undefined)[];
  if (mo === undefined || d === undefined) {
    return mo === undefined ? y : `${y}-${mo}`;
  }
  if (!validDate(Number(y), Number(mo), Number(d))) {
    return undefined;
  }
  const date = `${y}-${mo}-${d}`;
  if (hh === undefined) {
    return date;
  }
  const time = timeFromTm(`${hh}${mm}${ss}${frac === undefined ? '' : `.${frac}`}`);
  const zone = fhirZone(off) ?? fhirZone(defaultZone) ?? 'Z';
  return time === undefined ? undefined : `${date}T${time}${zone}`;
}

/**
 * The instant a FHIR date/dateTime starts at, for ordering (a date alone starts at 00:00Z).
 * @param value - a FHIR date or dateTime
 * @returns milliseconds since the epoch, or NaN
 */
export function dateTimeStart(value: string): number {
  return Date.parse(value.length === 4 ? `${value}-01-01` : value.length === 7 ? `${value}-01` : value);
}

function validDate(y: number, mo: number, d: number): boolean {
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}
