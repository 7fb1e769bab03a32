// Covers issue 3 "Mapping" end to end on the fixtures corpus (test/fixtures/hl7/*.hl7, each with a
// sibling *.expect.json): HL7 V2-to-FHIR IG message maps ADT_A01/A04/A08/A28/A31/A40, ORM_O01,
// OML_O21, ORU_R01; HL7 v2.5.1 chapter 2 section 2.9.2 (AE/AR) with table 0357 codes and ERR-2
// locations; https://hl7.org/fhir/R4/http.html#transaction (entry methods, conditional create/update).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalFhirPath } from '@medplum/core';
import type { Bundle } from '@medplum/fhirtypes';
import { Hl7MappingError, mapMessage } from '../../../../../adapters/hl7/src/mapping/map-message';
import type { MappedMessage } from '../../../../../adapters/hl7/src/mapping/map-message';
import type { AckError } from '../../../../../adapters/hl7/src/message/ack';
import { parseMessage } from '../../../../../adapters/hl7/src/message/parse';

const DIR = join(__dirname, '..', '..', '..', '..', 'fixtures', 'hl7');

interface ExpectedError {
  readonly code: string;
  readonly segment: string;
  readonly sequence?: number;
  readonly field?: number;
  readonly component?: number;
}

interface Expectation {
  readonly description: string;
  readonly ack: 'AA' | 'AE' | 'AR';
  readonly entries?: Record<string, number>;
  readonly facts?: { path: string; equals: unknown[] }[];
  readonly sameReference?: [string, string][];
  readonly warnings?: ExpectedError[];
  readonly errors?: ExpectedError[];
  readonly merges?: { survivor: string; merged: string }[];
}

function matches(actual: AckError, expected: ExpectedError): boolean {
  const l = actual.location;
  return (
    actual.code.code === expected.code &&
    l?.segment === expected.segment &&
    l.sequence === expected.sequence &&
    l.field === expected.field &&
    l.component === expected.component
  );
}

function entryCounts(bundle: Bundle): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of bundle.entry ?? []) {
    const key = `${e.request?.method} ${e.resource?.resourceType}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function checkMapped(mapped: MappedMessage, expect: Expectation): void {
  const { bundle } = mapped;
  assert.equal(bundle.type, 'transaction');
  if (expect.entries) {
    assert.deepEqual(entryCounts(bundle), expect.entries);
  }
  for (const fact of expect.facts ?? []) {
    assert.deepEqual(evalFhirPath(fact.path, bundle), fact.equals, fact.path);
  }
  for (const [from, to] of expect.sameReference ?? []) {
    const refs = evalFhirPath(from, bundle);
    const targets = new Set(evalFhirPath(to, bundle));
    assert.ok(refs.length > 0, `${from} is empty`);
    for (const ref of refs) {
      assert.ok(targets.has(ref), `${from} = ${String(ref)} is not one of ${to}`);
    }
  }
  for (const w of expect.warnings ?? []) {
    assert.ok(
      mapped.warnings.some((a) => matches(a, w) && a.severity === 'W'),
      `warning ${JSON.stringify(w)} in ${JSON.stringify(mapped.warnings)}`,
    );
  }
  if (expect.warnings === undefined) {
    assert.deepEqual(mapped.warnings, []);
  }
  const merges = mapped.merges.map((m) => ({
    survivor: `${m.survivor.system}|${m.survivor.value}`,
    merged: `${m.merged.system}|${m.merged.value}`,
  }));
  assert.deepEqual(merges, expect.merges ?? []);
  // Every entry: urn fullUrl, a request, meta.source; every reference resolves inside the Bundle
  // (urn of an entry) or is a display-only reference.
  const fullUrls = new Set(bundle.entry?.map((e) => e.fullUrl));
  for (const entry of bundle.entry ?? []) {
    assert.match(entry.fullUrl ?? '', /^urn:uuid:[0-9a-f-]{36}$/);
    assert.ok(entry.resource?.meta?.source?.startsWith('urn:tessera:hl7v2:'));
    assert.ok(
      entry.request?.method === 'PUT' ? entry.request.url.includes('?identifier=') : entry.request?.ifNoneExist,
    );
  }
  const refs = references(bundle.entry?.map((e) => e.resource));
  assert.ok(refs.length > 0 || (bundle.entry?.length ?? 0) === 1);
  for (const ref of refs) {
    assert.ok(fullUrls.has(ref), `reference ${ref} points outside the Bundle`);
  }
}

/** Every Reference.reference in a JSON value. */
function references(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    value.forEach((v) => references(v, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') {
        out.push(v);
      } else {
        references(v, out);
      }
    }
  }
  return out;
}

function checkRejected(err: unknown, expect: Expectation): boolean {
  assert.ok(err instanceof Hl7MappingError, String(err));
  assert.equal(err.ackCode, expect.ack);
  assert.equal(err.errors.length, expect.errors?.length, JSON.stringify(err.errors));
  for (const e of expect.errors ?? []) {
    assert.ok(
      err.errors.some((a) => matches(a, e) && a.severity === 'E' && (a.message ?? '').length > 0),
      JSON.stringify(err.errors),
    );
  }
  return true;
}

describe('fixtures corpus', () => {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.hl7'))
    .sort();

  it('has the message kinds issue 3 asks for', () => {
    for (const prefix of ['adt-a01', 'adt-a04', 'adt-a08', 'adt-a28', 'adt-a31', 'adt-a40', 'orm-o01', 'oml-o21']) {
      assert.ok(
        files.some((f) => f.startsWith(prefix)),
        prefix,
      );
    }
    assert.ok(files.filter((f) => f.startsWith('oru-r01')).length >= 3);
    assert.ok(files.filter((f) => f.startsWith('bad-')).length >= 8);
  });

  for (const file of files) {
    const expect = JSON.parse(readFileSync(join(DIR, file.replace(/\.hl7$/, '.expect.json')), 'utf8')) as Expectation;
    it(`${file}: ${expect.description}`, () => {
      const raw = readFileSync(join(DIR, file));
      assert.ok(raw.includes('\r') && !raw.includes('\n'), 'segments end with \\r');
      const message = parseMessage(raw);
      if (expect.ack === 'AA') {
        checkMapped(mapMessage(message), expect);
      } else {
        assert.throws(
          () => mapMessage(message),
          (err) => checkRejected(err, expect),
        );
      }
    });
  }
});
