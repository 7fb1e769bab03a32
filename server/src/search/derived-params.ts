/**
 * Derived search parameters: parameters whose index entries are exactly those of other
 * parameters of the same resource type, and so are not stored a second time. Every stored entry
 * is a B-tree insert and WAL pages at commit; for an Observation, `patient`, `combo-code` and
 * `combo-value-quantity` would repeat `subject`, `code` + `component-code` and `value-quantity` +
 * `component-value-quantity`. Derivations are found from the R4 expressions themselves:
 * - same: identical expression parts (`Patient.phonetic` = `Patient.name`);
 * - union: the parts are exactly the union of other parameters' parts (`combo-code`);
 * - restricted: `X.where(resolve() is T)` where another reference parameter is `X` (`patient`).
 * Searches on a derived parameter are rewritten per searched type onto its base parameters
 * (resolveDerived), by the storage backends, so multi-type searches stay exact.
 * Composite parameters are never derived.
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import { getSearchParametersFor } from '../definitions/fhir-definitions';
import { expressionPartsFor } from './expression-parts';
import type { Condition, SearchPlan, SortKey } from './plan';

export type Derivation =
  | { readonly kind: 'same'; readonly base: string }
  | { readonly kind: 'union'; readonly bases: readonly string[] }
  | { readonly kind: 'restricted'; readonly base: string; readonly targetType: string };

const RESTRICTED = /^(.+)\.where\(resolve\(\) is ([A-Z][A-Za-z]+)\)$/;
const NEVER = new Set(['_id', '_lastUpdated', '_compartment']);
const cache = new Map<string, ReadonlyMap<string, Derivation>>();

function partsOf(type: string, param: SearchParameter): string[] {
  return param.expression ? expressionPartsFor(type, param.expression).map((p) => p.text.trim()) : [];
}

function sameSet(a: readonly string[], b: ReadonlySet<string>): boolean {
  return a.length === b.size && a.every((x) => b.has(x));
}

function computeDerivations(type: string): Map<string, Derivation> {
  const params = Object.entries(getSearchParametersFor(type)).filter(
    ([code, p]) => !NEVER.has(code) && p.type !== 'composite' && p.type !== 'special' && p.expression,
  );
  const parts = new Map(params.map(([code, p]) => [code, partsOf(type, p)]));
  const typeOf = new Map(params.map(([code, p]) => [code, p.type]));
  const out = new Map<string, Derivation>();
  const candidates = (code: string): [string, string[]][] =>
    [...parts].filter(([c, ps]) => c !== code && typeOf.get(c) === typeOf.get(code) && ps.length > 0);
  for (const [code, mine] of [...parts].sort(([a], [b]) => a.localeCompare(b))) {
    if (mine.length === 0) {
      continue;
    }
    const mineSet = new Set(mine);
    const same = candidates(code).find(([c, ps]) => !out.has(c) && c < code && sameSet(ps, mineSet));
    if (same) {
      out.set(code, { kind: 'same', base: same[0] });
      continue;
    }
    const restricted = mine.length === 1 ? RESTRICTED.exec(mine[0] as string) : null;
    if (restricted && typeOf.get(code) === 'reference') {
      const base = candidates(code).find(([c, ps]) => !out.has(c) && ps.length === 1 && ps[0] === restricted[1]);
      if (base) {
        out.set(code, { kind: 'restricted', base: base[0], targetType: restricted[2] as string });
        continue;
      }
    }
    const subsets = candidates(code).filter(
      ([c, ps]) => !out.has(c) && ps.length < mine.length && ps.every((p) => mineSet.has(p)),
    );
    const covered = subsets.flatMap(([, ps]) => ps);
    if (subsets.length >= 2 && covered.length === mine.length && sameSet(covered, mineSet)) {
      // In the order the parts appear in the expression (the element before its components).
      const position = ([, ps]: [string, string[]]): number => mine.indexOf(ps[0] as string);
      out.set(code, { kind: 'union', bases: subsets.sort((a, b) => position(a) - position(b)).map(([c]) => c) });
    }
  }
  return out;
}

/**
 * How `code` derives from other parameters of `resourceType`, or undefined when it is stored.
 * @param resourceType - the resource type.
 * @param code - the SearchParameter code.
 */
