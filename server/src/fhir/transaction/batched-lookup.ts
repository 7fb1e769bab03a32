/**
 * Answers many "which resource has this identifier" lookups of a transaction with one search per
 * resource type. Adapters resolve a dozen identifiers per message (Patient, order, report, one
 * per Observation); one `identifier=a,b,c` search (OR, https://hl7.org/fhir/R4/search.html#combining)
 * replaces a search each. Each answer is then read off the returned resources by exact system
 * and value, which is what a token search on `identifier` matches
 * (https://hl7.org/fhir/R4/search.html#token). Lookups of any other shape, and batches whose
 * results could be cut off by paging, fall back to one search each.
 */
import type { Identifier, Resource } from '@medplum/fhirtypes';
import { splitEscaped, unescapeValue } from '../../search/search-escape';
import type { FhirRepository } from '../../repository/repository';
import { fhirError } from '../../errors/outcome';

/** Finds the id a search designates: undefined for none; several are a 412. */
export type Lookup = (resourceType: string, query: string) => Promise<string | undefined>;

/** One lookup to answer. */
export interface LookupRequest {
  readonly resourceType: string;
  readonly query: string;
}

interface IdentifierKey {
  /** undefined: any system (`identifier=value`); '': no system (`identifier=|value`). */
  readonly system: string | undefined;
  readonly value: string;
}

/** The identifier a query asks for, when it is exactly `identifier=[system|]value`. */
function identifierOf(query: string): IdentifierKey | undefined {
  const params = [...new URLSearchParams(query)];
  const [name, raw] = params[0] ?? [];
  if (params.length !== 1 || name !== 'identifier' || raw === undefined || splitEscaped(raw, ',').length !== 1) {
    return undefined;
  }
  const parts = splitEscaped(raw, '|');
  if (parts.length > 2) {
    return undefined;
  }
  return parts.length === 1
    ? { system: undefined, value: unescapeValue(parts[0] ?? '') }
    : { system: unescapeValue(parts[0] ?? ''), value: unescapeValue(parts[1] ?? '') };
}

const escape = (text: string): string => text.replace(/[\\,$|]/g, (c) => `\\${c}`);

function tokenOf(key: IdentifierKey): string {
  return key.system === undefined ? escape(key.value) : `${escape(key.system)}|${escape(key.value)}`;
}

function carries(resource: Resource, key: IdentifierKey): boolean {
  const identifiers = (resource as { identifier?: Identifier[] }).identifier ?? [];
  return identifiers.some(
    (i) =>
      i.value === key.value &&
      (key.system === undefined || (key.system === '' ? i.system === undefined : i.system === key.system)),
  );
}

/** Batches identifier lookups against one repository; other lookups go through `single`. */
export class BatchedLookup {
  private readonly answers = new Map<string, Promise<string | undefined>>();

  /**
   * @param repo - where to search.
   * @param single - the one-search-per-lookup fallback.
   */
  constructor(
    private readonly repo: FhirRepository,
    private readonly single: Lookup,
  ) {}

  /** The lookup function: a primed answer, or one search. */
  readonly lookup: Lookup = (resourceType, query) =>
    this.answers.get(`${resourceType}?${query}`) ?? this.single(resourceType, query);

  /**
   * Answers the identifier lookups among `requests` with one search per resource type.
   * @param requests - the lookups a transaction will make.
   */
  async prime(requests: readonly LookupRequest[]): Promise<void> {
    const byType = new Map<string, { query: string; key: IdentifierKey }[]>();
    for (const { resourceType, query } of requests) {
      const key = identifierOf(query);
      if (key === undefined || this.answers.has(`${resourceType}?${query}`)) {
        continue;
      }
      const list = byType.get(resourceType) ?? [];
      if (!list.some((l) => l.query === query)) {
        list.push({ query, key });
      }
      byType.set(resourceType, list);
    }
    await Promise.all(
      [...byType].filter(([, list]) => list.length > 1).map(([type, list]) => this.primeType(type, list)),
    );
  }

  private async primeType(resourceType: string, list: readonly { query: string; key: IdentifierKey }[]): Promise<void> {
    // Room for two matches per identifier (the second proves ambiguity) plus one to detect a cut.
    const count = 2 * list.length + 1;
    const result = await this.repo.search({
      resourceType,
      params: [
        ['identifier', list.map((l) => tokenOf(l.key)).join(',')],
        ['_count', String(count)],
      ],
    });
    if (result.matches.length >= count) {
      return; // possibly cut off by paging: answer each lookup on its own
    }
    for (const { query, key } of list) {
      const hits = result.matches.filter((r) => carries(r, key));
      const answer =
        hits.length > 1
          ? Promise.reject(
              fhirError('TESSERA_E_FHIR_MULTIPLE_MATCHES', `${resourceType}?${query} matches more than one resource`),
            )
          : Promise.resolve(hits[0]?.id);
      answer.catch(() => undefined); // surfaced when the lookup is awaited
      this.answers.set(`${resourceType}?${query}`, answer);
    }
  }
}
