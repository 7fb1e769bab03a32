/**
 * WAL checkpoints off the main thread. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses 1000 WAL pages, on the connection's thread: it copies those pages into the database
 * file and syncs both files, which is about half the cost of every commit under a steady write
 * load, paid on the only JavaScript thread. Instead the write connection's automatic checkpoint
 * is turned off and a worker thread with its own connection runs PASSIVE checkpoints every
 * `intervalMs`: they never block readers or the writer (https://www.sqlite.org/wal.html#ckpt,
 * https://www.sqlite.org/c3ref/wal_checkpoint_v2.html). Durability is unchanged: a checkpoint
 * syncs the WAL before copying and the database file after
 * (https://www.sqlite.org/pragma.html#pragma_synchronous), and the WAL is only reused once every
 * frame is in the database file.
 */
import { Worker } from 'node:worker_threads';

/** The worker's code: plain CommonJS, so it runs the same under tsx and from dist/. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.postMessage({ stopped: true });
  }
});
`;

/** Runs PASSIVE checkpoints of one database file on a worker thread. */
export class WalCheckpointer {
  private readonly worker: Worker;
  private stopped: Promise<void> | undefined;

  /**
   * Starts the worker.
   * @param path - the database file.
   * @param intervalMs - time between checkpoints (default 100 ms).
   * @param onError - called with a checkpoint failure (the next one is tried anyway).
   */
  constructor(path: string, intervalMs = 100, onError: (message: string) => void = () => undefined) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, intervalMs, driver: require.resolve('better-sqlite3') },
    });
    this.worker.unref();
    this.worker.on('message', (message: { error?: string }) => {
      if (message.error !== undefined) {
        onError(message.error);
      }
    });
  }

  /** Stops checkpointing and closes the worker's connection. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.on('message', (message: { stopped?: boolean }) => {
        if (message.stopped === true) {
          void this.worker.terminate();
        }
      });
      this.worker.postMessage('stop');
    });
    return this.stopped;
  }
}
