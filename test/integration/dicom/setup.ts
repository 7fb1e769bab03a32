/**
 * Shared setup of the DICOM integration tests (issue 4, "Tests with real peers"): a temporary
 * directory with a generated corpus (test/fixtures/dicom), one real Tessera process per test file
 * (test/helpers/start-tessera.ts), and Debian's dcmtk tools run with `TCP_NODELAY=1` (without it
 * every C-STORE stalls on Nagle's algorithm). Without dcmtk the suites are skipped, unless
 * TESSERA_REQUIRE_PEERS=1 (CI), where they fail.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chestRadiograph, type RadiographOptions } from '../../fixtures/dicom/builders';
import { generateCorpus, type CorpusManifest, type CorpusOptions } from '../../fixtures/dicom/corpus';
import { hasDcmtk } from '../../fixtures/dicom/dcmtk';
import { encodePart10 } from '../../fixtures/dicom/part10';
import { TransferSyntax } from '../../fixtures/dicom/uids';
import { startTessera, type TesseraProcess } from '../../helpers/start-tessera';

const requirePeers = process.env.TESSERA_REQUIRE_PEERS === '1';
const dcmtkPresent = hasDcmtk();

/** The `skip` option of the suites: a reason when dcmtk is missing and peers are not required. */
export const skipWithoutDcmtk: string | false =
  !dcmtkPresent && !requirePeers ? 'dcmtk not installed (set TESSERA_REQUIRE_PEERS=1 to fail instead)' : false;

/** Asserts dcmtk is there (fails under TESSERA_REQUIRE_PEERS=1 when it is not). */
export function assertDcmtk(): void {
  assert.ok(dcmtkPresent, 'TESSERA_REQUIRE_PEERS=1 but dcmtk (dcmdump, storescu, ...) is not on the PATH');
}

/** What a dcmtk tool printed and how it exited. */
export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a dcmtk tool with `TCP_NODELAY=1`; never throws on a non-zero exit.
 * @param tool - e.g. `storescu`
 * @param args - its arguments
 * @param timeoutMs - kill after this long (default 30 s)
 * @returns exit code and output
 */
