/**
 * Compiles the ANDed conditions of one resource type into `FROM ... JOIN ... WHERE ...`.
 *
 * Top-level conditions answerable from one index table become JOINs on that table
 * (`JOIN "T_token" j1 ON j1.rid = r.rid AND j1.code = ? AND ...`), as does an OR of such
 * conditions on the same table. With joins SQLite's planner picks the most selective index to
 * drive the query and probes the others through their `(rid, code)` / `(..., rid)` indexes;
 * `rid IN (subquery)` filters would instead materialize every non-driving subquery in full.
 * Joins can duplicate rows, so callers SELECT DISTINCT when `distinct` is set. All other
 * conditions (missing, _id, _lastUpdated, _has, NOT, mixed OR) become WHERE filters.
 */
import type { Condition } from '../../search/plan';
import type { CompileContext } from './compile-context';
import { compileFilter, indexPredicate, type IndexPredicate } from './compile-condition';
import { indexTable, resourceTable } from './schema';
import { andSql, orSql, sql, type Sql } from './sql';
import type { TypeSet } from './type-registry';

/** The FROM/WHERE of a per-type query. */
export interface TypeSelect {
  /** `"T" r JOIN ...` (without the FROM keyword). */
  readonly from: Sql;
  /** The WHERE expression, including `r.deleted = 0`. */
  readonly where: Sql;
  /** Whether joins may yield a resource more than once. */
  readonly distinct: boolean;
}

function flattenAnd(conditions: readonly Condition[]): Condition[] {
  return conditions.flatMap((c) => (c.kind === 'and' ? flattenAnd(c.conditions) : [c]));
}

function flattenOr(conditions: readonly Condition[]): Condition[] {
  return conditions.flatMap((c) => (c.kind === 'or' ? flattenOr(c.conditions) : [c]));
}

/** An index predicate for `cond`, also for an OR whose members all use the same index table. */
function joinPredicate(cond: Condition, ctx: CompileContext): IndexPredicate | undefined {
  if (cond.kind !== 'or') {
    return indexPredicate(cond, ctx);
  }
  const members = flattenOr(cond.conditions).map((c) => indexPredicate(c, ctx));
  const first = members[0];
  if (first === undefined || members.some((m) => m === undefined || m.kind !== first.kind)) {
    return undefined;
  }
  return {
    kind: first.kind,
    build: (col) =>
      orSql(
        (members as IndexPredicate[]).map((m) => {
          const p = m.build(col);
          return { text: `(${p.text})`, params: p.params };
        }),
      ),
  };
}

/**
 * Compiles the conditions of one type.
 * @param type - the resource type (tables exist).
 * @param conditions - ANDed conditions.
 * @param alias - alias for the type's current table.
 * @param ctx - compilation state.
 */
export function compileTypeSelect(
  type: string,
  conditions: readonly Condition[],
  alias: string,
  ctx: CompileContext,
): TypeSelect {
  const joins: Sql[] = [];
  const filters: Sql[] = [sql(`${alias}.deleted = 0`)];
  for (const cond of flattenAnd(conditions)) {
    const predicate = joinPredicate(cond, ctx);
    if (predicate === undefined) {
      filters.push(compileFilter(cond, type, alias, ctx));
      continue;
    }
    const j = ctx.alias('j');
    const on = predicate.build((name) => `${j}.${name}`);
    joins.push({
      text: `JOIN ${indexTable(type, predicate.kind)} ${j} ON ${j}.rid = ${alias}.rid AND ${on.text}`,
      params: on.params,
    });
  }
  return {
    from: {
      text: [`${resourceTable(type)} ${alias}`, ...joins.map((j) => j.text)].join(' '),
      params: joins.flatMap((j) => j.params),
    },
    where: andSql(filters),
    distinct: joins.length > 0,
  };
}

/**
 * A fresh compilation context whose nested selects (chain, _has) use compileTypeSelect.
 * @param types - types whose tables exist on the target connection.
 */
export function newCompileContext(types: TypeSet): CompileContext {
  let counter = 0;
  const ctx: CompileContext = {
    types,
    alias: (prefix) => `${prefix}${++counter}`,
    select: (type, conditions, column) => {
      const alias = ctx.alias('r');
      const s = compileTypeSelect(type, conditions, alias, ctx);
      return {
        text: `SELECT ${alias}.${column} FROM ${s.from.text} WHERE ${s.where.text}`,
        params: [...s.from.params, ...s.where.params],
      };
    },
  };
  return ctx;
}
