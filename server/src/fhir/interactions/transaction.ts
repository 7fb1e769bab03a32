/**
 * transaction: `POST [base]` with a Bundle of type `transaction`,
 * https://hl7.org/fhir/R4/http.html#transaction and #trules. All entries run inside one
 * `repo.withTransaction`, so either all succeed or nothing is stored (the first failing entry's
 * status and OperationOutcome become the answer). Entries are processed DELETE, POST, PUT/PATCH,
 * GET. Identities (urn fullUrls, `ifNoneExist`, conditional PUTs with urn fullUrls, conditional
 * references) are resolved before any entry runs, first outside the write lock and checked again
 * under it (transaction/resolution.ts), so the lock is held for the writes, not for validation.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { fhirError } from '../../errors/outcome';
import { requireResource, withoutId } from '../body';
import { writtenResult } from '../results';
import { entryToRequest } from '../transaction/entry-request';
import { processingOrder } from '../transaction/ordering';
import { atEntry, lookupsHold, resolveTransaction } from '../transaction/resolution';
import type { TransactionPlan } from '../transaction/resolution';
import { resultEntry } from '../transaction/response-entry';
import type { FhirContext, FhirDispatch, FhirRequest, FhirResult } from '../types';
import { fhirBase } from '../types';

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
  const prepared = await prepareTransaction(bundle, ctx);
  const responses = await ctx.repo.withTransaction((tx) =>
    runPreparedTransaction(prepared, { ...ctx, repo: tx }, dispatch),
  );
  return {
    status: 200,
    resource: { resourceType: 'Bundle', id: randomUUID(), type: 'transaction-response', entry: responses },
  };
}

/** A transaction checked and resolved ahead of its write lock (see transaction/resolution.ts). */
export interface PreparedTransaction {
  readonly entries: readonly BundleEntry[];
  readonly requests: readonly FhirRequest[];
  readonly order: readonly number[];
  /** Resolved on committed data; undefined when resolution failed (it is redone under the lock). */
  readonly plan: TransactionPlan | undefined;
  readonly base: string;
}

/**
 * Checks a transaction Bundle and resolves it outside the write lock.
 * @param bundle - the transaction (type already checked).
 * @param ctx - interaction context (its repository must not be inside a transaction yet).
 * @returns what runPreparedTransaction needs.
 * @throws FhirError 400 for a malformed Bundle.
 */
export async function prepareTransaction(bundle: Bundle, ctx: FhirContext): Promise<PreparedTransaction> {
  const base = fhirBase(ctx);
  const entries = bundle.entry ?? [];
  const requests = entries.map((entry, i) => entryToRequest(entry, i, base));
  checkDuplicates(requests);
  const order = processingOrder(requests.map((r) => r.method));
  let plan: TransactionPlan | undefined;
  try {
    plan = await resolveTransaction(entries, requests, ctx.repo);
    // Wait for validation and indexing here, before the write lock, not while holding it.
    await plan.analyzed;
  } catch {
    plan = undefined; // resolved again under the lock, which reports the error with its entry
  }
  return { entries, requests, order, plan, base };
}

/**
 * Runs a prepared transaction's entries; call inside `withTransaction` with its repository.
 * @param prepared - from prepareTransaction.
 * @param ctx - interaction context whose repository is the transaction's.
 * @param dispatch - routes one entry request.
 * @returns the transaction-response entries.
 */
export async function runPreparedTransaction(
  prepared: PreparedTransaction,
  ctx: FhirContext,
  dispatch: FhirDispatch,
): Promise<BundleEntry[]> {
  const tx = ctx.repo;
  let plan = prepared.plan;
  if (plan === undefined || !(await lookupsHold(plan, tx))) {
    plan = await resolveTransaction(prepared.entries, prepared.requests, tx);
  }
  const txCtx: FhirContext = { ...ctx, inBundle: true };
  const out: BundleEntry[] = new Array<BundleEntry>(prepared.entries.length);
  for (const i of prepared.order) {
    try {
      const req = plan.requests[i] as FhirRequest;
      const found = plan.found.get(i);
      if (found !== undefined) {
        // ifNoneExist matched: http.html#ccreate answers 200 with the existing resource, writes nothing.
        const [type, id] = found.split('/') as [string, string];
        out[i] = resultEntry(
          writtenResult(txCtx, {
            resource: await tx.read<Resource>(type as Resource['resourceType'], id),
            created: false,
          }),
          prepared.base,
        );
        continue;
      }
      out[i] = resultEntry(
        await runEntry(req, plan.assigned.get(i), txCtx, dispatch, plan.resources.get(i)),
        prepared.base,
      );
    } catch (err) {
      throw atEntry(err, i);
    }
  }
  return out;
}
export { findSingle } from '../transaction/resolution';
