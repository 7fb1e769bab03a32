/**
 * The HL7 v2 adapter end to end, in the real process over real TCP (issue 3):
 * - MLLP with Debian's python3-hl7 `mllp_send --loose` and with our own client;
 *   HL7 v2.5.1 section 2.9.2 (original-mode ACK: AA only after commit, AE with ERR, AR),
 *   2.14.9.10 (MSH-10 unique per sender: a re-send gets the same ACK, nothing stored twice),
 *   Appendix C.4 (MLLP framing; an oversize frame is refused and the connection stays usable);
 * - `POST /hl7/v2` with the same processing; the message log listing and `$reprocess`;
 * - `/metrics` counts messages by type and ACK code; the listening line names the MLLP port.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Bundle, DiagnosticReport, Patient, ServiceRequest } from '@medplum/fhirtypes';
import { MllpClient } from '../../../adapters/hl7/src/mllp/client';
import { parseMessage } from '../../../adapters/hl7/src/message/parse';
import { oruR01, ormO01 } from '../../helpers/hl7-messages';
import { startTessera, type TesseraProcess } from '../../helpers/start-tessera';

const run = promisify(execFile);

/** Debian's python3-hl7 MLLP client; without it that one test is skipped, unless peers are required (CI). */
const mllpSend = ['/usr/bin/mllp_send', '/usr/local/bin/mllp_send'].find((p) => existsSync(p));
const skipMllpSend =
  mllpSend === undefined && process.env.TESSERA_REQUIRE_PEERS !== '1'
    ? 'mllp_send not installed (apt-get install python3-hl7)'
    : false;

/** MSA-1 and MSA-2 of an ACK. */
function msa(ack: Buffer | string): { code: string | undefined; controlId: string | undefined } {
  const message = parseMessage(Buffer.isBuffer(ack) ? ack : Buffer.from(ack));
  const seg = message.get('MSA');
  return { code: seg?.value(1) ?? undefined, controlId: seg?.value(2) ?? undefined };
}

/** ERR-3.1 codes of an ACK. */
function errCodes(ack: Buffer): string[] {
  return parseMessage(ack)
    .all('ERR')
    .map((e) => e.value(3) ?? '');
}

