/**
 * The writable dcmjs-dimse fills with one C-STORE data set's P-DATA fragments (PS3.8 9.3.5):
 * it forwards each fragment to a blob intake and, when the intake is full, pauses the socket
 * until it drains, so memory stays bounded however large the instance.
 *
 * It always accepts writes at once (`write` returns true): dcmjs-dimse processes PDUs in
 * un-awaited async handlers, so if it ever waited on `drain` later fragments could overtake
 * earlier ones. Backpressure is applied on the socket instead.
 */
import type { Socket } from 'node:net';
import type { PassThrough } from 'node:stream';
import { Writable } from 'node:stream';

/** Forwards data set bytes to an intake with socket-level backpressure. */
export class IntakeWritable extends Writable {
  private paused = false;

  /**
   * @param input - the intake's input (see openBlobIntake)
   * @param socket - the association's socket, paused while the intake is full
   */
  constructor(
    private readonly input: PassThrough,
    private readonly socket: Socket,
  ) {
    super({ highWaterMark: 1024 * 1024 });
  }

  /** Whether `end()` was called and every byte forwarded. */
  get complete(): boolean {
    return this.writableFinished;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.input.write(chunk) && !this.paused) {
      this.paused = true;
      this.socket.pause();
      this.input.once('drain', () => {
        this.paused = false;
        this.socket.resume();
      });
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.input.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.input.writableEnded) {
      this.input.destroy(error ?? new Error('C-STORE data set incomplete'));
    }
    if (this.paused) {
      this.socket.resume();
    }
    callback(error);
  }
}
