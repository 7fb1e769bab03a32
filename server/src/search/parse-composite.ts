/**
 * Composite search values: parts separated by `$`, the first a token, the others typed by the
 * component's SearchParameter. Spec: https://hl7.org/fhir/R4/search.html#composite
 * (e.g. `code-value-quantity=http://loinc.org|8480-6$gt120`).
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import { componentKinds, type ComponentKind } from './compiled-params';
import { normalizeString } from './normalize';
import { parseDateTest } from './parse-date';
import { parseNumberTest, parseQuantityValue } from './parse-quantity';
import { parseReferenceValue } from './parse-reference';
import { parseTokenValue } from './parse-token';
import type { CompositeCondition, CompositePartCondition } from './plan';
import { invalidValue, type ParseContext } from './search-context';
import { splitEscaped, unescapeValue } from './search-escape';

function partCondition(
  ctx: ParseContext,
  name: string,
  code: string,
  kind: ComponentKind,
  raw: string,
): CompositePartCondition {
  switch (kind) {
    case 'token':
      return { kind, ...parseTokenValue(name, raw) };
    case 'uri':
      return { kind: 'token', value: unescapeValue(raw) };
    case 'string':
      return { kind, value: normalizeString(unescapeValue(raw)) };
    case 'reference': {
      const r = parseReferenceValue(ctx, name, code, raw);
      if (r.kind !== 'reference') {
        throw invalidValue(name, `'${raw}' is not a reference`);
      }
      return {
        kind,
        ...(r.targetType !== undefined && { targetType: r.targetType }),
        ...(r.targetId !== undefined && { targetId: r.targetId }),
        ...(r.ref !== undefined && { ref: r.ref }),
      };
    }
    case 'number':
      return { kind, test: parseNumberTest(name, raw) };
    case 'date':
      return { kind, test: parseDateTest(name, raw, ctx.now) };
    case 'quantity':
      return { kind, ...parseQuantityValue(name, raw) };
  }
}

/**
 * Parses one composite search value.
 * @param ctx - the parse context.
 * @param name - the parameter name (for errors).
 * @param param - the composite SearchParameter.
 * @param raw - the value (escapes intact).
 * @returns the composite condition.
 */
export function parseCompositeValue(
  ctx: ParseContext,
  name: string,
  param: SearchParameter,
  raw: string,
): CompositeCondition {
  const code = param.code ?? name;
  const kinds = componentKinds(param);
  const parts = splitEscaped(raw, '$');
  if (kinds === undefined) {
    throw invalidValue(name, 'this composite parameter cannot be searched');
  }
  if (parts.length !== kinds.length) {
    throw invalidValue(name, `expected ${kinds.length} '$'-separated parts, got ${parts.length}`);
  }
  const first = parseTokenValue(name, parts[0] ?? '');
  const second = partCondition(ctx, name, code, kinds[1] as ComponentKind, parts[1] ?? '');
  const third = kinds[2] ? partCondition(ctx, name, code, kinds[2], parts[2] ?? '') : undefined;
  return { kind: 'composite', code, ...first, second, ...(third !== undefined && { third }) };
}
