// Covers HL7 v2.5.1 Appendix C.4 (MLLP release 2, "Lower Layer Protocol") over real TCP on 127.0.0.1:
// one reply per message in order on a connection, framing across TCP segments, oversize recovery,
// concurrent connections, idle timeout and graceful drain on close.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { MllpClient } from '../../../adapters/hl7/src/mllp/client';
import { encodeFrame, MllpDecoder } from '../../../adapters/hl7/src/mllp/framing';
import { MllpServer, type MllpServerOptions } from '../../../adapters/hl7/src/mllp/server';

const HOST = '127.0.0.1';
const servers: MllpServer[] = [];
const clients: MllpClient[] = [];
const sockets: net.Socket[] = [];

after(async () => {
  for (const s of sockets) {
    s.destroy();
  }
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(servers.map((s) => s.close()));
});

async function startServer(options: MllpServerOptions): Promise<{ server: MllpServer; port: number }> {
  const server = new MllpServer(options);
  servers.push(server);
  const port = await server.listen(0, HOST);
  return { server, port };
}

async function connectClient(port: number): Promise<MllpClient> {
  const client = new MllpClient({ replyTimeoutMs: 5000 });
  clients.push(client);
  await client.connect(HOST, port);
  return client;
}

/** A raw socket collecting every decoded reply frame. */
async function rawSocket(
  port: number,
): Promise<{ socket: net.Socket; replies: string[]; next: (n: number) => Promise<string[]> }> {
  const socket = net.connect({ host: HOST, port });
  sockets.push(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  const decoder = new MllpDecoder();
  const replies: string[] = [];
  socket.on('data', (chunk: Buffer) => {
    for (const ev of decoder.push(chunk)) {
      if (ev.type === 'frame') {
        replies.push(ev.payload.toString());
      }
    }
  });
  const next = async (n: number): Promise<string[]> => {
    const deadline = Date.now() + 5000;
    while (replies.length < n && Date.now() < deadline) {
      await sleep(5);
    }
    return replies.slice(0, n);
  };
  return { socket, replies, next };
}

const echo = (frame: Buffer): Promise<Buffer> => Promise.resolve(Buffer.concat([Buffer.from('ACK:'), frame]));

describe('MLLP server and client', () => {
  it('round-trips a message through an echo handler', async () => {
    const seen: string[] = [];
    const { server, port } = await startServer({ handler: echo });
    server.on('frame', (frame) => seen.push(frame.toString()));
    const client = await connectClient(port);
    const reply = await client.send(Buffer.from('MSH|^~\\&|A|B\rPID|||1\r'));
    assert.equal(reply.toString(), 'ACK:MSH|^~\\&|A|B\rPID|||1\r');
    assert.deepEqual(seen, ['MSH|^~\\&|A|B\rPID|||1\r']);
  });

  it('answers three frames sent in one write strictly in order, one handler at a time', async () => {
    let active = 0;
    let maxActive = 0;
    const { port } = await startServer({
      handler: async (frame) => {
        active++;
        maxActive = Math.max(maxActive, active);
        // Earlier frames take longer: a concurrent server would answer out of order.
        await sleep(60 - Number(frame.toString()) * 20);
        active--;
        return Buffer.from(`R${frame.toString()}`);
      },
    });
    const { socket, next } = await rawSocket(port);
    socket.write(Buffer.concat(['1', '2', '3'].map((s) => encodeFrame(Buffer.from(s)))));
    assert.deepEqual(await next(3), ['R1', 'R2', 'R3']);
    assert.equal(maxActive, 1);
  });

  it('reassembles a frame split across delayed writes, FS and CR in separate packets', async () => {
    const { port } = await startServer({ handler: echo });
    const { socket, next } = await rawSocket(port);
    const wire = encodeFrame(Buffer.from('MSH|^~\\&|SPLIT\r'));
    const cuts = [0, 1, 5, wire.length - 2, wire.length - 1, wire.length];
    for (let i = 0; i + 1 < cuts.length; i++) {
      socket.write(wire.subarray(cuts[i], cuts[i + 1]));
      await sleep(20);
    }
    assert.deepEqual(await next(1), ['ACK:MSH|^~\\&|SPLIT\r']);
  });

  it('answers an oversize frame with the onOversize reply and keeps the connection usable', async () => {
    const sizes: number[] = [];
    const { port } = await startServer({
      handler: echo,
      maxFrameBytes: 1024,
      onOversize: (bytes) => {
        sizes.push(bytes);
        return Promise.resolve(Buffer.from('AR'));
      },
    });
    const client = await connectClient(port);
    const reply = await client.send(Buffer.alloc(100_000, 0x41));
    assert.equal(reply.toString(), 'AR');
    assert.deepEqual(sizes, [100_000]);
    assert.equal((await client.send(Buffer.from('small'))).toString(), 'ACK:small');
  });

  it('serves 20 concurrent clients, each getting its own replies', async () => {
    const { server, port } = await startServer({
      handler: async (frame, conn) => {
        await sleep(Math.random() * 5);
        return Buffer.from(`${conn.id}:${frame.toString()}`);
      },
    });
    const connectionIds: number[] = [];
    server.on('connection', (info) => connectionIds.push(info.id));
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, c) => {
        const client = await connectClient(port);
        const replies: string[] = [];
        for (let m = 0; m < 5; m++) {
          replies.push((await client.send(Buffer.from(`c${c}m${m}`))).toString());
        }
        return replies;
      }),
    );
    assert.equal(new Set(connectionIds).size, 20);
    results.forEach((replies, c) => {
      const ids = new Set(replies.map((r) => r.split(':')[0]));
      assert.equal(ids.size, 1, 'all replies of one client come from one connection');
      assert.deepEqual(
        replies.map((r) => r.split(':')[1]),
        [0, 1, 2, 3, 4].map((m) => `c${c}m${m}`),
      );
    });
  });

  it('reports garbage and an unterminated frame as framing events', async () => {
    const { server, port } = await startServer({ handler: echo });
    const anomalies: string[] = [];
    server.on('framing', (ev) => anomalies.push(`${ev.type}:${ev.bytes}`));
    const { socket, next } = await rawSocket(port);
    socket.write(
      Buffer.concat([Buffer.from('junk'), encodeFrame(Buffer.from('ok')), Buffer.from([0x0b]), Buffer.from('cut')]),
    );
    assert.deepEqual(await next(1), ['ACK:ok']);
    await new Promise((resolve) => socket.end(() => resolve(undefined)));
    const deadline = Date.now() + 2000;
    while (anomalies.length < 2 && Date.now() < deadline) {
      await sleep(5);
    }
    assert.deepEqual(anomalies, ['garbage:4', 'incomplete:3']);
  });

  it('rejects send() when no reply arrives in time', async () => {
    const { port } = await startServer({ handler: () => Promise.resolve(undefined) });
    const client = new MllpClient({ replyTimeoutMs: 100 });
    clients.push(client);
    await client.connect(HOST, port);
    await assert.rejects(client.send(Buffer.from('no reply')), /timeout/);
  });

  it('closes a connection that stays idle past the idle timeout', async () => {
    const { port } = await startServer({ handler: echo, idleTimeoutMs: 150 });
    const { socket } = await rawSocket(port);
    const started = Date.now();
    await new Promise((resolve) => socket.once('close', resolve));
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 100 && elapsed < 3000, `closed after ${elapsed} ms`);
  });

  it('close() stops accepting and waits for an in-flight slow handler to reply', async () => {
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    let handlerDone = false;
    const { server, port } = await startServer({
      handler: async (frame) => {
        release();
        await sleep(300);
        handlerDone = true;
        return Buffer.from(`late:${frame.toString()}`);
      },
    });
    const client = await connectClient(port);
    const reply = client.send(Buffer.from('slow'));
    await started;
    const closing = server.close();
    await assert.rejects(connectClient(port));
    await closing;
    assert.equal(handlerDone, true, 'close() resolved only after the handler finished');
    assert.equal((await reply).toString(), 'late:slow');
  });
});
