/**
 * The failure a mapper reports, answered with an original-mode AE or AR ACK
 * (HL7 v2.5.1 chapter 2, section 2.9.2; ERR segments per 2.15.5 with table 0357 codes).
 */
import type { AckError } from '../message/ack';

/** Content errors → AE; unsupported type/event/version/processing id → AR. `errors` become ERR segments. */
export class Hl7MappingError extends Error {
  /** MSA-1 of the answer. */
  public readonly ackCode: 'AE' | 'AR';
  /** One ERR segment each: location (ERL), table 0357 code, readable text. */
  public readonly errors: readonly AckError[];

  /**
   * @param ackCode - AE (content error) or AR (rejected: unsupported header)
   * @param errors - the errors, at least one
   */
  public constructor(ackCode: 'AE' | 'AR', errors: readonly AckError[]) {
    super(errors.map((e) => e.message ?? e.code.text).join('; ') || ackCode);
    this.name = 'Hl7MappingError';
    this.ackCode = ackCode;
    this.errors = errors;
  }
}
