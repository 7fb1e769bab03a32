/**
 * OBX-7 references range → Observation.referenceRange (V2-to-FHIR IG "Segment OBX to Observation
 * Map" row OBX-7: referenceRange.text, "if OBX-7 is sufficiently parseable, then the low, high ...
 * may be used"). Parsed forms: `low-high`, `<high`, `<=high`, `>low`, `>=low`; the units are OBX-6's.
 */
import type { ObservationReferenceRange } from '@medplum/fhirtypes';
import type { QuantityUnit } from './obx-units';

const NUMBER = '([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))';
const BETWEEN = new RegExp(`^${NUMBER}\\s*-\\s*${NUMBER}$`);
const BOUND = new RegExp(`^([<>]=?)\\s*${NUMBER}$`);

/**
 * Maps an OBX-7 text.
 * @param range - the text
 * @param unit - the units of OBX-6 (empty when none)
 * @returns the reference range (always with text)
 */
export function mapReferenceRange(range: string, unit: QuantityUnit): ObservationReferenceRange {
  const between = BETWEEN.exec(range);
  if (between !== null) {
    return {
      low: { value: Number(between[1]), ...unit },
      high: { value: Number(between[2]), ...unit },
      text: range,
    };
  }
  const bound = BOUND.exec(range);
  if (bound !== null) {
    const quantity = { value: Number(bound[2]), ...unit };
    return bound[1]?.startsWith('<') ? { high: quantity, text: range } : { low: quantity, text: range };
  }
  return { text: range };
}
