/**
 * Compiles plan Conditions (search/plan.ts) into SQL over a type's current table (alias `r`)
 * and its index tables. Conditions answerable from one index table ("index predicates") can be
 * compiled either as a JOIN (compile-select.ts, at the top level, so SQLite drives the query from
 * the most selective index and probes the others) or as `r.rid IN (SELECT rid FROM idx WHERE ...)`
 * (inside OR/NOT). Everything else compiles to a boolean filter on `r`.
 * Spec: https://hl7.org/fhir/R4/search.html (one section per parameter type, cited below).
 */
import { normalizeString } from '../../search/normalize';
import type {
  CompositeCondition,
  CompositePartCondition,
  Condition,
  ReferenceCondition,
  StringCondition,
  TokenCondition,
  UriCondition,
} from '../../search/plan';
import type { CompileContext } from './compile-context';
import { compileRange } from './compile-range';
import { identifierTypeNeedle } from './encoding';
import { indexTable, type IndexTableKind } from './schema';
import { andSql, FALSE, orSql, placeholders, prefixUpperBound, sql, TRUE, type Sql } from './sql';

/** Maps a column name of an index table to its qualified SQL expression. */
export type Columns = (name: string) => string;

/** A condition answerable from one index table of the resource's type. */
export interface IndexPredicate {
  readonly kind: IndexTableKind;
  /** The predicate over that table's columns. */
  readonly build: (col: Columns) => Sql;
}

/** https://hl7.org/fhir/R4/search.html#string -- default is starts-with on the normalized text. */
function stringPredicate(c: StringCondition, col: Columns): Sql {
  switch (c.match) {
    case 'startsWith':
      return sql(
        `${col('code')} = ? AND ${col('norm')} >= ? AND ${col('norm')} < ?`,
        c.code,
        c.value,
        prefixUpperBound(c.value),
      );
    case 'exact':
      return sql(
        `${col('code')} = ? AND ${col('norm')} = ? AND ${col('exact')} = ?`,
        c.code,
        normalizeString(c.value),
        c.value,
      );
    case 'contains':
      return sql(`${col('code')} = ? AND instr(${col('norm')}, ?) > 0`, c.code, c.value);
  }
}

/** `system` undefined = any system, '' = no system (`|code`), else that system. */
function systemPredicate(system: string | undefined, column: string): Sql {
  if (system === undefined) {
    return TRUE;
  }
  return system === '' ? sql(`${column} IS NULL`) : sql(`${column} = ?`, system);
}

/** https://hl7.org/fhir/R4/search.html#token (`code`, `system|code`, `|code`, `system|`, :text, :of-type). */
function tokenPredicate(c: TokenCondition, col: Columns): Sql {
  const code = sql(`${col('code')} = ?`, c.code);
  switch (c.kind) {
    case 'token':
      return andSql(
        [
          code,
          c.value === undefined ? TRUE : sql(`${col('value')} = ?`, c.value),
          systemPredicate(c.system, col('system')),
        ].filter((p) => p !== TRUE),
      );
    case 'tokenText':
      return andSql([code, sql(`${col('text')} >= ? AND ${col('text')} < ?`, c.text, prefixUpperBound(c.text))]);
    case 'tokenOfType':
      return andSql([
        code,
        sql(`${col('value')} = ?`, c.value),
        sql(`instr(${col('types')}, ?) > 0`, identifierTypeNeedle(c.typeSystem, c.typeCode)),
      ]);
  }
}

/** Reference forms: `type/id` (type optional) or the reference as written (absolute/canonical). */
function referenceForms(
  r: { targetType?: string; targetId?: string; ref?: string },
  typeCol: string,
  idCol: string,
  refCol: string,
): Sql {
  const forms: Sql[] = [];
  if (r.targetId !== undefined) {
    forms.push(
      r.targetType === undefined
        ? sql(`${idCol} = ?`, r.targetId)
        : sql(`${idCol} = ? AND ${typeCol} = ?`, r.targetId, r.targetType),
    );
  }
  if (r.ref !== undefined) {
    forms.push(sql(`${refCol} = ?`, r.ref));
  }
  return orSql(forms.map((f) => ({ text: `(${f.text})`, params: f.params })));
}

