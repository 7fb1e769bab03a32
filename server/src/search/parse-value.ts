/**
 * One search parameter (after chain/_has resolution) and its value to a Condition: modifiers
 * checked per type, `,` OR values, `:missing`, `:not`.
 * Spec: https://hl7.org/fhir/R4/search.html#modifiers, https://hl7.org/fhir/R4/search.html#combining
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import { normalizeString } from './normalize';
import { parseCompositeValue } from './parse-composite';
import { parseDateTest } from './parse-date';
import { parseNumberTest, parseQuantityValue } from './parse-quantity';
import { isTypeModifier, parseReferenceIdentifier, parseReferenceValue } from './parse-reference';
import { parseOfType, parseTokenValue } from './parse-token';
import type { Condition, MissingCondition } from './plan';
import { invalidModifier, invalidValue, type ParseContext } from './search-context';
import { splitEscaped, unescapeValue } from './search-escape';
import { referenceTargets } from './param-lookup';

/** Modifiers allowed per parameter type (besides `:missing`, allowed on all). */
const ALLOWED: Record<string, readonly string[]> = {
  string: ['exact', 'contains'],
  token: ['text', 'not', 'of-type'],
  reference: ['identifier'],
  uri: ['above', 'below'],
  date: [],
  number: [],
  quantity: [],
  composite: [],
};

function anyOf(conditions: Condition[]): Condition {
  return conditions.length === 1 ? (conditions[0] as Condition) : { kind: 'or', conditions };
}

function missing(name: string, code: string, type: MissingCondition['indexKind'], value: string): Condition {
  if (value !== 'true' && value !== 'false') {
    throw invalidValue(name, ':missing takes true or false');
  }
  return { kind: 'missing', code, indexKind: type, missing: value === 'true' };
}

function checkModifier(name: string, param: SearchParameter, modifier: string | undefined): void {
  if (modifier === undefined || modifier === 'missing') {
    return;
  }
  if (param.type === 'reference' && isTypeModifier(modifier)) {
    const targets = referenceTargets(param);
    if (targets.length > 0 && !targets.includes(modifier)) {
      throw invalidModifier(name, modifier, `${param.code} cannot refer to a ${modifier}`);
    }
    return;
  }
  if (!(ALLOWED[param.type ?? ''] ?? []).includes(modifier)) {
    throw invalidModifier(name, modifier);
  }
}

function one(
  ctx: ParseContext,
  name: string,
  param: SearchParameter,
  modifier: string | undefined,
  raw: string,
): Condition {
  const code = param.code ?? name;
  switch (param.type) {
    case 'string': {
      const text = unescapeValue(raw);
      if (modifier === 'exact') {
        return { kind: 'string', code, match: 'exact', value: text };
      }
      return {
        kind: 'string',
        code,
        match: modifier === 'contains' ? 'contains' : 'startsWith',
        value: normalizeString(text),
      };
    }
    case 'token':
      if (modifier === 'text') {
        return { kind: 'tokenText', code, text: normalizeString(unescapeValue(raw)) };
      }
      return modifier === 'of-type'
        ? parseOfType(name, code, raw)
        : { kind: 'token', code, ...parseTokenValue(name, raw) };
    case 'reference':
      return modifier === 'identifier'
        ? parseReferenceIdentifier(name, code, raw)
        : parseReferenceValue(ctx, name, code, raw, modifier);
    case 'date':
      return { kind: 'date', code, test: parseDateTest(name, raw, ctx.now) };
    case 'number':
      return { kind: 'number', code, test: parseNumberTest(name, raw) };
    case 'quantity':
      return { kind: 'quantity', code, ...parseQuantityValue(name, raw) };
    case 'uri':
      return {
        kind: 'uri',
        code,
        match: modifier === 'above' || modifier === 'below' ? modifier : 'eq',
        value: unescapeValue(raw),
      };
    case 'composite':
      return parseCompositeValue(ctx, name, param, raw);
    case 'special':
    case undefined:
      throw invalidValue(name, `parameters of type ${param.type} are not supported`);
  }
}

/**
 * Parses a parameter's value (all its OR values) into one condition.
 * @param ctx - the parse context.
 * @param name - the parameter name as sent (for errors).
 * @param param - the SearchParameter.
 * @param modifier - the modifier, if any.
 * @param value - the raw value.
 * @returns the condition, or undefined when the value is empty (the parameter is ignored).
 */
export function parseParamValue(
  ctx: ParseContext,
  name: string,
  param: SearchParameter,
  modifier: string | undefined,
  value: string,
): Condition | undefined {
  checkModifier(name, param, modifier);
  if (modifier === 'missing') {
    return missing(name, param.code ?? name, param.type as MissingCondition['indexKind'], value);
  }
  const values = splitEscaped(value, ',').filter((v) => v.length > 0);
  if (values.length === 0) {
    return undefined;
  }
  const conditions = values.map((v) => one(ctx, name, param, modifier, v));
  // `:not` = the resource has no matching value (https://hl7.org/fhir/R4/search.html#token).
  return modifier === 'not' ? { kind: 'not', condition: anyOf(conditions) } : anyOf(conditions);
}
