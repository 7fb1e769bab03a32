/**
 * Resolves a transaction's identities before its entries run (https://hl7.org/fhir/R4/http.html#trules,
 * https://hl7.org/fhir/R4/bundle.html#references): `urn:uuid:`/`urn:oid:` fullUrls of POST entries
 * get server ids (or the existing id when `ifNoneExist` matches), conditional PUT entries with a urn
 * fullUrl become updates of the matched (or a new) id, conditional references
 * (`Patient?identifier=..`) are searched, and every occurrence is rewritten.
 *
 * Resolution only needs searches, so it can run twice: once *ahead*, outside the write lock, on
 * committed data, recording every lookup and starting validation and indexing of every resource
 * on the analyzer threads; then, under the lock, the recorded lookups are checked again, and
 * only if one answers differently is the transaction resolved again in place. The lock is then
 * held for the writes alone, not for the analysis.
 */
import type { BundleEntry, Resource } from '@medplum/fhirtypes';
import { isKnownResourceType } from '../../definitions/fhir-definitions';
import { FhirError, fhirError, normalizeError } from '../../errors/outcome';
import { newId } from '../../repository/ids';
import type { FhirRepository } from '../../repository/repository';
import { requireResource, withoutId } from '../body';
import type { FhirRequest } from '../types';
import { BatchedLookup } from './batched-lookup';
import type { Lookup, LookupRequest } from './batched-lookup';
import { collectConditionalReferences, isBundleUrn, rewriteReferences } from './references';

/** One lookup made while resolving, with its answer. */
interface RecordedLookup {
  readonly resourceType: string;
  readonly query: string;
  readonly id: string | undefined;
}

/** A transaction whose identities are resolved. */
export interface TransactionPlan {
  /** Entry index -> server id for POST entries that create. */
  readonly assigned: ReadonlyMap<number, string>;
  /** Entry index -> `Type/id` for POST entries whose `ifNoneExist` matched: nothing to write. */
  readonly found: ReadonlyMap<number, string>;
  /** The entry requests with every reference rewritten (conditional PUTs turned into plain updates). */
  readonly requests: readonly FhirRequest[];
  /** POST resources to create, already handed to the analyzer. */
  readonly resources: ReadonlyMap<number, Resource>;
  /** The lookups the plan depends on (checked again under the lock). */
  readonly lookups: readonly RecordedLookup[];
  /** Settles when every resource's validation and indexing is done (never rejects). */
  readonly analyzed: Promise<void>;
}

