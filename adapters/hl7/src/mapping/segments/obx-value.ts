/**
 * OBX-2 value type + OBX-5 value (+ OBX-6 units) → Observation.value[x] (V2-to-FHIR IG
 * "Segment OBX to Observation Map" rows OBX-5/OBX-6: NM → valueQuantity, ST/TX/FT → valueString,
 * CE/CWE/CNE/CF → valueCodeableConcept, SN → valueQuantity (comparator) / valueRange / valueRatio /
 * valueString, DT/DTM/TS → valueDateTime, TM → valueTime). ED is not an Observation value here:
 * issue 3 sends it to DiagnosticReport.presentedForm (the map's alternative is an R5 extension).
 * An unknown OBX-2, a missing OBX-2 with a value, or a value that does not parse is an AE (101/102).
 */
import type { Attachment, Observation, Quantity } from '@medplum/fhirtypes';
import { DATA_TYPE_ERROR, REQUIRED_FIELD_MISSING, TABLE_VALUE_NOT_FOUND } from '../../message/error-codes';
import type { Repetition } from '../../message/model';
import type { MappingContext, SegmentAt } from '../context';
import { locate } from '../context';
import { mapCwe } from '../datatypes/cwe';
import { parseDtm, parseTm } from '../datatypes/dtm';
import { mapEd } from '../datatypes/ed';
import { parseNm } from '../datatypes/numeric';
import { parseSn } from '../datatypes/sn';
import { compact, repetitions, text, value } from '../values';
import { readUnits } from './obx-units';
import type { QuantityUnit } from './obx-units';

/** The value fields of an Observation. */
export type ObservationValue = Pick<
  Observation,
  'valueQuantity' | 'valueString' | 'valueCodeableConcept' | 'valueRange' | 'valueRatio' | 'valueDateTime' | 'valueTime'
>;

/** What an OBX carries: an Observation value, or an attachment for the report. */
export type ObxContent =
  | { readonly kind: 'value'; readonly value: ObservationValue }
  | { readonly kind: 'attachment'; readonly attachment: Attachment }
  | { readonly kind: 'none' };

/** The value types this mapper understands (HL7 table 0125). */
export const SUPPORTED_VALUE_TYPES = new Set([
  'NM',
  'SN',
  'ST',
  'TX',
  'FT',
  'CE',
  'CWE',
  'CNE',
  'CF',
  'DT',
  'DTM',
  'TS',
  'TM',
  'ED',
]);

const NONE: ObxContent = { kind: 'none' };

/** ST/TX/FT: every repetition, components re-joined (an unescaped `^` in text is not a component). */
function joinedText(rep: Repetition): string {
  return rep.components.map((c) => c.map((s) => s ?? '').join('&')).join('^');
}

function quantity(n: number, unit: QuantityUnit, comparator?: Quantity['comparator']): Quantity {
  return compact({ value: n, comparator, unit: unit.unit, system: unit.system, code: unit.code });
}

function numeric(ctx: MappingContext, obx: SegmentAt, raw: string): ObxContent {
  const n = parseNm(raw);
  if (n === undefined) {
    ctx.error(DATA_TYPE_ERROR, locate(obx, 5), `OBX-5 '${raw}' is not a number (OBX-2 NM)`);
    return NONE;
  }
  return { kind: 'value', value: { valueQuantity: quantity(n, readUnits(ctx, obx)) } };
}

