/**
 * Parse-and-map throughput on one core (issue 3 "Figures": at least 5,000 messages/s): loops
 * parseMessage + mapMessage over an ORU^R01 with one OBR and ten OBX (test/fixtures/hl7/oru-r01-cbc.hl7)
 * for about five seconds, each iteration on a fresh copy of the bytes with its own MSH-10, and
 * prints messages per second (wall clock and per CPU-second), then each phase alone. No storage, no network: this is the pure CPU cost the MLLP path adds
 * before its transaction.
 *
 * It measures the compiled code that `npm start` runs (`dist/`, built first): the tsx loader's
 * output of the same sources runs about a third slower.
 *
 * Usage: npm run bench:hl7-map [-- seconds]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { mapMessage as MapMessage } from '../adapters/hl7/src/mapping/map-message';
import type { parseMessage as ParseMessage } from '../adapters/hl7/src/message/parse';

if (spawnSync('npm', ['run', 'build'], { stdio: 'ignore' }).status !== 0) {
  throw new Error('build failed');
}
/* eslint-disable @typescript-eslint/no-require-imports -- the compiled modules, loaded after the build */
const { mapMessage } = require(resolve('dist/adapters/hl7/src/mapping/map-message.js')) as {
  mapMessage: typeof MapMessage;
};
const { parseMessage } = require(resolve('dist/adapters/hl7/src/message/parse.js')) as {
  parseMessage: typeof ParseMessage;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const seconds = Number(process.argv[2] ?? '5');
const template = readFileSync(join(__dirname, '..', 'test', 'fixtures', 'hl7', 'oru-r01-cbc.hl7'), 'latin1');
const messages = Array.from({ length: 1000 }, (_, i) =>
  Buffer.from(template.replace('MSG-ORU-0004', `MSG-BENCH-${i}`), 'latin1'),
);

function runFor(ms: number): { count: number; elapsed: number; cpu: number; entries: number } {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let count = 0;
  let entries = 0;
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 100; i++) {
      const mapped = mapMessage(parseMessage(messages[count % messages.length]!));
      entries += mapped.bundle.entry?.length ?? 0;
      count++;
    }
  }
  const cpu = process.cpuUsage(cpuStart);
  return { count, elapsed: Number(process.hrtime.bigint() - start) / 1e9, cpu: (cpu.user + cpu.system) / 1e6, entries };
}

/** Messages per second of one phase alone, for about `ms` (to see where the time goes). */
function phaseRate(ms: number, fn: (i: number) => void): number {
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let count = 0;
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 100; i++, count++) {
      fn(count);
    }
  }
  return Math.round(count / (Number(process.hrtime.bigint() - start) / 1e9));
}

runFor(500); // warm-up (JIT)
const { count, elapsed, cpu, entries } = runFor(seconds * 1000);
const rate = count / elapsed;
// Per CPU-second as well: on a shared machine wall time includes time the core served others.
const cpuRate = count / cpu;
const parsed = messages.map((m) => parseMessage(m));
const parseOnly = phaseRate(2000, (i) => parseMessage(messages[i % messages.length]!));
const mapOnly = phaseRate(2000, (i) => mapMessage(parsed[i % parsed.length]!));
console.log(
  JSON.stringify({
    bench: 'hl7-parse-and-map',
    message: 'ORU^R01, 1 OBR + 10 OBX',
    messages: count,
    seconds: Number(elapsed.toFixed(2)),
    messagesPerSecond: Math.round(rate),
    cpuSeconds: Number(cpu.toFixed(2)),
    messagesPerCpuSecond: Math.round(cpuRate),
    entriesPerMessage: entries / count,
    parseOnlyPerSecond: parseOnly,
    mapOnlyPerSecond: mapOnly,
    target: 5000,
    pass: rate >= 5000,
    loadAverage: Number(loadavg()[0]?.toFixed(2)),
  }),
);
