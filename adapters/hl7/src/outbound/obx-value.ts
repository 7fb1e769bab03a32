/**
 * Observation.value[x] -> OBX-2 value type, OBX-5 value and OBX-6 units (HL7 v2.5.1 chapter 7,
 * 7.4.2 OBX; value types table 0125), the V2-to-FHIR IG "Segment OBX[Observation]" map read
 * backwards:
 * - Quantity -> NM with OBX-6 units as CWE (UCUM when the quantity's system is UCUM); a Quantity
 *   with a comparator -> SN `<comparator>^<number>`;
 * - Range -> SN `^low^-^high`; Ratio -> SN `^numerator^:^denominator` (2A.3.70 SN);
 * - string -> ST (FT when it holds line breaks, which ST may not carry); CodeableConcept -> CWE;
 * - dateTime -> DTM; time -> TM; integer -> NM; boolean -> CWE Y/N from HL7 table 0136.
 */
import type { Observation, Quantity } from '@medplum/fhirtypes';
import type { ComponentInput, FieldInput } from '../message/serialize';
import { codingSystemName, toCwe, toDtm } from './fhir-to-v2';

/** OBX-2, OBX-5, OBX-6 of one Observation. */
export interface ObxValue {
  readonly valueType?: string;
  readonly value?: FieldInput;
  readonly units?: ComponentInput[];
}

/** Quantity units -> CWE: code ^ unit text ^ coding system. */
function units(q: Quantity | undefined): ComponentInput[] | undefined {
  if (q?.code === undefined && q?.unit === undefined) {
    return undefined;
  }
  return [q.code ?? q.unit, q.unit ?? q.code, q.code === undefined ? undefined : codingSystemName(q.system)];
}

/** A number as HL7 NM text. */
function nm(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/**
 * Maps an Observation's value.
 * @param observation - the Observation.
 * @returns the value type, value and units (all undefined when the Observation has no value).
 */
export function toObxValue(observation: Observation): ObxValue {
  const o = observation;
  if (o.valueQuantity !== undefined) {
    const q = o.valueQuantity;
    if (q.comparator !== undefined) {
      return { valueType: 'SN', value: [q.comparator, nm(q.value)], units: units(q) };
    }
    return { valueType: 'NM', value: nm(q.value), units: units(q) };
  }
  if (o.valueRange !== undefined) {
    const { low, high } = o.valueRange;
    return { valueType: 'SN', value: [undefined, nm(low?.value), '-', nm(high?.value)], units: units(low ?? high) };
  }
  if (o.valueRatio !== undefined) {
    const { numerator, denominator } = o.valueRatio;
    return {
      valueType: 'SN',
      value: [undefined, nm(numerator?.value), ':', nm(denominator?.value)],
      units: units(numerator),
    };
  }
  if (o.valueString !== undefined) {
    return { valueType: /[\r\n]/.test(o.valueString) ? 'FT' : 'ST', value: o.valueString };
  }
  if (o.valueCodeableConcept !== undefined) {
    return { valueType: 'CWE', value: toCwe(o.valueCodeableConcept) };
  }
  if (o.valueDateTime !== undefined) {
    return { valueType: 'DTM', value: toDtm(o.valueDateTime) };
  }
  if (o.valueTime !== undefined) {
    return { valueType: 'TM', value: o.valueTime.replace(/:/g, '') };
  }
  if (o.valueInteger !== undefined) {
    return { valueType: 'NM', value: String(o.valueInteger) };
  }
  if (o.valueBoolean !== undefined) {
    return { valueType: 'CWE', value: [o.valueBoolean ? 'Y' : 'N', o.valueBoolean ? 'Yes' : 'No', 'HL70136'] };
  }
  return {};
}
