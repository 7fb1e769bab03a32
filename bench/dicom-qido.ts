/**
 * `npm run bench:dicom-qido -- [--studies 10000] [--requests 300] [--connections 4]
 *   [--targets tessera,orthanc] [--dir bench/.data/dicom-qido] [--no-build]`
 *
 * QIDO-RS study search latency (issue 4, "Figures": p95 under 50 ms with 10,000 studies). Seeds a
 * fresh Tessera (`dist/`, SQLite, auth off) and, with `--targets ...,orthanc`, a fresh Orthanc with
 * its DICOMweb plugin for comparison, by STOW-RS (PS3.18 10.5) of small Secondary Capture
 * instances (8x8 pixels; one study each; 10 instances per request, 4 requests in flight) with
 * distinct patients, names, dates, modalities and accession numbers. Then, per query kind, sends
 * `--requests` study searches (PS3.18 10.6, `GET /studies?...`) on `--connections` keep-alive
 * connections and prints exact p50/p95/p99 latencies; results are checked against what was seeded
 * (an AccessionNumber or PatientID search finds its studies; date and modality matches hold).
 */
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chestRadiograph, encodePart10, newUid, TransferSyntax } from '../test/fixtures/dicom/corpus';
import { orthancHasDicomWeb, startOrthanc, type OrthancPeer } from '../test/helpers/orthanc';
import { failedSops, pool, startBenchTessera, type BenchTessera } from './dicom-ingest';

const cli = {
  options: {
    dir: { type: 'string', default: 'bench/.data/dicom-qido' },
    studies: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '300' },
    connections: { type: 'string', default: '4' },
    targets: { type: 'string', default: 'tessera' },
    'no-build': { type: 'boolean', default: false },
  },
} as const;

const FAMILIES = ['Smith', 'Jones', 'Brown', 'Garcia', 'Miller', 'Davis', 'Martin', 'Bernard', 'Dubois', 'Moreau'];
const MODALITIES = ['CT', 'MR', 'CR', 'DX', 'US', 'MG', 'NM', 'PT'];
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const BOUNDARY = 'tessera-qido-seed-3b9a';

/** What one seeded study is. */
interface SeedStudy {
  studyUid: string;
  patientId: string;
  family: string;
  date: string;
  modality: string;
  accession: string;
}

