/** What every repository shares: store, validator, base URL, logger, event bus. */
import type { Logger } from '../observability/logger';
import type { Store } from '../storage/store';
import type { ResourceValidator } from '../validation/validator';
import type { ResourceAnalyzer, WriteAnalysis } from './analysis';
import type { RepositoryEventBus } from './events';

export interface RepositoryDeps {
  readonly store: Store;
  readonly validator: ResourceValidator;
  /** The public base URL without trailing slash, e.g. `http://localhost:8080` (FHIR base is `<baseUrl>/fhir`). */
  readonly baseUrl: () => string;
  readonly logger: Logger;
  /** Where committed-write events go (queues, outboxes, subscriptions). */
  readonly events?: RepositoryEventBus;
  /** Where validation + index extraction run (a worker pool in production); on the calling thread when absent. */
  readonly analyzer?: ResourceAnalyzer;
  /** Analyses started ahead of a write (FhirRepository.preanalyze), keyed by the resource object. */
  readonly prefetched?: WeakMap<object, Promise<WriteAnalysis>>;
}
