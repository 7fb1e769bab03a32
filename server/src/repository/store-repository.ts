/**
 * The FhirRepository implementation over a Store: validates, indexes, checks access, versions
 * and stores (DESIGN.md, "Everything goes through the repository"). Every write runs inside a
 * store transaction that re-reads the current version, so versioning is race-free.
 * Spec: https://hl7.org/fhir/R4/http.html
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { Operation } from 'fast-json-patch';
import type { AccessContext } from '../context';
import type { TransactionRecords } from '../durable/records';
import { isKnownResourceType } from '../definitions/fhir-definitions';
import { fhirError, gone, notFound } from '../errors/outcome';
import { planConditionForQuery } from '../search/parse';
import type { SearchPlan } from '../search/plan';
import { VersionConflictError, type Store, type StoreReader, type StoreSession } from '../storage/store';
import { assertAllowed, patientCompartment } from './access';
import type { RepositoryDeps } from './deps';
import { historyBundle, toHistoryQuery } from './history-bundle';
import { isValidId, newId } from './ids';
import { applyJsonPatch } from './json-patch';
import type {
  CreateOptions,
  FhirRepository,
  HistoryRequest,
  SearchRequest,
  SearchResult,
  UpdateOptions,
  WriteResult,
} from './repository';
import { executeSearch, restrictPlan } from './search-executor';
import { assertNoErrors } from './validation-gate';
import { isVisible } from './visibility';
import { prepareTombstone, prepareVersion } from './write-preparation';
import type { RepositoryEvents } from './events';
import { analyzeResource, type WriteAnalysis } from './analysis';

type CommittedEvent = RepositoryEvents['resource.committed'][0];

/** The repository bound to one access context and, inside withTransaction, to one store session. */
export class StoreRepository implements FhirRepository {
  /** Events raised inside a transaction, emitted after the outermost commit. */
  private readonly pending: CommittedEvent[] = [];

  constructor(
    private readonly deps: RepositoryDeps,
    readonly access: AccessContext,
    private readonly reader: StoreReader,
    private readonly session?: StoreSession,
  ) {}

  async create<T extends Resource>(resource: T, options: CreateOptions = {}): Promise<WriteResult<T>> {
    const type = this.checkType(resource.resourceType);
    assertAllowed(this.access, type, 'c');
    const id = options.assignedId ?? newId();
    if (!isValidId(id)) {
      throw fhirError('TESSERA_E_FHIR_INVALID_ID', `Invalid id "${id}"`, `${type}.id`);
    }
    const candidate = { ...resource, id } as T;
    const analysis = await this.analyze(resource);
    assertNoErrors(analysis.issues);
    this.assertInCompartment(candidate);
    return this.write(async (session) => {
      if (options.ifNoneExist !== undefined) {
        const existing = await this.matchOne(session, type, options.ifNoneExist);
        if (existing) {
          return { resource: existing as T, created: false };
        }
      }
      const current = options.assignedId ? await session.readCurrent(type, id) : undefined;
      const version = (current?.versionId ?? 0) + 1;
      const prepared = prepareVersion(candidate, version, options.method ?? 'POST', new Date(), analysis.index);
      await session.write(prepared.write);
      this.committed('create', prepared.resource);
      return { resource: prepared.resource, created: true };
    });
  }

  async read<T extends Resource>(resourceType: T['resourceType'], id: string): Promise<T> {
    const { json } = await this.readJson(resourceType, id);
    return JSON.parse(json) as T;
  }

  async readJson(resourceType: string, id: string): Promise<{ json: string; versionId: number; lastUpdated: string }> {
    const type = this.checkType(resourceType);
    assertAllowed(this.access, type, 'r');
    const stored = await this.reader.readCurrent(type, id);
    if (!stored) {
      throw notFound(type, id);
    }
    if (stored.deleted) {
      throw gone(type, id);
    }
    if (patientCompartment(this.access) && !isVisible(this.access, JSON.parse(stored.json) as Resource)) {
      throw notFound(type, id);
    }
    return { json: stored.json, versionId: stored.versionId, lastUpdated: stored.lastUpdated };
  }

  async vread<T extends Resource>(resourceType: T['resourceType'], id: string, versionId: string): Promise<T> {
    const type = this.checkType(resourceType);
    assertAllowed(this.access, type, 'r');
    const version = Number(versionId);
    const stored = Number.isInteger(version) ? await this.reader.readVersion(type, id, version) : undefined;
    if (!stored) {
      throw fhirError('TESSERA_E_FHIR_NOT_FOUND', `${type}/${id}/_history/${versionId} not found`);
    }
    if (stored.deleted) {
      throw fhirError('TESSERA_E_FHIR_GONE', `${type}/${id}/_history/${versionId} is a deletion`);
    }
    const resource = JSON.parse(stored.json) as T;
    if (!isVisible(this.access, resource)) {
      throw notFound(type, id);
    }
    return resource;
  }

