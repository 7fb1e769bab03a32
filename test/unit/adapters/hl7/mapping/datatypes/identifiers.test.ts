// Covers V2-to-FHIR IG "Datatype CX[Identifier]" (CX.1 value, CX.4 authority, CX.5 type → v2-0203)
// and "Datatype EI[Identifier-Extension]" (EI.1 value, EI.2-4 authority), in components and in the
// subcomponents of an EIP (SPM-2).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HL7_MAPPING_CONFIG } from '../../../../../../adapters/hl7/src/mapping/config';
import { mapCx, V2_0203 } from '../../../../../../adapters/hl7/src/mapping/datatypes/cx';
import { mapEi, mapEiInComponent } from '../../../../../../adapters/hl7/src/mapping/datatypes/ei';
import { repetition } from '../support';

describe('mapCx', () => {
  it('maps value, system from CX.4 and type from CX.5', () => {
    assert.deepEqual(mapCx(repetition('123^^^NHS&2.16.840.1&ISO^NH'), DEFAULT_HL7_MAPPING_CONFIG, 'patient'), {
      type: { coding: [{ system: V2_0203, code: 'NH' }] },
      system: 'urn:oid:2.16.840.1',
      value: '123',
    });
  });

  it('gives nothing without CX.1', () => {
    assert.equal(mapCx(repetition('^^^HOSP^MR'), DEFAULT_HL7_MAPPING_CONFIG, 'patient'), undefined);
    assert.equal(mapCx(repetition('""^^^HOSP^MR'), DEFAULT_HL7_MAPPING_CONFIG, 'patient'), undefined);
  });
});

describe('mapEi', () => {
  it('maps an EI in components with a 0203 type', () => {
    assert.deepEqual(mapEi(repetition('PO-1^RIS'), DEFAULT_HL7_MAPPING_CONFIG, 'placer-order', 'PLAC'), {
      type: { coding: [{ system: V2_0203, code: 'PLAC' }] },
      system: 'urn:tessera:hl7v2:authority:RIS',
      value: 'PO-1',
    });
    assert.equal(
      mapEi(repetition('X^^1.2.3^ISO'), DEFAULT_HL7_MAPPING_CONFIG, 'filler-order')?.system,
      'urn:oid:1.2.3',
    );
  });

  it('maps the placer and filler EI inside an EIP', () => {
    const rep = repetition('S-1&LAB^S-1F&LIS');
    assert.equal(mapEiInComponent(rep, 1, DEFAULT_HL7_MAPPING_CONFIG, 'specimen')?.value, 'S-1');
    assert.equal(
      mapEiInComponent(rep, 2, DEFAULT_HL7_MAPPING_CONFIG, 'specimen')?.system,
      'urn:tessera:hl7v2:authority:LIS',
    );
    assert.equal(mapEiInComponent(repetition('S-1'), 2, DEFAULT_HL7_MAPPING_CONFIG, 'specimen'), undefined);
  });
});
