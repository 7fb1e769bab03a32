/**
 * Runs write analysis (validation + index extraction, analysis.ts) on worker threads, so that
 * the main thread spends its time on HTTP and the store while another core validates. Requests
 * go to the worker with the fewest outstanding jobs. A worker that dies is replaced and its
 * outstanding jobs fail (the writes are rejected with 500, never half-applied).
 */
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Resource } from '@medplum/fhirtypes';
import type { ResourceAnalyzer, WriteAnalysis } from './analysis';

interface Pending {
  readonly resolve: (analysis: WriteAnalysis) => void;
  readonly reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  readonly pending: Map<number, Pending>;
}

type Reply = { id: number; analysis: WriteAnalysis } | { id: number; error: string };

/** The worker script beside this module (`.ts` under tsx, `.js` once built). */
const WORKER_FILE = join(__dirname, `analyzer-worker${extname(__filename)}`);

/**
 * Starts the worker script. Loader hooks do not carry over to worker threads, so when running
 * from TypeScript sources (tsx: dev and tests) the worker registers tsx itself first.
 */
function spawnWorker(): Worker {
  if (extname(WORKER_FILE) !== '.ts') {
    return new Worker(WORKER_FILE);
  }
  const source = `require('tsx/cjs/api').register(); require(${JSON.stringify(WORKER_FILE)});`;
  return new Worker(source, { eval: true });
}

/** A pool of analyzer worker threads. */
export class AnalyzerPool implements ResourceAnalyzer {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  /** @param threads - how many worker threads (at least 1). */
  constructor(threads: number) {
    for (let i = 0; i < Math.max(1, threads); i++) {
      const slot: Slot = { worker: undefined as unknown as Worker, pending: new Map() };
      this.start(slot);
      this.slots.push(slot);
    }
  }

  analyze(resource: Resource): Promise<WriteAnalysis> {
    if (this.closed) {
      return Promise.reject(new Error('analyzer pool is closed'));
    }
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<WriteAnalysis>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, resource });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private start(slot: Slot): void {
    const worker = spawnWorker();
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const pending = slot.pending.get(reply.id);
      slot.pending.delete(reply.id);
      if ('error' in reply) {
        pending?.reject(new Error(reply.error));
      } else {
        pending?.resolve(reply.analysis);
      }
    });
    worker.on('error', (err) => this.fail(slot, err));
    worker.on('exit', (code) => {
      if (!this.closed) {
        this.fail(slot, new Error(`analyzer worker exited with code ${code}`));
        this.start(slot);
      }
    });
    slot.worker = worker;
  }

  private fail(slot: Slot, err: Error): void {
    for (const pending of slot.pending.values()) {
      pending.reject(err);
    }
    slot.pending.clear();
  }
}
