/**
 * A streaming reader for `multipart/related` bodies (RFC 2387 over RFC 2046 5.1.1), as STOW-RS
 * sends them (PS3.18 8.6.1.2). busboy parses only `multipart/form-data`, and dicer (its old core)
 * is unmaintained with an unfixed DoS advisory (CVE-2022-24434), so this is a small boundary
 * splitter: each part's body is a stream fed as bytes arrive, with backpressure, so a body of
 * dozens of 8 MB images is never held in memory (at most one chunk plus a boundary's length).
 */
import { PassThrough, Writable } from 'node:stream';

/** One body part: its headers (names lower-cased) and its bytes as a stream. */
export interface MultipartPart {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: PassThrough;
}

/** Thrown (as the splitter's error) when the body does not follow RFC 2046 framing. */
export class MultipartError extends Error {}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'epilogue';

/** Parses the header block of a part. */
function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    if (line === '') {
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      throw new MultipartError(`Malformed part header line: ${line.slice(0, 80)}`);
    }
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * A writable end that splits a multipart body into parts. Pipe the request into it; `onPart` is
 * called for each part once its headers are read, and the part's body must be consumed for the
 * splitter to go on. The splitter errors with MultipartError on bad framing (no parts, a header
 * block too large, or a body that ends before the close delimiter); the open part's body is
 * destroyed with the same error.
 */
export class MultipartSplitter extends Writable {
  private readonly delimiter: Buffer;
  /** Unprocessed bytes; starts with a CRLF so the first delimiter needs no special case. */
  private buffer: Buffer = CRLF;
  private state: State = 'preamble';
  private current: PassThrough | undefined;
  private parts = 0;

  /**
   * @param boundary - the `boundary` parameter of the Content-Type
   * @param onPart - receives each part as soon as its headers are read
   */
  constructor(
    boundary: string,
    private readonly onPart: (part: MultipartPart) => void,
  ) {
    super();
    this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  }

  /** How many parts were started. */
  get partCount(): number {
    return this.parts;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.process().then(
      () => callback(),
      (error: unknown) => this.fail(error, callback),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.state !== 'epilogue') {
      this.fail(
        new MultipartError(this.parts === 0 ? 'No body part found' : 'Body ends before the close delimiter'),
        callback,
      );
      return;
    }
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.current?.destroy(error ?? new MultipartError('Multipart body aborted'));
    callback(error);
  }

  private fail(error: unknown, callback: (error?: Error | null) => void): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.current?.destroy(err);
    this.current = undefined;
    callback(err);
  }

  /** Consumes as much of the buffer as the state machine can. */
  private async process(): Promise<void> {
    for (;;) {
      const progressed = await this.step();
      if (!progressed) {
        return;
      }
    }
  }

  /** One state transition; false when more bytes are needed. */
  private async step(): Promise<boolean> {
    switch (this.state) {
      case 'preamble':
        return this.skipTo('after-delimiter');
      case 'after-delimiter':
        return this.afterDelimiter();
      case 'headers':
        return this.readHeaders();
      case 'body':
        return this.readBody();
      case 'epilogue':
        this.buffer = Buffer.alloc(0);
        return false;
    }
  }

  private skipTo(next: State): boolean {
    const i = this.buffer.indexOf(this.delimiter);
    if (i < 0) {
      this.buffer = this.buffer.subarray(Math.max(0, this.buffer.length - this.delimiter.length + 1));
      return false;
    }
    this.buffer = this.buffer.subarray(i + this.delimiter.length);
    this.state = next;
    return true;
  }

  private afterDelimiter(): boolean {
    if (this.buffer.length < 2) {
      return false;
    }
    if (this.buffer[0] === 0x2d && this.buffer[1] === 0x2d) {
      if (this.parts === 0) {
        throw new MultipartError('No body part found');
      }
      this.state = 'epilogue';
      return true;
    }
    // transport padding (RFC 2046 5.1.1), then CRLF
    let i = 0;
    while (i < this.buffer.length && (this.buffer[i] === 0x20 || this.buffer[i] === 0x09)) {
      i++;
    }
    if (this.buffer.length < i + 2) {
      return false;
    }
    if (this.buffer[i] !== 0x0d || this.buffer[i + 1] !== 0x0a) {
      throw new MultipartError('Boundary delimiter not followed by CRLF');
    }
    this.buffer = this.buffer.subarray(i + 2);
    this.state = 'headers';
    return true;
  }

  private readHeaders(): boolean {
    let headers: Record<string, string>;
    if (this.buffer.length >= 2 && this.buffer[0] === 0x0d && this.buffer[1] === 0x0a) {
      headers = {};
      this.buffer = this.buffer.subarray(2);
    } else {
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buffer.length > MAX_HEADER_BYTES) {
          throw new MultipartError('Part header block too large');
        }
        return false;
      }
      headers = parseHeaders(this.buffer.subarray(0, end).toString('latin1'));
      this.buffer = this.buffer.subarray(end + HEADER_END.length);
    }
    this.parts++;
    this.current = new PassThrough({ highWaterMark: 1024 * 1024 });
    this.state = 'body';
    this.onPart({ headers, body: this.current });
    return true;
  }

  private async readBody(): Promise<boolean> {
    const body = this.current as PassThrough;
    const i = this.buffer.indexOf(this.delimiter);
    if (i >= 0) {
      await this.push(body, this.buffer.subarray(0, i));
      body.end();
      this.current = undefined;
      this.buffer = this.buffer.subarray(i + this.delimiter.length);
      this.state = 'after-delimiter';
      return true;
    }
    const keep = this.delimiter.length - 1;
    if (this.buffer.length > keep) {
      const out = this.buffer.subarray(0, this.buffer.length - keep);
      this.buffer = Buffer.from(this.buffer.subarray(this.buffer.length - keep));
      await this.push(body, out);
    }
    return false;
  }

  /** Writes to a part body, waiting while its reader is behind. */
  private async push(body: PassThrough, bytes: Buffer): Promise<void> {
    if (bytes.length === 0 || body.destroyed) {
      return;
    }
    if (!body.write(bytes)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          body.off('drain', done);
          body.off('close', done);
          resolve();
        };
        body.on('drain', done);
        body.on('close', done);
      });
    }
  }
}

/**
 * The `boundary` parameter of a multipart Content-Type, unquoted.
 * @param contentType - the header value
 * @returns the boundary, or undefined when absent or invalid (RFC 2046 5.1.1: 1-70 characters)
 */
export function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  return boundary !== undefined && boundary.length <= 70 ? boundary : undefined;
}

/**
 * A parameter of a media type header (`type` of multipart/related, `transfer-syntax`), unquoted.
 * @param header - the header value
 * @param name - the parameter name (case-insensitive)
 */
export function mediaParameter(header: string, name: string): string | undefined {
  const re = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;,\\s]+))`, 'i');
  const match = re.exec(header);
  return match?.[1] ?? match?.[2];
}