export function dcmtk(tool: string, args: readonly string[], timeoutMs = 30_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      tool,
      [...args],
      { env: { ...process.env, TCP_NODELAY: '1' }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** One started Tessera with its temporary directory and corpus. */
export interface DicomHarness {
  readonly dir: string;
  readonly dataDir: string;
  readonly corpusDir: string;
  readonly manifest: CorpusManifest;
  readonly tessera: TesseraProcess;
  readonly baseUrl: string;
  readonly dicomPort: number;
  /** GETs (or sends) a path under the base URL (with the Bearer token, if any): status, headers and body bytes. */
  request(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: Buffer }>;
  /** GETs JSON and asserts 200. */
  json<T>(path: string): Promise<T>;
  /** Stops Tessera and removes the directory. */
  close(): Promise<void>;
}

/**
 * Generates a corpus and starts Tessera on free ports bound to 127.0.0.1: auth off, unless `env`
 * turns it on with TESSERA_API_TOKEN, which {@link DicomHarness.request} then sends as a Bearer token.
 * @param name - directory prefix
 * @param corpus - corpus composition
 * @param env - extra TESSERA_* settings
 * @returns the harness
 */
export async function startDicomHarness(
  name: string,
  corpus: CorpusOptions,
  env: Record<string, string> = {},
): Promise<DicomHarness> {
  const dir = await mkdtemp(join(tmpdir(), `tessera-dicom-${name}-`));
  const corpusDir = join(dir, 'corpus');
  const dataDir = join(dir, 'data');
  let manifest: CorpusManifest;
  let tessera: TesseraProcess;
  try {
    manifest = await generateCorpus(corpusDir, corpus);
    tessera = await startTessera({ TESSERA_DATA_DIR: dataDir, TESSERA_AUTH: 'off', ...env });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  assert.ok(tessera.dicomPort !== undefined, 'no "dicom" port in the listening line');
  const baseUrl = tessera.baseUrl;
  const request = async (
    path: string,
    init: RequestInit = {},
  ): Promise<{ status: number; headers: Headers; body: Buffer }> => {
    const token = env.TESSERA_API_TOKEN;
    const headers = new Headers(init.headers);
    if (token !== undefined && !headers.has('authorization')) {
      headers.set('authorization', `Bearer ${token}`);
    }
    const res = await fetch(`${baseUrl}${path}`, { ...init, headers });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };
  return {
    dir,
    dataDir,
    corpusDir,
    manifest,
    tessera,
    baseUrl,
    dicomPort: tessera.dicomPort,
    request,
    json: async <T>(path: string): Promise<T> => {
      const res = await request(path, { headers: { accept: 'application/dicom+json, application/fhir+json' } });
      assert.equal(res.status, 200, `${path}: ${res.status} ${res.body.toString().slice(0, 500)}`);
      return JSON.parse(res.body.toString()) as T;
    },
    close: async () => {
      await tessera.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Sends files with storescu (calling AE `STORESCU`, called `TESSERA`, `--no-halt`, verbose).
 * @param port - Tessera's DIMSE port
 * @param files - Part-10 files
 * @param options - extra storescu options (e.g. `-xi`)
 * @returns the tool result
 */
export function storescu(port: number, files: readonly string[], options: readonly string[] = []): Promise<ToolResult> {
  return dcmtk('storescu', [
    '-v',
    '-aet',
    'STORESCU',
    '-aec',
    'TESSERA',
    '--no-halt',
    ...options,
    '127.0.0.1',
    String(port),
    ...files,
  ]);
}

/**
 * The C-STORE statuses storescu reported, in order (`Received Store Response (Success)` or
 * `... (Error: ...)` lines with `-v`; the numeric status comes from `Status: 0x....` when printed).
 * @param output - storescu stdout + stderr
 * @returns one entry per response: `success`, `warning` or `error`
 */
export function storeResponses(output: string): string[] {
  return [...output.matchAll(/Received Store Response \((\w+)/g)].map((m) => (m[1] ?? '').toLowerCase());
}

/**
 * Writes a small radiograph (256x256, explicit VR LE) built from options.
 * @param path - file to write
 * @param options - study options (modality required)
 */
export async function writeRadiograph(path: string, options: RadiographOptions): Promise<void> {
  const dataset = chestRadiograph({ rows: 256, columns: 256, bitsStored: 12, ...options });
  await writeFile(path, encodePart10(dataset, TransferSyntax.explicitLittle));
}

/** First value of a DICOM JSON attribute (PS3.18 F.2). */
export function first(item: Record<string, { Value?: unknown[] } | undefined>, tag: string): unknown {
  return item[tag]?.Value?.[0];
}

/**
 * The bodies of a `multipart/related` response (RFC 2387; PS3.18 8.7.3.3), headers stripped.
 * @param body - the response body
 * @param contentType - its Content-Type, naming the boundary
 * @returns the parts' bodies in order
 */
export function multipartParts(body: Buffer, contentType: string): Buffer[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  assert.ok(boundary !== undefined, `no boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') {
      break;
    }
    const next = body.indexOf(delimiter, start);
    const headersEnd = body.indexOf('\r\n\r\n', start);
    assert.ok(next > 0 && headersEnd > 0 && headersEnd < next, 'malformed multipart body');
    parts.push(body.subarray(headersEnd + 4, next - 2));
    at = next;
  }
  return parts;
}

/**
 * The data set of a Part-10 file as dcmdump prints it in full (`+L`), without the File Meta
 * group (0002) and comments: what must survive storage unchanged, whatever the transfer syntax.
 * @param file - a Part-10 file
 * @returns the dump lines
 */
export async function datasetDump(file: string): Promise<string[]> {
  const result = await dcmtk('dcmdump', ['-q', '+L', file]);
  assert.equal(result.code, 0, `dcmdump ${file}: ${result.stderr}`);
  return result.stdout.split('\n').filter((line) => line.trim() !== '' && !/^\s*(#|\(0002,)/.test(line));
}

/**
 * The identifiers findscu printed with `-v`, one record per Pending response, keyed `gggg,eeee`
 * (lower case) with the value stripped of its padding (space, or NUL for UI: PS3.5 6.2).
 * @param output - findscu stderr
 * @returns the responses
 */
export function findResponses(output: string): Record<string, string>[] {
  return output
    .split(/Find Response: \d+ \(Pending\)/)
    .slice(1)
    .map((block) => {
      const record: Record<string, string> = {};
      for (const m of block
        .split(/Received Final Find Response|Find Response:/)[0]
        ?.matchAll(/\((\w{4},\w{4})\) \w\w \[([^\]]*)\]/g) ?? []) {
        record[(m[1] ?? '').toLowerCase()] = (m[2] ?? '').replace(/[\0 ]+$/, '').trim();
      }
      return record;
    });
}