/** Deterministic study attributes: 1 patient per 4 studies, dates over 2016-2025, 8 modalities. */
function seedStudy(n: number): SeedStudy {
  const patient = Math.floor(n / 4);
  const family = `${FAMILIES[patient % FAMILIES.length] ?? 'Doe'}${Math.floor(patient / FAMILIES.length) % 100}`;
  const day = (n * 7919) % 3650;
  const date = new Date(Date.UTC(2016, 0, 1) + day * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  return {
    studyUid: newUid(),
    patientId: `QP${String(patient).padStart(6, '0')}`,
    family,
    date,
    modality: MODALITIES[(n * 31) % MODALITIES.length] ?? 'OT',
    accession: `QA${String(n).padStart(8, '0')}`,
  };
}

function instance(s: SeedStudy, n: number): Buffer {
  const dataset = chestRadiograph({
    modality: 'CR',
    rows: 8,
    columns: 8,
    bitsStored: 12,
    patientName: `${s.family}^Given${n % 50}`,
    patientId: s.patientId,
    studyUid: s.studyUid,
    accessionNumber: s.accession,
    studyDate: s.date,
  });
  return encodePart10(
    { ...dataset, SOPClassUID: SECONDARY_CAPTURE, Modality: s.modality, ConversionType: 'WSD' },
    TransferSyntax.explicitLittle,
  );
}

interface QidoTarget {
  name: string;
  studiesUrl: string;
  headers: Record<string, string>;
}

function request(
  url: string,
  method: string,
  headers: Record<string, string>,
  agent: http.Agent,
  body?: Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolveReq, reject) => {
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolveReq({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function seed(targets: QidoTarget[], studies: SeedStudy[]): Promise<void> {
  const batches: number[][] = [];
  for (let i = 0; i < studies.length; i += 10) {
    batches.push(Array.from({ length: Math.min(10, studies.length - i) }, (_, k) => i + k));
  }
  for (const target of targets) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const t0 = Date.now();
    await pool(batches, 4, async (batch) => {
      const parts = batch.flatMap((n) => [
        Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`),
        instance(studies[n] as SeedStudy, n),
        Buffer.from('\r\n'),
      ]);
      const body = Buffer.concat([...parts, Buffer.from(`--${BOUNDARY}--\r\n`)]);
      const r = await request(
        target.studiesUrl,
        'POST',
        {
          ...target.headers,
          'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
          accept: 'application/dicom+json',
          'content-length': String(body.length),
        },
        agent,
        body,
      );
      if (r.status !== 200 || failedSops(r.body) > 0) {
        throw new Error(`${target.name} STOW-RS: ${r.status} ${r.body.slice(0, 300)}`);
      }
    });
    agent.destroy();
    const seconds = (Date.now() - t0) / 1000;
    console.log(
      JSON.stringify({
        seeded: target.name,
        studies: studies.length,
        seconds,
        perSecond: Math.round(studies.length / seconds),
      }),
    );
  }
}

type DicomJson = Record<string, { Value?: unknown[] } | undefined>;

/** A query kind: builds a query for request i and checks its answer. */
interface QueryKind {
  name: string;
  query(i: number): { qs: string; check(results: DicomJson[]): string | undefined };
}

function value(item: DicomJson, tag: string): unknown {
  return item[tag]?.Value?.[0];
}

function kinds(studies: SeedStudy[]): QueryKind[] {
  const pick = (i: number): SeedStudy => studies[(i * 7877) % studies.length] as SeedStudy;
  return [
    {
      name: 'no filter, limit 100',
      query: () => ({ qs: 'limit=100', check: (r) => (r.length === 100 ? undefined : `${r.length} results`) }),
    },
    {
      name: 'PatientID',
      query: (i) => {
        const s = pick(i);
        const want = studies.filter((t) => t.patientId === s.patientId).length;
        return {
          qs: `PatientID=${s.patientId}`,
          check: (r) => (r.length === want ? undefined : `${r.length} results, want ${want}`),
        };
      },
    },
    {
      name: 'PatientName wildcard',
      query: (i) => {
        const s = pick(i);
        return {
          qs: `PatientName=${encodeURIComponent(`${s.family}*`)}&limit=100`,
          check: (r) => (r.length > 0 ? undefined : 'no results'),
        };
      },
    },
    {
      name: 'StudyDate range (1 month)',
      query: (i) => {
        const s = pick(i);
        const from = `${s.date.slice(0, 6)}01`;
        const to = `${s.date.slice(0, 6)}31`;
        return {
          qs: `StudyDate=${from}-${to}&limit=100`,
          check: (r) =>
            r.length > 0 && r.every((x) => String(value(x, '00080020')).slice(0, 6) === s.date.slice(0, 6))
              ? undefined
              : 'date mismatch',
        };
      },
    },
    {
      name: 'ModalitiesInStudy',
      query: (i) => {
        const m = MODALITIES[i % MODALITIES.length] as string;
        return {
          qs: `ModalitiesInStudy=${m}&limit=100`,
          check: (r) =>
            r.length === 100 && r.every((x) => (x['00080061']?.Value ?? []).includes(m))
              ? undefined
              : 'modality mismatch',
        };
      },
    },
    {
      name: 'AccessionNumber',
      query: (i) => {
        const s = pick(i);
        return {
          qs: `AccessionNumber=${s.accession}`,
          check: (r) =>
            r.length === 1 && value(r[0] as DicomJson, '0020000D') === s.studyUid ? undefined : `${r.length} results`,
        };
      },
    },
  ];
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, i)] ?? 0) * 10) / 10;
}

async function measure(target: QidoTarget, kind: QueryKind, requests: number, connections: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let bad = '';
  const headers = { ...target.headers, accept: 'application/dicom+json' };
  await pool(
    Array.from({ length: requests }, (_, i) => i),
    connections,
    async (i) => {
      const q = kind.query(i);
      const t0 = process.hrtime.bigint();
      const r = await request(`${target.studiesUrl}?${q.qs}`, 'GET', headers, agent);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const problem =
        r.status === 200
          ? q.check(r.body === '' ? [] : (JSON.parse(r.body) as DicomJson[]))
          : `${r.status} ${r.body.slice(0, 200)}`;
      if (problem !== undefined && bad === '') {
        bad = `${q.qs}: ${problem}`;
      }
    },
  );
  agent.destroy();
  if (bad !== '') {
    console.error(`${target.name} ${kind.name}: wrong answer, e.g. ${bad}`);
  }
  return latencies.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const { values } = parseArgs(cli);
  const names = (values.targets as string).split(',');
  const count = Number(values.studies);
  if (
    names.includes('tessera') &&
    !values['no-build'] &&
    spawnSync('npm', ['run', 'build'], { stdio: 'inherit' }).status !== 0
  ) {
    throw new Error('build failed');
  }
  let tessera: BenchTessera | undefined;
  let orthanc: OrthancPeer | undefined;
  const targets: QidoTarget[] = [];
  try {
    if (names.includes('tessera')) {
      tessera = await startBenchTessera(join(resolve(values.dir as string), 'tessera'));
      targets.push({ name: 'tessera', studiesUrl: `${tessera.baseUrl}/dicomweb/studies`, headers: {} });
    }
    if (names.includes('orthanc')) {
      if (!orthancHasDicomWeb()) {
        throw new Error('Orthanc has no DICOMweb plugin (apt-get install orthanc-dicomweb)');
      }
      orthanc = await startOrthanc();
      targets.push({
        name: 'orthanc',
        studiesUrl: `${orthanc.dicomWebUrl}/studies`,
        headers: { authorization: orthanc.authorization },
      });
    }
    const studies = Array.from({ length: count }, (_, n) => seedStudy(n));
    await seed(targets, studies);
    console.log(`\n| server | query | requests | conns | p50 ms | p95 ms | p99 ms | max ms |`);
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const kind of kinds(studies)) {
      for (const target of targets) {
        const l = await measure(target, kind, Number(values.requests), Number(values.connections));
        console.log(
          `| ${target.name} | ${kind.name} | ${l.length} | ${values.connections} | ${percentile(l, 50)} | ${percentile(l, 95)} | ${percentile(l, 99)} | ${percentile(l, 100)} |`,
        );
      }
    }
  } finally {
    await tessera?.stop();
    await orthanc?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