export function derivationOf(resourceType: string, code: string): Derivation | undefined {
  let map = cache.get(resourceType);
  if (map === undefined) {
    map = computeDerivations(resourceType);
    cache.set(resourceType, map);
  }
  return map.get(code);
}

/**
 * The stored parameters a parameter's entries live under (itself when not derived).
 * @param resourceType - the resource type.
 * @param code - the SearchParameter code.
 */
export function storedCodes(resourceType: string, code: string): readonly string[] {
  const d = derivationOf(resourceType, code);
  if (d === undefined) {
    return [code];
  }
  return d.kind === 'union' ? d.bases : [d.base];
}

const NONE: Condition = { kind: 'none' };

function rewrite(c: Condition, type: string): Condition {
  switch (c.kind) {
    case 'or':
    case 'and':
      return { ...c, conditions: c.conditions.map((x) => rewrite(x, type)) };
    case 'not':
      return { ...c, condition: rewrite(c.condition, type) };
    case 'chain':
      return chain(c, type);
    case 'has':
      return has(c, type);
    case 'id':
    case 'lastUpdated':
    case 'compartment':
    case 'none':
    case 'composite':
      return c;
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
    case 'missing':
      return coded(c, type);
  }
}

type CodedCondition = Exclude<
  Condition,
  { kind: 'or' | 'and' | 'not' | 'chain' | 'has' | 'id' | 'lastUpdated' | 'compartment' | 'none' | 'composite' }
>;

function coded(c: CodedCondition, type: string): Condition {
  const d = derivationOf(type, c.code);
  if (d === undefined) {
    return c;
  }
  if (d.kind === 'same') {
    return { ...c, code: d.base };
  }
  if (d.kind === 'union') {
    const parts = d.bases.map((base) => ({ ...c, code: base }) as Condition);
    // Missing from a union = missing from every base.
    return c.kind === 'missing' && c.missing ? { kind: 'and', conditions: parts } : { kind: 'or', conditions: parts };
  }
  if (c.kind === 'reference' && c.targetId !== undefined) {
    if (c.targetType !== undefined && c.targetType !== d.targetType) {
      return NONE;
    }
    return { ...c, code: d.base, targetType: d.targetType };
  }
  // Restricted `:identifier`, absolute-URL references and `:missing` are judged on the base
  // parameter's entries (a reference that does not name its type cannot be restricted further).
  return { ...c, code: d.base };
}

function chain(c: Extract<Condition, { kind: 'chain' }>, type: string): Condition {
  const inner = rewrite(c.condition, c.targetType);
  const d = derivationOf(type, c.code);
  if (d === undefined) {
    return { ...c, condition: inner };
  }
  if (d.kind === 'restricted' && d.targetType !== c.targetType) {
    return NONE;
  }
  const bases = d.kind === 'union' ? d.bases : [d.base];
  const chains = bases.map((base) => ({ ...c, code: base, condition: inner }) as Condition);
  return chains.length === 1 ? (chains[0] as Condition) : { kind: 'or', conditions: chains };
}

function has(c: Extract<Condition, { kind: 'has' }>, type: string): Condition {
  const inner = rewrite(c.condition, c.sourceType);
  const d = derivationOf(c.sourceType, c.referenceCode);
  if (d === undefined) {
    return { ...c, condition: inner };
  }
  if (d.kind === 'restricted' && d.targetType !== type) {
    return NONE;
  }
  const bases = d.kind === 'union' ? d.bases : [d.base];
  const found = bases.map((base) => ({ ...c, referenceCode: base, condition: inner }) as Condition);
  return found.length === 1 ? (found[0] as Condition) : { kind: 'or', conditions: found };
}

function sortKey(key: SortKey, type: string): SortKey {
  // A union sorts on its first base (the element itself before its components).
  const [base] = storedCodes(type, key.code);
  return base === key.code || base === undefined ? key : { ...key, code: base };
}

/**
 * The plan's conditions and sort keys as they apply to one searched type, with derived
 * parameters rewritten onto the parameters whose entries are stored. Idempotent.
 * @param plan - the backend-neutral plan.
 * @param resourceType - one of plan.resourceTypes.
 */
export function resolveDerived(plan: SearchPlan, resourceType: string): SearchPlan {
  return {
    ...plan,
    conditions: plan.conditions.map((c) => rewrite(c, resourceType)),
    sort: plan.sort.map((k) => sortKey(k, resourceType)),
  };
}
