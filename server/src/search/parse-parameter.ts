/**
 * A search parameter name (`code[:modifier]`, a chain, or `_has`) and value to a Condition.
 * `_id` and `_lastUpdated` become their own conditions (they are columns, not index entries).
 * Spec: https://hl7.org/fhir/R4/search.html#all
 */
import { parseParamValue } from './parse-value';
import { parseChain, parseHas } from './parse-chain';
import { parseDateTest } from './parse-date';
import { lookupParam } from './param-lookup';
import type { Condition } from './plan';
import { invalidModifier, unknownParameter, type ParseContext } from './search-context';
import { splitEscaped, unescapeValue } from './search-escape';

function anyOf(conditions: Condition[]): Condition {
  return conditions.length === 1 ? (conditions[0] as Condition) : { kind: 'or', conditions };
}

function parseId(name: string, modifier: string | undefined, value: string): Condition | undefined {
  if (modifier !== undefined && modifier !== 'not') {
    throw invalidModifier(name, modifier);
  }
  const ids = splitEscaped(value, ',')
    .map(unescapeValue)
    .filter((v) => v.length > 0);
  if (ids.length === 0) {
    return undefined;
  }
  const condition: Condition = { kind: 'id', ids };
  return modifier === 'not' ? { kind: 'not', condition } : condition;
}

function parseLastUpdated(
  ctx: ParseContext,
  name: string,
  modifier: string | undefined,
  value: string,
): Condition | undefined {
  if (modifier !== undefined) {
    throw invalidModifier(name, modifier);
  }
  const values = splitEscaped(value, ',').filter((v) => v.length > 0);
  if (values.length === 0) {
    return undefined;
  }
  return anyOf(values.map((v) => ({ kind: 'lastUpdated', test: parseDateTest(name, v, ctx.now) })));
}

/**
 * Parses one search parameter for the given resource types.
 * @param ctx - the parse context (warnings are collected there).
 * @param types - the searched types; a parameter must be defined on all of them.
 * @param name - the parameter name as sent (`code`, `code:modifier`, `ref:Type.code`, `_has:...`).
 * @param value - the raw value.
 * @returns the condition, or undefined when the parameter is ignored (unknown, or empty value).
 */
export function parseParameter(
  ctx: ParseContext,
  types: readonly string[],
  name: string,
  value: string,
): Condition | undefined {
  if (name.startsWith('_has:')) {
    return parseHas(ctx, types, name, value, parseParameter);
  }
  const dot = name.indexOf('.');
  if (dot > 0) {
    return parseChain(ctx, types, name, name.slice(0, dot), name.slice(dot + 1), value, parseParameter);
  }
  const colon = name.indexOf(':');
  const code = colon < 0 ? name : name.slice(0, colon);
  const modifier = colon < 0 ? undefined : name.slice(colon + 1);
  if (code === '_id') {
    return parseId(name, modifier, value);
  }
  if (code === '_lastUpdated') {
    return parseLastUpdated(ctx, name, modifier, value);
  }
  const param = lookupParam(types, code);
  if (param === undefined) {
    unknownParameter(ctx, name);
    return undefined;
  }
  return parseParamValue(ctx, name, param, modifier, value);
}
