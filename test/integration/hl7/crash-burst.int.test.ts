/**
 * Nothing lost, nothing doubled (issue 3, "Acknowledgements and nothing lost"; HL7 v2.5.1
 * section 2.9.2: AA only after the message is safely stored): the process is killed with SIGKILL
 * in the middle of a burst on four MLLP connections. After a restart every message that got AA
 * is in the store, and every message that got no ACK can be re-sent: it is then accepted and
 * stored exactly once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Bundle } from '@medplum/fhirtypes';
import { MllpClient } from '../../../adapters/hl7/src/mllp/client';
import { parseMessage } from '../../../adapters/hl7/src/message/parse';
import { oruR01 } from '../../helpers/hl7-messages';
import { startTessera } from '../../helpers/start-tessera';

const CONNECTIONS = 4;
const OBX = 3;

const ackCode = (ack: Buffer): string | undefined => parseMessage(ack).get('MSA')?.value(1) ?? undefined;

describe('SIGKILL during an HL7 burst', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-hl7-crash-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged message and accepts re-sends of the others exactly once', async () => {
    const env = { TESSERA_DATA_DIR: dir, TESSERA_AUTH: 'off' };
    const victim = await startTessera(env);
    const acked = new Set<string>();
    const attempted = new Set<string>();
    let killed = false;
    const sender = async (connection: number): Promise<void> => {
      const client = new MllpClient({ replyTimeoutMs: 10_000 });
      await client.connect('127.0.0.1', victim.mllpPort);
      for (let n = 0; !killed; n++) {
        const controlId = `CR-${connection}-${n}`;
        attempted.add(controlId);
        try {
          const ack = await client.send(Buffer.from(oruR01({ controlId, mrn: `CRASH${connection}` }, OBX)));
          assert.equal(ackCode(ack), 'AA');
          acked.add(controlId);
        } catch {
          return; // the connection died with the process
        }
      }
    };
    const senders = Array.from({ length: CONNECTIONS }, (_, i) => sender(i));
    // Let the burst run until a good number of messages were acknowledged, then kill mid-flight.
    while (acked.size < 60) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    victim.child.kill('SIGKILL');
    killed = true;
    await victim.exited;
    await Promise.all(senders);
    assert.ok(attempted.size > acked.size, 'some messages were in flight when the process died');

    const revived = await startTessera(env);
    try {
      const reports = async (controlId: string): Promise<number> => {
        const res = await fetch(`${revived.baseUrl}/fhir/DiagnosticReport?identifier=F${controlId}&_summary=count`);
        return ((await res.json()) as Bundle).total ?? -1;
      };
      for (const controlId of acked) {
        assert.equal(await reports(controlId), 1, `${controlId} was acknowledged, so it must be stored`);
      }
      const client = new MllpClient();
      await client.connect('127.0.0.1', revived.mllpPort);
      for (const controlId of attempted) {
        if (acked.has(controlId)) {
          continue;
        }
        const connection = controlId.split('-')[1];
        const ack = await client.send(Buffer.from(oruR01({ controlId, mrn: `CRASH${connection}` }, OBX)));
        assert.equal(ackCode(ack), 'AA', `re-send of ${controlId}`);
      }
      await client.close();
      for (const controlId of attempted) {
        assert.equal(await reports(controlId), 1, `${controlId} is stored exactly once`);
      }
      const observations = await fetch(`${revived.baseUrl}/fhir/Observation?_summary=count`);
      assert.equal(((await observations.json()) as Bundle).total, attempted.size * OBX);
    } finally {
      await revived.stop();
    }
  });
});
