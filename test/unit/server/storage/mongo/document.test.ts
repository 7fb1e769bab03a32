// Covers: the stored MongoDB document shapes (DESIGN.md, "Search indexes are extracted at write
// time"): typed index arrays per kind (https://hl7.org/fhir/R4/search.html#token, #string,
// #reference, #date, #number, #quantity, #uri, #composite), tombstones, history keys
// (https://hl7.org/fhir/R4/http.html#history), and the connection string database name.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  isTypeCollectionName,
  TYPE_INDEXES,
  typeCollectionName,
} from '../../../../../server/src/storage/mongo/collections';
import { databaseFromUri } from '../../../../../server/src/storage/mongo/connection';
import {
  historyKey,
  toCurrentDocument,
  toHistoryDocument,
  toStoredResource,
} from '../../../../../server/src/storage/mongo/document';
import { toIndexFields } from '../../../../../server/src/storage/mongo/index-fields';
import type { ResourceWrite } from '../../../../../server/src/storage/store';

describe('toIndexFields', () => {
  it('maps each kind to its array with short names, omitting absent values', () => {
    const f = toIndexFields([
      { kind: 'token', code: 'identifier', system: 'http://mrn', value: '7', identifierTypes: ['http://t|MR'] },
      { kind: 'token', code: 'active', value: 'true' },
      { kind: 'string', code: 'name', norm: 'zoe', exact: 'Zoë' },
      { kind: 'reference', code: 'subject', targetType: 'Patient', targetId: '1' },
      { kind: 'date', code: 'birthdate', low: -Infinity, high: 10 },
      { kind: 'number', code: 'n', value: 100, low: 99.5, high: 100.5 },
      { kind: 'quantity', code: 'q', value: 5, low: 4.5, high: 5.5, unit: 'mg' },
      { kind: 'uri', code: 'url', value: 'http://x' },
      {
        kind: 'composite',
        code: 'cv',
        value: 'c',
        second: { kind: 'quantity', low: 1, high: 2, system: 'http://unitsofmeasure.org' },
      },
    ]);
    assert.deepEqual(f, {
      tok: [
        { c: 'identifier', s: 'http://mrn', v: '7', it: ['http://t|MR'] },
        { c: 'active', v: 'true' },
      ],
      str: [{ c: 'name', n: 'zoe', e: 'Zoë' }],
      ref: [{ c: 'subject', tt: 'Patient', ti: '1' }],
      dt: [{ c: 'birthdate', lo: -Number.MAX_VALUE, hi: 10 }],
      num: [{ c: 'n', lo: 99.5, hi: 100.5, v: 100 }],
      qty: [{ c: 'q', lo: 4.5, hi: 5.5, v: 5, u: 'mg' }],
      uri: [{ c: 'url', v: 'http://x' }],
      cmp: [{ c: 'cv', v: 'c', a: { lo: 1, hi: 2, s: 'http://unitsofmeasure.org' } }],
    });
    for (const entries of Object.values(f)) {
      for (const entry of entries as object[]) {
        assert.ok(!Object.values(entry).includes(undefined), 'undefined would be stored as null');
      }
    }
  });
});

describe('stored documents', () => {
  const write: ResourceWrite = {
    resourceType: 'Patient',
    id: 'a1',
    versionId: 3,
    lastUpdated: '2024-05-06T07:08:09.123Z',
    deleted: false,
    json: '{"resourceType":"Patient","id":"a1","multipleBirthInteger":2,"x":1.50}',
    method: 'PUT',
    index: [{ kind: 'token', code: 'gender', value: 'female' }],
    compartments: ['Patient/a1'],
  };
  it('the current document keeps the JSON string verbatim and the instant in ms', () => {
    const doc = toCurrentDocument(write);
    assert.equal(doc._id, 'a1');
    assert.equal(doc.json, write.json);
    assert.equal(doc.lastUpdatedMs, Date.UTC(2024, 4, 6, 7, 8, 9, 123));
    assert.deepEqual(doc.tok, [{ c: 'gender', v: 'female' }]);
    assert.deepEqual(doc.compartments, ['Patient/a1']);
    assert.deepEqual(toStoredResource('Patient', 'a1', doc), {
      resourceType: 'Patient',
      id: 'a1',
      versionId: 3,
      lastUpdated: write.lastUpdated,
      deleted: false,
      json: write.json,
      method: 'PUT',
    });
  });
  it('a tombstone keeps no index entries, compartments or JSON', () => {
    const doc = toCurrentDocument({ ...write, deleted: true, method: 'DELETE' });
    assert.equal(doc.deleted, true);
    assert.equal(doc.json, '');
    assert.deepEqual([doc.tok, doc.compartments], [[], []]);
  });
  it('history keys sort by version within a resource', () => {
    assert.equal(toHistoryDocument(write)._id, 'Patient/a1/0000000003');
    assert.ok(historyKey('Patient', 'a1', 10) > historyKey('Patient', 'a1', 9));
  });
});

describe('collections and connection', () => {
  it('type collections are named by type; other names are rejected', () => {
    assert.equal(typeCollectionName('Observation'), 'Observation');
    assert.throws(() => typeCollectionName('system.users'));
    assert.throws(() => typeCollectionName('history'));
    assert.equal(isTypeCollectionName('Patient'), true);
    assert.equal(isTypeCollectionName('history'), false);
    assert.equal(isTypeCollectionName('fs.files'), false);
  });
  it('every index on an index array starts with the entry code', () => {
    for (const spec of TYPE_INDEXES) {
      const fields = Object.keys(spec.key);
      const array = fields[0]!.split('.')[0]!;
      if (fields[0]!.includes('.')) {
        assert.equal(fields[0], `${array}.c`, spec.name);
        assert.ok(
          fields.every((f) => f.startsWith(`${array}.`)),
          `${spec.name} indexes one array only`,
        );
      }
    }
  });
  it('the database comes from the URI path, else tessera', () => {
    assert.equal(databaseFromUri('mongodb://h1:27017,h2:27017/clinic?replicaSet=rs0'), 'clinic');
    assert.equal(databaseFromUri('mongodb+srv://u:p%40w@cluster.example/db%2Dx'), 'db-x');
    assert.equal(databaseFromUri('mongodb://localhost:27017/?replicaSet=rs0'), 'tessera');
    assert.equal(databaseFromUri('mongodb://localhost'), 'tessera');
  });
});
