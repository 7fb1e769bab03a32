/**
 * ADT^A40 merge through the inbound pipeline (HL7 v2.5.1 section 3.3.40; V2-to-FHIR "ADT_A40";
 * https://hl7.org/fhir/R4/patient.html#links): in the message's own transaction the merged Patient
 * becomes `active=false` with a `replaced-by` link to the survivor, the survivor gets a `replaces`
 * link back, and resources that referenced the merged Patient keep their reference and resolve
 * through the link. A prior identifier never seen before is kept as an inactive Patient so that
 * later messages carrying it still resolve. Runs the real pipeline on a real SQLite store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, DiagnosticReport, Patient } from '@medplum/fhirtypes';
import { Hl7InboundPipeline } from '../../../adapters/hl7/src/inbound/pipeline';
import { parseMessage } from '../../../adapters/hl7/src/message/parse';
import { createTransactionRunner } from '../../../server/src/fhir/run-transaction';
import { silentLogger } from '../../../server/src/observability/logger';
import { createValidator } from '../../../server/src/validation/fhir-validator';
import { oruR01 } from '../../helpers/hl7-messages';
import { createTestApp, testBaseUrl, type TestApp } from '../../helpers/test-app';

const adt = (event: string, controlId: string, mrn: string, extra: string[] = []): Buffer =>
  Buffer.from(
    [
      `MSH|^~\\&|ADT|HOSP|TESSERA|HOSP|20261125080000||ADT^${event}^ADT_A01|${controlId}|P|2.5.1`,
      `EVN|${event}`,
      `PID|1||${mrn}^^^HOSP^MR||Doe^Jane||19800215|F`,
      ...extra,
    ].join('\r') + '\r',
  );

/** ADT^A40: NEW1 survives, OLD1 is merged into it. */
const A40_NEW1_OLD1 = Buffer.from(
  [
    'MSH|^~\\&|ADT|HOSP|TESSERA|HOSP|20261125090000||ADT^A40^ADT_A39|M-3|P|2.5.1',
    'EVN|A40',
    'PID|1||NEW1^^^HOSP^MR||Doe^Jane||19800215|F',
    'MRG|OLD1^^^HOSP^MR',
  ].join('\r') + '\r',
);

describe('ADT^A40 merge through the pipeline', () => {
  let t: TestApp;
  let pipeline: Hl7InboundPipeline;
  const ackCode = (ack: Buffer): string | null | undefined => parseMessage(ack).get('MSA')?.value(1);
  const patientBy = async (mrn: string): Promise<Patient> => {
    const found = await t.request.get(`/fhir/Patient?identifier=${mrn}`);
    const entries = (found.body as Bundle).entry ?? [];
    assert.equal(entries.length, 1, `one Patient with ${mrn}`);
    return entries[0]?.resource as Patient;
  };

  before(async () => {
    t = await createTestApp();
    pipeline = new Hl7InboundPipeline({
      repo: t.repo,
      messages: t.store.records.messages,
      runTransaction: createTransactionRunner({ baseUrl: () => testBaseUrl, validator: createValidator() }),
      logger: silentLogger(),
    });
  });
  after(async () => {
    await t.close();
  });

  it('deactivates the merged Patient, links both ways, and leaves its references resolvable', async () => {
    assert.equal(ackCode((await pipeline.handle(adt('A01', 'M-1', 'OLD1'), 'test')).ack), 'AA');
    const oru = await pipeline.handle(Buffer.from(oruR01({ controlId: 'M-2', mrn: 'OLD1' }, 1)), 'test');
    assert.equal(ackCode(oru.ack), 'AA');
    const merged = await pipeline.handle(A40_NEW1_OLD1, 'test');
    assert.equal(ackCode(merged.ack), 'AA');
    const old = await patientBy('OLD1');
    const survivor = await patientBy('NEW1');
    assert.equal(old.active, false);
    assert.deepEqual(old.link, [{ other: { reference: `Patient/${survivor.id}` }, type: 'replaced-by' }]);
    assert.deepEqual(survivor.link, [{ other: { reference: `Patient/${old.id}` }, type: 'replaces' }]);
    const report = (await t.request.get('/fhir/DiagnosticReport?identifier=FM-2')).body as Bundle;
    assert.equal((report.entry?.[0]?.resource as DiagnosticReport).subject?.reference, `Patient/${old.id}`);
    // Re-sending the merge changes nothing (same ACK, no new versions).
    const again = await pipeline.handle(A40_NEW1_OLD1, 'test');
    assert.ok(again.ack.equals(merged.ack));
    assert.equal((await patientBy('OLD1')).meta?.versionId, old.meta?.versionId);
  });

  it('keeps a prior identifier never seen before as an inactive Patient linked to the survivor', async () => {
    const ack = await pipeline.handle(
      Buffer.from(
        [
          'MSH|^~\\&|ADT|HOSP|TESSERA|HOSP|20261125091000||ADT^A40^ADT_A39|M-4|P|2.5.1',
          'EVN|A40',
          'PID|1||NEW2^^^HOSP^MR||Roe^Ann||19700101|F',
          'MRG|GHOST2^^^HOSP^MR',
        ].join('\r') + '\r',
      ),
      'test',
    );
    assert.equal(ackCode(ack.ack), 'AA');
    const ghost = await patientBy('GHOST2');
    const survivor = await patientBy('NEW2');
    assert.equal(ghost.active, false);
    assert.equal(ghost.link?.[0]?.other.reference, `Patient/${survivor.id}`);
    assert.match(ghost.meta?.source ?? '', /^urn:tessera:hl7v2:ADT@HOSP#M-4$/);
  });
});
