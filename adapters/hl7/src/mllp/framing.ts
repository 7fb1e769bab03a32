/**
 * Byte-level MLLP frame decoder and encoder.
 *
 * HL7 v2.5.1 Appendix C.4 (MLLP release 2, "Lower Layer Protocol"): a block is `<VT> data <FS><CR>`.
 * TCP gives no message boundaries, so the decoder is a state machine fed with arbitrary chunks:
 * several frames may share one chunk and one frame (even its FS and CR) may span many.
 *
 * Leniency and recovery choices (the spec defines only the happy path):
 * - bytes outside a frame are skipped and reported once as a `garbage` event when the next VT
 *   (or `end()`) arrives;
 * - FS followed by anything other than CR still ends the frame (some senders omit the CR); the
 *   following byte is then read as outside-frame data;
 * - a VT inside a frame means the sender restarted: the open frame is reported `incomplete`;
 * - a frame larger than `maxFrameBytes` is reported `oversize` once it ends; its bytes are counted,
 *   never buffered, and the decoder resynchronizes at the next VT.
 */
import { CR, DEFAULT_MAX_FRAME_BYTES, FS, VT } from './constants';

/** One result of feeding bytes to an {@link MllpDecoder}. */
export type MllpEvent =
  | { type: 'frame'; payload: Buffer }
  | { type: 'garbage'; bytes: number }
  | { type: 'oversize'; bytes: number; head: Buffer }
  | { type: 'incomplete'; bytes: number };

/** Options of an {@link MllpDecoder}. */
export interface MllpDecoderOptions {
  /** Largest accepted payload in bytes (VT/FS/CR excluded); default 10 MB. */
  maxFrameBytes?: number;
}

type State = 'outside' | 'inFrame' | 'afterFs';

/** How much of an oversize frame is kept (enough for any MSH segment). */
const OVERSIZE_HEAD_BYTES = 4096;

/** Incremental MLLP decoder: `push()` chunks in, get frames and framing anomalies out. */
export class MllpDecoder {
  private readonly maxFrameBytes: number;
  private state: State = 'outside';
  private parts: Buffer[] = [];
  private size = 0;
  private oversize = false;
  /** The first bytes of an oversize frame (its MSH), kept so the reject can echo MSH-10. */
  private head: Buffer = Buffer.alloc(0);
  private garbage = 0;

  /**
   * Creates a decoder.
   * @param options - maximum frame size
   */
  constructor(options: MllpDecoderOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /**
   * Feeds a chunk of bytes.
   * @param chunk - bytes as received from the socket
   * @returns the events completed by this chunk, in stream order
   */
  push(chunk: Buffer): MllpEvent[] {
    const events: MllpEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'outside') {
        const vt = chunk.indexOf(VT, i);
        if (vt === -1) {
          this.garbage += chunk.length - i;
          return events;
        }
        this.garbage += vt - i;
        this.flushGarbage(events);
        this.startFrame();
        i = vt + 1;
      } else if (this.state === 'inFrame') {
        const stop = firstOf(chunk, i);
        const dataEnd = stop === -1 ? chunk.length : stop;
        this.append(chunk.subarray(i, dataEnd));
        if (stop === -1) {
          return events;
        }
        if (chunk[stop] === FS) {
          this.state = 'afterFs';
        } else {
          events.push(this.openFrameEvent());
          this.startFrame();
        }
        i = stop + 1;
      } else {
        this.finishFrame(events);
        if (chunk[i] === CR) {
          i += 1;
        }
      }
    }
    return events;
  }

  /**
   * Signals the end of the stream (connection closed) and reports what is left open.
   * @returns a trailing `garbage`, `incomplete`, `oversize` or (FS seen, CR missing) `frame` event
   */
  end(): MllpEvent[] {
    const events: MllpEvent[] = [];
    if (this.state === 'afterFs') {
      this.finishFrame(events);
    } else if (this.state === 'inFrame') {
      events.push(this.openFrameEvent());
      this.reset();
    }
    this.flushGarbage(events);
    return events;
  }

  private startFrame(): void {
    this.reset();
    this.state = 'inFrame';
  }

  private reset(): void {
    this.state = 'outside';
    this.parts = [];
    this.size = 0;
    this.oversize = false;
    this.head = Buffer.alloc(0);
  }

  /** The event for a frame that ends without FS: oversize or incomplete. */
  private openFrameEvent(): MllpEvent {
    return this.oversize
      ? { type: 'oversize', bytes: this.size, head: this.head }
      : { type: 'incomplete', bytes: this.size };
  }

  private append(data: Buffer): void {
    this.size += data.length;
    if (this.oversize) {
      return;
    }
    if (this.size > this.maxFrameBytes) {
      this.oversize = true;
      this.head = Buffer.concat([...this.parts, data]).subarray(0, OVERSIZE_HEAD_BYTES);
      this.parts = [];
      return;
    }
    if (data.length > 0) {
      // Copy: the caller may reuse the chunk's memory.
      this.parts.push(Buffer.from(data));
    }
  }

  private finishFrame(events: MllpEvent[]): void {
    if (this.oversize) {
      events.push({ type: 'oversize', bytes: this.size, head: this.head });
    } else {
      events.push({ type: 'frame', payload: Buffer.concat(this.parts, this.size) });
    }
    this.reset();
  }

  private flushGarbage(events: MllpEvent[]): void {
    if (this.garbage > 0) {
      events.push({ type: 'garbage', bytes: this.garbage });
      this.garbage = 0;
    }
  }
}

/** Index of the first FS or VT at or after `from`, or -1. */
function firstOf(chunk: Buffer, from: number): number {
  for (let i = from; i < chunk.length; i++) {
    const b = chunk[i];
    if (b === FS || b === VT) {
      return i;
    }
  }
  return -1;
}

/**
 * Wraps a payload in an MLLP block (`<VT> payload <FS><CR>`, Appendix C.4).
 * @param payload - the encoded HL7 message
 * @returns the framed bytes
 */
export function encodeFrame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(payload.length + 3);
  out[0] = VT;
  payload.copy(out, 1);
  out[payload.length + 1] = FS;
  out[payload.length + 2] = CR;
  return out;
}