  async update<T extends Resource>(resource: T, options: UpdateOptions = {}): Promise<WriteResult<T>> {
    const type = this.checkType(resource.resourceType);
    const id = resource.id;
    if (!id) {
      throw fhirError('TESSERA_E_FHIR_ID_MISSING', undefined, `${type}.id`);
    }
    if (!isValidId(id)) {
      throw fhirError('TESSERA_E_FHIR_INVALID_ID', `Invalid id "${id}"`, `${type}.id`);
    }
    const analysis = await this.analyze(resource);
    assertNoErrors(analysis.issues);
    this.assertInCompartment(resource);
    return this.write(async (session) => {
      const current = await session.readCurrent(type, id);
      const exists = current !== undefined && !current.deleted;
      assertAllowed(this.access, type, exists ? 'u' : 'c');
      this.checkIfMatch(type, id, current?.versionId, options.ifMatch);
      if (exists && patientCompartment(this.access)) {
        this.assertInCompartment(JSON.parse(current.json) as Resource);
      }
      const prepared = prepareVersion(resource, (current?.versionId ?? 0) + 1, 'PUT', new Date(), analysis.index);
      await session.write(prepared.write);
      this.committed(exists ? 'update' : 'create', prepared.resource);
      return { resource: prepared.resource, created: !exists };
    });
  }

  async conditionalUpdate<T extends Resource>(resource: T, query: string): Promise<WriteResult<T>> {
    const type = this.checkType(resource.resourceType);
    const matches = await this.matchAll(this.reader, type, query, 2);
    if (matches.length > 1) {
      throw fhirError('TESSERA_E_FHIR_MULTIPLE_MATCHES', `${type}?${query} matched more than one resource`);
    }
    const match = matches[0];
    if (match) {
      if (resource.id !== undefined && resource.id !== match.id) {
        throw fhirError('TESSERA_E_FHIR_ID_MISMATCH', `The body id does not match ${type}/${match.id}`, `${type}.id`);
      }
      return this.update({ ...resource, id: match.id });
    }
    if (resource.id !== undefined) {
      return this.update(resource);
    }
    return this.create(resource);
  }

  async patch<T extends Resource>(
    resourceType: T['resourceType'],
    id: string,
    patch: readonly Operation[],
    options: UpdateOptions = {},
  ): Promise<T> {
    const type = this.checkType(resourceType);
    assertAllowed(this.access, type, 'u');
    return this.write(async (session) => {
      const current = await session.readCurrent(type, id);
      if (!current) {
        throw notFound(type, id);
      }
      if (current.deleted) {
        throw gone(type, id);
      }
      this.checkIfMatch(type, id, current.versionId, options.ifMatch);
      const before = JSON.parse(current.json) as T;
      this.assertInCompartment(before);
      const after = applyJsonPatch(before, patch);
      if (after.resourceType !== type || after.id !== id) {
        throw fhirError('TESSERA_E_FHIR_PATCH_FAILED', 'A patch may not change resourceType or id');
      }
      // The patched content exists only inside the write lock: analyze it here, on this thread.
      const analysis = analyzeResource(this.deps.validator, after);
      assertNoErrors(analysis.issues);
      this.assertInCompartment(after);
      const prepared = prepareVersion(after, current.versionId + 1, 'PATCH', new Date(), analysis.index);
      await session.write(prepared.write);
      this.committed('patch', prepared.resource);
      return prepared.resource;
    });
  }

  async delete(resourceType: string, id: string, options: UpdateOptions = {}): Promise<void> {
    const type = this.checkType(resourceType);
    assertAllowed(this.access, type, 'd');
    await this.write(async (session) => {
      const current = await session.readCurrent(type, id);
      this.checkIfMatch(type, id, current?.versionId, options.ifMatch);
      if (!current || current.deleted) {
        return;
      }
      this.assertInCompartment(JSON.parse(current.json) as Resource);
      await session.write(prepareTombstone(type, id, current.versionId + 1, new Date()));
      this.pending.push({ interaction: 'delete', resourceType: type, id, versionId: current.versionId + 1 });
    });
  }

  async conditionalDelete(resourceType: string, query: string): Promise<number> {
    const type = this.checkType(resourceType);
    const matches = await this.matchAll(this.reader, type, query, 2);
    if (matches.length > 1) {
      throw fhirError('TESSERA_E_FHIR_MULTIPLE_MATCHES', `${type}?${query} matched more than one resource`);
    }
    const match = matches[0];
    if (match) {
      await this.delete(type, match.id as string);
    }
    return matches.length;
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    if (request.resourceType !== undefined) {
      this.checkType(request.resourceType);
    }
    return executeSearch(this.reader, this.access, request, `${this.deps.baseUrl()}/fhir`);
  }