/** https://hl7.org/fhir/R4/search.html#reference (and :identifier). */
function referencePredicate(c: ReferenceCondition, col: Columns): Sql {
  const code = sql(`${col('code')} = ?`, c.code);
  if (c.kind === 'referenceIdentifier') {
    return andSql(
      [code, sql(`${col('ident_value')} = ?`, c.value), systemPredicate(c.system, col('ident_system'))].filter(
        (p) => p !== TRUE,
      ),
    );
  }
  const forms = referenceForms(c, col('target_type'), col('target_id'), col('ref'));
  return forms === FALSE ? FALSE : andSql([code, forms]);
}

/** https://hl7.org/fhir/R4/search.html#uri (:above / :below). */
function uriPredicate(c: UriCondition, col: Columns): Sql {
  const v = col('value');
  switch (c.match) {
    case 'eq':
      return sql(`${col('code')} = ? AND ${v} = ?`, c.code, c.value);
    case 'below':
      return sql(`${col('code')} = ? AND ${v} >= ? AND ${v} < ?`, c.code, c.value, prefixUpperBound(c.value));
    case 'above':
      return sql(`${col('code')} = ? AND instr(?, ${v}) = 1`, c.code, c.value);
  }
}

function compositePart(part: CompositePartCondition, p: string, col: Columns): Sql {
  const a = col(`${p}_a`);
  const b = col(`${p}_b`);
  switch (part.kind) {
    case 'token':
      return andSql(
        [part.value === undefined ? TRUE : sql(`${b} = ?`, part.value), systemPredicate(part.system, a)].filter(
          (x) => x !== TRUE,
        ),
      );
    case 'string':
      return sql(`${a} >= ? AND ${a} < ?`, part.value, prefixUpperBound(part.value));
    case 'reference':
      return referenceForms(part, a, b, col(`${p}_c`));
    case 'number':
    case 'date':
      return compileRange(part.test, col(`${p}_low`), col(`${p}_high`));
    case 'quantity':
      return andSql([
        compileRange(part.test, col(`${p}_low`), col(`${p}_high`)),
        ...(part.system === undefined ? [] : [sql(`${a} = ?`, part.system)]),
        ...(part.unit === undefined ? [] : [sql(`${b} = ?`, part.unit)]),
      ]);
  }
}

/** https://hl7.org/fhir/R4/search.html#composite -- every part on the same index entry. */
function compositePredicate(c: CompositeCondition, col: Columns): Sql {
  return andSql([
    sql(`${col('code')} = ?`, c.code),
    ...(c.value === undefined ? [] : [sql(`${col('value')} = ?`, c.value)]),
    ...(c.system === undefined ? [] : [systemPredicate(c.system, col('system'))]),
    compositePart(c.second, 'p2', col),
    ...(c.third === undefined ? [] : [compositePart(c.third, 'p3', col)]),
  ]);
}

/**
 * The index predicate of a condition answerable from one index table, or undefined.
 * @param cond - the condition.
 * @param ctx - compilation state (chains compile a sub-select of the target type).
 */
