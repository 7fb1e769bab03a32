/**
 * SN structured numeric (HL7 v2.5.1 2A.3.72: comparator ^ num1 ^ separator/suffix ^ num2) → the
 * Observation value the V2-to-FHIR IG "Segment OBX to Observation Map" picks for OBX-2 = SN
 * ("Datatype SN[Quantity]", "SN[Range]", "SN[Ratio]" maps):
 * `<>` or suffix `+` → valueString; separator `:` or `/` → valueRatio; `-` → valueRange;
 * otherwise valueQuantity with the comparator (`=` means none).
 */
import type { Quantity } from '@medplum/fhirtypes';
import { parseNm } from './numeric';

/** An SN understood. */
export type ParsedSn =
  | { readonly kind: 'quantity'; readonly value: number; readonly comparator?: Quantity['comparator'] }
  | { readonly kind: 'range'; readonly low?: number; readonly high?: number }
  | { readonly kind: 'ratio'; readonly numerator: number; readonly denominator: number }
  | { readonly kind: 'string'; readonly text: string };

const COMPARATORS = new Set(['<', '>', '<=', '>=']);

/**
 * Parses an SN from its four components.
 * @param parts - comparator, num1, separator/suffix, num2 (absent ones undefined)
 * @returns the parsed value, or undefined when a number is not an NM or the comparator is unknown
 */
export function parseSn(parts: readonly (string | undefined)[]): ParsedSn | undefined {
  const [comparator, n1, sep, n2] = parts;
  if (comparator === '<>' || sep === '+') {
    return { kind: 'string', text: parts.filter((p) => p !== undefined).join(' ') };
  }
  if (comparator !== undefined && comparator !== '=' && !COMPARATORS.has(comparator)) {
    return undefined;
  }
  const num1 = n1 === undefined ? undefined : parseNm(n1);
  const num2 = n2 === undefined ? undefined : parseNm(n2);
  if ((n1 !== undefined && num1 === undefined) || (n2 !== undefined && num2 === undefined)) {
    return undefined;
  }
  if (sep === ':' || sep === '/') {
    return num1 === undefined || num2 === undefined ? undefined : { kind: 'ratio', numerator: num1, denominator: num2 };
  }
  if (sep === '-') {
    return num1 === undefined && num2 === undefined
      ? undefined
      : { kind: 'range', ...(num1 === undefined ? {} : { low: num1 }), ...(num2 === undefined ? {} : { high: num2 }) };
  }
  if (sep !== undefined || num1 === undefined) {
    return undefined;
  }
  return comparator === undefined || comparator === '='
    ? { kind: 'quantity', value: num1 }
    : { kind: 'quantity', value: num1, comparator: comparator as Quantity['comparator'] };
}
