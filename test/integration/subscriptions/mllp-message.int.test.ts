/**
 * FHIR R4 Subscriptions with channel type `message` sending HL7 v2.5.1 ORU^R01 over MLLP to a
 * real MllpServer peer (https://hl7.org/fhir/R4/subscription.html#channels; HL7 v2.5.1 ch. 7
 * 7.3.1 ORU^R01, 2.9.2 original acknowledgments, MSA-1 table 0008, ERR 2.15.5; Appendix C.4
 * MLLP): the ORU content as parsed by the peer, AA delivered, AR dead-lettered with the ERR text,
 * AE retried with the same MSH-10, peer down then up, and channels it cannot serve.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DiagnosticReport, Observation, Patient, Subscription } from '@medplum/fhirtypes';
import { buildAck } from '../../../adapters/hl7/src/message/ack';
import type { AckCode } from '../../../adapters/hl7/src/message/ack';
import { APPLICATION_INTERNAL_ERROR, UNKNOWN_KEY_IDENTIFIER } from '../../../adapters/hl7/src/message/error-codes';
import type { Hl7Message } from '../../../adapters/hl7/src/message/message';
import { parseMessage } from '../../../adapters/hl7/src/message/parse';
import { MllpServer } from '../../../adapters/hl7/src/mllp/server';
import { createMllpMessageChannel } from '../../../adapters/hl7/src/outbound/mllp-message-channel';
import type { FhirRepository } from '../../../server/src/repository/repository';
import type { Tessera } from './harness';
import { deliveryJobs, freePort, startTessera, subscribe, tempDb, waitFor } from './harness';

/** A real MLLP peer answering each ORU with the ACK `answer` picks. */
class Peer {
  readonly received: Hl7Message[] = [];
  answer: (n: number) => { code: AckCode; text?: string } = () => ({ code: 'AA' });
  private readonly server = new MllpServer({
    handler: async (frame) => {
      const message = parseMessage(frame);
      this.received.push(message);
      const { code, text } = this.answer(this.received.length);
      const errors =
        text === undefined
          ? []
          : [{ code: code === 'AR' ? UNKNOWN_KEY_IDENTIFIER : APPLICATION_INTERNAL_ERROR, message: text }];
      return buildAck(message, code, { errors });
    },
  });
  port = 0;

  async listen(port = 0): Promise<this> {
    this.port = await this.server.listen(port, '127.0.0.1');
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

let db: Awaited<ReturnType<typeof tempDb>>;
let tessera: Tessera;
let seq = 0;

before(async () => {
  db = await tempDb();
  tessera = await startTessera(db.path, {
    senders: {
      message: createMllpMessageChannel({ sendingApplication: 'TESSERA', connectTimeoutMs: 1000, ackTimeoutMs: 2000 }),
    },
  });
});
after(async () => {
  await tessera.stop();
  await db.remove();
});

/** Creates a Patient, two Observations and a DiagnosticReport (status final) with a unique code. */
async function createReport(repo: FhirRepository, code: string): Promise<{ report: DiagnosticReport; mrn: string }> {
  const mrn = `MRN-${++seq}`;
  const { resource: patient } = await repo.create<Patient>({
    resourceType: 'Patient',
    identifier: [{ system: 'urn:oid:1.2.36.1', value: mrn }],
    name: [{ family: 'Ångström|Test', given: ['Zoë'] }],
    gender: 'female',
    birthDate: '1980-01-02',
  });
  const subject = { reference: `Patient/${patient.id}` };
  const make = (obs: Partial<Observation>): Observation => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose' }] },
    subject,
    ...obs,
  });
  const { resource: nm } = await repo.create(
    make({ valueQuantity: { value: 6.3, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' } }),
  );
  const { resource: st } = await repo.create(make({ valueString: 'see note ^ & | ~ \\ ü' }));
  const { resource: report } = await repo.create<DiagnosticReport>({
    resourceType: 'DiagnosticReport',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code, display: 'Panel' }] },
    subject,
    effectiveDateTime: '2024-02-03T04:05:06Z',
    issued: '2024-02-03T05:00:00Z',
    result: [{ reference: `Observation/${nm.id}` }, { reference: `Observation/${st.id}` }],
  });
  return { report, mrn };
}

async function messageSubscription(port: number, code: string, header?: string[]): Promise<Subscription> {
  return subscribe(
    tessera.repo,
    { type: 'message', endpoint: `mllp://127.0.0.1:${port}`, ...(header ? { header } : {}) },
    `DiagnosticReport?code=http://loinc.org|${code}`,
  );
}

