/**
 * Shared pieces of the DIMSE tests: dcmtk processes (always with TCP_NODELAY=1, else each
 * C-STORE stalls on Nagle + delayed ACK), free ports, a generated corpus, and a small real
 * InstanceSink that parses what was stored.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStore } from '../../../../../server/src/durable/blob-store';
import type { IngestOutcome, InstanceSink, ReceivedInstance } from '../../../../../adapters/dicom/src/ingest/types';
import { dcmjsData } from '../../../../../adapters/dicom/src/dcmjs';
import { readPart10Meta } from '../../../../../adapters/dicom/src/dimse/part10-header';
import type { CorpusEntry, CorpusManifest } from '../../../../fixtures/dicom/corpus';
import { generateCorpus } from '../../../../fixtures/dicom/corpus';

/** Environment for dcmtk processes. */
export const DCMTK_ENV = { ...process.env, TCP_NODELAY: '1' };

/** Result of a finished process. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a dcmtk tool to completion (never rejects on a non-zero exit).
 * @param tool - the executable
 * @param args - its arguments
 * @returns exit code and output
 */
export function runDcmtk(tool: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(tool, args, { env: DCMTK_ENV, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('no port');
  }
  return address.port;
}

/** A running storescp. */
export interface StoreScp {
  readonly port: number;
  readonly dir: string;
  stop(): Promise<void>;
}

/**
 * Starts dcmtk's storescp in bit-preserving mode (`+B`: data sets written as received).
 * @param aeTitle - its AE title
 * @param extra - further arguments (e.g. `+xa`)
 */
export async function startStoreScp(aeTitle: string, extra: readonly string[] = []): Promise<StoreScp> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'tessera-storescp-'));
  const child: ChildProcess = spawn('storescp', ['+B', '-aet', aeTitle, '-od', dir, ...extra, String(port)], {
    env: DCMTK_ENV,
    stdio: 'ignore',
  });
  // Wait until it accepts connections.
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const echo = await runDcmtk('echoscu', ['-aec', aeTitle, '127.0.0.1', String(port)]);
    if (echo.code === 0) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    dir,
    async stop(): Promise<void> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A generated corpus in a temporary directory. */
export interface TestCorpus {
  readonly dir: string;
  readonly manifest: CorpusManifest;
  path(entry: CorpusEntry): string;
  find(predicate: (entry: CorpusEntry) => boolean): CorpusEntry;
  cleanup(): Promise<void>;
}

/**
 * Generates a corpus (one full-size radiograph, compressed variants when asked).
 * @param compressed - also produce the dcmtk variants
 */
export async function makeCorpus(compressed: boolean): Promise<TestCorpus> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-dimse-corpus-'));
  const manifest = await generateCorpus(dir, { radiographs: 1, ctSlices: 1, compressed });
  return {
    dir,
    manifest,
    path: (entry) => join(dir, entry.path),
    find(predicate): CorpusEntry {
      const entry = manifest.files.find(predicate);
      if (entry === undefined) {
        throw new Error('no such corpus entry');
      }
      return entry;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * The data set bytes of a Part-10 file (everything after the File Meta Information).
 * @param bytes - the file
 */
export function datasetBytes(bytes: Buffer): Buffer {
  return bytes.subarray(readPart10Meta(bytes).datasetOffset);
}

/**
 * Reads a whole blob.
 * @param blobs - the store
 * @param sha256 - its address
 */
export async function readBlob(blobs: BlobStore, sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.open(sha256)) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** What the recording sink saw. */
export interface SinkRecord {
  readonly received: ReceivedInstance;
  readonly outcome: IngestOutcome;
  readonly dataset?: Record<string, unknown>;
}

/**
 * A small real InstanceSink: parses the stored Part-10 blob with dcmjs, rejects with 0xA900 when
 * the data set's SOP Class differs from the C-STORE command (PS3.4 B.2.3), 0xC000 when it cannot
 * be parsed, and records everything.
 */
export class RecordingSink implements InstanceSink {
  readonly records: SinkRecord[] = [];

  /**
   * @param blobs - the blob store the receiver wrote to
   */
  constructor(private readonly blobs: BlobStore) {}

  /** {@inheritDoc InstanceSink.ingest} */
  async ingest(received: ReceivedInstance): Promise<IngestOutcome> {
    const bytes = await readBlob(this.blobs, received.blob.sha256);
    let dataset: Record<string, unknown>;
    try {
      const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      dataset = dcmjsData.DicomMetaDictionary.naturalizeDataset(dcmjsData.DicomMessage.readFile(copy).dict);
    } catch (err) {
      const outcome: IngestOutcome = { kind: 'rejected', status: 0xc000, reason: `unparsable: ${String(err)}` };
      this.records.push({ received, outcome });
      return outcome;
    }
    const sopClassUid = String(dataset.SOPClassUID);
    if (received.declared !== undefined && sopClassUid !== received.declared.sopClassUid) {
      const outcome: IngestOutcome = {
        kind: 'rejected',
        status: 0xa900,
        reason: `data set SOP Class ${sopClassUid} differs from the C-STORE command's ${received.declared.sopClassUid}`,
      };
      this.records.push({ received, outcome, dataset });
      return outcome;
    }
    const outcome: IngestOutcome = {
      kind: 'stored',
      uids: {
        studyUid: String(dataset.StudyInstanceUID),
        seriesUid: String(dataset.SeriesInstanceUID),
        sopInstanceUid: String(dataset.SOPInstanceUID),
        sopClassUid,
        transferSyntaxUid: readPart10Meta(bytes).transferSyntaxUid,
      },
      created: received.blob.created,
      imagingStudyId: `study-${String(dataset.StudyInstanceUID)}`,
      warnings: [],
    };
    this.records.push({ received, outcome, dataset });
    return outcome;
  }
}

/**
 * Reads a file.
 * @param path - the file
 */
export function readBytes(path: string): Promise<Buffer> {
  return readFile(path);
}
