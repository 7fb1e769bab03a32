/**
 * Wires the FhirRepository implementation to a Store, a validator and the public base URL.
 * One factory per process; one repository per access context (per request, message, job).
 */
import type { AccessContext } from '../context';
import type { Logger } from '../observability/logger';
import type { Store } from '../storage/store';
import type { ResourceValidator } from '../validation/validator';
import type { RepositoryEventBus } from './events';
import type { FhirRepository } from './repository';
import { StoreRepository } from './store-repository';

export interface RepositoryDeps {
  readonly store: Store;
  readonly validator: ResourceValidator;
  /** The public base URL without trailing slash, e.g. `http://localhost:8080` (FHIR base is `<baseUrl>/fhir`). */
  readonly baseUrl: () => string;
  readonly logger: Logger;
  /** Where committed-write events go (queues, outboxes, subscriptions). */
  readonly events?: RepositoryEventBus;
}

/** A function returning the repository for a caller. */
export type RepositoryFactory = (access: AccessContext) => FhirRepository;

/**
 * Creates the repository factory.
 * @param deps - store, validator, base URL and logger shared by every repository.
 */
export function createRepositoryFactory(deps: RepositoryDeps): RepositoryFactory {
  return (access) => new StoreRepository(deps, access, deps.store);
}
