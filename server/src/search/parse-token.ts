/**
 * Token search values. Spec: https://hl7.org/fhir/R4/search.html#token --
 * `code` (any system), `system|code`, `|code` (no system), `system|` (any code in the system);
 * `:of-type` takes `typeSystem|typeCode|value`.
 */
import type { TokenCondition } from './plan';
import { invalidValue } from './search-context';
import { splitEscaped, unescapeValue } from './search-escape';

/** A token value: `system` undefined = any, `''` = none; `value` undefined = any code. */
export interface TokenValue {
  readonly system?: string;
  readonly value?: string;
}

/**
 * Parses `[system|]code`.
 * @param name - the parameter name (for errors).
 * @param raw - the value (escapes intact).
 * @returns the system/value pair.
 */
export function parseTokenValue(name: string, raw: string): TokenValue {
  const parts = splitEscaped(raw, '|');
  if (parts.length > 2) {
    throw invalidValue(name, `'${raw}' has more than one unescaped '|'`);
  }
  if (parts.length === 1) {
    return { value: unescapeValue(raw) };
  }
  const system = unescapeValue(parts[0] ?? '');
  const value = unescapeValue(parts[1] ?? '');
  if (system === '' && value === '') {
    throw invalidValue(name, `'${raw}' has neither a system nor a code`);
  }
  return { system, ...(value !== '' && { value }) };
}

/**
 * Parses an `:of-type` value into a condition.
 * @param name - the parameter name (for errors).
 * @param code - the parameter code.
 * @param raw - `typeSystem|typeCode|value`.
 * @returns the tokenOfType condition.
 */
export function parseOfType(name: string, code: string, raw: string): TokenCondition {
  const parts = splitEscaped(raw, '|').map(unescapeValue);
  const [typeSystem, typeCode, value] = parts;
  if (parts.length !== 3 || !typeCode || !value || typeSystem === undefined) {
    throw invalidValue(name, `'${raw}' is not typeSystem|typeCode|value`);
  }
  return { kind: 'tokenOfType', code, typeSystem, typeCode, value };
}
