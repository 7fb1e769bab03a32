/**
 * Wires the FhirRepository implementation to a Store, a validator and the public base URL.
 * One factory per process; one repository per access context (per request, message, job).
 */
import type { AccessContext } from '../context';
import type { RepositoryDeps } from './deps';
import type { FhirRepository } from './repository';
import { StoreRepository } from './store-repository';

export type { RepositoryDeps } from './deps';

/** A function returning the repository for a caller. */
export type RepositoryFactory = (access: AccessContext) => FhirRepository;

/**
 * Creates the repository factory.
 * @param deps - store, validator, base URL and logger shared by every repository.
 */
export function createRepositoryFactory(deps: RepositoryDeps): RepositoryFactory {
  return (access) => new StoreRepository(deps, access, deps.store);
}
