/**
 * Covers https://hl7.org/fhir/R4/http.html#trules (processing order DELETE, POST, PUT/PATCH,
 * GET; urn:uuid/urn:oid references replaced everywhere: references, uri values, narrative
 * links, version-specific references kept version-specific; conditional references found) and
 * https://hl7.org/fhir/R4/bundle.html#transaction (entry request -> FHIR request, PATCH as Binary,
 * response entries with status line, location, etag, lastModified, outcome).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BundleEntry } from '@medplum/fhirtypes';
import { FhirError, fhirError } from '../../../../server/src/errors/outcome';
import { entryToRequest, splitEntryUrl } from '../../../../server/src/fhir/transaction/entry-request';
import { processingOrder } from '../../../../server/src/fhir/transaction/ordering';
import {
  collectConditionalReferences,
  isBundleUrn,
  rewriteReferences,
} from '../../../../server/src/fhir/transaction/references';
import { errorEntry, resultEntry, statusLine } from '../../../../server/src/fhir/transaction/response-entry';

const base = 'http://t.test/fhir';

describe('processingOrder', () => {
  it('orders DELETE, POST, PUT/PATCH, GET/HEAD, keeping bundle order within a group', () => {
    const methods = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'POST', 'HEAD', 'DELETE'];
    const order = processingOrder(methods);
    assert.deepEqual(order, [3, 7, 2, 5, 1, 4, 0, 6]);
    assert.deepEqual(
      order.map((i) => methods[i]),
      ['DELETE', 'DELETE', 'POST', 'POST', 'PUT', 'PATCH', 'GET', 'HEAD'],
    );
  });
});

describe('rewriteReferences', () => {
  const map = new Map([
    ['urn:uuid:aaa', 'Patient/1'],
    ['urn:oid:1.2.3', 'Organization/9'],
  ]);

  it('replaces urns in references, uri values and narrative links, anywhere in the tree', () => {
    const input = {
      resourceType: 'Observation',
      subject: { reference: 'urn:uuid:aaa' },
      performer: [{ reference: 'urn:oid:1.2.3' }, { reference: 'Practitioner/7' }],
      focus: [{ reference: 'urn:uuid:aaa/_history/2' }],
      extension: [{ url: 'http://x', valueUri: 'urn:uuid:aaa' }],
      text: { div: '<div><a href="urn:uuid:aaa">p</a><img src="urn:oid:1.2.3"/> urn:uuid:aaa</div>' },
      note: [{ text: 'urn:uuid:unknown' }],
    };
    const out = rewriteReferences(input, map);
    assert.equal(out.subject.reference, 'Patient/1');
    assert.deepEqual(
      out.performer.map((p) => p.reference),
      ['Organization/9', 'Practitioner/7'],
    );
    assert.equal(out.focus[0]?.reference, 'Patient/1/_history/2');
    assert.equal(out.extension[0]?.valueUri, 'Patient/1');
    assert.equal(out.text.div, '<div><a href="Patient/1">p</a><img src="Organization/9"/> urn:uuid:aaa</div>');
    assert.equal(out.note[0]?.text, 'urn:uuid:unknown');
    assert.equal(input.subject.reference, 'urn:uuid:aaa', 'the input is not modified');
  });

  it('rewrites urns in decoded search parameters of an entry URL', () => {
    const params: [string, string][] = [
      ['subject', 'urn:uuid:aaa'],
      ['code', 'urn:uuid:aaa-not-exact'],
    ];
    assert.deepEqual(rewriteReferences(params, map), [
      ['subject', 'Patient/1'],
      ['code', 'urn:uuid:aaa-not-exact'],
    ]);
  });

  it('recognizes bundle urns', () => {
    assert.ok(isBundleUrn('urn:uuid:x'));
    assert.ok(isBundleUrn('urn:oid:1.2'));
    assert.equal(isBundleUrn('http://x/Patient/1'), false);
    assert.equal(isBundleUrn(undefined), false);
  });
});

describe('collectConditionalReferences', () => {
  it('finds Type?query references only in reference elements', () => {
    const found = collectConditionalReferences(
      {
        subject: { reference: 'Patient?identifier=urn:sys|123' },
        performer: [{ reference: 'Practitioner/1' }, { reference: 'Organization?name=acme' }],
        note: [{ text: 'Patient?identifier=not-a-reference' }],
      },
      new Set(),
    );
    assert.deepEqual([...found].sort(), ['Organization?name=acme', 'Patient?identifier=urn:sys|123']);
  });
});

describe('entryToRequest', () => {
  it('splits relative and absolute URLs', () => {
    assert.deepEqual(splitEntryUrl('Patient/1?_elements=id', base), {
      path: 'Patient/1',
      params: [['_elements', 'id']],
    });
    assert.deepEqual(splitEntryUrl(`${base}/Patient?name=a%20b`, base), { path: 'Patient', params: [['name', 'a b']] });
    assert.deepEqual(splitEntryUrl('/Patient/', base), { path: 'Patient', params: [] });
  });

  it('carries the resource and the conditional headers', () => {
    const entry: BundleEntry = {
      resource: { resourceType: 'Patient' },
      request: { method: 'PUT', url: 'Patient/1', ifMatch: 'W/"2"', ifNoneExist: 'identifier=a|b' },
    };
    const req = entryToRequest(entry, 0, base);
    assert.equal(req.method, 'PUT');
    assert.equal(req.path, 'Patient/1');
    assert.deepEqual(req.body, { resourceType: 'Patient' });
    assert.equal(req.headers.ifMatch, 'W/"2"');
    assert.equal(req.headers.ifNoneExist, 'identifier=a|b');
  });

  it('decodes a JSON Patch carried as a Binary', () => {
    const ops = [{ op: 'replace', path: '/gender', value: 'male' }];
    const entry: BundleEntry = {
      resource: {
        resourceType: 'Binary',
        contentType: 'application/json-patch+json',
        data: Buffer.from(JSON.stringify(ops)).toString('base64'),
      },
      request: { method: 'PATCH', url: 'Patient/1' },
    };
    assert.deepEqual(entryToRequest(entry, 0, base).body, ops);
  });

  it('rejects entries without a request and Binary patches that are not JSON', () => {
    assert.throws(
      () => entryToRequest({ resource: { resourceType: 'Patient' } }, 3, base),
      (err: unknown) => err instanceof FhirError && err.status === 400 && err.outcome.issue?.[0]?.code === 'invalid',
    );
    const bad: BundleEntry = {
      resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: 'bm90IGpzb24=' },
      request: { method: 'PATCH', url: 'Patient/1' },
    };
    assert.throws(
      () => entryToRequest(bad, 0, base),
      (err: unknown) => err instanceof FhirError && err.status === 400,
    );
  });
});

describe('response entries', () => {
  it('formats status lines', () => {
    assert.equal(statusLine(201), '201 Created');
    assert.equal(statusLine(412), '412 Precondition Failed');
  });

  it('gives location relative to the base, etag, lastModified and the resource', () => {
    const entry = resultEntry(
      {
        status: 201,
        resource: {
          resourceType: 'Patient',
          id: '1',
          meta: { versionId: '1', lastUpdated: '2024-02-03T04:05:06.789Z' },
        },
        headers: { ETag: 'W/"1"', Location: `${base}/Patient/1/_history/1`, 'Last-Modified': 'x' },
      },
      base,
    );
    assert.deepEqual(entry.response, {
      status: '201 Created',
      location: 'Patient/1/_history/1',
      etag: 'W/"1"',
      lastModified: '2024-02-03T04:05:06.789Z',
    });
    assert.equal(entry.fullUrl, `${base}/Patient/1`);
    assert.equal(entry.resource?.id, '1');
  });

  it('parses pre-serialized JSON and puts OperationOutcomes in response.outcome', () => {
    const read = resultEntry(
      { status: 200, json: '{"resourceType":"Patient","id":"2"}', headers: { ETag: 'W/"4"' } },
      base,
    );
    assert.equal(read.resource?.id, '2');
    const del = resultEntry(
      {
        status: 200,
        resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational' }] },
      },
      base,
    );
    assert.equal(del.resource, undefined);
    assert.equal(del.response?.outcome?.resourceType, 'OperationOutcome');
  });

  it('reports an error with its status and outcome', () => {
    const entry = errorEntry(fhirError('TESSERA_E_FHIR_GONE', 'gone'));
    assert.equal(entry.response?.status, '410 Gone');
    assert.equal(entry.response?.outcome?.issue?.[0]?.code, 'deleted');
  });
});
