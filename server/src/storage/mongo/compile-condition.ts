/**
 * Condition -> MongoDB filter for one resource type's collection. Every index condition matches a
 * single element of an index array with `$elemMatch` (index-fields.ts), so system and code, or
 * value and unit, always come from the same entry. Semantics follow plan.ts exactly, the same as
 * the SQLite backend; `not`/`missing: true` mean "no entry matches" and so also match resources
 * without any entry of that code. Spec: https://hl7.org/fhir/R4/search.html
 */
import type { Document } from 'mongodb';
import type { IndexKind } from '../../search/index-entries';
import type { CompositePartCondition, Condition, ReferenceCondition } from '../../search/plan';
import { compileRange } from './compile-range';
import { INDEX_FIELD } from './index-fields';
import type { JoinResolver } from './joins';

/** What compiling needs besides the condition. */
export interface CompileContext {
  /** The type whose collection the filter runs on (the reference target of `_has`). */
  readonly resourceType: string;
  /** Runs the inner searches of chains and `_has`. */
  readonly joins: JoinResolver;
}

/** A filter no document matches. */
export const MATCH_NONE: Document = { _id: { $in: [] } };

/**
 * The filter of a search: current, non-deleted resources matching every condition.
 * @param conditions - compiled conditions, ANDed.
 */
export function liveFilter(conditions: readonly Document[]): Document {
  return conditions.length === 0 ? { deleted: false } : { deleted: false, $and: [...conditions] };
}

/**
 * Escapes regular expression syntax so that `value` matches literally.
 * @param value - the text to match.
 */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A case-sensitive anchored prefix regex, which MongoDB turns into index bounds. */
function prefix(value: string): Document {
  return { $regex: `^${escapeRegex(value)}` };
}

/** ANDs entry predicates, as one object when their keys are disjoint. */
function allOf(parts: readonly Document[]): Document {
  const nonEmpty = parts.filter((p) => Object.keys(p).length > 0);
  const keys = nonEmpty.flatMap((p) => Object.keys(p));
  if (new Set(keys).size === keys.length) {
    return Object.assign({}, ...nonEmpty) as Document;
  }
  return { $and: nonEmpty };
}

function elem(kind: IndexKind, match: Document): Document {
  return { [INDEX_FIELD[kind]]: { $elemMatch: match } };
}

/** system/value of a token; `system === ''` is the `|code` form: the entry has no system. */
function tokenMatch(system: string | undefined, value: string | undefined, path = ''): Document {
  const out: Document = {};
  if (value !== undefined) {
    out[`${path}v`] = value;
  }
  if (system !== undefined) {
    out[`${path}s`] = system === '' ? null : system;
  }
  return out;
}

/**
 * The alternative forms of a reference value, ORed: `[type/]id`, or the reference as written.
 * No form at all (no id, no URL) matches nothing.
 */
function referenceForms(
  c: Pick<Extract<ReferenceCondition, { kind: 'reference' }>, 'targetType' | 'targetId' | 'ref'>,
  path = '',
): Document[] {
  const forms: Document[] = [];
  if (c.targetId !== undefined) {
    const typed: Document = c.targetType !== undefined ? { [`${path}tt`]: c.targetType } : {};
    forms.push({ ...typed, [`${path}ti`]: c.targetId });
  }
  if (c.ref !== undefined) {
    forms.push({ [`${path}r`]: c.ref });
  }
  return forms;
}

/** A composite part's predicate on the entry, or undefined when the part can never match. */
function compositePart(part: CompositePartCondition, path: string): Document | undefined {
  switch (part.kind) {
    case 'token':
      return tokenMatch(part.system, part.value, path);
    case 'string':
      return { [`${path}n`]: prefix(part.value) };
    case 'reference': {
      const forms = referenceForms(part, path);
      return forms.length > 1 ? { $or: forms } : forms[0];
    }
    case 'number':
    case 'date':
      return compileRange(part.test, `${path}lo`, `${path}hi`);
    case 'quantity':
      return allOf([compileRange(part.test, `${path}lo`, `${path}hi`), unitMatch(part.system, part.unit, path)]);
  }
}

function unitMatch(system: string | undefined, unit: string | undefined, path = ''): Document {
  const out: Document = {};
  if (system !== undefined) {
    out[`${path}s`] = system;
  }
  if (unit !== undefined) {
    out[`${path}u`] = unit;
  }
  return out;
}

async function compileAll(conditions: readonly Condition[], ctx: CompileContext): Promise<Document[]> {
  const out: Document[] = [];
  // Sequential on purpose: a transaction's session must not run operations in parallel.
  for (const c of conditions) {
    out.push(await compileCondition(c, ctx));
  }
  return out;
}