describe('HL7 v2 inbound (real process)', () => {
  let dir: string;
  let tessera: TesseraProcess;
  let client: MllpClient;

  const fhir = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${tessera.baseUrl}/fhir/${path}`, {
      ...init,
      headers: { 'content-type': 'application/fhir+json', ...init.headers },
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const count = async (query: string): Promise<number> =>
    (await fhir<Bundle>(`${query}${query.includes('?') ? '&' : '?'}_summary=count`)).body.total ?? -1;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-hl7-'));
    tessera = await startTessera({
      TESSERA_DATA_DIR: dir,
      TESSERA_AUTH: 'off',
      TESSERA_HL7_MAX_MESSAGE_BYTES: String(64 * 1024),
    });
    client = new MllpClient({ replyTimeoutMs: 20_000 });
    await client.connect('127.0.0.1', tessera.mllpPort);
  });
  after(async () => {
    await client.close();
    await tessera.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs the MLLP port in the listening line', () => {
    const line = tessera.logs.find((l) => l.msg === 'listening');
    assert.equal(typeof line?.mllp, 'number');
    assert.ok((line?.mllp as number) > 0);
  });

  it(
    'accepts an ORM and an ORU sent by mllp_send (--loose, \\n endings) and links them',
    { skip: skipMllpSend },
    async () => {
      const orm = ormO01({
        controlId: 'MS-ORM-1',
        mrn: 'MS100',
        placer: 'PL100',
        filler: 'FL100',
        accession: 'ACC100',
      });
      const oru = oruR01({ controlId: 'MS-ORU-1', mrn: 'MS100', placer: 'PL100', filler: 'FL100' }, 10);
      const file = join(dir, 'loose.hl7');
      // --loose turns \n into \r and splits on each MSH: the way files arrive from interface engines.
      await writeFile(file, (orm + oru).replace(/\r/g, '\n'));
      const { stdout } = await run(mllpSend ?? 'mllp_send', [
        '--loose',
        '-p',
        String(tessera.mllpPort),
        '-f',
        file,
        '127.0.0.1',
      ]);
      const acks = stdout.split(/(?=MSH\|)/).filter((a) => a.startsWith('MSH|'));
      assert.equal(acks.length, 2, stdout);
      assert.deepEqual(msa(acks[0] as string), { code: 'AA', controlId: 'MS-ORM-1' });
      assert.deepEqual(msa(acks[1] as string), { code: 'AA', controlId: 'MS-ORU-1' });

      const requests = await fhir<Bundle>('ServiceRequest?identifier=PL100');
      assert.equal(requests.body.entry?.length, 1);
      const order = requests.body.entry?.[0]?.resource as ServiceRequest;
      assert.ok(
        order.identifier?.some((i) => i.value === 'ACC100'),
        'accession number on the order',
      );
      const reports = await fhir<Bundle>('DiagnosticReport?identifier=FL100');
      assert.equal(reports.body.entry?.length, 1);
      const report = reports.body.entry?.[0]?.resource as DiagnosticReport;
      assert.equal(report.basedOn?.[0]?.reference, `ServiceRequest/${order.id}`);
      assert.equal(report.result?.length, 10);
      assert.equal(await count('Patient?identifier=MS100'), 1);
      const patient = (await fhir<Bundle>('Patient?identifier=MS100')).body.entry?.[0]?.resource as Patient;
      assert.equal(report.subject?.reference, `Patient/${patient.id}`);
      assert.ok(report.meta?.source, 'meta.source names the sender');
    },
  );

  it('answers a re-send with the same ACK, byte for byte, and stores nothing twice', async () => {
    const oru = Buffer.from(oruR01({ controlId: 'DUP-1', mrn: 'DUP100' }, 3));
    const first = await client.send(oru);
    assert.equal(msa(first).code, 'AA');
    const observations = await count('Observation?patient.identifier=DUP100');
    const second = await client.send(oru);
    assert.ok(second.equals(first), 'the stored ACK is sent again');
    assert.equal(await count('Observation?patient.identifier=DUP100'), observations);
    assert.equal(await count('DiagnosticReport?identifier=FDUP-1'), 1);
  });

  it('rejects a reused MSH-10 with different content (AR, 205) and keeps it in the log', async () => {
    await client.send(Buffer.from(oruR01({ controlId: 'REUSE-1', mrn: 'R100' }, 1)));
    const ack = await client.send(Buffer.from(oruR01({ controlId: 'REUSE-1', mrn: 'R200' }, 1)));
    assert.equal(msa(ack).code, 'AR');
    assert.deepEqual(errCodes(ack), ['205']);
    assert.equal(await count('Patient?identifier=R200'), 0);
    const listed = (await (await fetch(`${tessera.baseUrl}/hl7/v2/messages?status=rejected`)).json()) as {
      messages: { controlId: string; error: string }[];
    };
    assert.ok(listed.messages.some((m) => m.controlId.startsWith('REUSE-1#') && /already used/.test(m.error)));
  });

  it('rejects a malformed header with AR and keeps the connection usable', async () => {
    const bad = await client.send(Buffer.from('PID|1||X\rOBX|1|NM|x\r'));
    assert.equal(msa(bad).code, 'AR');
    const good = await client.send(Buffer.from(oruR01({ controlId: 'AFTER-BAD', mrn: 'AB1' }, 1)));
    assert.deepEqual(msa(good), { code: 'AA', controlId: 'AFTER-BAD' });
  });

  it('refuses an oversize message with AR echoing its MSH-10, and the connection stays usable', async () => {
    const huge = oruR01({ controlId: 'HUGE-1', mrn: 'H1' }, 1) + `NTE|1||${'x'.repeat(70 * 1024)}\r`;
    const ack = await client.send(Buffer.from(huge));
    assert.deepEqual(msa(ack), { code: 'AR', controlId: 'HUGE-1' });
    const good = await client.send(Buffer.from(oruR01({ controlId: 'AFTER-HUGE', mrn: 'H2' }, 1)));
    assert.equal(msa(good).code, 'AA');
  });

  it('answers a content error with AE and an ERR naming the field, and lists it as failed', async () => {
    const noPid3 = oruR01({ controlId: 'NOPID3', mrn: '' }, 1).replace(/PID\|1\|\|\^\^\^HOSP\^MR\|/, 'PID|1|||');
    const ack = await client.send(Buffer.from(noPid3));
    assert.equal(msa(ack).code, 'AE');
    const err = parseMessage(ack).get('ERR');
    assert.equal(err?.value(2, 1), 'PID');
    assert.equal(err?.value(2, 3), '3');
    assert.equal(err?.value(3), '101');
    const listed = (await (await fetch(`${tessera.baseUrl}/hl7/v2/messages?status=error`)).json()) as {
      messages: { controlId: string; status: string }[];
    };
    assert.ok(listed.messages.some((m) => m.controlId === 'NOPID3' && m.status === 'error'));
  });

  it('reprocesses a failed message once the data problem is fixed', async () => {
    // Two Patients share the MRN: the ORU cannot tell which one it is for (AE, 205).
    const twin = { resourceType: 'Patient', identifier: [{ value: 'TWIN1' }] };
    const mrnSystem = (
      (await fhir<Bundle>('Patient?identifier=MS100')).body.entry?.[0]?.resource as Patient
    ).identifier?.find((i) => i.value === 'MS100')?.system;
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const created = await fhir<Patient>('Patient', {
        method: 'POST',
        body: JSON.stringify({ ...twin, identifier: [{ system: mrnSystem, value: 'TWIN1' }] }),
      });
      ids.push(created.body.id as string);
    }
    const ack = await client.send(Buffer.from(oruR01({ controlId: 'TWIN-ORU', mrn: 'TWIN1' }, 2)));
    assert.equal(msa(ack).code, 'AE');
    const messageId = (
      (await (await fetch(`${tessera.baseUrl}/hl7/v2/messages?status=error`)).json()) as {
        messages: { id: string; controlId: string }[];
      }
    ).messages.find((m) => m.controlId === 'TWIN-ORU')?.id;
    assert.ok(messageId);
    // The operator merges the duplicate away, then reprocesses the stored message.
    await fetch(`${tessera.baseUrl}/fhir/Patient/${ids[1]}`, { method: 'DELETE' });
    const res = await fetch(`${tessera.baseUrl}/hl7/v2/messages/${messageId}/$reprocess`, { method: 'POST' });
    assert.equal(res.status, 200);
    const after = (await res.json()) as { status: string; ackCode: string; attempts: number };
    assert.equal(after.status, 'accepted');
    assert.equal(after.ackCode, 'AA');
    assert.equal(after.attempts, 2);
    assert.equal(await count(`DiagnosticReport?subject=Patient/${ids[0]}`), 1);
    const raw = await fetch(`${tessera.baseUrl}/hl7/v2/messages/${messageId}/raw`);
    assert.ok(
      Buffer.from(await raw.arrayBuffer()).equals(Buffer.from(oruR01({ controlId: 'TWIN-ORU', mrn: 'TWIN1' }, 2))),
    );
    const missing = await fetch(`${tessera.baseUrl}/hl7/v2/messages/nope/$reprocess`, { method: 'POST' });
    assert.equal(missing.status, 404);
  });

  it('processes POST /hl7/v2 like MLLP and answers with the ACK; other media types get 415', async () => {
    const res = await fetch(`${tessera.baseUrl}/hl7/v2`, {
      method: 'POST',
      headers: { 'content-type': 'x-application/hl7-v2+er7' },
      body: ormO01({ controlId: 'HTTP-1', mrn: 'HT1', placer: 'HTP1' }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-hl7-ack-code'), 'AA');
    assert.deepEqual(msa(Buffer.from(await res.arrayBuffer())), { code: 'AA', controlId: 'HTTP-1' });
    assert.equal(await count('ServiceRequest?identifier=HTP1'), 1);
    const json = await fetch(`${tessera.baseUrl}/hl7/v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(json.status, 415);
    assert.equal(((await json.json()) as { resourceType: string }).resourceType, 'OperationOutcome');
  });

  it('counts messages by type and ACK code in /metrics', async () => {
    const text = await (await fetch(`${tessera.baseUrl}/metrics`)).text();
    assert.match(text, /tessera_hl7_messages_total\{message_type="ORU\^R01",ack_code="AA"\} [1-9]/);
    assert.match(text, /tessera_hl7_messages_total\{message_type="ORU\^R01",ack_code="AE"\} [1-9]/);
  });
});
