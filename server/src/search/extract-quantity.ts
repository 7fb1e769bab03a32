/**
 * Number and quantity values of FHIR data types, with their implicit precision ranges.
 *
 * Spec: https://hl7.org/fhir/R4/search.html#number and #quantity -- decimal/integer values,
 * Quantity (and its profiles Age, Duration, Count, Distance, SimpleQuantity, plus Money) with
 * system and code (falling back to unit), and Range as [low, high]. A Quantity comparator
 * (`<5`) widens the stored range to the open side.
 */
import type { TypedValue } from '@medplum/core';
import type { Money, Quantity, Range } from '@medplum/fhirtypes';
import { MAX_NUMBER, MIN_NUMBER, parseDecimalRange } from './number-range';

/** One quantity value (QuantityIndexEntry without `kind`/`code`). */
export interface QuantityPart {
  value: number;
  low: number;
  high: number;
  system?: string;
  unit?: string;
}

const QUANTITY_TYPES = new Set(['Quantity', 'Age', 'Duration', 'Count', 'Distance', 'SimpleQuantity', 'MoneyQuantity']);

function withUnit(part: QuantityPart, system: string | undefined, unit: string | undefined): QuantityPart {
  if (system) {
    part.system = system;
  }
  if (unit) {
    part.unit = unit;
  }
  return part;
}

function quantityPart(q: Quantity): QuantityPart | undefined {
  const r = q.value === undefined ? undefined : parseDecimalRange(q.value);
  if (r === undefined) {
    return undefined;
  }
  const part: QuantityPart = { value: r.value, low: r.low, high: r.high };
  if (q.comparator === '<' || q.comparator === '<=') {
    part.low = MIN_NUMBER;
  } else if (q.comparator === '>' || q.comparator === '>=') {
    part.high = MAX_NUMBER;
  }
  return withUnit(part, q.system, q.code ?? q.unit);
}

function rangePart(range: Range): QuantityPart | undefined {
  const low = range.low ? quantityPart(range.low) : undefined;
  const high = range.high ? quantityPart(range.high) : undefined;
  const value = low?.value ?? high?.value;
  if (value === undefined) {
    return undefined;
  }
  const part: QuantityPart = { value, low: low?.low ?? MIN_NUMBER, high: high?.high ?? MAX_NUMBER };
  return withUnit(part, low?.system ?? high?.system, low?.unit ?? high?.unit);
}

/**
 * The quantity values of one value selected by a quantity SearchParameter expression.
 * @param tv - Quantity (or a profile of it), Money or Range; other types yield nothing.
 * @returns zero or one part.
 */
export function quantityParts(tv: TypedValue): QuantityPart[] {
  let part: QuantityPart | undefined;
  if (QUANTITY_TYPES.has(tv.type)) {
    part = quantityPart(tv.value as Quantity);
  } else if (tv.type === 'Money') {
    const m = tv.value as Money;
    part =
      m.value === undefined
        ? undefined
        : quantityPart({ value: m.value, system: 'urn:iso:std:iso:4217', code: m.currency });
  } else if (tv.type === 'Range') {
    part = rangePart(tv.value as Range);
  }
  return part ? [part] : [];
}

/**
 * The number values of one value selected by a number SearchParameter expression.
 * @param tv - decimal/integer (or a Range, as RiskAssessment.probability allows).
 * @returns zero or one part (system/unit unused).
 */
export function numberParts(tv: TypedValue): QuantityPart[] {
  if (typeof tv.value === 'number') {
    const r = parseDecimalRange(tv.value);
    return r ? [{ value: r.value, low: r.low, high: r.high }] : [];
  }
  return tv.type === 'Range' ? quantityParts(tv) : [];
}