/**
 * Compiles one condition to a filter on `ctx.resourceType`'s collection.
 * @param c - the condition.
 * @param ctx - the collection's type and the resolver for chains and `_has`.
 */
export async function compileCondition(c: Condition, ctx: CompileContext): Promise<Document> {
  switch (c.kind) {
    case 'string': {
      const match =
        c.match === 'exact'
          ? { e: c.value }
          : { n: c.match === 'startsWith' ? prefix(c.value) : { $regex: escapeRegex(c.value) } };
      return elem('string', { c: c.code, ...match });
    }
    case 'token':
      return elem('token', { c: c.code, ...tokenMatch(c.system, c.value) });
    case 'tokenText':
      return elem('token', { c: c.code, t: prefix(c.text) });
    case 'tokenOfType':
      return elem('token', { c: c.code, v: c.value, it: `${c.typeSystem}|${c.typeCode}` });
    case 'reference': {
      const forms = referenceForms(c);
      if (forms.length === 0) {
        return MATCH_NONE;
      }
      if (forms.length === 1) {
        return elem('reference', { c: c.code, ...forms[0] });
      }
      return { $or: forms.map((f) => elem('reference', { c: c.code, ...f })) };
    }
    case 'referenceIdentifier':
      return elem('reference', {
        c: c.code,
        iv: c.value,
        ...(c.system !== undefined ? { is: c.system === '' ? null : c.system } : {}),
      });
    case 'date':
    case 'number':
      return elem(c.kind, allOf([{ c: c.code }, compileRange(c.test, 'lo', 'hi')]));
    case 'quantity':
      return elem('quantity', allOf([{ c: c.code }, compileRange(c.test, 'lo', 'hi'), unitMatch(c.system, c.unit)]));
    case 'uri':
      return elem('uri', { c: c.code, v: uriMatch(c.match, c.value) });
    case 'composite': {
      const second = compositePart(c.second, 'a.');
      const third = c.third ? compositePart(c.third, 'b.') : {};
      if (!second || !third) {
        return MATCH_NONE;
      }
      return elem('composite', allOf([{ c: c.code, ...tokenMatch(c.system, c.value) }, second, third]));
    }
    case 'missing': {
      const present = elem(c.indexKind, { c: c.code });
      return c.missing ? { $nor: [present] } : present;
    }
    case 'id':
      return c.ids.length === 0 ? MATCH_NONE : { _id: { $in: [...c.ids] } };
    case 'lastUpdated':
      return compileRange(c.test, 'lastUpdatedMs', 'lastUpdatedMs');
    case 'compartment':
      return c.compartments.length === 0 ? MATCH_NONE : { compartments: { $in: [...c.compartments] } };
    case 'none':
      return MATCH_NONE;
    case 'and': {
      const parts = await compileAll(c.conditions, ctx);
      return parts.length === 1 ? (parts[0] as Document) : parts.length === 0 ? {} : { $and: parts };
    }
    case 'or': {
      const parts = await compileAll(c.conditions, ctx);
      return parts.length === 1 ? (parts[0] as Document) : parts.length === 0 ? MATCH_NONE : { $or: parts };
    }
    case 'not':
      return { $nor: [await compileCondition(c.condition, ctx)] };
    case 'chain': {
      const inner = await compileCondition(c.condition, { ...ctx, resourceType: c.targetType });
      const ids = await ctx.joins.matchingIds(c.targetType, liveFilter([inner]));
      return ids.length === 0 ? MATCH_NONE : elem('reference', { c: c.code, tt: c.targetType, ti: { $in: ids } });
    }
    case 'has': {
      const inner = await compileCondition(c.condition, { ...ctx, resourceType: c.sourceType });
      const pointing = elem('reference', { c: c.referenceCode, tt: ctx.resourceType });
      const ids = await ctx.joins.referencedIds(
        c.sourceType,
        liveFilter([inner, pointing]),
        c.referenceCode,
        ctx.resourceType,
      );
      return ids.length === 0 ? MATCH_NONE : { _id: { $in: ids } };
    }
  }
}

/**
 * uri matching, https://hl7.org/fhir/R4/search.html#uri: `below` = the stored value starts with
 * the search value; `above` = the stored value is a prefix of the search value (one of its
 * prefixes, so the index is used).
 */
function uriMatch(match: 'eq' | 'above' | 'below', value: string): unknown {
  switch (match) {
    case 'eq':
      return value;
    case 'below':
      return prefix(value);
    case 'above':
      return { $in: Array.from({ length: value.length }, (_, i) => value.slice(0, i + 1)) };
  }
}
