// Covers V2-to-FHIR IG "Datatype CX[Identifier]" (CX.4 → system) and "Datatype HD": configured
// authorities, ISO/UUID/URI universal ids (HL7 table 0301), and Tessera's documented fallbacks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { identifierSystem } from '../../../../../../adapters/hl7/src/mapping/datatypes/authority';
import { DEFAULT_HL7_MAPPING_CONFIG } from '../../../../../../adapters/hl7/src/mapping/config';

const config = {
  ...DEFAULT_HL7_MAPPING_CONFIG,
  identifierSystems: { HOSP: 'https://hosp.example/mrn', '1.2.3': 'https://oid.example/123' },
};

describe('identifierSystem', () => {
  it('prefers the configured system, by namespace then by universal id', () => {
    assert.equal(
      identifierSystem({ namespace: 'HOSP', universalId: '9.9' }, config, 'patient'),
      'https://hosp.example/mrn',
    );
    assert.equal(
      identifierSystem({ universalId: '1.2.3', universalIdType: 'ISO' }, config, 'patient'),
      'https://oid.example/123',
    );
  });

  it('derives urn:oid, urn:uuid and URI systems from the universal id type', () => {
    assert.equal(
      identifierSystem({ universalId: '2.16.840.1', universalIdType: 'ISO' }, config, 'patient'),
      'urn:oid:2.16.840.1',
    );
    assert.equal(
      identifierSystem(
        { universalId: 'A1B2C3D4-0000-4000-8000-000000000000', universalIdType: 'UUID' },
        config,
        'patient',
      ),
      'urn:uuid:a1b2c3d4-0000-4000-8000-000000000000',
    );
    assert.equal(
      identifierSystem({ universalId: 'https://x.example/ids', universalIdType: 'URI' }, config, 'patient'),
      'https://x.example/ids',
    );
  });

  it('falls back to a namespace URN, then to an unassigned system per kind', () => {
    assert.equal(
      identifierSystem({ namespace: 'LAB 2' }, config, 'filler-order'),
      'urn:tessera:hl7v2:authority:LAB%202',
    );
    assert.equal(
      identifierSystem({ universalId: 'X', universalIdType: 'L' }, config, 'patient'),
      'urn:tessera:hl7v2:authority:X',
    );
    assert.equal(identifierSystem(undefined, config, 'placer-order'), 'urn:tessera:hl7v2:unassigned:placer-order');
    assert.notEqual(identifierSystem({}, config, 'placer-order'), identifierSystem({}, config, 'filler-order'));
  });

  it('never reads inherited properties of the configuration table', () => {
    assert.equal(
      identifierSystem({ namespace: 'constructor' }, config, 'patient'),
      'urn:tessera:hl7v2:authority:constructor',
    );
  });
});
