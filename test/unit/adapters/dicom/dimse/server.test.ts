// The DIMSE listener: binding, association admission, C-ECHO, limits, timeouts and draining.
// Covers: PS3.8 9.3.4 (A-ASSOCIATE-RJ result/source/reason: called AE title not recognized (7),
// calling AE title not recognized (3), transient local-limit-exceeded), PS3.8 9.1.5 (ARTIM:
// a connection that never asks for an association is closed), PS3.7 9.3.5 (C-ECHO success),
// DESIGN.md runtime contract (bind TESSERA_HOST only; SIGTERM drains associations).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, requests } from 'dcmjs-dimse';
import pino from 'pino';
import type { DimseServer, DimseServerOptions } from '../../../../../adapters/dicom/src/dimse';
import { startDimseServer } from '../../../../../adapters/dicom/src/dimse';
import { FileBlobStore } from '../../../../../server/src/storage/files/file-blob-store';
import { RecordingSink, runDcmtk } from './dimse-peers';

let dir = '';
let blobs: FileBlobStore;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-dimse-server-'));
  blobs = new FileBlobStore(join(dir, 'blobs'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function start(overrides: Partial<DimseServerOptions> = {}): Promise<DimseServer> {
  return startDimseServer({
    host: '127.0.0.1',
    port: 0,
    aeTitle: 'TESSERA',
    blobs,
    sink: new RecordingSink(blobs),
    index: { findStudies: () => Promise.resolve([]), findSeries: () => Promise.resolve([]) },
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
}

/** An association opened with dcmjs-dimse's Client that stays open `lingerMs` after its C-ECHO. */
interface Held {
  readonly echoed: Promise<number>;
  readonly closed: Promise<{ released: boolean }>;
}

function hold(port: number, lingerMs: number): Held {
  const client = new Client();
  const echo = new requests.CEchoRequest();
  client.addRequest(echo);
  let released = false;
  const echoed = new Promise<number>((resolve) => {
    echo.on('response', (response: { getStatus(): number }) => resolve(response.getStatus()));
  });
  client.on('associationReleased', () => {
    released = true;
  });
  const closed = new Promise<{ released: boolean }>((resolve) => client.on('closed', () => resolve({ released })));
  client.send('127.0.0.1', port, 'HOLDER', 'TESSERA', { associationLingerTimeout: lingerMs });
  return { echoed, closed };
}

describe('DIMSE server', () => {
  it('binds the given host only, not every interface', async (t) => {
    const server = await start();
    try {
      assert.equal(server.host, '127.0.0.1');
      const other = Object.values(networkInterfaces())
        .flat()
        .find((address) => address !== undefined && address.family === 'IPv4' && !address.internal);
      if (other === undefined) {
        t.diagnostic('no non-loopback IPv4 interface to probe');
        return;
      }
      const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
        const socket = connect(server.port, other.address);
        socket.once('connect', () => {
          socket.destroy();
          resolve(undefined);
        });
        socket.once('error', resolve);
      });
      assert.equal(error?.code, 'ECONNREFUSED', `connected on ${other.address}`);
    } finally {
      await server.close();
    }
  });

  it('answers C-ECHO with success (echoscu)', async () => {
    const server = await start();
    try {
      const result = await runDcmtk('echoscu', ['-aec', 'TESSERA', '127.0.0.1', String(server.port)]);
      assert.equal(result.code, 0, result.stderr);
    } finally {
      await server.close();
    }
  });

  it('rejects a wrong called AE title permanently with reason 7', async () => {
    const server = await start();
    try {
      const result = await runDcmtk('echoscu', ['-aec', 'SOMEONE', '127.0.0.1', String(server.port)]);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /Rejected Permanent, Source: Service User/);
      assert.match(result.stderr, /Called AE Title Not Recognized/);
    } finally {
      await server.close();
    }
  });

  it('rejects a calling AE title not in the allowed list with reason 3, accepts a listed one', async () => {
    const server = await start({ allowedCallingAets: ['MODALITY'] });
    try {
      const refused = await runDcmtk('echoscu', [
        '-aet',
        'INTRUDER',
        '-aec',
        'TESSERA',
        '127.0.0.1',
        String(server.port),
      ]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /Rejected Permanent, Source: Service User/);
      assert.match(refused.stderr, /Calling AE Title Not Recognized/);
      const allowed = await runDcmtk('echoscu', [
        '-aet',
        'MODALITY',
        '-aec',
        'TESSERA',
        '127.0.0.1',
        String(server.port),
      ]);
      assert.equal(allowed.code, 0, allowed.stderr);
    } finally {
      await server.close();
    }
  });

  it('rejects associations beyond maxAssociations as transient local-limit-exceeded', async () => {
    const server = await start({ maxAssociations: 1 });
    try {
      const held = hold(server.port, 1500);
      assert.equal(await held.echoed, 0);
      const refused = await runDcmtk('echoscu', ['-aec', 'TESSERA', '127.0.0.1', String(server.port)]);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /Rejected Transient/);
      assert.match(refused.stderr, /Local Limit Exceeded/i);
      assert.equal((await held.closed).released, true);
      const again = await runDcmtk('echoscu', ['-aec', 'TESSERA', '127.0.0.1', String(server.port)]);
      assert.equal(again.code, 0, 'a slot frees up when the association ends');
    } finally {
      await server.close();
    }
  });

  it('closes a connection that sends no A-ASSOCIATE-RQ within the association timeout', async () => {
    const server = await start({ associationTimeoutMs: 300 });
    try {
      const started = Date.now();
      await new Promise<void>((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1');
        socket.once('close', () => resolve());
        socket.once('error', reject);
      });
      assert.ok(Date.now() - started < 5000);
    } finally {
      await server.close();
    }
  });

  it('close() lets an association in flight finish within the drain timeout', async () => {
    const server = await start({ drainTimeoutMs: 5000 });
    const held = hold(server.port, 400);
    assert.equal(await held.echoed, 0);
    await server.close();
    assert.equal((await held.closed).released, true);
    const refused = await runDcmtk('echoscu', ['-aec', 'TESSERA', '127.0.0.1', String(server.port)]);
    assert.notEqual(refused.code, 0, 'no longer accepting');
  });

  it('close() aborts associations still open after the drain timeout', async () => {
    const server = await start({ drainTimeoutMs: 200 });
    const held = hold(server.port, 2500);
    assert.equal(await held.echoed, 0);
    const started = Date.now();
    await server.close();
    assert.ok(Date.now() - started < 3000, 'close() waited past its drain timeout');
    assert.equal((await held.closed).released, false);
  });
});
