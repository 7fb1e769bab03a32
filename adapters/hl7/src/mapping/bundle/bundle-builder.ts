/**
 * Builds the transaction Bundle of one message (https://hl7.org/fhir/R4/http.html#transaction):
 * - `createIfMissing`: POST with `ifNoneExist` (conditional create, #ccreate) and a `urn:uuid:`
 *   fullUrl, referenced by that urn (the processor maps it to the existing or new id);
 * - `upsert`: PUT `Type?identifier=..` (conditional update, #cond-update) with a `urn:uuid:`
 *   fullUrl, referenced by that urn: the processor resolves a conditional PUT with a urn fullUrl to
 *   the matched (or a new) id before any entry runs (https://hl7.org/fhir/R4/bundle.html#references),
 *   so references work whatever the entry order and even to a resource the same Bundle creates.
 * Entries are keyed by type + identifier: a resource met twice in one message (an ordering
 * provider in ORC-12 and OBR-16) gives one entry, because two POSTs with the same `ifNoneExist`
 * in one transaction would both create. Every resource gets `meta.source`.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Identifier, Reference, Resource } from '@medplum/fhirtypes';
import { identifierQuery } from './search-query';

/** `urn:uuid:` and the first 24 characters (8-4-4-4 plus the dash) of a per-process random UUID. */
const URN_PREFIX = `urn:uuid:${randomUUID().slice(0, 24)}`;
/** 12 hex digits. */
const URN_COUNTER_LIMIT = 16 ** 12;
let urnCounter = 0;

/**
 * Whether conditionally updated entries are referenced by their `urn:uuid:` fullUrl (true) or by a
 * conditional reference `Type?identifier=..` (false). Conditional references are resolved against
 * committed data before the transaction runs, so they cannot point at a resource the same Bundle
 * creates; the urn can.
 */
export const CONDITIONAL_PUT_URN_REFERENCES: boolean = true;

/** Accumulates the entries of one transaction. */
export class BundleBuilder {
  private readonly entries = new Map<string, BundleEntry>();
  /** One `urn:uuid:` per entry key, handed out before or when the entry is added. */
  private readonly urns = new Map<string, string>();

  /**
   * @param source - the `meta.source` every resource gets
   */
  public constructor(private readonly source: string) {}

  private key(resourceType: string, identifier: Identifier): string {
    return `${resourceType}|${identifier.system ?? ''}|${identifier.value ?? ''}`;
  }

  private urnFor(key: string): string {
    let urn = this.urns.get(key);
    if (urn === undefined) {
      // A random UUID drawn once per process, its last 12 hex digits replaced by a counter: unique
      // within the Bundle (all a fullUrl needs, https://hl7.org/fhir/R4/bundle.html#fullUrl) and
      // across Bundles of this process, without a random draw per Bundle.
      urnCounter = (urnCounter + 1) % URN_COUNTER_LIMIT;
      urn = URN_PREFIX + urnCounter.toString(16).padStart(12, '0');
      this.urns.set(key, urn);
    }
    return urn;
  }

  /** Sets `meta.source` on a resource the mappers just built (they own it, so no copy is made). */
  private stamp<T extends Resource>(resource: T): T {
    resource.meta = { ...resource.meta, source: this.source };
    return resource;
  }

  /**
   * Adds (once) a resource created only when no resource has its identifier.
   * @param resource - the resource
   * @param identifier - the identifier that finds it
   * @param display - Reference.display to return
   * @returns a reference to it (its urn)
   */
  public createIfMissing<T extends Resource>(resource: T, identifier: Identifier, display?: string): Reference<T> {
    const key = this.key(resource.resourceType, identifier);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = {
        fullUrl: this.urnFor(key),
        resource: this.stamp(resource),
        request: { method: 'POST', url: resource.resourceType, ifNoneExist: identifierQuery(identifier) },
      };
      this.entries.set(key, entry);
    }
    return { reference: entry.fullUrl, ...(display === undefined ? {} : { display }) };
  }

  /**
   * Adds a resource created or replaced by its identifier; a later call with the same identifier
   * replaces the earlier resource (keeping its place).
   * @param resource - the resource
   * @param identifier - the identifier that finds it
   * @param display - Reference.display to return
   * @returns a reference to it (a conditional reference)
   */
  public upsert<T extends Resource>(resource: T, identifier: Identifier, display?: string): Reference<T> {
    const key = this.key(resource.resourceType, identifier);
    this.entries.set(key, {
      fullUrl: this.urnFor(key),
      resource: this.stamp(resource),
      request: { method: 'PUT', url: `${resource.resourceType}?${identifierQuery(identifier)}` },
    });
    return this.reference<T>(resource.resourceType, identifier, display);
  }

  /**
   * The reference to a resource this Bundle upserts (or will upsert: the urn depends only on the
   * type and identifier, so a Specimen can point at its ServiceRequest before it is added).
   * @param resourceType - the type
   * @param identifier - the identifier it is upserted by
   * @param display - Reference.display
   * @returns the reference
   */
  public reference<T extends Resource>(
    resourceType: T['resourceType'],
    identifier: Identifier,
    display?: string,
  ): Reference<T> {
    const reference = CONDITIONAL_PUT_URN_REFERENCES
      ? this.urnFor(this.key(resourceType, identifier))
      : `${resourceType}?${identifierQuery(identifier)}`;
    return { reference, ...(display === undefined ? {} : { display }) };
  }

  /**
   * The transaction Bundle.
   * @returns a Bundle of type `transaction`
   */
  public build(): Bundle {
    return { resourceType: 'Bundle', type: 'transaction', entry: [...this.entries.values()] };
  }
}
