/**
 * OBX-6 units → the unit part of a Quantity (V2-to-FHIR IG "Segment OBX to Observation Map" row
 * OBX-6 with "Datatype CWE[Quantity]"). A unit that does not map to UCUM keeps its text in
 * Quantity.unit and is reported as a warning (ERR severity W, table 0357 code 103).
 */
import type { Quantity } from '@medplum/fhirtypes';
import { TABLE_VALUE_NOT_FOUND } from '../../message/error-codes';
import type { MappingContext, SegmentAt } from '../context';
import { locate } from '../context';
import { UCUM, ucumCode } from '../tables/ucum-units';
import { value } from '../values';

/** The unit fields of a Quantity. */
export type QuantityUnit = Pick<Quantity, 'unit' | 'system' | 'code'>;

/**
 * Reads OBX-6.
 * @param ctx - mapping context (warnings)
 * @param obx - the OBX segment
 * @returns the unit fields (empty when OBX-6 is empty)
 */
export function readUnits(ctx: MappingContext, obx: SegmentAt): QuantityUnit {
  const code = value(obx.segment, 6, 1);
  const label = value(obx.segment, 6, 2);
  if (code === undefined) {
    return label === undefined ? {} : { unit: label };
  }
  const ucum = ucumCode(code, value(obx.segment, 6, 3));
  if (ucum === undefined) {
    ctx.warn(TABLE_VALUE_NOT_FOUND, locate(obx, 6), `OBX-6 unit '${code}' does not map to UCUM; kept as text`);
    return { unit: label ?? code };
  }
  return { unit: label ?? code, system: UCUM, code: ucum };
}
