/**
 * Chained (`subject:Patient.name=x`, `subject.organization.name=x`) and reverse-chained
 * (`_has:Observation:patient:code=x`) parameters. The rest of the name is parsed recursively in
 * the context of the target (or source) type, so chains and `_has` nest.
 * Spec: https://hl7.org/fhir/R4/search.html#chaining, https://hl7.org/fhir/R4/search.html#has
 */
import { isKnownResourceType } from '../definitions/fhir-definitions';
import { lookupParam, referenceTargets } from './param-lookup';
import type { Condition } from './plan';
import { invalidModifier, invalidValue, unknownParameter, type ParseContext } from './search-context';

/** Parses a parameter name and value for the given types (parse-parameter.ts's entry point). */
export type ParameterParser = (
  ctx: ParseContext,
  types: readonly string[],
  name: string,
  value: string,
) => Condition | undefined;

/**
 * Parses a chained parameter.
 * @param ctx - the parse context.
 * @param types - the searched types.
 * @param name - the whole parameter name (for errors).
 * @param head - the part before the first `.` (`subject` or `subject:Patient`).
 * @param rest - the part after it, parsed on the target type.
 * @param value - the raw value.
 * @param parse - the parameter parser, for the rest.
 * @returns the chain condition, or undefined when an unknown parameter was ignored.
 */
export function parseChain(
  ctx: ParseContext,
  types: readonly string[],
  name: string,
  head: string,
  rest: string,
  value: string,
  parse: ParameterParser,
): Condition | undefined {
  const [code = '', modifier] = head.split(':', 2);
  const param = lookupParam(types, code);
  if (param?.type !== 'reference') {
    unknownParameter(ctx, name, `Cannot chain on ${code}: not a reference search parameter`);
    return undefined;
  }
  const targets = referenceTargets(param);
  let targetType: string;
  if (modifier !== undefined) {
    if (!isKnownResourceType(modifier) || (targets.length > 0 && !targets.includes(modifier))) {
      throw invalidModifier(name, modifier, `${code} cannot refer to a ${modifier}`);
    }
    targetType = modifier;
  } else if (targets.length === 1) {
    targetType = targets[0] as string;
  } else {
    throw invalidModifier(
      name,
      code,
      `${code} can refer to several types (${targets.join(', ')}); name one, as in ${code}:${targets[0] ?? 'Patient'}.${rest}`,
    );
  }
  const condition = parse(ctx, [targetType], rest, value);
  return condition === undefined ? undefined : { kind: 'chain', code, targetType, condition };
}

/**
 * Parses a `_has:Type:reference:rest` parameter.
 * @param ctx - the parse context.
 * @param types - the searched types (the referenced ones).
 * @param name - the whole parameter name.
 * @param value - the raw value.
 * @param parse - the parameter parser, for the rest.
 * @returns the has condition, or undefined when an unknown parameter was ignored.
 */
export function parseHas(
  ctx: ParseContext,
  types: readonly string[],
  name: string,
  value: string,
  parse: ParameterParser,
): Condition | undefined {
  const [, sourceType = '', referenceCode = '', ...restParts] = name.split(':');
  const rest = restParts.join(':');
  if (!isKnownResourceType(sourceType) || referenceCode === '' || rest === '') {
    throw invalidValue(name, '_has takes the form _has:Type:reference:parameter');
  }
  const param = lookupParam([sourceType], referenceCode);
  if (param?.type !== 'reference') {
    unknownParameter(ctx, name, `${sourceType} has no reference search parameter ${referenceCode}`);
    return undefined;
  }
  const targets = referenceTargets(param);
  if (targets.length > 0 && !types.some((t) => targets.includes(t))) {
    throw invalidValue(name, `${sourceType}.${referenceCode} cannot refer to ${types.join(', ')}`);
  }
  const condition = parse(ctx, [sourceType], rest, value);
  return condition === undefined ? undefined : { kind: 'has', sourceType, referenceCode, condition };
}
