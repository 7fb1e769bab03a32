/**
 * A parsed HL7 v2 message: segments in message order plus MSH header helpers
 * (HL7 v2.5.1 chapter 2, section 2.14.9 "MSH - message header segment").
 */
import type { Hl7Encoding } from './charset';
import type { Hl7Delimiters } from './delimiters';
import type { Field, Hl7Leaf, Segment } from './model';

/** MSH-9 message type (MSG data type). */
export interface Hl7MessageType {
  /** MSH-9.1 message code, e.g. `ORU`. */
  readonly code: string | undefined;
  /** MSH-9.2 trigger event, e.g. `R01`. */
  readonly trigger: string | undefined;
  /** MSH-9.3 message structure, e.g. `ORU_R01`. */
  readonly structure: string | undefined;
}

/** Turns `null`/`''` into undefined for header helpers, where absence is what matters. */
function text(value: Hl7Leaf | undefined): string | undefined {
  return value === null || value === '' ? undefined : value;
}

/** A parsed message. Built by `parseMessage`. */
export class Hl7Message {
  /** Every segment in message order, repeated and Z-segments included. */
  public readonly segments: readonly Segment[];
  /** The delimiters the message declares in MSH-1/MSH-2. */
  public readonly delimiters: Hl7Delimiters;
  /** The node encoding the bytes were decoded with (from MSH-18). */
  public readonly encoding: Hl7Encoding;

  /**
   * @param segments - segments in message order, MSH first
   * @param delimiters - the declared delimiters
   * @param encoding - the encoding used to decode the bytes
   */
  public constructor(segments: readonly Segment[], delimiters: Hl7Delimiters, encoding: Hl7Encoding) {
    this.segments = segments;
    this.delimiters = delimiters;
    this.encoding = encoding;
  }

  /**
   * The n-th segment with an id.
   * @param id - segment id, e.g. `OBX`
   * @param occurrence - 1-based occurrence (default 1)
   * @returns the segment, undefined when absent
   */
  public get(id: string, occurrence = 1): Segment | undefined {
    return occurrence < 1 ? undefined : this.all(id)[occurrence - 1];
  }

  /**
   * Every segment with an id, in message order.
   * @param id - segment id
   * @returns the segments (possibly none)
   */
  public all(id: string): Segment[] {
    return this.segments.filter((s) => s.id === id);
  }

  /** The MSH segment (always present in a parsed message). */
  public get header(): Segment {
    return this.segments[0] as Segment;
  }

  /** MSH-3 sending application (HD). */
  public get sendingApplication(): Field | undefined {
    return this.header.field(3);
  }

  /** MSH-4 sending facility (HD). */
  public get sendingFacility(): Field | undefined {
    return this.header.field(4);
  }

  /** MSH-5 receiving application (HD). */
  public get receivingApplication(): Field | undefined {
    return this.header.field(5);
  }

  /** MSH-6 receiving facility (HD). */
  public get receivingFacility(): Field | undefined {
    return this.header.field(6);
  }

  /** MSH-9 message type. */
  public get messageType(): Hl7MessageType {
    const f = this.header.field(9);
    return { code: text(f?.component(1)), trigger: text(f?.component(2)), structure: text(f?.component(3)) };
  }

  /** MSH-10 message control id. */
  public get controlId(): string | undefined {
    return text(this.header.value(10));
  }

  /** MSH-11.1 processing id (`P`, `D`, `T`). */
  public get processingId(): string | undefined {
    return text(this.header.value(11));
  }

  /** MSH-12.1 version id, e.g. `2.5.1`. */
  public get version(): string | undefined {
    return text(this.header.value(12));
  }

  /** MSH-15 accept acknowledgment type (table 0155). */
  public get acceptAckType(): string | undefined {
    return text(this.header.value(15));
  }

  /** MSH-16 application acknowledgment type (table 0155). */
  public get applicationAckType(): string | undefined {
    return text(this.header.value(16));
  }

  /** MSH-18 character set (first repetition). */
  public get characterSet(): string | undefined {
    return text(this.header.value(18));
  }
}
