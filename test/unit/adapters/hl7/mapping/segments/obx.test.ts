// Covers V2-to-FHIR IG "Segment OBX to Observation Map": OBX-3 code (coding system required),
// OBX-7 referenceRange, OBX-8 interpretation, OBX-11 status ("Table HL70085 to Observation Status"),
// OBX-14 effective (else OBR-7), OBX-16/23 performer, OBX-21 identifier, NTE → note; the derived
// identifier that makes corrections land on the same Observation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BundleBuilder } from '../../../../../../adapters/hl7/src/mapping/bundle/bundle-builder';
import { groupSegments } from '../../../../../../adapters/hl7/src/mapping/messages/groups';
import { mapObx, observationKey } from '../../../../../../adapters/hl7/src/mapping/segments/obx';
import { mapReferenceRange } from '../../../../../../adapters/hl7/src/mapping/segments/reference-range';
import { at, contextWith } from '../support';

const ORDER = { system: 'urn:tessera:hl7v2:authority:LAB', value: 'F1' };
const LINKS = { subject: { reference: 'urn:uuid:p' }, effective: '2025-01-01T08:00:00Z' };

function run(...lines: string[]) {
  const ctx = contextWith('PID|1||1', 'OBR|1||F1^LAB|X^Y^LN', ...lines);
  const group = groupSegments(ctx)[0]?.orders[0]?.observations[0];
  assert.ok(group);
  const bundle = new BundleBuilder(ctx.source);
  return { mapped: mapObx(ctx, group, ORDER, LINKS, bundle), ctx, bundle };
}

describe('mapObx', () => {
  it('maps code, status, range, interpretation, effective, performers and notes', () => {
    const { mapped, ctx, bundle } = run(
      'OBX|1|NM|2345-7^Glucose^LN||120|mg/dL|70-99|H~>|||F|||20250101090000+0000||7^Tech^Tom^^^^^^LAB|||||||Lab^^^^^LAB^^^^L1',
      'NTE|1||first~second',
    );
    assert.equal(mapped?.kind, 'observation');
    const obs = mapped?.kind === 'observation' ? mapped.observation : undefined;
    assert.equal(obs?.status, 'final');
    assert.deepEqual(obs?.code.coding?.[0], { system: 'http://loinc.org', code: '2345-7', display: 'Glucose' });
    assert.deepEqual(
      obs?.interpretation?.map((i) => i.coding?.[0]?.code),
      ['H', '>'],
    );
    assert.equal(obs?.referenceRange?.[0]?.high?.value, 99);
    assert.equal(obs?.referenceRange?.[0]?.high?.code, 'mg/dL');
    assert.equal(obs?.effectiveDateTime, '2025-01-01T09:00:00+00:00');
    assert.deepEqual(
      obs?.note?.map((n) => n.text),
      ['first\nsecond'],
    );
    assert.deepEqual(
      obs?.performer?.map((p) => p.display),
      ['Tom Tech', 'Lab'],
    );
    assert.deepEqual(
      bundle.build().entry?.map((e) => e.resource?.resourceType),
      ['Practitioner', 'Organization'],
    );
    assert.deepEqual(obs?.identifier, [{ system: ORDER.system, value: 'F1/1/2345-7' }]);
    assert.deepEqual(ctx.errors, []);
  });

  it('falls back to OBR-7 for effective and flags OBX-11 N as not asked', () => {
    const { mapped } = run('OBX|1|NM|2345-7^Glucose^LN||||||||N');
    const obs = mapped?.kind === 'observation' ? mapped.observation : undefined;
    assert.equal(obs?.effectiveDateTime, LINKS.effective);
    assert.equal(obs?.dataAbsentReason?.coding?.[0]?.code, 'not-asked');
    assert.equal(obs?.valueQuantity, undefined);
  });

  it('requires OBX-3 with a coding system and OBX-11 from table 0085', () => {
    assert.equal(run('OBX|1|NM|||1||||||F').ctx.errors[0]?.code.code, '101');
    const bare = run('OBX|1|NM|GLU^Glucose||1||||||F').ctx.errors[0];
    assert.deepEqual(bare?.location, { segment: 'OBX', sequence: 1, field: 3, component: 3 });
    assert.equal(run('OBX|1|NM|GLU^Glucose^WHAT||1||||||F').ctx.errors[0]?.code.code, '103');
    const status = run('OBX|1|NM|A^B^LN||1||||||Q').ctx.errors[0];
    assert.equal(status?.code.code, '103');
    assert.deepEqual(status?.location, { segment: 'OBX', sequence: 1, field: 11 });
  });

  it('uses OBX-21 as the identifier when present, else filler/set id/code/sub-id', () => {
    const ctx = contextWith('OBR|1||F1', 'OBX|2|NM|A^B^LN|3|1||||||F', 'OBX|4|NM|A^B^LN||1||||||F||||||||||OI-9^LAB');
    assert.deepEqual(observationKey(ctx, at(ctx, 'OBX', 1), ORDER), { system: ORDER.system, value: 'F1/2/A/3' });
    assert.equal(observationKey(ctx, at(ctx, 'OBX', 2), ORDER).value, 'OI-9');
  });
});

describe('mapReferenceRange', () => {
  it('parses a-b, <b, >=a and keeps any text', () => {
    assert.deepEqual(mapReferenceRange('3.5-5.1', {}), { low: { value: 3.5 }, high: { value: 5.1 }, text: '3.5-5.1' });
    assert.deepEqual(mapReferenceRange('<200', { unit: 'mg/dL' }), {
      high: { value: 200, unit: 'mg/dL' },
      text: '<200',
    });
    assert.deepEqual(mapReferenceRange('>= 60', {}), { low: { value: 60 }, text: '>= 60' });
    assert.deepEqual(mapReferenceRange('negative', {}), { text: 'negative' });
  });
});