  async history(request: HistoryRequest): Promise<Bundle> {
    if (request.resourceType !== undefined) {
      assertAllowed(this.access, this.checkType(request.resourceType), 'r');
    }
    const query = toHistoryQuery(request);
    const page = await this.reader.history(query);
    const visible = page.versions.filter((v) => v.deleted || isVisible(this.access, JSON.parse(v.json) as Resource));
    return historyBundle(`${this.deps.baseUrl()}/fhir`, request, query, { ...page, versions: visible });
  }

  preanalyze(resource: Resource): Promise<void> {
    const prefetched = this.deps.prefetched;
    if (!this.deps.analyzer || !prefetched) {
      return Promise.resolve();
    }
    let pending = prefetched.get(resource);
    if (pending === undefined) {
      pending = this.deps.analyzer.analyze(resource);
      prefetched.set(resource, pending);
    }
    // Failures are surfaced when the write awaits the analysis, not here.
    return pending.then(
      () => undefined,
      () => undefined,
    );
  }

  /** Validation + index extraction: prefetched, on the analyzer pool, or on this thread. */
  private analyze(resource: Resource): Promise<WriteAnalysis> {
    const prefetched = this.deps.prefetched?.get(resource);
    if (prefetched) {
      this.deps.prefetched?.delete(resource);
      return prefetched;
    }
    return this.deps.analyzer
      ? this.deps.analyzer.analyze(resource)
      : Promise.resolve(analyzeResource(this.deps.validator, resource));
  }

  async withTransaction<T>(fn: (repo: FhirRepository, records: TransactionRecords) => Promise<T>): Promise<T> {
    if (this.session) {
      return fn(this, this.session.records);
    }
    let inner: StoreRepository | undefined;
    const result = await this.runInStore(async (session) => {
      inner = new StoreRepository(this.deps, this.access, session, session);
      return fn(inner, session.records);
    });
    this.emitAll(inner?.pending ?? []);
    return result;
  }

  /** Runs a write unit: inside the caller's transaction when there is one, else in its own. */
  private async write<T>(fn: (session: StoreSession) => Promise<T>): Promise<T> {
    if (this.session) {
      return fn(this.session);
    }
    const before = this.pending.length;
    try {
      const result = await this.runInStore(fn);
      this.emitAll(this.pending.splice(before));
      return result;
    } catch (err) {
      this.pending.splice(before);
      throw err;
    }
  }

  private async runInStore<T>(fn: (session: StoreSession) => Promise<T>): Promise<T> {
    try {
      return await (this.deps.store as Store).transaction(fn);
    } catch (err) {
      if (err instanceof VersionConflictError) {
        throw fhirError('TESSERA_E_FHIR_CONCURRENT_UPDATE', err.message);
      }
      throw err;
    }
  }

  private committed(interaction: CommittedEvent['interaction'], resource: Resource): void {
    this.pending.push({
      interaction,
      resourceType: resource.resourceType,
      id: resource.id as string,
      versionId: Number(resource.meta?.versionId),
      resource,
    });
  }

  private emitAll(events: readonly CommittedEvent[]): void {
    for (const event of events) {
      this.deps.events?.emit('resource.committed', event);
    }
  }

  private checkType(resourceType: string): string {
    if (!isKnownResourceType(resourceType)) {
      throw fhirError('TESSERA_E_FHIR_UNKNOWN_TYPE', `Unknown resource type "${resourceType}"`);
    }
    return resourceType;
  }

  private checkIfMatch(type: string, id: string, current: number | undefined, ifMatch: number | undefined): void {
    if (ifMatch !== undefined && current !== ifMatch) {
      throw fhirError(
        'TESSERA_E_FHIR_VERSION_CONFLICT',
        `If-Match W/"${ifMatch}" does not match the current version of ${type}/${id} (${current ?? 'none'})`,
      );
    }
  }

  private assertInCompartment(resource: Resource): void {
    if (patientCompartment(this.access) && !isVisible(this.access, resource)) {
      throw fhirError('TESSERA_E_AUTH_FORBIDDEN', `${resource.resourceType} is outside the patient compartment`);
    }
  }

  private async matchOne(reader: StoreReader, type: string, query: string): Promise<Resource | undefined> {
    const matches = await this.matchAll(reader, type, query, 2);
    if (matches.length > 1) {
      throw fhirError('TESSERA_E_FHIR_MULTIPLE_MATCHES', `${type}?${query} matched more than one resource`);
    }
    return matches[0];
  }

  private async matchAll(reader: StoreReader, type: string, query: string, limit: number): Promise<Resource[]> {
    const plan: SearchPlan = { ...planConditionForQuery(type, query), count: limit, total: 'none' };
    const page = await reader.search(restrictPlan(plan, this.access));
    return page.hits.map((h) => JSON.parse(h.resource.json) as Resource);
  }
}