export function indexPredicate(cond: Condition, ctx: CompileContext): IndexPredicate | undefined {
  switch (cond.kind) {
    case 'string':
      return { kind: 'string', build: (col) => stringPredicate(cond, col) };
    case 'token':
    case 'tokenText':
    case 'tokenOfType':
      return { kind: 'token', build: (col) => tokenPredicate(cond, col) };
    case 'reference':
    case 'referenceIdentifier':
      return { kind: 'reference', build: (col) => referencePredicate(cond, col) };
    case 'date':
    case 'number':
      return {
        kind: cond.kind,
        build: (col) =>
          andSql([sql(`${col('code')} = ?`, cond.code), compileRange(cond.test, col('low'), col('high'))]),
      };
    case 'quantity':
      return {
        kind: 'quantity',
        build: (col) =>
          andSql([
            sql(`${col('code')} = ?`, cond.code),
            compileRange(cond.test, col('low'), col('high')),
            ...(cond.system === undefined ? [] : [sql(`${col('system')} = ?`, cond.system)]),
            ...(cond.unit === undefined ? [] : [sql(`${col('unit')} = ?`, cond.unit)]),
          ]),
      };
    case 'uri':
      return { kind: 'uri', build: (col) => uriPredicate(cond, col) };
    case 'composite':
      return { kind: 'composite', build: (col) => compositePredicate(cond, col) };
    case 'compartment':
      return {
        kind: 'compartment',
        build: (col) =>
          cond.compartments.length === 0
            ? FALSE
            : sql(`${col('compartment')} IN (${placeholders(cond.compartments.length)})`, ...cond.compartments),
      };
    case 'chain':
      // https://hl7.org/fhir/R4/search.html#chaining
      return {
        kind: 'reference',
        build: (col) => {
          if (!ctx.types.has(cond.targetType)) {
            return FALSE;
          }
          const target = ctx.select(cond.targetType, [cond.condition], 'id');
          return sql(
            `${col('code')} = ? AND ${col('target_type')} = ? AND ${col('target_id')} IN (${target.text})`,
            cond.code,
            cond.targetType,
            ...target.params,
          );
        },
      };
    case 'missing':
    case 'id':
    case 'lastUpdated':
    case 'has':
    case 'or':
    case 'and':
    case 'not':
    case 'none':
      return undefined;
  }
}

/**
 * `alias.rid IN (SELECT rid FROM <index table> WHERE <predicate>)`.
 * @param type - the resource type (tables exist).
 * @param alias - alias of the type's current table.
 * @param predicate - the index predicate.
 */
export function indexFilter(type: string, alias: string, predicate: IndexPredicate): Sql {
  const where = predicate.build((name) => name);
  if (where === FALSE) {
    return FALSE;
  }
  return {
    text: `${alias}.rid IN (SELECT rid FROM ${indexTable(type, predicate.kind)} WHERE ${where.text})`,
    params: where.params,
  };
}

/**
 * Compiles a condition to a boolean SQL expression over the current row `alias` of `type`.
 * @param cond - the condition.
 * @param type - the resource type (tables exist).
 * @param alias - alias of the type's current table.
 * @param ctx - compilation state.
 */
export function compileFilter(cond: Condition, type: string, alias: string, ctx: CompileContext): Sql {
  switch (cond.kind) {
    case 'string':
    case 'token':
    case 'tokenText':
    case 'tokenOfType':
    case 'reference':
    case 'referenceIdentifier':
    case 'date':
    case 'number':
    case 'quantity':
    case 'uri':
    case 'composite':
    case 'compartment':
    case 'chain':
      return indexFilter(type, alias, indexPredicate(cond, ctx) as IndexPredicate);
    case 'missing': {
      // https://hl7.org/fhir/R4/search.html#missing
      const sub = `SELECT rid FROM ${indexTable(type, cond.indexKind)} WHERE code = ?`;
      return sql(`${alias}.rid ${cond.missing ? 'NOT IN' : 'IN'} (${sub})`, cond.code);
    }
    case 'id':
      return cond.ids.length === 0 ? FALSE : sql(`${alias}.id IN (${placeholders(cond.ids.length)})`, ...cond.ids);
    case 'lastUpdated':
      return compileRange(cond.test, `${alias}.last_updated_ms`, `${alias}.last_updated_ms`);
    case 'has': {
      // https://hl7.org/fhir/R4/search.html#has
      if (!ctx.types.has(cond.sourceType)) {
        return FALSE;
      }
      const sources = ctx.select(cond.sourceType, [cond.condition], 'rid');
      return sql(
        `${alias}.id IN (SELECT target_id FROM ${indexTable(cond.sourceType, 'reference')} ` +
          `WHERE code = ? AND target_type = ? AND target_id IS NOT NULL AND rid IN (${sources.text}))`,
        cond.referenceCode,
        type,
        ...sources.params,
      );
    }
    case 'or':
      return orSql(cond.conditions.map((c) => compileFilter(c, type, alias, ctx)));
    case 'and':
      return andSql(cond.conditions.map((c) => compileFilter(c, type, alias, ctx)));
    case 'not': {
      const inner = compileFilter(cond.condition, type, alias, ctx);
      return { text: `(NOT ${inner.text})`, params: inner.params };
    }
    case 'none':
      return FALSE;
  }
}
