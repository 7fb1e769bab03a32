// Covers V2-to-FHIR IG "Segment ORC to ServiceRequest Map", "Segment OBR to ServiceRequest Map",
// "Segment TQ1 to ServiceRequest Map" (status from ORC-5 else ORC-1, priority, occurrence, requester),
// the accession decision (IPC-1, else OBR-18), "Segment OBR to DiagnosticReport Map" (OBR-25 status,
// OBR-22 issued, OBR-32 interpreter), "Segment SPM to Specimen Map" and "Segment NTE to Annotation Map".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BundleBuilder } from '../../../../../../adapters/hl7/src/mapping/bundle/bundle-builder';
import { groupSegments } from '../../../../../../adapters/hl7/src/mapping/messages/groups';
import type { OrderGroup } from '../../../../../../adapters/hl7/src/mapping/messages/groups';
import { mapDiagnosticReport } from '../../../../../../adapters/hl7/src/mapping/segments/diagnostic-report';
import { mapNotes } from '../../../../../../adapters/hl7/src/mapping/segments/nte';
import { orderIdentifiers } from '../../../../../../adapters/hl7/src/mapping/segments/order-identifiers';
import { mapServiceRequest, orderStatus } from '../../../../../../adapters/hl7/src/mapping/segments/service-request';
import { mapSpm } from '../../../../../../adapters/hl7/src/mapping/segments/spm';
import type { MappingContext } from '../../../../../../adapters/hl7/src/mapping/context';
import { at, contextWith } from '../support';

const subject = { reference: 'urn:uuid:p' };

function order(...lines: string[]): { ctx: MappingContext; group: OrderGroup } {
  const ctx = contextWith('PID|1||1', ...lines);
  const group = groupSegments(ctx)[0]?.orders[0];
  assert.ok(group);
  return { ctx, group };
}

describe('order identifiers and ServiceRequest', () => {
  it('reads placer, filler, placer group and the accession (IPC-1 before OBR-18)', () => {
    const { ctx, group } = order(
      'ORC|NW|P1^RIS|F1^LAB|G1^RIS',
      'OBR|1|||X^Y^LN||||||||||||||ACC-OBR',
      'IPC|ACC-IPC|RP1',
    );
    const ids = orderIdentifiers(ctx, group);
    assert.equal(ids.placer?.value, 'P1');
    assert.equal(ids.filler?.value, 'F1');
    assert.equal(ids.group?.value, 'G1');
    assert.deepEqual(ids.accession, {
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }] },
      system: 'urn:tessera:hl7v2:accession',
      value: 'ACC-IPC',
    });
    const noIpc = order('ORC|NW|P1^RIS', 'OBR|1|||X^Y^LN||||||||||||||ACC-OBR');
    assert.equal(orderIdentifiers(noIpc.ctx, noIpc.group).accession?.value, 'ACC-OBR');
  });

  it('takes status from ORC-5 over ORC-1, reports unknown codes, defaults to active', () => {
    const status = (orc: string) => {
      const { ctx, group } = order(orc, 'OBR|1|P1||X^Y^LN');
      return [orderStatus(ctx, group.orc), ctx.errors.map((e) => `${e.code.code}@${e.location?.field}`)];
    };
    assert.deepEqual(status('ORC|CA|P1'), ['revoked', []]);
    assert.deepEqual(status('ORC|SC|P1|||CM'), ['completed', []]);
    assert.deepEqual(status('ORC|SC|P1'), ['active', []]);
    assert.deepEqual(status('ORC|ZZ|P1'), ['active', ['103@1']]);
    assert.deepEqual(status('ORC|NW|P1|||QQ'), ['unknown', ['103@5']]);
    assert.deepEqual(status('ORC||P1'), ['unknown', ['101@1']]);
  });

  it('maps priority (TQ1-9 first), occurrence period from TQ1-7/8, requester, reason and authoredOn on NW', () => {
    const { ctx, group } = order(
      'ORC|NW|P1^RIS|||||^^^20250101^^R||20241231120000+0000|||7^Who^Dr',
      'TQ1|1||||||20250102080000+0000|20250102090000+0000|S',
      'OBR|1|P1^RIS||X^Y^LN||||||||||||8^Other^Dr|||||||||||^^^20250103^^R||||R51^Headache^I10',
      'NTE|1||note 1',
    );
    const bundle = new BundleBuilder(ctx.source);
    const sr = mapServiceRequest(
      ctx,
      group,
      orderIdentifiers(ctx, group),
      { subject, notes: mapNotes(ctx, group.notes) },
      bundle,
    );
    assert.equal(sr.priority, 'stat');
    assert.deepEqual(sr.occurrencePeriod, { start: '2025-01-02T08:00:00+00:00', end: '2025-01-02T09:00:00+00:00' });
    assert.equal(sr.authoredOn, '2024-12-31T12:00:00+00:00');
    assert.equal(sr.requester?.display, 'Dr Who');
    assert.equal(sr.reasonCode?.[0]?.coding?.[0]?.code, 'R51');
    assert.equal(sr.note?.[0]?.text, 'note 1');
    assert.equal(sr.intent, 'order');
    assert.deepEqual(ctx.errors, []);
  });

  it('requires OBR-4 with a coding system', () => {
    const { ctx, group } = order('ORC|NW|P1', 'OBR|1|P1');
    mapServiceRequest(ctx, group, orderIdentifiers(ctx, group), { subject }, new BundleBuilder(''));
    assert.deepEqual(
      ctx.errors.map((e) => `${e.code.code}@${e.location?.segment}-${e.location?.field}`),
      ['101@OBR-4'],
    );
  });
});

