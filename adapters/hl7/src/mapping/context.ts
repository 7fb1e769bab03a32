/**
 * The state one `mapMessage` call carries: the message, the configuration, the `meta.source`
 * URI, the default time-zone offset (MSH-7's), and the errors and warnings found so far.
 * Content errors are collected rather than thrown one by one, so an AE lists every ERR at once
 * (HL7 v2.5.1 chapter 2, section 2.15.5: ERR may repeat).
 */
import type { AckError, AckErrorLocation } from '../message/ack';
import type { Hl7ErrorCode } from '../message/error-codes';
import type { Hl7Message } from '../message/message';
import type { Segment } from '../message/model';
import type { Hl7MappingConfig } from './config';

/** A segment with its occurrence number among segments of the same id (ERL.2). */
export interface SegmentAt {
  readonly segment: Segment;
  /** 1-based occurrence of this segment id in the message. */
  readonly seq: number;
}

/**
 * An ERR-2 location inside a segment.
 * @param at - the segment and its occurrence
 * @param field - field number
 * @param component - component number
 * @param subcomponent - subcomponent number
 * @returns the ERL location
 */
export function locate(at: SegmentAt, field?: number, component?: number, subcomponent?: number): AckErrorLocation {
  return {
    segment: at.segment.id,
    sequence: at.seq,
    ...(field === undefined ? {} : { field }),
    ...(component === undefined ? {} : { component }),
    ...(subcomponent === undefined ? {} : { subcomponent }),
  };
}

/** Per-message mapping state. */
export class MappingContext {
  /** Content errors (severity E): any makes the message AE. */
  public readonly errors: AckError[] = [];
  /** Non-fatal findings (severity W), returned with the bundle. */
  public readonly warnings: AckError[] = [];

  /**
   * @param message - the parsed message
   * @param config - identifier systems and the accession system
   * @param source - the `meta.source` URI every resource gets
   * @param defaultOffset - `+hh:mm` applied to times without an offset (from MSH-7), or undefined for UTC
   * @param sender - the sending application's name (MSH-3), for local code systems
   */
  public constructor(
    public readonly message: Hl7Message,
    public readonly config: Hl7MappingConfig,
    public readonly source: string,
    public readonly defaultOffset: string | undefined,
    public readonly sender: string,
  ) {}

  /**
   * Records a content error.
   * @param code - table 0357 code
   * @param location - where in the message
   * @param message - readable text (ERR-8)
   */
  public error(code: Hl7ErrorCode, location: AckErrorLocation, message: string): void {
    this.errors.push({ code, severity: 'E', location, message });
  }

  /**
   * Records a warning.
   * @param code - table 0357 code
   * @param location - where in the message
   * @param message - readable text (ERR-8)
   */
  public warn(code: Hl7ErrorCode, location: AckErrorLocation, message: string): void {
    this.warnings.push({ code, severity: 'W', location, message });
  }
}
