/**
 * How index values that do not map one-to-one onto columns are stored, shared by the index
 * writer and the condition compiler so both sides agree.
 */
import type { CompositeValue } from '../../search/index-entries';
import { toDbNumber, type SqlValue } from './sql';

/** Separator around each Identifier.type coding in token.types. */
export const TYPE_SEPARATOR = '\u001f';

/**
 * Encodes Identifier.type codings (`system|code`) as one column searched with `instr`.
 * @param types - the codings, or undefined.
 */
export function encodeIdentifierTypes(types: readonly string[] | undefined): string | null {
  if (types === undefined || types.length === 0) {
    return null;
  }
  return TYPE_SEPARATOR + types.join(TYPE_SEPARATOR) + TYPE_SEPARATOR;
}

/**
 * The needle matching one Identifier.type coding in an encoded types column.
 * @param system - the type coding system.
 * @param code - the type coding code.
 */
export function identifierTypeNeedle(system: string, code: string): string {
  return `${TYPE_SEPARATOR}${system}|${code}${TYPE_SEPARATOR}`;
}

/**
 * The generic columns of a composite part (`p2_` or `p3_` prefixed): per part kind
 * - token: a = system, b = value
 * - string: a = norm, b = exact
 * - reference: a = targetType, b = targetId, c = ref
 * - number/date: low, high
 * - quantity: low, high, a = system, b = unit
 */
export const COMPOSITE_PART_COLUMNS = ['a', 'b', 'c', 'low', 'high'] as const;

/**
 * Encodes a composite part into its five generic column values (all null when absent).
 * @param part - the part, or undefined.
 */
export function encodeCompositePart(part: CompositeValue | undefined): SqlValue[] {
  if (part === undefined) {
    return [null, null, null, null, null];
  }
  switch (part.kind) {
    case 'token':
      return [part.system ?? null, part.value ?? null, null, null, null];
    case 'string':
      return [part.norm, part.exact, null, null, null];
    case 'reference':
      return [part.targetType ?? null, part.targetId ?? null, part.ref ?? null, null, null];
    case 'number':
    case 'date':
      return [null, null, null, toDbNumber(part.low), toDbNumber(part.high)];
    case 'quantity':
      return [part.system ?? null, part.unit ?? null, null, toDbNumber(part.low), toDbNumber(part.high)];
  }
}