describe('DiagnosticReport', () => {
  const report = (obr: string) => {
    const { ctx, group } = order(obr);
    const ids = orderIdentifiers(ctx, group);
    const links = {
      code: { text: 'x' },
      subject,
      specimens: [],
      results: [],
      performers: [],
      presentedForm: [],
      notes: [{ text: 'n' }],
    };
    return { mapped: mapDiagnosticReport(ctx, at(ctx, 'OBR'), ids, links, new BundleBuilder('')), ctx };
  };

  it('maps status, effective period, issued, category, interpreter and notes', () => {
    const { mapped, ctx } = report(
      'OBR|1|P1^RIS|F1^LAB|X^Y^LN|||20250101080000+0000|20250101083000+0000||||||||||||||20250101100000+0000||RAD|A|||||||1&Rad&Ray',
    );
    const r = mapped?.report;
    assert.equal(r?.status, 'partial');
    assert.deepEqual(r?.effectivePeriod, { start: '2025-01-01T08:00:00+00:00', end: '2025-01-01T08:30:00+00:00' });
    assert.equal(r?.issued, '2025-01-01T10:00:00+00:00');
    assert.equal(r?.category?.[0]?.coding?.[0]?.code, 'RAD');
    assert.equal(r?.resultsInterpreter?.[0]?.display, 'Ray Rad');
    assert.equal(r?.extension?.[0]?.valueAnnotation?.text, 'n');
    assert.equal(mapped?.key.value, 'F1');
    assert.deepEqual(ctx.errors, []);
  });

  it('needs OBR-25 (101) from table 0123 (103); an OBR-22 without time is a warning', () => {
    assert.equal(report('OBR|1||F1|X^Y^LN').ctx.errors[0]?.code.code, '101');
    assert.equal(report('OBR|1||F1|X^Y^LN|||||||||||||||||||||Y').ctx.errors[0]?.code.code, '103');
    const dateOnly = report('OBR|1||F1|X^Y^LN||||||||||||||||||20250101|||F');
    assert.equal(dateOnly.mapped?.report.issued, undefined);
    assert.equal(dateOnly.ctx.warnings[0]?.location?.field, 22);
  });
});

describe('Specimen', () => {
  it('maps SPM-2 (filler first), type, collection period, received time and status', () => {
    const { ctx, group } = order(
      'OBR|1||F1^LAB|X^Y^LN',
      'SPM|1|S1&LAB^S1F&LAB||BLD^Blood^HL70487||||||||||Hemolysed|||20250101070000+0000^20250101071500+0000|20250101080000+0000||N',
      'NTE|1||spm note',
    );
    const spm = group.specimens[0];
    assert.ok(spm);
    const mapped = mapSpm(ctx, spm.spm, { system: 's', value: 'F1' }, { subject, notes: mapNotes(ctx, spm.notes) });
    assert.equal(mapped.key.value, 'S1F');
    assert.deepEqual(
      mapped.specimen.identifier?.map((i) => i.value),
      ['S1F', 'S1'],
    );
    assert.equal(mapped.specimen.type?.coding?.[0]?.system, 'http://terminology.hl7.org/CodeSystem/v2-0487');
    assert.deepEqual(mapped.specimen.collection?.collectedPeriod, {
      start: '2025-01-01T07:00:00+00:00',
      end: '2025-01-01T07:15:00+00:00',
    });
    assert.equal(mapped.specimen.status, 'unavailable');
    assert.deepEqual(
      mapped.specimen.note?.map((n) => n.text),
      ['Hemolysed', 'spm note'],
    );
  });

  it('derives an identifier from the order when SPM-2 is empty', () => {
    const { ctx, group } = order('OBR|1||F1^LAB|X^Y^LN', 'SPM|2||||||||||||||||||||RB^Broken^HL70490');
    const spm = group.specimens[0];
    assert.ok(spm);
    const mapped = mapSpm(ctx, spm.spm, { system: 's', value: 'F1' }, { subject, notes: [] });
    assert.deepEqual(mapped.key, { system: 's', value: 'F1/SPM-2' });
    assert.equal(mapped.specimen.status, 'unsatisfactory');
  });
});
