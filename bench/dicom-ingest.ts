/**
 * `npm run bench:dicom -- [--ct 200] [--ct-studies 4] [--radiographs 40] [--parallel 4]
 *   [--targets orthanc,tessera] [--methods cstore,stow] [--dir bench/.data/dicom] [--no-build]`
 *
 * DICOM ingest side by side (issue 4, "Figures"): the same generated instances, on the same
 * machine, in one run, into Orthanc (Debian's package, isolated in a network namespace by
 * test/helpers/orthanc.ts) and into Tessera (`dist/`, fresh SQLite directory, auth off):
 * - C-STORE (PS3.4 Annex B) with dcmtk's `storescu`: one process on one association, and
 *   `--parallel` processes each on its own association;
 * - STOW-RS (PS3.18 10.5) with node http: one instance per `multipart/related` request, one
 *   keep-alive connection, then `--parallel` requests in flight.
 * For CT slices (512x512, 16-bit) and chest radiographs (2048x2048, 16-bit): instances/s, MB/s
 * (10^6 bytes of Part-10 files) and Tessera/Orthanc. Every scenario sends instances with new UIDs,
 * so nothing is "already stored". Both servers get the same instances. TCP_NODELAY=1 is set for
 * every dcmtk process (Debian's dcmtk leaves Nagle on otherwise). After the run the number of
 * instances each server holds is checked (Orthanc `/statistics`, Tessera FHIR ImagingStudy).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Bundle, ImagingStudy } from '@medplum/fhirtypes';
import { startOrthanc, orthancHasDicomWeb, type OrthancPeer } from '../test/helpers/orthanc';
import { chestRadiograph, ctSeries, encodePart10, newUid, TransferSyntax } from '../test/fixtures/dicom/corpus';

/** A server under test, as the senders see it. */
export interface IngestTarget {
  name: 'orthanc' | 'tessera';
  /** DICOM host, port and AE title, or undefined when it has no DIMSE listener. */
  dicom?: { host: string; port: number; aet: string };
  /** STOW-RS URL (`.../studies`), or undefined without DICOMweb. */
  stowUrl?: string;
  headers: Record<string, string>;
}

