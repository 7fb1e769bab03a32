/**
 * Minimal MLLP client: one connection, one outstanding message at a time.
 *
 * HL7 v2.5.1 Appendix C.4 (MLLP release 2): the sender waits for the acknowledgement of a message
 * before sending the next one, so `send()` calls are queued and run one after another.
 */
import net from 'node:net';
import { DEFAULT_MAX_FRAME_BYTES } from './constants';
import { encodeFrame, MllpDecoder } from './framing';

/** Options of an {@link MllpClient}. */
export interface MllpClientOptions {
  /** How long `send()` waits for the reply; default 30 s. On timeout the connection is closed. */
  replyTimeoutMs?: number;
  /** Largest accepted reply; default 10 MB. */
  maxFrameBytes?: number;
}

interface Pending {
  resolve: (reply: Buffer) => void;
  reject: (err: Error) => void;
}

/** MLLP sender over TCP. */
export class MllpClient {
  private socket: net.Socket | undefined;
  private pending: Pending | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly decoder: MllpDecoder;

  /**
   * Creates a client (not yet connected).
   * @param options - reply timeout, maximum reply size
   */
  constructor(private readonly options: MllpClientOptions = {}) {
    this.decoder = new MllpDecoder({ maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES });
  }

  /**
   * Opens the TCP connection.
   * @param host - server address
   * @param port - server port
   * @returns when connected
   */
  connect(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', (err) => this.fail(err));
        resolve();
      });
      socket.on('data', (chunk: Buffer) => {
        for (const ev of this.decoder.push(chunk)) {
          if (ev.type === 'frame') {
            this.settle()?.resolve(ev.payload);
          } else if (ev.type === 'oversize') {
            this.fail(new Error(`MLLP reply of ${ev.bytes} bytes exceeds the limit`));
          }
        }
      });
      socket.on('close', () => this.fail(new Error('MLLP connection closed')));
      this.socket = socket;
    });
  }

  /**
   * Sends one message and waits for the framed reply; calls are serialized.
   * @param payload - the encoded HL7 message (unframed)
   * @returns the reply payload (unframed)
   */
  send(payload: Buffer): Promise<Buffer> {
    const result = this.chain.then(() => this.sendNow(payload));
    this.chain = result.catch(() => undefined);
    return result;
  }

  /**
   * Closes the connection; a pending `send()` is rejected.
   * @returns when the socket is closed
   */
  close(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.destroyed) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
    });
  }

  private sendNow(payload: Buffer): Promise<Buffer> {
    const socket = this.socket;
    if (!socket || socket.destroyed) {
      return Promise.reject(new Error('MLLP client is not connected'));
    }
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new Error('MLLP reply timeout'));
        socket.destroy();
      }, this.options.replyTimeoutMs ?? 30_000);
      this.pending = {
        resolve: (reply): void => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (err): void => {
          clearTimeout(timer);
          reject(err);
        },
      };
      socket.write(encodeFrame(payload));
    });
  }

  private settle(): Pending | undefined {
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }

  private fail(err: Error): void {
    this.settle()?.reject(err);
  }
}
