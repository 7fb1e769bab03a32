/**
 * MLLP listener over TCP (node:net).
 *
 * HL7 v2.5.1 Appendix C.4 (MLLP release 2): the sender waits for the reply to one message before
 * sending the next, so each connection is handled strictly in order: a frame is passed to the
 * handler only after the previous reply has been written. Connections are independent of each other.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { DEFAULT_MAX_FRAME_BYTES } from './constants';
import { encodeFrame, MllpDecoder, type MllpEvent } from './framing';

/** Who sent a frame. */
export interface ConnectionInfo {
  /** Server-unique connection number. */
  id: number;
  remoteAddress: string;
  remotePort: number;
}

/** Processes one frame; a returned Buffer is sent back framed, `undefined` sends nothing. */
export type MllpHandler = (frame: Buffer, connection: ConnectionInfo) => Promise<Buffer | undefined>;

/** Builds the reply to an oversize frame (e.g. an AR ACK); `undefined` sends nothing. */
export type MllpOversizeHandler = (
  bytes: number,
  connection: ConnectionInfo,
  head: Buffer,
) => Promise<Buffer | undefined>;

/** Options of an {@link MllpServer}. */
export interface MllpServerOptions {
  handler: MllpHandler;
  /** Reply to a frame over `maxFrameBytes`; the connection stays open either way. */
  onOversize?: MllpOversizeHandler;
  /** Largest accepted payload; default 10 MB. */
  maxFrameBytes?: number;
  /** Idle time after which a connection is closed; default 10 minutes. */
  idleTimeoutMs?: number;
}

/** Events of an {@link MllpServer}. */
export interface MllpServerEvents {
  connection: [ConnectionInfo];
  /** A socket or handler error; a rejected handler sends no reply and the connection goes on. */
  error: [Error, ConnectionInfo | undefined];
  frame: [Buffer, ConnectionInfo];
  /** A framing anomaly (garbage, incomplete or oversize frame), for logging. */
  framing: [Exclude<MllpEvent, { type: 'frame' }>, ConnectionInfo];
}

type Job = { kind: 'frame'; payload: Buffer } | { kind: 'oversize'; bytes: number; head: Buffer };

const DEFAULT_IDLE_MS = 10 * 60 * 1000;
/** Frames queued on one connection before the socket stops reading (a sender that ignores ACKs). */
const MAX_QUEUED_FRAMES = 64;

/** TCP server speaking MLLP; see the module header for ordering guarantees. */
export class MllpServer extends EventEmitter<MllpServerEvents> {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly inFlight = new Set<Promise<void>>();
  private nextId = 1;

  /**
   * Creates a server (not yet listening).
   * @param options - handler, oversize reply, limits
   */
  constructor(private readonly options: MllpServerOptions) {
    super();
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.on('error', (err) => this.emit('error', err, undefined));
  }

  /**
   * Starts listening, bound only to `host`.
   * @param port - TCP port; 0 picks a free one
   * @param host - address to bind (e.g. 127.0.0.1)
   * @returns the bound port
   */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  /**
   * Stops accepting connections, waits for in-flight handlers to finish and their replies to be
   * written (graceful drain), then closes every connection.
   * @returns when the server is fully closed
   */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await closed;
  }

  private accept(socket: net.Socket): void {
    const info: ConnectionInfo = {
      id: this.nextId++,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
    };
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(this.options.idleTimeoutMs ?? DEFAULT_IDLE_MS);
    const decoder = new MllpDecoder({ maxFrameBytes: this.options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES });
    const queue: Job[] = [];
    let running = false;

    const drain = async (): Promise<void> => {
      running = true;
      for (let job = queue.shift(); job && !socket.destroyed; job = queue.shift()) {
        if (queue.length < MAX_QUEUED_FRAMES && socket.isPaused()) {
          socket.resume();
        }
        await this.runJob(job, socket, info);
      }
      running = false;
    };
    const enqueue = (jobs: Job[]): void => {
      queue.push(...jobs);
      if (queue.length >= MAX_QUEUED_FRAMES) {
        socket.pause();
      }
      if (!running && queue.length > 0) {
        const work = drain();
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      }
    };

    const dispatch = (events: MllpEvent[]): void => {
      const jobs: Job[] = [];
      for (const ev of events) {
        if (ev.type === 'frame') {
          jobs.push({ kind: 'frame', payload: ev.payload });
        } else {
          this.emit('framing', ev, info);
          if (ev.type === 'oversize') {
            jobs.push({ kind: 'oversize', bytes: ev.bytes, head: ev.head });
          }
        }
      }
      enqueue(jobs);
    };
    socket.on('data', (chunk: Buffer) => dispatch(decoder.push(chunk)));
    socket.on('end', () => dispatch(decoder.end()));
    socket.on('timeout', () => {
      if (!running) {
        socket.destroy();
      }
    });
    socket.on('error', (err) => this.emit('error', err, info));
    socket.on('close', () => this.sockets.delete(socket));
    this.emit('connection', info);
  }

  private async runJob(job: Job, socket: net.Socket, info: ConnectionInfo): Promise<void> {
    try {
      let reply: Buffer | undefined;
      if (job.kind === 'frame') {
        this.emit('frame', job.payload, info);
        reply = await this.options.handler(job.payload, info);
      } else {
        reply = this.options.onOversize ? await this.options.onOversize(job.bytes, info, job.head) : undefined;
      }
      if (reply && !socket.destroyed) {
        await new Promise<void>((resolve, reject) =>
          socket.write(encodeFrame(reply), (err) => (err ? reject(err) : resolve())),
        );
      }
    } catch (err) {
      this.emit('error', err instanceof Error ? err : new Error(String(err)), info);
    }
  }
}
