/**
 * Executes a FHIR search through the store: parse and plan once, add the caller's access
 * restrictions to the plan, run it, then resolve `_include`/`_revinclude` (with `:iterate`) and
 * build keyset paging cursors. Spec: https://hl7.org/fhir/R4/search.html
 */
import type { Resource } from '@medplum/fhirtypes';
import type { AccessContext } from '../context';
import { fhirError } from '../errors/outcome';
import { getSearchParametersFor } from '../definitions/fhir-definitions';
import { encodeCursor } from '../search/cursor';
import { referencesFor } from '../search/include-references';
import { parseSearch, type IncludeSpec } from '../search/parse';
import type { Condition, SearchPlan } from '../search/plan';
import type { SearchHit, StoreReader, StoredResource } from '../storage/store';
import { patientCompartment, scopeAllows } from './access';
import { isVisible } from './visibility';
import type { SearchRequest, SearchResult } from './repository';

/** How many rounds of `:iterate` includes are followed, https://hl7.org/fhir/R4/search.html#revinclude */
const MAX_INCLUDE_ITERATIONS = 3;
/** Cap on resources added by `_include`/`_revinclude` per page. */
const MAX_INCLUDED = 1000;

/**
 * Adds the access context's restrictions to a plan: readable types only, and the patient
 * compartment for patient-scoped callers.
 * @param plan - the parsed plan.
 * @param access - the caller.
 */
export function restrictPlan(plan: SearchPlan, access: AccessContext): SearchPlan {
  const readable = plan.resourceTypes.filter((t) => scopeAllows(access, t, 's') || scopeAllows(access, t, 'r'));
  if (readable.length === 0) {
    throw fhirError('TESSERA_E_AUTH_FORBIDDEN', `Search on ${plan.resourceTypes.join(',')} is not granted`);
  }
  const compartment = patientCompartment(access);
  const conditions: Condition[] = [...plan.conditions];
  if (compartment) {
    conditions.push({ kind: 'compartment', compartments: [compartment] });
  }
  return { ...plan, resourceTypes: readable, conditions };
}

function parseStored(stored: StoredResource): Resource {
  return JSON.parse(stored.json) as Resource;
}

function key(resource: Resource): string {
  return `${resource.resourceType}/${resource.id}`;
}

/**
 * Runs a search request.
 * @param reader - the store (or the transaction session).
 * @param access - the caller.
 * @param request - the decoded HTTP search.
 */
export async function executeSearch(
  reader: StoreReader,
  access: AccessContext,
  request: SearchRequest,
  fhirBase?: string,
): Promise<SearchResult> {
  const parsed = parseSearch({
    baseUrl: fhirBase,
    resourceTypes: request.resourceType ? [request.resourceType] : [],
    params: request.params,
    strict: request.strict,
    compartment: request.compartment,
  });
  const plan = restrictPlan(parsed.plan, access);
  const page = await reader.search(plan);
  const matches = page.hits.map((h) => parseStored(h.resource));
  const seen = new Set(matches.map(key));
  const included: Resource[] = [];
  if (matches.length > 0 && (parsed.include.length > 0 || parsed.revinclude.length > 0)) {
    await resolveIncludes(reader, access, matches, parsed.include, parsed.revinclude, seen, included);
  }
  const { next, previous } = pagingCursors(plan, page.hits, page.hasMore);
  return {
    matches,
    included,
    total: page.total,
    next,
    previous,
    warnings: parsed.warnings,
    summary: parsed.summary,
    elements: parsed.elements,
  };
}

function pagingCursors(
  plan: SearchPlan,
  hits: readonly SearchHit[],
  hasMore: boolean,
): { next?: string; previous?: string } {
  const first = hits[0];
  const last = hits[hits.length - 1];
  if (!first || !last) {
    return {};
  }
  const backwards = plan.cursor?.direction === 'before';
  const moreAfter = backwards ? true : hasMore;
  const moreBefore = backwards ? hasMore : plan.cursor !== undefined;
  return {
    next: moreAfter ? encodeCursor({ direction: 'after', values: last.sortValues, id: last.resource.id }) : undefined,
    previous: moreBefore
      ? encodeCursor({ direction: 'before', values: first.sortValues, id: first.resource.id })
      : undefined,
  };
}

function referenceCodes(spec: IncludeSpec): string[] {
  if (!spec.wildcard) {
    return [spec.code];
  }
  return Object.values(getSearchParametersFor(spec.sourceType))
    .filter((sp) => sp.type === 'reference' && sp.code !== undefined)
    .map((sp) => sp.code as string);
}

async function resolveIncludes(
  reader: StoreReader,
  access: AccessContext,
  matches: readonly Resource[],
  include: readonly IncludeSpec[],
  revinclude: readonly IncludeSpec[],
  seen: Set<string>,
  out: Resource[],
): Promise<void> {
  let frontier: readonly Resource[] = matches;
  for (let round = 0; round < MAX_INCLUDE_ITERATIONS && frontier.length > 0; round++) {
    const fresh: Resource[] = [];
    const active = (specs: readonly IncludeSpec[]): IncludeSpec[] => specs.filter((s) => round === 0 || s.iterate);
    for (const spec of active(include)) {
      const refs = frontier
        .filter((r) => r.resourceType === spec.sourceType)
        .flatMap((r) => referenceCodes(spec).flatMap((code) => referencesFor(r, code, spec.targetType)))
        .filter((ref) => !seen.has(`${ref.resourceType}/${ref.id}`));
      const stored = refs.length > 0 ? await reader.readMany(refs) : [];
      addVisible(stored, access, seen, fresh);
    }
    for (const spec of active(revinclude)) {
      const targets = frontier.map((r) => ({ targetType: r.resourceType, targetId: r.id as string }));
      const plan: SearchPlan = {
        resourceTypes: [spec.sourceType],
        conditions: [
          {
            kind: 'or',
            conditions: referenceCodes(spec).flatMap((code) =>
              targets.map((t) => ({ kind: 'reference' as const, code, ...t })),
            ),
          },
        ],
        sort: [],
        count: MAX_INCLUDED,
        total: 'none',
      };
      if (!scopeAllows(access, spec.sourceType, 'r') && !scopeAllows(access, spec.sourceType, 's')) {
        continue;
      }
      const page = await reader.search(restrictPlan(plan, access));
      addVisible(
        page.hits.map((h) => h.resource),
        access,
        seen,
        fresh,
      );
    }
    out.push(...fresh);
    if (out.length >= MAX_INCLUDED) {
      return;
    }
    frontier = fresh;
  }
}

function addVisible(
  stored: readonly StoredResource[],
  access: AccessContext,
  seen: Set<string>,
  out: Resource[],
): void {
  for (const s of stored) {
    if (s.deleted || seen.has(`${s.resourceType}/${s.id}`)) {
      continue;
    }
    const resource = parseStored(s);
    if (!isVisible(access, resource)) {
      continue;
    }
    seen.add(key(resource));
    out.push(resource);
  }
}
