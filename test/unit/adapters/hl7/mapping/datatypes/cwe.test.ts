// Covers V2-to-FHIR IG "Datatype CWE[CodeableConcept]" (CWE.1-3 and 4-6 → codings, CWE.9 → text)
// and HL7 table 0396 coding system names → FHIR system URIs (tables/coding-systems.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mapCwe } from '../../../../../../adapters/hl7/src/mapping/datatypes/cwe';
import { resolveCodeSystem } from '../../../../../../adapters/hl7/src/mapping/tables/coding-systems';
import { repetition } from '../support';

describe('mapCwe', () => {
  it('maps primary and alternate codings and the original text', () => {
    const mapped = mapCwe(repetition('2345-7^Glucose^LN^GLU^Glucose local^99LAB^^^Glucose [Mass/volume]'), 'LIS');
    assert.deepEqual(mapped.concept, {
      coding: [
        { system: 'http://loinc.org', code: '2345-7', display: 'Glucose' },
        { system: 'urn:tessera:hl7v2:codesystem:LIS:99LAB', code: 'GLU', display: 'Glucose local' },
      ],
      text: 'Glucose [Mass/volume]',
    });
    assert.deepEqual(mapped.unknownSystems, []);
    assert.deepEqual(mapped.codesWithoutSystem, []);
  });

  it('keeps text-only concepts and reports codes without a system', () => {
    assert.deepEqual(mapCwe(repetition('^Chest pain'), 'LIS').concept, { text: 'Chest pain' });
    const bare = mapCwe(repetition('GLU^Glucose'), 'LIS');
    assert.deepEqual(bare.concept, { coding: [{ code: 'GLU', display: 'Glucose' }] });
    assert.deepEqual(bare.codesWithoutSystem, [1]);
  });

  it('reports unknown coding system names and maps them to a local URI', () => {
    const mapped = mapCwe(repetition('X1^Thing^FOO'), 'LIS');
    assert.deepEqual(mapped.unknownSystems, ['FOO']);
    assert.equal(mapped.concept?.coding?.[0]?.system, 'urn:tessera:hl7v2:codesystem:LIS:FOO');
    assert.equal(mapCwe(undefined, 'LIS').concept, undefined);
  });
});

describe('resolveCodeSystem', () => {
  it('knows the common table 0396 names, HL7 tables, OIDs and URIs', () => {
    assert.deepEqual(resolveCodeSystem('SCT', 'LIS'), { uri: 'http://snomed.info/sct', known: true });
    assert.equal(resolveCodeSystem('I10', 'LIS').uri, 'http://hl7.org/fhir/sid/icd-10');
    assert.equal(resolveCodeSystem('HL70078', 'LIS').uri, 'http://terminology.hl7.org/CodeSystem/v2-0078');
    assert.equal(resolveCodeSystem('2.16.840.1.113883.6.1', 'LIS').uri, 'urn:oid:2.16.840.1.113883.6.1');
    assert.equal(resolveCodeSystem('http://x.example/cs', 'LIS').uri, 'http://x.example/cs');
  });

  it('scopes local systems (L, 99zzz) to the sending application', () => {
    assert.deepEqual(resolveCodeSystem('L', 'RIS 1'), { uri: 'urn:tessera:hl7v2:codesystem:RIS%201:L', known: true });
    assert.equal(resolveCodeSystem('99ABC', 'LIS').known, true);
    assert.equal(resolveCodeSystem('NOPE', 'LIS').known, false);
  });
});