describe('message subscriptions (ORU^R01 over MLLP)', () => {
  it('sends the report as an ORU^R01 the peer parses, and completes on AA', async () => {
    const peer = await new Peer().listen();
    try {
      const code = `P-${++seq}`;
      const sub = await messageSubscription(peer.port, code, ['MSH-5: LIS', 'MSH-6: LAB']);
      assert.equal(sub.status, 'active');
      const { report, mrn } = await createReport(tessera.repo, code);
      const oru = await waitFor('the ORU', () => peer.received[0]);
      assert.deepEqual(oru.messageType, { code: 'ORU', trigger: 'R01', structure: 'ORU_R01' });
      assert.equal(oru.receivingApplication?.value(), 'LIS');
      assert.equal(oru.receivingFacility?.value(), 'LAB');
      assert.equal(oru.sendingApplication?.value(), 'TESSERA');
      const pid = oru.get('PID')!;
      assert.equal(pid.value(3, 1), mrn);
      assert.equal(pid.value(5, 1), 'Ångström|Test');
      assert.equal(pid.value(5, 2), 'Zoë');
      assert.equal(oru.get('OBR')!.value(4, 1), code);
      assert.equal(oru.get('OBR')!.value(25), 'F');
      const obx = oru.all('OBX');
      assert.equal(obx.length, 2);
      assert.deepEqual([obx[0]!.value(2), obx[0]!.value(5), obx[0]!.value(6, 1)], ['NM', '6.3', 'mmol/L']);
      assert.deepEqual([obx[1]!.value(2), obx[1]!.value(5)], ['ST', 'see note ^ & | ~ \\ ü']);
      const key = `${sub.id}/DiagnosticReport/${report.id}/1`;
      await waitFor('the job to be done', async () =>
        (await deliveryJobs(tessera)).find((j) => j.key === key && j.status === 'done'),
      );
      await sleep(100);
      assert.equal(peer.received.length, 1);
    } finally {
      await peer.close();
    }
  });

  it('dead-letters on AR with the ERR text, and the Subscription shows it', async () => {
    const peer = await new Peer().listen();
    peer.answer = () => ({ code: 'AR', text: 'unknown patient in our system' });
    try {
      const code = `R-${++seq}`;
      const sub = await messageSubscription(peer.port, code);
      const { report } = await createReport(tessera.repo, code);
      const key = `${sub.id}/DiagnosticReport/${report.id}/1`;
      const job = await waitFor('the dead letter', async () =>
        (await deliveryJobs(tessera)).find((j) => j.key === key && j.status === 'dead'),
      );
      assert.match(job.lastError ?? '', /rejected by the receiver \(AR: unknown patient in our system\)/);
      assert.equal(job.attempts, 1);
      const s = await tessera.repo.read<Subscription>('Subscription', sub.id!);
      assert.equal(s.status, 'error');
      assert.match(s.error ?? '', /failed permanently: .*unknown patient in our system/);
    } finally {
      await peer.close();
    }
  });

  it('retries on AE with the same MSH-10 and is active again after the AA', async () => {
    const peer = await new Peer().listen();
    peer.answer = (n) => (n === 1 ? { code: 'AE', text: 'database busy' } : { code: 'AA' });
    try {
      const code = `E-${++seq}`;
      const sub = await messageSubscription(peer.port, code);
      await createReport(tessera.repo, code);
      await waitFor('the second send', () => peer.received[1]);
      assert.equal(peer.received[0]!.controlId, peer.received[1]!.controlId);
      const s = await waitFor('the Subscription to be active', async () => {
        const current = await tessera.repo.read<Subscription>('Subscription', sub.id!);
        return current.status === 'active' && current.meta?.versionId !== sub.meta?.versionId ? current : undefined;
      });
      assert.equal(s.error, undefined);
      const history = await tessera.repo.history({ resourceType: 'Subscription', id: sub.id!, params: [] });
      const errors = (history.entry ?? []).map((e) => (e.resource as Subscription).error).filter(Boolean);
      assert.ok(
        errors.some((e) => /attempt 1 failed: .*AE: database busy/.test(e ?? '')),
        JSON.stringify(errors),
      );
    } finally {
      await peer.close();
    }
  });

  it('keeps retrying while the peer is down and delivers when it comes up', async () => {
    const port = await freePort();
    const code = `D-${++seq}`;
    const sub = await messageSubscription(port, code);
    const { report } = await createReport(tessera.repo, code);
    await waitFor('the Subscription to show the error', async () => {
      const s = await tessera.repo.read<Subscription>('Subscription', sub.id!);
      return s.status === 'error' && /ECONNREFUSED/.test(s.error ?? '') ? s : undefined;
    });
    const peer = await new Peer().listen(port);
    try {
      const oru = await waitFor('the ORU', () => peer.received[0]);
      assert.equal(oru.get('OBR')!.value(4, 1), code);
      await waitFor('the Subscription to be active', async () => {
        const s = await tessera.repo.read<Subscription>('Subscription', sub.id!);
        return s.status === 'active' ? s : undefined;
      });
      // The worker marks the job done just after the delivery that turned the Subscription active.
      const job = await waitFor('the job to be done', async () =>
        (await deliveryJobs(tessera)).find(
          (j) => j.key === `${sub.id}/DiagnosticReport/${report.id}/1` && j.status === 'done',
        ),
      );
      assert.ok(job.attempts >= 2, `attempts ${job.attempts}`);
    } finally {
      await peer.close();
    }
  });

  it('refuses message channels it cannot serve', async () => {
    const notMllp = await subscribe(
      tessera.repo,
      { type: 'message', endpoint: 'http://x/y' },
      'DiagnosticReport?status=final',
    );
    assert.equal(notMllp.status, 'error');
    assert.match(notMllp.error ?? '', /mllp:\/\/host:port/);
    const patient = await subscribe(
      tessera.repo,
      { type: 'message', endpoint: 'mllp://127.0.0.1:2575' },
      'Patient?name=x',
    );
    assert.equal(patient.status, 'error');
    assert.match(patient.error ?? '', /criteria must be on DiagnosticReport or Observation/);
  });
});