function structured(ctx: MappingContext, obx: SegmentAt): ObxContent {
  const parts = [1, 2, 3, 4].map((c) => value(obx.segment, 5, c));
  const sn = parseSn(parts);
  if (sn === undefined) {
    ctx.error(DATA_TYPE_ERROR, locate(obx, 5), `OBX-5 '${parts.map((p) => p ?? '').join('^')}' is not a valid SN`);
    return NONE;
  }
  switch (sn.kind) {
    case 'string':
      return { kind: 'value', value: { valueString: [sn.text, value(obx.segment, 6)].filter(Boolean).join(' ') } };
    case 'quantity':
      return { kind: 'value', value: { valueQuantity: quantity(sn.value, readUnits(ctx, obx), sn.comparator) } };
    case 'range': {
      const unit = readUnits(ctx, obx);
      return {
        kind: 'value',
        value: {
          valueRange: {
            ...(sn.low === undefined ? {} : { low: quantity(sn.low, unit) }),
            ...(sn.high === undefined ? {} : { high: quantity(sn.high, unit) }),
          },
        },
      };
    }
    case 'ratio': {
      const unit = readUnits(ctx, obx);
      return {
        kind: 'value',
        value: { valueRatio: { numerator: quantity(sn.numerator, unit), denominator: quantity(sn.denominator, {}) } },
      };
    }
  }
}

function dateTime(ctx: MappingContext, obx: SegmentAt, raw: string, type: string): ObxContent {
  if (type === 'TM') {
    const time = parseTm(raw);
    if (time !== undefined) {
      return { kind: 'value', value: { valueTime: time } };
    }
  } else {
    const parsed = parseDtm(raw, ctx.defaultOffset);
    if (parsed !== undefined) {
      return { kind: 'value', value: { valueDateTime: parsed.dateTime } };
    }
  }
  ctx.error(DATA_TYPE_ERROR, locate(obx, 5), `OBX-5 '${raw}' is not a valid ${type}`);
  return NONE;
}

function encapsulated(ctx: MappingContext, obx: SegmentAt): ObxContent {
  const parts = [1, 2, 3, 4, 5].map((c) => text(obx.segment.value(5, c)));
  const title = value(obx.segment, 3, 2) ?? value(obx.segment, 3, 1);
  const attachment = mapEd(parts, title);
  if (attachment === undefined) {
    ctx.error(DATA_TYPE_ERROR, locate(obx, 5), 'OBX-5 ED data cannot be decoded (ED.4 must be Base64, Hex or A)');
    return NONE;
  }
  return { kind: 'attachment', attachment };
}

function coded(ctx: MappingContext, obx: SegmentAt): ObxContent {
  const mapped = mapCwe(repetitions(obx.segment, 5)[0], ctx.sender);
  for (const system of mapped.unknownSystems) {
    ctx.warn(TABLE_VALUE_NOT_FOUND, locate(obx, 5, 3), `OBX-5 coding system '${system}' is not known`);
  }
  return mapped.concept === undefined ? NONE : { kind: 'value', value: { valueCodeableConcept: mapped.concept } };
}

/**
 * Maps OBX-2/OBX-5/OBX-6.
 * @param ctx - mapping context (errors, warnings)
 * @param obx - the OBX segment
 * @returns the content
 */
export function mapObxValue(ctx: MappingContext, obx: SegmentAt): ObxContent {
  const reps = repetitions(obx.segment, 5);
  const type = value(obx.segment, 2)?.toUpperCase();
  if (reps.length === 0) {
    return NONE;
  }
  if (type === undefined) {
    ctx.error(REQUIRED_FIELD_MISSING, locate(obx, 2), 'OBX-2 value type is required when OBX-5 is valued');
    return NONE;
  }
  if (!SUPPORTED_VALUE_TYPES.has(type)) {
    ctx.error(DATA_TYPE_ERROR, locate(obx, 2), `OBX-2 value type '${type}' is not supported`);
    return NONE;
  }
  const first = value(obx.segment, 5) ?? '';
  switch (type) {
    case 'NM':
      return numeric(ctx, obx, first);
    case 'SN':
      return structured(ctx, obx);
    case 'ST':
    case 'TX':
    case 'FT':
      return { kind: 'value', value: { valueString: reps.map(joinedText).join('\n') } };
    case 'DT':
    case 'DTM':
    case 'TS':
    case 'TM':
      return dateTime(ctx, obx, first, type);
    case 'ED':
      return encapsulated(ctx, obx);
    default:
      return coded(ctx, obx);
  }
}