/** A running Tessera for benchmarks. */
export interface BenchTessera {
  child: ChildProcess;
  httpPort: number;
  dicomPort: number | undefined;
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the built server (`dist/server/src/main.js`) on a fresh data directory, auth off, free
 * ports, and returns once it logged its "listening" line (DESIGN.md, runtime contract).
 * @param dir - data directory (emptied first)
 * @param host - TESSERA_HOST (default 127.0.0.1)
 */
export async function startBenchTessera(dir: string, host = '127.0.0.1'): Promise<BenchTessera> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // BENCH_NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the server.
  const nodeArgs = (process.env.BENCH_NODE_OPTIONS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, resolve('dist/server/src/main.js')], {
    env: {
      ...process.env,
      TCP_NODELAY: '1',
      TESSERA_DATA_DIR: dir,
      TESSERA_HOST: host,
      TESSERA_HTTP_PORT: '0',
      TESSERA_MLLP_PORT: '0',
      TESSERA_DICOM_PORT: '0',
      TESSERA_AUTH: 'off',
      // info: the "listening" line this waits for is logged at info.
      TESSERA_LOG_LEVEL: 'info',
      // `full` (the default: blobs and commits fsynced) or `normal` (Orthanc 1.10's durability:
      // SQLite WAL with synchronous=NORMAL, storage files not fsynced).
      TESSERA_SQLITE_SYNCHRONOUS: process.env.TESSERA_SQLITE_SYNCHRONOUS ?? 'full',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const line = await new Promise<Record<string, unknown>>((resolveLine, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const text = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (text.includes('"listening"')) {
          resolveLine(JSON.parse(text) as Record<string, unknown>);
        } else if (text.includes('"level":50') || text.includes('"level":60')) {
          process.stderr.write(`tessera: ${text}\n`);
        }
      }
    });
    void exited.then(() => reject(new Error('tessera exited before listening')));
  });
  const httpPort = line.http as number;
  return {
    child,
    httpPort,
    dicomPort: typeof line.dicom === 'number' ? line.dicom : undefined,
    baseUrl: `http://${host}:${httpPort}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const BOUNDARY = 'tessera-bench-boundary-7d1f';

/**
 * POSTs one Part-10 instance as STOW-RS (`multipart/related; type="application/dicom"`).
 * @param url - the `.../studies` endpoint
 * @param bytes - the Part-10 file
 * @param headers - extra headers (Authorization)
 * @param agent - a keep-alive agent
 * @returns the HTTP status and body
 */
export function stowOne(
  url: string,
  bytes: Buffer,
  headers: Record<string, string>,
  agent: http.Agent,
): Promise<{ status: number; body: string }> {
  const head = Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/dicom\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const length = head.length + bytes.length + tail.length;
  return new Promise((resolveReq, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          ...headers,
          'content-type': `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`,
          'content-length': String(length),
          accept: 'application/dicom+json',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolveReq({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.write(head);
    req.write(bytes);
    req.end(tail);
  });
}

/**
 * Runs `fn` over `items` with at most `parallel` in flight.
 * @param items - work items
 * @param parallel - concurrency
 * @param fn - the worker
 */
export async function pool<T>(items: T[], parallel: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}

type Corpus = 'ct' | 'radiograph';
type Method = 'cstore' | 'stow';

interface Batch {
  files: string[];
  buffers: Buffer[];
  bytes: number;
  studies: string[];
}

interface Options {
  ct: number;
  ctStudies: number;
  radiographs: number;
}

const cli = {
  options: {
    dir: { type: 'string', default: 'bench/.data/dicom' },
    ct: { type: 'string', default: '200' },
    'ct-studies': { type: 'string', default: '4' },
    radiographs: { type: 'string', default: '40' },
    parallel: { type: 'string', default: '4' },
    targets: { type: 'string', default: 'orthanc,tessera' },
    methods: { type: 'string', default: 'cstore,stow' },
    'no-build': { type: 'boolean', default: false },
  },
} as const;

/** Template pixel datasets, generated once; every batch re-labels them with new UIDs. */
function templates(corpus: Corpus, o: Options): Record<string, unknown>[] {
  if (corpus === 'ct') {
    const perStudy = Math.ceil(o.ct / o.ctStudies);
    return ctSeries({ slices: perStudy, patientName: 'Bench^Ct', patientId: 'BENCH-CT' });
  }
  return [
    chestRadiograph({ modality: 'DX', bitsStored: 16, photometric: 'MONOCHROME2', patientId: 'BENCH-RX' }),
    chestRadiograph({ modality: 'CR', bitsStored: 12, photometric: 'MONOCHROME1', patientId: 'BENCH-RX' }),
  ];
}

/** Writes one scenario's instances (new Study/Series/SOP UIDs) under `dir`. */
function makeBatch(corpus: Corpus, tpl: Record<string, unknown>[], dir: string, label: string, o: Options): Batch {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const batch: Batch = { files: [], buffers: [], bytes: 0, studies: [] };
  const count = corpus === 'ct' ? o.ct : o.radiographs;
  const perStudy = corpus === 'ct' ? tpl.length : 1;
  let study = '';
  let series = '';
  for (let i = 0; i < count; i++) {
    if (i % perStudy === 0) {
      study = newUid();
      series = newUid();
      batch.studies.push(study);
    }
    const n = batch.studies.length;
    const dataset = {
      ...tpl[i % tpl.length],
      StudyInstanceUID: study,
      SeriesInstanceUID: series,
      SOPInstanceUID: newUid(),
      PatientID: `BENCH-${label}-${n}`,
      AccessionNumber: `B${label}${n}`.slice(0, 16),
    };
    const bytes = encodePart10(dataset, TransferSyntax.explicitLittle);
    const file = join(dir, `${String(i).padStart(5, '0')}.dcm`);
    writeFileSync(file, bytes);
    batch.files.push(file);
    batch.buffers.push(bytes);
    batch.bytes += bytes.length;
  }
  return batch;
}

function storescu(target: NonNullable<IngestTarget['dicom']>, files: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(
      'storescu',
      ['-aet', 'BENCHSCU', '-aec', target.aet, target.host, String(target.port), ...files],
      {
        env: { ...process.env, TCP_NODELAY: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolveRun() : reject(new Error(`storescu exit ${code}: ${stderr.slice(-500)}`)),
    );
  });
}

/** Items of the FailedSOPSequence (0008,1198) of a STOW-RS response (PS3.18 10.5.3). */
export function failedSops(body: string): number {
  try {
    const json = JSON.parse(body) as Record<string, { Value?: unknown[] } | undefined>;
    return json['00081198']?.Value?.length ?? 0;
  } catch {
    return 0;
  }
}

/** Sends a batch; returns wall seconds. */
async function send(target: IngestTarget, method: Method, parallel: number, batch: Batch): Promise<number> {
  const t0 = process.hrtime.bigint();
  if (method === 'cstore') {
    const dicom = target.dicom as NonNullable<IngestTarget['dicom']>;
    const chunks = Array.from({ length: parallel }, (_, p) => batch.files.filter((_f, i) => i % parallel === p));
    await Promise.all(chunks.filter((c) => c.length > 0).map((c) => storescu(dicom, c)));
  } else {
    const agent = new http.Agent({ keepAlive: true, maxSockets: parallel });
    let failed = 0;
    let sample = '';
    await pool(batch.buffers, parallel, async (bytes) => {
      const r = await stowOne(target.stowUrl as string, bytes, target.headers, agent);
      if (r.status !== 200 || failedSops(r.body) > 0) {
        failed++;
        sample = `${r.status} ${r.body.slice(0, 300)}`;
      }
    });
    agent.destroy();
    if (failed > 0) {
      throw new Error(`${failed} STOW-RS requests failed, e.g. ${sample}`);
    }
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** FHIR ImagingStudy.numberOfInstances summed over the given studies. */
async function tesseraInstances(baseUrl: string, studies: string[]): Promise<number> {
  let total = 0;
  for (const uid of studies) {
    const res = await fetch(
      `${baseUrl}/fhir/ImagingStudy?identifier=${encodeURIComponent(`urn:dicom:uid|urn:oid:${uid}`)}`,
    );
    const bundle = (await res.json()) as Bundle<ImagingStudy>;
    total += bundle.entry?.[0]?.resource?.numberOfInstances ?? 0;
  }
  return total;
}

interface Row {
  corpus: Corpus;
  method: Method;
  parallel: number;
  instances: number;
  mb: number;
  results: Partial<Record<IngestTarget['name'], { seconds: number; perSecond: number; mbPerSecond: number } | string>>;
}

function fmt(n: number): string {
  return n >= 100 ? String(Math.round(n)) : n.toFixed(1);
}

function printTable(rows: Row[]): void {
  console.log(
    '\n| corpus | method | parallel | instances | MB | Orthanc inst/s | Orthanc MB/s | Tessera inst/s | Tessera MB/s | Tessera/Orthanc |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const o = r.results.orthanc;
    const t = r.results.tessera;
    const cell = (v: typeof o, k: 'perSecond' | 'mbPerSecond'): string =>
      v === undefined ? '-' : typeof v === 'string' ? v : fmt(v[k]);
    const ratio = typeof o === 'object' && typeof t === 'object' ? (t.perSecond / o.perSecond).toFixed(2) : '-';
    const what = r.method === 'cstore' ? 'C-STORE storescu' : 'STOW-RS';
    console.log(
      `| ${r.corpus === 'ct' ? 'CT 512x512' : 'radiograph 2048x2048'} | ${what} | ${r.parallel} | ${r.instances} | ${fmt(r.mb)} | ${cell(o, 'perSecond')} | ${cell(o, 'mbPerSecond')} | ${cell(t, 'perSecond')} | ${cell(t, 'mbPerSecond')} | ${ratio} |`,
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs(cli);
  const o: Options = {
    ct: Number(values.ct),
    ctStudies: Number(values['ct-studies']),
    radiographs: Number(values.radiographs),
  };
  const targets = (values.targets as string).split(',');
  const methods = (values.methods as string).split(',') as Method[];
  const parallel = Number(values.parallel);
  const dir = resolve(values.dir as string);
  if (
    targets.includes('tessera') &&
    !values['no-build'] &&
    spawnSync('npm', ['run', 'build'], { stdio: 'inherit' }).status !== 0
  ) {
    throw new Error('build failed');
  }
  let orthanc: OrthancPeer | undefined;
  let tessera: BenchTessera | undefined;
  const list: IngestTarget[] = [];
  const expected: Record<string, number> = {};
  const tesseraStudies: string[] = [];
  try {
    if (targets.includes('orthanc')) {
      orthanc = await startOrthanc();
      list.push({
        name: 'orthanc',
        dicom: { host: orthanc.dicomHost, port: orthanc.dicomPort, aet: orthanc.aet },
        stowUrl: orthancHasDicomWeb() ? `${orthanc.dicomWebUrl}/studies` : undefined,
        headers: { authorization: orthanc.authorization },
      });
    }
    if (targets.includes('tessera')) {
      tessera = await startBenchTessera(join(dir, 'tessera'));
      const probe = await fetch(`${tessera.baseUrl}/dicomweb/studies?limit=1`).catch(() => undefined);
      list.push({
        name: 'tessera',
        dicom:
          tessera.dicomPort === undefined ? undefined : { host: '127.0.0.1', port: tessera.dicomPort, aet: 'TESSERA' },
        stowUrl: probe !== undefined && probe.status !== 404 ? `${tessera.baseUrl}/dicomweb/studies` : undefined,
        headers: {},
      });
    }
    const rows: Row[] = [];
    for (const corpus of ['ct', 'radiograph'] as Corpus[]) {
      const tpl = templates(corpus, o);
      for (const method of methods) {
        for (const p of [1, parallel]) {
          const label = `${corpus === 'ct' ? 'C' : 'R'}${method === 'cstore' ? 'S' : 'W'}${p}`;
          const batch = makeBatch(corpus, tpl, join(dir, 'batch'), label, o);
          const row: Row = {
            corpus,
            method,
            parallel: p,
            instances: batch.files.length,
            mb: batch.bytes / 1e6,
            results: {},
          };
          for (const target of list) {
            const able = method === 'cstore' ? target.dicom !== undefined : target.stowUrl !== undefined;
            if (!able) {
              row.results[target.name] = method === 'cstore' ? 'no DIMSE' : 'no STOW-RS';
              continue;
            }
            const seconds = await send(target, method, p, batch);
            expected[target.name] = (expected[target.name] ?? 0) + batch.files.length;
            if (target.name === 'tessera') {
              tesseraStudies.push(...batch.studies);
            }
            row.results[target.name] = {
              seconds,
              perSecond: batch.files.length / seconds,
              mbPerSecond: row.mb / seconds,
            };
            console.log(
              JSON.stringify({
                target: target.name,
                corpus,
                method,
                parallel: p,
                seconds: Number(seconds.toFixed(3)),
                instances: batch.files.length,
              }),
            );
          }
          rows.push(row);
        }
      }
    }
    rmSync(join(dir, 'batch'), { recursive: true, force: true });
    printTable(rows);
    if (orthanc !== undefined) {
      const stats = await orthanc.statistics();
      console.log(`\nOrthanc holds ${stats.CountInstances} instances (sent ${expected.orthanc ?? 0}).`);
    }
    if (tessera !== undefined && (expected.tessera ?? 0) > 0) {
      const held = await tesseraInstances(tessera.baseUrl, tesseraStudies);
      console.log(`Tessera's ImagingStudy resources count ${held} instances (sent ${expected.tessera ?? 0}).`);
    }
  } finally {
    await tessera?.stop();
    await orthanc?.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
