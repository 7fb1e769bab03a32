/**
 * Batched identifier lookups of a transaction (server/src/fhir/transaction/batched-lookup.ts):
 * one `identifier=a,b,c` search (https://hl7.org/fhir/R4/search.html#combining) must give the
 * same answers as one token search per identifier (https://hl7.org/fhir/R4/search.html#token):
 * exact system and value, `|value` for no system, ambiguity reported as 412, search-escaped
 * characters, and other query shapes answered one by one. Runs on a real SQLite store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Identifier, Patient, Resource } from '@medplum/fhirtypes';
import { FhirError } from '../../../../server/src/errors/outcome';
import { BatchedLookup } from '../../../../server/src/fhir/transaction/batched-lookup';
import { findSingle } from '../../../../server/src/fhir/transaction/resolution';
import type { FhirRepository, SearchRequest } from '../../../../server/src/repository/repository';
import { createTestApp, type TestApp } from '../../../helpers/test-app';

describe('BatchedLookup', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  const patient = async (name: string, identifier: Identifier[]): Promise<void> => {
    ids[name] = (await t.repo.create<Patient>({ resourceType: 'Patient', identifier })).resource.id as string;
  };
  before(async () => {
    t = await createTestApp();
    await patient('a', [{ system: 'urn:s', value: 'A' }]);
    await patient('b', [{ system: 'urn:s', value: 'B,1|x$y\\z' }]);
    await patient('c', [{ value: 'C' }]);
    await patient('d1', [{ system: 'urn:s', value: 'D' }]);
    await patient('d2', [{ system: 'urn:s', value: 'D' }]);
    await patient('e', [{ system: 'urn:other', value: 'A' }]);
  });
  after(async () => {
    await t.close();
  });

  /** Counts the searches a lookup makes. */
  function counting(repo: FhirRepository): { repo: FhirRepository; searches: () => number } {
    let n = 0;
    const wrapped: FhirRepository = Object.create(repo) as FhirRepository;
    wrapped.search = (request: SearchRequest) => {
      n++;
      return repo.search(request);
    };
    return { repo: wrapped, searches: () => n };
  }

  const q = (identifier: string): string => new URLSearchParams({ identifier }).toString();

  it('answers every identifier lookup of a type with one search, like single searches would', async () => {
    const { repo, searches } = counting(t.repo);
    const batch = new BatchedLookup(repo, (type, query) => findSingle(repo, type, query));
    const queries = [q('urn:s|A'), q('urn:s|B\\,1\\|x\\$y\\\\z'), q('|C'), q('urn:s|missing'), q('A')];
    await batch.prime(queries.map((query) => ({ resourceType: 'Patient', query })));
    assert.equal(searches(), 1);
    assert.equal(await batch.lookup('Patient', queries[0] as string), ids.a);
    assert.equal(await batch.lookup('Patient', queries[1] as string), ids.b);
    assert.equal(await batch.lookup('Patient', queries[2] as string), ids.c);
    assert.equal(await batch.lookup('Patient', queries[3] as string), undefined);
    // `identifier=A` (any system) matches two Patients: ambiguous, as a single search would say.
    await assert.rejects(batch.lookup('Patient', queries[4] as string), (err: unknown) => {
      return err instanceof FhirError && err.status === 412;
    });
    assert.equal(searches(), 1, 'answers come from the primed search');
    for (const query of queries.slice(0, 4)) {
      assert.equal(await batch.lookup('Patient', query), await findSingle(t.repo, 'Patient', query));
    }
  });

  it('reports an ambiguous identifier as 412 and leaves other shapes to single searches', async () => {
    const { repo, searches } = counting(t.repo);
    const batch = new BatchedLookup(repo, (type, query) => findSingle(repo, type, query));
    await batch.prime([
      { resourceType: 'Patient', query: q('urn:s|D') },
      { resourceType: 'Patient', query: q('urn:s|A') },
      { resourceType: 'Patient', query: 'name=x' },
    ]);
    await assert.rejects(
      batch.lookup('Patient', q('urn:s|D')),
      (err: unknown) => err instanceof FhirError && err.status === 412,
    );
    assert.equal(await batch.lookup('Patient', 'name=x'), undefined);
    assert.equal(searches(), 2);
  });

  it('falls back to single searches when the batch could have been cut off by paging', async () => {
    const many: Resource[] = [];
    for (let i = 0; i < 6; i++) {
      many.push(
        (await t.repo.create<Patient>({ resourceType: 'Patient', identifier: [{ system: 'urn:m', value: 'M' }] }))
          .resource,
      );
    }
    const { repo, searches } = counting(t.repo);
    const batch = new BatchedLookup(repo, (type, query) => findSingle(repo, type, query));
    await batch.prime([
      { resourceType: 'Patient', query: q('urn:m|M') },
      { resourceType: 'Patient', query: q('urn:s|A') },
    ]);
    assert.equal(searches(), 1);
    assert.equal(await batch.lookup('Patient', q('urn:s|A')), ids.a);
    assert.equal(searches(), 2, 'answered by its own search');
    assert.equal(many.length, 6);
  });
});
