/**
 * transaction: `POST [base]` with a Bundle of type `transaction`,
 * https://hl7.org/fhir/R4/http.html#transaction and #trules. All entries run inside one
 * `repo.withTransaction`, so either all succeed or nothing is stored (the first failing entry's
 * status and OperationOutcome become the answer). Entries are processed DELETE, POST, PUT/PATCH,
 * GET; `urn:uuid:`/`urn:oid:` fullUrls of POST entries get server ids up front (or the existing
 * id when `ifNoneExist` matches) and every occurrence is rewritten; conditional references
 * (`Patient?identifier=..`) are resolved by search just before their entry is processed.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { isKnownResourceType } from '../../definitions/fhir-definitions';
import { FhirError, fhirError, normalizeError } from '../../errors/outcome';
import type { FhirRepository } from '../../repository/repository';
import { requireResource, withoutId } from '../body';
import { writtenResult } from '../results';
import { entryToRequest } from '../transaction/entry-request';
import { newId } from '../../repository/ids';
import { processingOrder } from '../transaction/ordering';
import { collectConditionalReferences, isBundleUrn, rewriteReferences } from '../transaction/references';
import { resultEntry } from '../transaction/response-entry';
import type { FhirContext, FhirDispatch, FhirRequest, FhirResult } from '../types';
import { fhirBase } from '../types';

/**
 * Finds the single resource a search query designates.
 * @param repo - the transaction's repository.
 * @param resourceType - the type searched.
 * @param query - the query string (no `?`).
 * @returns the id, or undefined for no match.
 * @throws FhirError TESSERA_E_FHIR_MULTIPLE_MATCHES (412) for several matches.
 */
export async function findSingle(
  repo: FhirRepository,
  resourceType: string,
  query: string,
): Promise<string | undefined> {
  const params = [...new URLSearchParams(query)].filter(([n]) => n !== '_count');
  const result = await repo.search({ resourceType, params: [...params, ['_count', '2']] });
  if (result.matches.length > 1) {
    throw fhirError('TESSERA_E_FHIR_MULTIPLE_MATCHES', `${resourceType}?${query} matches more than one resource`);
  }
  return result.matches[0]?.id;
}

/** Maps the urn fullUrls of POST/PUT entries to `Type/id`, assigning ids to new POST resources. */
async function assignIds(
  entries: readonly BundleEntry[],
  requests: readonly FhirRequest[],
  repo: FhirRepository,
): Promise<{ map: Map<string, string>; assigned: Map<number, string> }> {
  const map = new Map<string, string>();
  const assigned = new Map<number, string>();
  for (const [i, req] of requests.entries()) {
    const fullUrl = entries[i]?.fullUrl;
    if (!isBundleUrn(fullUrl)) {
      continue;
    }
    if (map.has(fullUrl)) {
      throw fhirError('TESSERA_E_FHIR_INVALID_BUNDLE', `Duplicate fullUrl ${fullUrl}`, `Bundle.entry[${i}].fullUrl`);
    }
    if (req.method === 'POST' && isKnownResourceType(req.path)) {
      const ifNoneExist = req.headers.ifNoneExist?.replace(/^\?/, '');
      const existing = ifNoneExist ? await findSingle(repo, req.path, ifNoneExist) : undefined;
      const id = existing ?? newId();
      if (existing === undefined) {
        assigned.set(i, id);
      }
      map.set(fullUrl, `${req.path}/${id}`);
    } else if (req.method === 'PUT' && /^[A-Za-z]+\/[^/]+$/.test(req.path)) {
      map.set(fullUrl, req.path);
    }
  }
  return { map, assigned };
}

/** Resolves the conditional references of one resource (memoized in `map`). */
async function resolveConditionalReferences(
  body: unknown,
  repo: FhirRepository,
  map: Map<string, string>,
): Promise<void> {
  for (const ref of collectConditionalReferences(body, new Set())) {
    if (map.has(ref)) {
      continue;
    }
    const q = ref.indexOf('?');
    const type = ref.slice(0, q);
    const id = await findSingle(repo, type, ref.slice(q + 1));
    if (id === undefined) {
      throw fhirError('TESSERA_E_FHIR_UNRESOLVED_REFERENCE', `Conditional reference ${ref} matches no resource`);
    }
    map.set(ref, `${type}/${id}`);
  }
}

function checkDuplicates(requests: readonly FhirRequest[]): void {
  const seen = new Set<string>();
  requests.forEach((req, i) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'POST' || req.params.length > 0) {
      return;
    }
    if (seen.has(req.path)) {
      throw fhirError(
        'TESSERA_E_FHIR_INVALID_BUNDLE',
        `${req.path} appears in more than one entry`,
        `Bundle.entry[${i}]`,
      );
    }
    seen.add(req.path);
  });
}

