/**
 * `_include` / `_revinclude` values: `Type:param`, `Type:param:Target`, `Type:*`, `*`, with the
 * `:iterate` modifier (`:recurse` is the R3 spelling, accepted).
 * Spec: https://hl7.org/fhir/R4/search.html#include
 */
import { isKnownResourceType } from '../definitions/fhir-definitions';
import { lookupParam } from './param-lookup';
import { invalidModifier, invalidValue, unknownParameter, type ParseContext } from './search-context';

/** One parsed `_include`/`_revinclude`. */
export interface IncludeSpec {
  /** The type holding the reference (`*` for `_include=*` on a multi-type search). */
  readonly sourceType: string;
  /** The reference parameter code (`*` for wildcards). */
  readonly code: string;
  readonly targetType?: string;
  readonly iterate: boolean;
  readonly wildcard?: boolean;
}

/**
 * Parses one `_include`/`_revinclude` parameter.
 * @param ctx - the parse context.
 * @param types - the searched types: `*` on a single-type search means all references of that type.
 * @param name - `_include`, `_include:iterate`...
 * @param value - the value.
 * @returns the spec, or undefined when it names an unknown parameter (warned).
 */
export function parseInclude(
  ctx: ParseContext,
  types: readonly string[],
  name: string,
  value: string,
): IncludeSpec | undefined {
  const modifier = name.split(':')[1];
  if (modifier !== undefined && modifier !== 'iterate' && modifier !== 'recurse') {
    throw invalidModifier(name, modifier);
  }
  const iterate = modifier !== undefined;
  if (value === '*') {
    return { sourceType: types.length === 1 ? (types[0] as string) : '*', code: '*', iterate, wildcard: true };
  }
  const [sourceType = '', code = '', targetType, ...extra] = value.split(':');
  if (!isKnownResourceType(sourceType) || code === '' || extra.length > 0) {
    throw invalidValue(name, `'${value}' is not Type:parameter[:targetType]`);
  }
  if (targetType !== undefined && !isKnownResourceType(targetType)) {
    throw invalidValue(name, `'${targetType}' is not a resource type`);
  }
  if (code === '*') {
    return { sourceType, code, iterate, wildcard: true };
  }
  const param = lookupParam([sourceType], code);
  if (param?.type !== 'reference') {
    unknownParameter(ctx, name, `${sourceType} has no reference search parameter ${code}`);
    return undefined;
  }
  return { sourceType, code, iterate, ...(targetType !== undefined && { targetType }) };
}