/**
 * Finds the single resource a search query designates.
 * @param repo - the repository to search.
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

/** Adds the failing entry's position to its OperationOutcome. */
export function atEntry(err: unknown, index: number): FhirError {
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

const PLAIN_PATH = /^[A-Za-z]+\/[^/]+$/;

/** The body of a conditional PUT turned into an update of `target` (`Type/id`): id set. */
function withTargetId(body: unknown, target: string): unknown {
  const id = target.slice(target.indexOf('/') + 1);
  const bodyId = (body as { id?: unknown } | undefined)?.id;
  if (bodyId !== undefined && bodyId !== id) {
    throw fhirError('TESSERA_E_FHIR_ID_MISMATCH', `Resource id ${String(bodyId)} does not match the matched ${target}`);
  }
  return body !== null && typeof body === 'object' ? { ...body, id } : body;
}

/** Every lookup resolving `requests` will make, so that they can be answered in batches. */
function plannedLookups(entries: readonly BundleEntry[], requests: readonly FhirRequest[]): LookupRequest[] {
  const planned: LookupRequest[] = [];
  for (const [i, req] of requests.entries()) {
    const urn = isBundleUrn(entries[i]?.fullUrl);
    if (urn && req.method === 'POST' && req.headers.ifNoneExist) {
      planned.push({ resourceType: req.path, query: req.headers.ifNoneExist.replace(/^\?/, '') });
    } else if (urn && req.method === 'PUT' && req.params.length > 0) {
      planned.push({ resourceType: req.path, query: new URLSearchParams(req.params as [string, string][]).toString() });
    }
    for (const ref of collectConditionalReferences(req.body, new Set())) {
      const q = ref.indexOf('?');
      planned.push({ resourceType: ref.slice(0, q), query: ref.slice(q + 1) });
    }
  }
  return planned;
}

/** Lookups against `repo`, identifier lookups answered in batches. */
function batchedLookup(repo: FhirRepository): BatchedLookup {
  return new BatchedLookup(repo, (t, q) => findSingle(repo, t, q));
}

/**
 * Resolves a transaction.
 * @param entries - the Bundle entries.
 * @param requests - the entries as requests.
 * @param repo - the repository searched, whose analyzer gets the resources ahead of their writes.
 * @returns the plan; rejects with the failing entry's error.
 */
export async function resolveTransaction(
  entries: readonly BundleEntry[],
  requests: readonly FhirRequest[],
  repo: FhirRepository,
): Promise<TransactionPlan> {
  const batch = batchedLookup(repo);
  await batch.prime(plannedLookups(entries, requests));
  const lookup = batch.lookup;
  const lookups: RecordedLookup[] = [];
  const recorded: Lookup = async (resourceType, query) => {
    const id = await lookup(resourceType, query);
    lookups.push({ resourceType, query, id });
    return id;
  };
  const map = new Map<string, string>();
  const assigned = new Map<number, string>();
  const found = new Map<number, string>();
  /** Conditional PUT entries turned into updates of a known id. */
  const targets = new Map<number, string>();
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
      const existing = ifNoneExist ? await recorded(req.path, ifNoneExist) : undefined;
      const id = existing ?? newId();
      if (existing === undefined) {
        assigned.set(i, id);
      } else {
        found.set(i, `${req.path}/${existing}`);
      }
      map.set(fullUrl, `${req.path}/${id}`);
    } else if (req.method === 'PUT' && PLAIN_PATH.test(req.path)) {
      map.set(fullUrl, req.path);
    } else if (req.method === 'PUT' && isKnownResourceType(req.path) && req.params.length > 0) {
      // A conditional update with a urn fullUrl resolves to the resulting id (bundle.html#references):
      // the match is searched here and the entry becomes a plain update of that id
      // (update-as-create when nothing matched), which is what the conditional update would do
      // (http.html#cond-update).
      const query = new URLSearchParams(req.params as [string, string][]).toString();
      const id = (await recorded(req.path, query)) ?? newId();
      map.set(fullUrl, `${req.path}/${id}`);
      targets.set(i, `${req.path}/${id}`);
    }
  }
  const rewritten: FhirRequest[] = [];
  const resources = new Map<number, Resource>();
  const analyses: Promise<void>[] = [];
  for (const [i, original] of requests.entries()) {
    try {
      for (const ref of collectConditionalReferences(original.body, new Set())) {
        if (!map.has(ref)) {
          const q = ref.indexOf('?');
          const id = await recorded(ref.slice(0, q), ref.slice(q + 1));
          if (id === undefined) {
            throw fhirError('TESSERA_E_FHIR_UNRESOLVED_REFERENCE', `Conditional reference ${ref} matches no resource`);
          }
          map.set(ref, `${ref.slice(0, q)}/${id}`);
        }
      }
    } catch (err) {
      throw atEntry(err, i);
    }
    const target = targets.get(i);
    const body = rewriteReferences(original.body, map);
    const req: FhirRequest = {
      ...original,
      ...(target === undefined ? {} : { path: target }),
      body: target === undefined ? body : withTargetId(body, target),
      params: target === undefined ? rewriteReferences(original.params, map) : [],
    };
    rewritten.push(req);
    if (assigned.has(i)) {
      const resource = withoutId(requireResource(req.body, req.path));
      analyses.push(repo.preanalyze(resource));
      resources.set(i, resource);
    } else if (req.method === 'PUT' && PLAIN_PATH.test(req.path) && req.body !== null && typeof req.body === 'object') {
      // The update handler passes this very object to the repository, which finds the analysis.
      analyses.push(repo.preanalyze(req.body as Resource));
    }
  }
  return {
    assigned,
    found,
    requests: rewritten,
    resources,
    lookups,
    analyzed: Promise.all(analyses).then(() => undefined),
  };
}

/**
 * Whether every lookup a plan made still gives the same answer.
 * @param plan - a plan resolved ahead of the lock.
 * @param repo - the repository to search now (the transaction's).
 */
export async function lookupsHold(plan: TransactionPlan, repo: FhirRepository): Promise<boolean> {
  const batch = batchedLookup(repo);
  try {
    await batch.prime(plan.lookups);
  } catch {
    return false;
  }
  const lookup = batch.lookup;
  for (const recorded of plan.lookups) {
    let id: string | undefined;
    try {
      id = await lookup(recorded.resourceType, recorded.query);
    } catch {
      return false;
    }
    if (id !== recorded.id) {
      return false;
    }
  }
  return true;
}