/** Adds the failing entry's position to its OperationOutcome. */
function atEntry(err: unknown, index: number): FhirError {
  const e = normalizeError(err);
  const issue = [
    ...(e.outcome.issue ?? []),
    {
      severity: 'information' as const,
      code: 'informational' as const,
      details: { text: `Transaction failed at Bundle.entry[${index}]; nothing was stored` },
      expression: [`Bundle.entry[${index}]`],
    },
  ];
  return new FhirError(e.status, { ...e.outcome, issue }, e.code);
}

async function runEntry(
  req: FhirRequest,
  assignedId: string | undefined,
  ctx: FhirContext,
  dispatch: FhirDispatch,
  prepared?: Resource,
): Promise<FhirResult> {
  if (assignedId === undefined) {
    return dispatch(req, ctx);
  }
  const resource = prepared ?? withoutId(requireResource(req.body, req.path));
  const ifNoneExist = req.headers.ifNoneExist?.replace(/^\?/, '') || undefined;
  return writtenResult(ctx, await ctx.repo.create(resource, { assignedId, ifNoneExist, method: 'POST' }));
}

/** A transaction resolved before taking the write lock. */
interface Resolved {
  readonly assigned: Map<number, string>;
  readonly requests: readonly FhirRequest[];
  /** The resources of POST entries, handed to the repository ahead of time (preanalyze). */
  readonly resources: Map<number, Resource>;
}

/**
 * Resolves a transaction that needs no store lookups (no `ifNoneExist`, no conditional references)
 * before it takes the write lock: ids are assigned, urn references rewritten, and validation and
 * indexing of the POSTed resources start on the analyzer threads while other writes hold the lock.
 * Returns undefined when lookups are needed or anything is malformed (the locked path then
 * reports it with the entry's position).
 * @param entries - the Bundle entries.
 * @param requests - the entries as requests.
 * @param repo - the repository (for preanalyze).
 */
function resolveWithoutLookups(
  entries: readonly BundleEntry[],
  requests: readonly FhirRequest[],
  repo: FhirRepository,
): Resolved | undefined {
  try {
    if (requests.some((r) => r.headers.ifNoneExist || collectConditionalReferences(r.body, new Set()).size > 0)) {
      return undefined;
    }
    const map = new Map<string, string>();
    const assigned = new Map<number, string>();
    requests.forEach((req, i) => {
      const fullUrl = entries[i]?.fullUrl;
      if (req.method === 'POST' && isKnownResourceType(req.path) && isBundleUrn(fullUrl)) {
        if (map.has(fullUrl)) {
          throw new Error('duplicate fullUrl');
        }
        const id = newId();
        assigned.set(i, id);
        map.set(fullUrl, `${req.path}/${id}`);
      } else if (req.method === 'PUT' && isBundleUrn(fullUrl) && /^[A-Za-z]+\/[^/]+$/.test(req.path)) {
        map.set(fullUrl, req.path);
      }
    });
    const rewritten = requests.map((req) => ({
      ...req,
      body: rewriteReferences(req.body, map),
      params: rewriteReferences(req.params, map),
    }));
    const resources = new Map<number, Resource>();
    for (const i of assigned.keys()) {
      const req = rewritten[i] as FhirRequest;
      const resource = withoutId(requireResource(req.body, req.path));
      repo.preanalyze(resource);
      resources.set(i, resource);
    }
    return { assigned, requests: rewritten, resources };
  } catch {
    return undefined;
  }
}

/**
 * Processes a transaction Bundle atomically.
 * @param bundle - the transaction (type already checked).
 * @param ctx - interaction context.
 * @param dispatch - routes one entry request.
 */
export async function processTransaction(
  bundle: Bundle,
  ctx: FhirContext,
  dispatch: FhirDispatch,
): Promise<FhirResult> {
  const base = fhirBase(ctx);
  const entries = bundle.entry ?? [];
  const requests = entries.map((entry, i) => entryToRequest(entry, i, base));
  checkDuplicates(requests);
  const order = processingOrder(requests.map((r) => r.method));
  const resolved = resolveWithoutLookups(entries, requests, ctx.repo);
  const responses = await ctx.repo.withTransaction(async (tx) => {
    const txCtx: FhirContext = { ...ctx, repo: tx, inBundle: true };
    const { map, assigned } = resolved
      ? { map: undefined, assigned: resolved.assigned }
      : await assignIds(entries, requests, tx);
    const out: BundleEntry[] = new Array<BundleEntry>(entries.length);
    for (const i of order) {
      try {
        let req = resolved?.requests[i] as FhirRequest;
        if (map) {
          const original = requests[i] as FhirRequest;
          await resolveConditionalReferences(original.body, tx, map);
          req = {
            ...original,
            body: rewriteReferences(original.body, map),
            params: rewriteReferences(original.params, map),
          };
        }
        out[i] = resultEntry(await runEntry(req, assigned.get(i), txCtx, dispatch, resolved?.resources.get(i)), base);
      } catch (err) {
        throw atEntry(err, i);
      }
    }
    return out;
  });
  return {
    status: 200,
    resource: { resourceType: 'Bundle', id: randomUUID(), type: 'transaction-response', entry: responses },
  };
}
