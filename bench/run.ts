/**
 * `npm run bench -- --dir bench/.data/main [--only read,create,...] [--duration 20]`
 *
 * Starts the built server (`dist/`) on a seeded data directory and drives it
 * (16 connections, same machine, bench/load.ts) through the scenarios of the FHIR core issue.
 * Prints one JSON line per scenario and a Markdown table with exact latency percentiles.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad } from './load';
import { FAMILY_NAMES, LAB_CODES, rng, syntheticObservation, syntheticPatient } from './synthetic';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'bench/.data/main' },
    only: { type: 'string' },
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '16' },
    port: { type: 'string', default: '18080' },
  },
});

const TOKEN = 'bench-token';
const port = Number(values.port);
const base = `http://127.0.0.1:${port}`;
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/fhir+json' };
const ids = JSON.parse(readFileSync(join(values.dir as string, 'ids.json'), 'utf8')) as {
  patientIds: string[];
  observationSample: string[];
};
const random = rng(7);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

interface Scenario {
  name: string;
  connections?: number;
  /** Resources written per request (for resources/s). */
  resourcesPerRequest?: number;
  request: () => { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; body?: string };
}

let created: string[] = [];
const scenarios: Scenario[] = [
  {
    name: 'read',
    request: () => ({ method: 'GET', path: `/fhir/Observation/${pick(ids.observationSample)}` }),
  },
  {
    name: 'create',
    request: () => ({
      method: 'POST',
      path: '/fhir/Observation',
      body: JSON.stringify(syntheticObservation(pick(ids.patientIds), random)),
    }),
  },
  {
    name: 'mixed',
    request: () => {
      const r = random();
      if (r < 0.3) {
        const resource =
          random() < 0.5 ? syntheticPatient(0, random) : syntheticObservation(pick(ids.patientIds), random);
        return { method: 'POST', path: `/fhir/${resource.resourceType}`, body: JSON.stringify(resource) };
      }
      if (r < 0.65) {
        return random() < 0.5
          ? { method: 'GET', path: `/fhir/Patient/${pick(ids.patientIds)}` }
          : { method: 'GET', path: `/fhir/Observation/${pick(ids.observationSample)}` };
      }
      if (r < 0.9) {
        const id = pick(ids.patientIds);
        const body = { ...syntheticPatient(0, random), id };
        return { method: 'PUT', path: `/fhir/Patient/${id}`, body: JSON.stringify(body) };
      }
      // Delete only what this run created, so the seeded data set stays intact between runs.
      const victim = created.pop();
      return victim
        ? { method: 'DELETE', path: `/fhir/Observation/${victim}` }
        : { method: 'GET', path: `/fhir/Observation/${pick(ids.observationSample)}` };
    },
  },
  {
    name: 'search-observation-subject-code',
    request: () => ({
      method: 'GET',
      path: `/fhir/Observation?subject=Patient/${pick(ids.patientIds)}&code=http://loinc.org|${pick(LAB_CODES).code}`,
    }),
  },
  {
    name: 'search-patient-name-birthdate',
    request: () => ({
      method: 'GET',
      path: `/fhir/Patient?name=${encodeURIComponent(pick(FAMILY_NAMES))}&birthdate=ge${1930 + Math.floor(random() * 90)}-01-01`,
    }),
  },
  {
    name: 'transaction-100',
    resourcesPerRequest: 100,
    request: () => {
      const patientUrl = `urn:uuid:${crypto.randomUUID()}`;
      const entry = [
        { fullUrl: patientUrl, resource: syntheticPatient(0, random), request: { method: 'POST', url: 'Patient' } },
        ...Array.from({ length: 99 }, () => ({
          fullUrl: `urn:uuid:${crypto.randomUUID()}`,
          resource: { ...syntheticObservation('x', random), subject: { reference: patientUrl } },
          request: { method: 'POST', url: 'Observation' },
        })),
      ];
      return {
        method: 'POST',
        path: '/fhir',
        body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }),
      };
    },
  },
];

async function waitReady(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}

function startServer(): ChildProcess {
  const child = spawn(process.execPath, [resolve('dist/server/src/main.js')], {
    env: {
      ...process.env,
      TESSERA_DATA_DIR: resolve(values.dir as string),
      TESSERA_HTTP_PORT: String(port),
      TESSERA_API_TOKEN: TOKEN,
      TESSERA_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

async function runScenario(scenario: Scenario): Promise<Record<string, unknown>> {
  const connections = scenario.connections ?? Number(values.connections);
  const result = await runLoad({
    url: base,
    connections,
    durationMs: Number(values.duration) * 1000,
    headers,
    next: scenario.request,
    onResponse: (status, body) => {
      if (scenario.name === 'mixed' && status === 201 && body.includes('"resourceType":"Observation"')) {
        const id = /"id":"([^"]+)"/.exec(body)?.[1];
        if (id) {
          created.push(id);
        }
      }
    },
  });
  return {
    scenario: scenario.name,
    connections,
    requestsPerSecond: result.requestsPerSecond,
    resourcesPerSecond: scenario.resourcesPerRequest
      ? result.requestsPerSecond * scenario.resourcesPerRequest
      : undefined,
    latencyMs: result.latencyMs,
    statuses: result.statuses,
    errors: result.errors,
  };
}

async function main(): Promise<void> {
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) {
    throw new Error('build failed');
  }
  const server = startServer();
  try {
    await waitReady();
    const only = values.only?.split(',');
    const rows: Record<string, unknown>[] = [];
    for (const scenario of scenarios.filter((s) => !only || only.includes(s.name))) {
      created = [];
      const row = await runScenario(scenario);
      console.log(JSON.stringify(row));
      rows.push(row);
    }
    console.log('\n| scenario | conns | req/s | resources/s | p50 ms | p95 ms | p99 ms | statuses |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) {
      const l = r.latencyMs as Record<string, number>;
      console.log(
        `| ${String(r.scenario)} | ${String(r.connections)} | ${String(r.requestsPerSecond)} | ${String(r.resourcesPerSecond ?? '')} | ${l.p50} | ${l.p95} | ${l.p99} | ${JSON.stringify(r.statuses)} |`,
      );
    }
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
