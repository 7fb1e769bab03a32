/**
 * NM (HL7 v2.5.1 2A.3.47: optional sign, digits, optional decimal point; no exponent) → a JSON number.
 */

const NM = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * Parses an NM value.
 * @param raw - the text
 * @returns the number, or undefined when the text is not an NM
 */
export function parseNm(raw: string): number | undefined {
  const t = raw.trim();
  return NM.test(t) ? Number(t) : undefined;
}
