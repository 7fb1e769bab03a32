/**
 * Reference search values. Spec: https://hl7.org/fhir/R4/search.html#reference --
 * `id` (any type, or the `:[type]` modifier's), `Type/id` (a version suffix is ignored), an
 * absolute URL (matched as written, or as relative when it is on our own base), and
 * `:identifier` with `[system|]value`.
 */
import { isKnownResourceType } from '../definitions/fhir-definitions';
import type { ReferenceCondition } from './plan';
import { parseReferenceString } from './reference-string';
import type { ParseContext } from './search-context';
import { invalidValue } from './search-context';
import { unescapeValue } from './search-escape';
import { parseTokenValue } from './parse-token';

/**
 * Parses one reference search value.
 * @param ctx - the parse context (base URL).
 * @param name - the parameter name (for errors).
 * @param code - the parameter code.
 * @param raw - the value (escapes intact).
 * @param typeModifier - the `:[type]` modifier, if any.
 * @returns the reference condition.
 */
export function parseReferenceValue(
  ctx: ParseContext,
  name: string,
  code: string,
  raw: string,
  typeModifier?: string,
): ReferenceCondition {
  let v = unescapeValue(raw);
  const base = ctx.baseUrl?.replace(/\/+$/, '');
  if (base && v.startsWith(`${base}/`)) {
    v = v.slice(base.length + 1);
  }
  if (!v.includes('/') && !v.includes(':')) {
    return { kind: 'reference', code, targetId: v, ...(typeModifier !== undefined && { targetType: typeModifier }) };
  }
  const parsed = parseReferenceString(v);
  if (parsed === undefined) {
    throw invalidValue(name, `'${raw}' is not a searchable reference`);
  }
  if (parsed.ref !== undefined) {
    return { kind: 'reference', code, ref: parsed.ref };
  }
  if (typeModifier !== undefined && parsed.targetType !== typeModifier) {
    throw invalidValue(name, `'${raw}' does not refer to a ${typeModifier}`);
  }
  return { kind: 'reference', code, targetType: parsed.targetType, targetId: parsed.targetId };
}

/**
 * Parses a `:identifier` value (`[system|]value`).
 * @param name - the parameter name (for errors).
 * @param code - the parameter code.
 * @param raw - the value.
 * @returns the referenceIdentifier condition.
 */
export function parseReferenceIdentifier(name: string, code: string, raw: string): ReferenceCondition {
  const t = parseTokenValue(name, raw);
  if (t.value === undefined) {
    throw invalidValue(name, `'${raw}' has no identifier value`);
  }
  return { kind: 'referenceIdentifier', code, value: t.value, ...(t.system && { system: t.system }) };
}

/**
 * Whether a modifier is a resource type (the `:[type]` reference modifier).
 * @param modifier - the modifier.
 * @returns true for a known resource type.
 */
export function isTypeModifier(modifier: string): boolean {
  return /^[A-Z]/.test(modifier) && isKnownResourceType(modifier);
}
