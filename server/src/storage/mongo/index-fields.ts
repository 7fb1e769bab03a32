/**
 * Search index entries as stored in a MongoDB document: one array per index kind, each element
 * one entry with short field names (DESIGN.md, "MongoDB keeps them in an array field per type
 * with multikey indexes"). Searches match one element with `$elemMatch`, so every field of a
 * match comes from the same entry (https://www.mongodb.com/docs/manual/reference/operator/query/elemMatch/).
 *
 * Infinite bounds (open date ranges) are clamped to +/-Number.MAX_VALUE: comparisons against any
 * finite value are unchanged, and sort values stay representable in JSON paging cursors.
 */
import type { CompositeValue, IndexEntry, IndexKind } from '../../search/index-entries';

/** token: c = code, s = system, v = value, t = normalized text, it = identifier types (`system|code`). */
export interface TokenField {
  c: string;
  s?: string;
  v?: string;
  t?: string;
  it?: string[];
}

/** string: n = normalized text, e = exact text. */
export interface StringField {
  c: string;
  n: string;
  e: string;
}

/** reference: tt/ti = target type/id, r = reference as written, is/iv = identifier system/value. */
export interface ReferenceField {
  c: string;
  tt?: string;
  ti?: string;
  r?: string;
  is?: string;
  iv?: string;
}

/** date / number / quantity: inclusive [lo, hi]; v = value; s/u = quantity system/unit. */
export interface RangeField {
  c: string;
  lo: number;
  hi: number;
  v?: number;
  s?: string;
  u?: string;
}

/** uri: v = value. */
export interface UriField {
  c: string;
  v: string;
}

/** A composite part (the non-token component), with the field names of its kind's entries. */
export interface CompositePartField {
  s?: string;
  v?: string;
  n?: string;
  e?: string;
  tt?: string;
  ti?: string;
  r?: string;
  lo?: number;
  hi?: number;
  u?: string;
}

/** composite: s/v = first (token) part; a = second part, b = third part. */
export interface CompositeField {
  c: string;
  s?: string;
  v?: string;
  a: CompositePartField;
  b?: CompositePartField;
}

/** All index arrays of one stored resource. */
export interface IndexFields {
  tok: TokenField[];
  str: StringField[];
  ref: ReferenceField[];
  dt: RangeField[];
  num: RangeField[];
  qty: RangeField[];
  uri: UriField[];
  cmp: CompositeField[];
}

/** The document field holding entries of each index kind. */
export const INDEX_FIELD: Readonly<Record<IndexKind, keyof IndexFields>> = {
  token: 'tok',
  string: 'str',
  reference: 'ref',
  date: 'dt',
  number: 'num',
  quantity: 'qty',
  uri: 'uri',
  composite: 'cmp',
};

/**
 * Clamps an infinite bound to the largest finite double of the same sign.
 * @param n - a stored or searched bound.
 */
export function finite(n: number): number {
  if (n === Infinity) {
    return Number.MAX_VALUE;
  }
  return n === -Infinity ? -Number.MAX_VALUE : n;
}

/** Copies the defined values of `fields` (MongoDB would store `undefined` as null). */
function defined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

function compositePart(part: CompositeValue): CompositePartField {
  switch (part.kind) {
    case 'token':
      return defined({ s: part.system, v: part.value });
    case 'string':
      return { n: part.norm, e: part.exact };
    case 'reference':
      return defined({ tt: part.targetType, ti: part.targetId, r: part.ref });
    case 'number':
    case 'date':
      return { lo: finite(part.low), hi: finite(part.high) };
    case 'quantity':
      return defined({ lo: finite(part.low), hi: finite(part.high), s: part.system, u: part.unit });
  }
}

/**
 * Turns typed index entries into the per-kind arrays stored on the current-version document.
 * @param index - the entries extracted at write time.
 */
export function toIndexFields(index: readonly IndexEntry[]): IndexFields {
  const out: IndexFields = { tok: [], str: [], ref: [], dt: [], num: [], qty: [], uri: [], cmp: [] };
  for (const e of index) {
    switch (e.kind) {
      case 'token':
        out.tok.push(defined({ c: e.code, s: e.system, v: e.value, t: e.text, it: e.identifierTypes?.slice() }));
        break;
      case 'string':
        out.str.push({ c: e.code, n: e.norm, e: e.exact });
        break;
      case 'reference':
        out.ref.push(
          defined({
            c: e.code,
            tt: e.targetType,
            ti: e.targetId,
            r: e.ref,
            is: e.identifierSystem,
            iv: e.identifierValue,
          }),
        );
        break;
      case 'date':
        out.dt.push({ c: e.code, lo: finite(e.low), hi: finite(e.high) });
        break;
      case 'number':
        out.num.push({ c: e.code, lo: finite(e.low), hi: finite(e.high), v: e.value });
        break;
      case 'quantity':
        out.qty.push(defined({ c: e.code, lo: finite(e.low), hi: finite(e.high), v: e.value, s: e.system, u: e.unit }));
        break;
      case 'uri':
        out.uri.push({ c: e.code, v: e.value });
        break;
      case 'composite':
        out.cmp.push(
          defined({
            c: e.code,
            s: e.system,
            v: e.value,
            a: compositePart(e.second),
            b: e.third ? compositePart(e.third) : undefined,
          }),
        );
        break;
    }
  }
  return out;
}
