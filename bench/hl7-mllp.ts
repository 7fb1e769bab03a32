/**
 * `npm run bench:hl7 -- [--duration 20] [--connections 4] [--obx 10] [--dir bench/.data/hl7]`
 *
 * Sustained ORU^R01 ingest over MLLP (issue 3 figures): builds and starts the server (`dist/`)
 * on a fresh SQLite data directory, then sends ORU^R01 messages (one OBR, `--obx` OBX) on
 * `--connections` MLLP connections, each waiting for its ACK before the next message (MLLP
 * release 2, Appendix C.4). Every ACK comes after the message's transaction committed (fsync).
 * Prints messages/s, resources/s and exact ACK latency percentiles, and checks every ACK is AA.
 * The load generator runs on the same machine as the server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MllpClient } from '../adapters/hl7/src/mllp/client';
import { oruR01 } from '../test/helpers/hl7-messages';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'bench/.data/hl7' },
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '4' },
    obx: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'mllp-port': { type: 'string', default: '12575' },
    'http-port': { type: 'string', default: '18081' },
  },
});

const mllpPort = Number(values['mllp-port']);
const httpPort = Number(values['http-port']);
const obx = Number(values.obx);

function startServer(dir: string): ChildProcess {
  // BENCH_NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the server.
  const nodeArgs = (process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter((a) => a !== '');
  return spawn(process.execPath, [...nodeArgs, resolve('dist/server/src/main.js')], {
    env: {
      ...process.env,
      TESSERA_DATA_DIR: dir,
      TESSERA_HTTP_PORT: String(httpPort),
      TESSERA_MLLP_PORT: String(mllpPort),
      TESSERA_DICOM_PORT: '0',
      TESSERA_AUTH: 'off',
      TESSERA_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function waitReady(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
      if (res.ok) {
        return;
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, i)] ?? 0) * 100) / 100;
}

interface PhaseResult {
  messages: number;
  latencies: number[];
  notAa: number;
  seconds: number;
}

/** Runs `connections` senders for `seconds`; message ids are unique across phases via `prefix`. */
async function phase(prefix: string, connections: number, seconds: number): Promise<PhaseResult> {
  const latencies: number[] = [];
  let notAa = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const client = new MllpClient({ replyTimeoutMs: 30_000 });
      await client.connect('127.0.0.1', mllpPort);
      for (let n = 0; Date.now() < deadline; n++) {
        const payload = Buffer.from(oruR01({ controlId: `${prefix}${c}-${n}`, mrn: `B${c}-${n % 500}` }, obx));
        const t0 = process.hrtime.bigint();
        const ack = await client.send(payload);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (!ack.includes('\rMSA|AA|')) {
          notAa++;
        }
      }
      await client.close();
    }),
  );
  return { messages: latencies.length, latencies, notAa, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function main(): Promise<void> {
  if (spawnSync('npm', ['run', 'build'], { stdio: 'inherit' }).status !== 0) {
    throw new Error('build failed');
  }
  const dir = resolve(values.dir as string);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const server = startServer(dir);
  try {
    await waitReady();
    const connections = Number(values.connections);
    await phase('W', connections, Number(values.warmup));
    const result = await phase('M', connections, Number(values.duration));
    const sorted = [...result.latencies].sort((a, b) => a - b);
    const perSecond = Math.round(result.messages / result.seconds);
    // DiagnosticReport + OBX Observations (+ ServiceRequest and Patient on their first message).
    const row = {
      scenario: `ORU^R01 1 OBR + ${obx} OBX over MLLP`,
      connections,
      seconds: Math.round(result.seconds * 10) / 10,
      messages: result.messages,
      messagesPerSecond: perSecond,
      resourcesPerSecond: perSecond * (obx + 2),
      ackLatencyMs: {
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        max: percentile(sorted, 100),
      },
      notAa: result.notAa,
    };
    console.log(JSON.stringify(row));
    console.log('\n| scenario | conns | msg/s | p50 ms | p95 ms | p99 ms | non-AA |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    console.log(
      `| ${row.scenario} | ${connections} | ${perSecond} | ${row.ackLatencyMs.p50} | ${row.ackLatencyMs.p95} | ${row.ackLatencyMs.p99} | ${row.notAa} |`,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
