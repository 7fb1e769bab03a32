// Covers V2-to-FHIR IG "Datatype XPN[HumanName]" (table 0200 name use), "Datatype XAD[Address]"
// (table 0190), "Datatype XTN[ContactPoint]" (tables 0201/0202), "Datatype XCN[Practitioner]" and the
// CNN inside NDL (OBR-32).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HL7_MAPPING_CONFIG } from '../../../../../../adapters/hl7/src/mapping/config';
import { mapXad } from '../../../../../../adapters/hl7/src/mapping/datatypes/xad';
import { mapNdl, mapXcn } from '../../../../../../adapters/hl7/src/mapping/datatypes/xcn';
import { mapXpn, nameDisplay } from '../../../../../../adapters/hl7/src/mapping/datatypes/xpn';
import { mapXtn } from '../../../../../../adapters/hl7/src/mapping/datatypes/xtn';
import { repetition } from '../support';

describe('mapXpn', () => {
  it('maps family, given and middle names, prefix, suffix, degree and use', () => {
    assert.deepEqual(mapXpn(repetition('Doe&vd^Jane^Marie^Jr^Dr^PhD^L')), {
      use: 'official',
      family: 'Doe',
      given: ['Jane', 'Marie'],
      prefix: ['Dr'],
      suffix: ['Jr', 'PhD'],
    });
    assert.equal(mapXpn(repetition('Smith^Ann^^^^^M'))?.use, 'maiden');
    assert.equal(mapXpn(repetition('^^^^^^L')), undefined);
    assert.equal(nameDisplay(mapXpn(repetition('Doe^Jane^^^Dr'))), 'Dr Jane Doe');
  });
});

describe('mapXad', () => {
  it('maps lines, city, state, postal code, country, district and use/type', () => {
    assert.deepEqual(mapXad(repetition('1 Main St^Apt 2^Springfield^IL^62701^USA^H^^Sangamon')), {
      use: 'home',
      line: ['1 Main St', 'Apt 2'],
      city: 'Springfield',
      state: 'IL',
      postalCode: '62701',
      country: 'USA',
      district: 'Sangamon',
    });
    assert.equal(mapXad(repetition('PO Box 1^^Town^^^^M'))?.type, 'postal');
    assert.equal(mapXad(repetition('^^^^^^H')), undefined);
  });
});

describe('mapXtn', () => {
  it('builds numbers from their parts, or takes the unformatted or old number', () => {
    assert.deepEqual(mapXtn(repetition('^WPN^PH^^1^217^5559876^12')), {
      system: 'phone',
      value: '+1 (217) 5559876 ext. 12',
      use: 'work',
    });
    assert.deepEqual(mapXtn(repetition('(555)123-4567')), { system: 'phone', value: '(555)123-4567' });
    assert.equal(mapXtn(repetition('^PRN^CP^^^^^^^^^0612345678'))?.use, 'mobile');
  });

  it('maps e-mail and fax, and needs a value', () => {
    assert.deepEqual(mapXtn(repetition('^NET^Internet^a@b.example')), { system: 'email', value: 'a@b.example' });
    assert.equal(mapXtn(repetition('^WPN^FX^^^^5550000'))?.system, 'fax');
    assert.equal(mapXtn(repetition('^PRN^PH')), undefined);
  });
});

describe('mapXcn / mapNdl', () => {
  it('reads an XCN identifier with its authority and the name', () => {
    const person = mapXcn(repetition('1234^Welby^Marcus^J^^Dr^^^HOSP^^^^NPI'), DEFAULT_HL7_MAPPING_CONFIG);
    assert.equal(person?.identifier?.value, '1234');
    assert.equal(person?.identifier?.system, 'urn:tessera:hl7v2:authority:HOSP');
    assert.equal(person?.identifier?.type?.coding?.[0]?.code, 'NPI');
    assert.deepEqual(person?.name, { family: 'Welby', given: ['Marcus', 'J'], prefix: ['Dr'] });
    assert.equal(mapXcn(repetition('^^^^^^^^HOSP'), DEFAULT_HL7_MAPPING_CONFIG), undefined);
    assert.equal(mapXcn(undefined, DEFAULT_HL7_MAPPING_CONFIG), undefined);
  });

  it('reads the CNN subcomponents of an NDL', () => {
    const person = mapNdl(repetition('5678&Path&Paula&&&Dr&&&LAB'), DEFAULT_HL7_MAPPING_CONFIG);
    assert.equal(person?.identifier?.system, 'urn:tessera:hl7v2:authority:LAB');
    assert.equal(nameDisplay(person?.name), 'Dr Paula Path');
  });
});
