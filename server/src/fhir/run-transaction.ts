/**
 * Runs a transaction Bundle for an in-process adapter (HL7 v2, DICOM) exactly as `POST [base]`
 * would (https://hl7.org/fhir/R4/http.html#transaction): the same router, reference resolution
 * and conditional semantics. Two steps, so that the adapter can commit records of its own in the
 * same transaction while keeping the lock short: `prepare` outside its `withTransaction`
 * (resolution and validation ahead of the lock), `run` inside it with the transaction's repository.
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import type { FhirRepository } from '../repository/repository';
import type { ResourceValidator } from '../validation/validator';
import { prepareTransaction, runPreparedTransaction } from './interactions/transaction';
import type { PreparedTransaction } from './interactions/transaction';
import { fhirRouter } from './registry';
import type { FhirContext } from './types';

/** What running a bundle needs besides the repository. */
export interface TransactionRunnerDeps {
  /** Public base URL without trailing slash. */
  readonly baseUrl: () => string;
  readonly validator: ResourceValidator;
}

/** Runs transaction Bundles for adapters. */
export interface TransactionRunner {
  /**
   * Checks and resolves a transaction Bundle outside any transaction.
   * @param bundle - a Bundle of type `transaction`
   * @param repo - a repository not inside a transaction
   * @throws FhirError 400 for a malformed Bundle
   */
  prepare(bundle: Bundle, repo: FhirRepository): Promise<PreparedTransaction>;
  /**
   * Runs a prepared transaction with the transaction's repository.
   * @param prepared - from prepare
   * @param tx - the repository passed to `withTransaction`
   * @returns the transaction-response entries; rejects with the failing entry's FhirError
   */
  run(prepared: PreparedTransaction, tx: FhirRepository): Promise<BundleEntry[]>;
}

/**
 * Creates a TransactionRunner.
 * @param deps - base URL and validator.
 */
export function createTransactionRunner(deps: TransactionRunnerDeps): TransactionRunner {
  const context = (repo: FhirRepository): FhirContext => ({
    repo,
    baseUrl: deps.baseUrl(),
    validator: deps.validator,
    auth: 'off',
  });
  return {
    prepare: (bundle, repo) => prepareTransaction(bundle, context(repo)),
    run: (prepared, tx) => runPreparedTransaction(prepared, context(tx), (req, ctx) => fhirRouter.handle(req, ctx)),
  };
}
