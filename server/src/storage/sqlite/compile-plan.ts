/**
 * Compiles a SearchPlan (search/plan.ts) into SQL: one key query returning the page's
 * `(type, rid, id, s0..sN)` rows in sort order (count + 1 of them, to know whether more exist),
 * and one count query per type for totals. Several resource types are searched with a
 * UNION ALL of per-type queries ordered globally; each per-type query is itself ordered and
 * limited so SQLite never sorts more than a page per type. Types without tables are skipped.
 * Spec: https://hl7.org/fhir/R4/search.html (#sort, #count, paging via keyset cursors).
 */
import { resolveDerived } from '../../search/derived-params';
import type { SearchPlan } from '../../search/plan';
import { compileTypeSelect, newCompileContext } from './compile-select';
import { keysetPredicate, orderBy, sortExpression } from './compile-sort';
import { TRUE, type Sql } from './sql';
import type { TypeSet } from './type-registry';

/** The compiled form of a plan. */
export interface CompiledSearch {
  /** The key query (undefined when no searched type has tables, or count is 0). */
  readonly page?: Sql;
  /** Whether the page is read in reverse order (a `before` cursor) and must be flipped. */
  readonly reversed: boolean;
  /** One `SELECT count(*) AS n` query per searched type with tables (empty when no total is wanted). */
  readonly totals: readonly Sql[];
}

/** `SELECT count(*) AS n` over the matches of one type. */
function compileTotal(type: string, searchPlan: SearchPlan, types: TypeSet): Sql {
  const plan = resolveDerived(searchPlan, type);
  const ctx = newCompileContext(types);
  const alias = ctx.alias('r');
  const s = compileTypeSelect(type, plan.conditions, alias, ctx);
  const params = [...s.from.params, ...s.where.params];
  return s.distinct
    ? {
        text: `SELECT count(*) AS n FROM (SELECT DISTINCT ${alias}.rid FROM ${s.from.text} WHERE ${s.where.text})`,
        params,
      }
    : { text: `SELECT count(*) AS n FROM ${s.from.text} WHERE ${s.where.text}`, params };
}

/**
 * Compiles `plan` for a connection on which `types` have tables.
 * @param plan - the search plan.
 * @param types - types whose tables exist.
 */
export function compileSearch(plan: SearchPlan, types: TypeSet): CompiledSearch {
  const searched = [...new Set(plan.resourceTypes)].filter((t) => types.has(t));
  const reversed = plan.cursor?.direction === 'before';
  const totals = plan.total === 'none' ? [] : searched.map((t) => compileTotal(t, plan, types));
  if (searched.length === 0 || plan.count <= 0) {
    return { reversed, totals };
  }
  const ctx = newCompileContext(types);
  const limit = plan.count + 1;
  const order = orderBy(plan.sort, reversed);
  const parts = searched.map((type): Sql => {
    // Derived parameters (search/derived-params.ts) are searched through their stored base parameters.
    const typePlan = resolveDerived(plan, type);
    const alias = ctx.alias('r');
    const exprs = typePlan.sort.map((key) => sortExpression(key, type, alias));
    const s = compileTypeSelect(type, typePlan.conditions, alias, ctx);
    const keyset = plan.cursor === undefined ? TRUE : keysetPredicate(plan.sort, exprs, `${alias}.id`, plan.cursor);
    const columns = [
      `'${type}' AS type`,
      `${alias}.rid AS rid`,
      `${alias}.id AS id`,
      ...exprs.map((e, i) => `${e.text} AS s${i}`),
    ];
    return {
      text:
        `SELECT ${s.distinct ? 'DISTINCT ' : ''}${columns.join(', ')} FROM ${s.from.text} ` +
        `WHERE ${s.where.text} AND ${keyset.text} ORDER BY ${order} LIMIT ?`,
      params: [...exprs.flatMap((e) => e.params), ...s.from.params, ...s.where.params, ...keyset.params, limit],
    };
  });
  if (parts.length === 1) {
    return { page: parts[0], reversed, totals };
  }
  return {
    page: {
      text: `${parts.map((p) => `SELECT * FROM (${p.text})`).join(' UNION ALL ')} ORDER BY ${order} LIMIT ?`,
      params: [...parts.flatMap((p) => p.params), limit],
    },
    reversed,
    totals,
  };
}
