/**
 * The CPU-heavy, storage-independent part of a write: validation (base spec, bindings, profiles)
 * and search index extraction. It depends only on the resource's content, so it can run before
 * the write takes the store's write lock, and on another thread (analyzer-pool.ts).
 */
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { IndexEntry } from '../search/index-entries';
import { extractIndexEntries } from '../search/index-extraction';
import type { ResourceValidator } from '../validation/validator';

/** What a write needs to know about a resource's content. */
export interface WriteAnalysis {
  /** Validation issues (any `error`/`fatal` rejects the write). */
  readonly issues: readonly OperationOutcomeIssue[];
  /** Search index entries (the Patient's own compartment is added from the id later). */
  readonly index: readonly IndexEntry[];
}

/** Analyzes resources, possibly on other threads. */
export interface ResourceAnalyzer {
  /**
   * Validates and indexes a resource.
   * @param resource - the resource (its id and meta.versionId/lastUpdated do not affect the result).
   */
  analyze(resource: Resource): Promise<WriteAnalysis>;
  /** Releases threads. */
  close(): Promise<void>;
}

/**
 * Analyzes a resource on the calling thread.
 * @param validator - the validator.
 * @param resource - the resource.
 */
export function analyzeResource(validator: ResourceValidator, resource: Resource): WriteAnalysis {
  const issues = validator.validate(resource);
  const invalid = issues.some((i) => i.severity === 'error' || i.severity === 'fatal');
  return { issues, index: invalid ? [] : extractIndexEntries(resource) };
}

/** The analyzer that runs on the calling thread (tests, `TESSERA_ANALYZER_THREADS=0`). */
export class InThreadAnalyzer implements ResourceAnalyzer {
  /** @param validator - the validator. */
  constructor(private readonly validator: ResourceValidator) {}

  analyze(resource: Resource): Promise<WriteAnalysis> {
    return Promise.resolve(analyzeResource(this.validator, resource));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
