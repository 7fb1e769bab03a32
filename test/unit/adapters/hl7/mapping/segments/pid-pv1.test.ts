// Covers V2-to-FHIR IG "Segment PID to Patient Map" (identifiers, names, birth date and time,
// gender, address, telecom, deceased) and "Segment PV1 to Encounter Map" (visit number, class,
// status, period, attending, location), with AE 101 for a missing PID-3 and AE 102 for a bad date.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BundleBuilder } from '../../../../../../adapters/hl7/src/mapping/bundle/bundle-builder';
import { mapPid } from '../../../../../../adapters/hl7/src/mapping/segments/pid';
import { mapPv1 } from '../../../../../../adapters/hl7/src/mapping/segments/pv1';
import { at, context, message } from '../support';

const adt = (trigger: string, ...lines: string[]) =>
  context(
    message(`MSH|^~\\&|ADT|HOSP|T|H|20250101120000-0500||ADT^${trigger}|C|P|2.5.1`, ...lines),
    undefined,
    '-0500',
  );

describe('mapPid', () => {
  it('maps PID-3/2/4 identifiers (deduplicated), the key being the first PID-3', () => {
    const ctx = adt('A08', 'PID|1|M1^^^H|M1^^^H~M2^^^H2^MR|A9^^^OLD');
    const mapped = mapPid(ctx, at(ctx, 'PID'));
    assert.deepEqual(
      mapped?.patient.identifier?.map((i) => i.value),
      ['M1', 'M2', 'A9'],
    );
    assert.deepEqual(mapped?.key, { system: 'urn:tessera:hl7v2:authority:H', value: 'M1' });
  });

  it('maps demographics, and the birth time as an extension on birthDate', () => {
    const ctx = adt(
      'A08',
      'PID|1||M1^^^H||Doe^Jane~Roe^J^^^^^A|Brown|198002151030|F|||1 St^^Town^^1000^NL^H||^PRN^PH^^^^123||||||||||||||||20250101|Y',
    );
    const p = mapPid(ctx, at(ctx, 'PID'))?.patient;
    assert.equal(p?.birthDate, '1980-02-15');
    assert.deepEqual((p as unknown as { _birthDate: unknown })._birthDate, {
      extension: [
        {
          url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
          valueDateTime: '1980-02-15T10:30:00-05:00',
        },
      ],
    });
    assert.equal(p?.gender, 'female');
    assert.equal(p?.name?.length, 2);
    assert.equal(p?.name?.[1]?.use, 'usual');
    assert.equal(p?.extension?.[0]?.valueString, 'Brown');
    assert.equal(p?.address?.[0]?.city, 'Town');
    assert.equal(p?.telecom?.[0]?.value, '123');
    assert.equal(p?.deceasedDateTime, '2025-01-01');
    assert.deepEqual(ctx.errors, []);
  });

  it('records AE 101 at PID-3 without an identifier, AE 102 for a bad birth date, W for an unknown sex', () => {
    const ctx = adt('A08', 'PID|1|||~^^^H|Doe||19801301|Q');
    assert.equal(mapPid(ctx, at(ctx, 'PID')), undefined);
    assert.deepEqual(
      ctx.errors.map((e) => [e.code.code, e.location?.field]),
      [['101', 3]],
    );
    const ctx2 = adt('A08', 'PID|1||M1^^^H||Doe||19801301|Q');
    mapPid(ctx2, at(ctx2, 'PID'));
    assert.deepEqual(
      ctx2.errors.map((e) => [e.code.code, e.location?.field]),
      [['102', 7]],
    );
    assert.deepEqual(
      ctx2.warnings.map((e) => [e.code.code, e.location?.field]),
      [['103', 8]],
    );
  });
});

describe('mapPv1', () => {
  const subject = { reference: 'urn:uuid:p' };

  it('maps the visit with status from the event and PV1 times', () => {
    const ctx = adt(
      'A01',
      'PID|1||M1',
      'PV1|1|E|ER^1^^H||||9^Doc^Dan||||||||||||V9^^^H|||||||||||||||||||||||||20250101080000',
    );
    const bundle = new BundleBuilder(ctx.source);
    const e = mapPv1(ctx, at(ctx, 'PV1'), subject, bundle)?.encounter;
    assert.equal(e?.status, 'in-progress');
    assert.equal(e?.class.code, 'EMER');
    assert.equal(e?.identifier?.[0]?.type?.coding?.[0]?.code, 'VN');
    assert.equal(e?.period?.start, '2025-01-01T08:00:00-05:00');
    assert.equal(e?.participant?.[0]?.individual?.display, 'Dan Doc');
    assert.equal(e?.location?.[0]?.location.display, 'ER 1 H');
    assert.equal(bundle.build().entry?.length, 1);
  });

  it('is finished once discharged, arrived on A04, unknown otherwise; nothing without PV1-19', () => {
    const discharged = adt('A08', 'PV1|1|I|||||||||||||||||V1|||||||||||||||||||||||||20250101|20250102');
    assert.equal(
      mapPv1(discharged, at(discharged, 'PV1'), subject, new BundleBuilder(''))?.encounter.status,
      'finished',
    );
    const arrived = adt('A04', 'PV1|1|O|||||||||||||||||V1');
    assert.equal(mapPv1(arrived, at(arrived, 'PV1'), subject, new BundleBuilder(''))?.encounter.status, 'arrived');
    const plain = adt('A08', 'PV1|1|O|||||||||||||||||V1');
    assert.equal(mapPv1(plain, at(plain, 'PV1'), subject, new BundleBuilder(''))?.encounter.status, 'unknown');
    const none = adt('A08', 'PV1|1|N');
    assert.equal(mapPv1(none, at(none, 'PV1'), subject, new BundleBuilder('')), undefined);
  });
});
