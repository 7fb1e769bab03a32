/**
 * Typed parse failure for HL7 v2 messages. The ACK layer answers these with MSA-1 `AR`
 * (HL7 v2.5.1 chapter 2, section 2.9.2: a message that cannot be processed for structural
 * reasons is rejected).
 */

/** Why a message could not be parsed. */
export type Hl7ParseErrorReason = 'empty' | 'no-msh' | 'msh-too-short' | 'bad-delimiters' | 'unsupported-charset';

/** Thrown by `parseMessage` when the bytes are not a usable HL7 v2 message. */
export class Hl7ParseError extends Error {
  /** Machine-readable reason, stable for callers and tests. */
  public readonly reason: Hl7ParseErrorReason;

  /**
   * @param reason - the machine-readable reason
   * @param message - human-readable detail
   */
  public constructor(reason: Hl7ParseErrorReason, message: string) {
    super(message);
    this.name = 'Hl7ParseError';
    this.reason = reason;
  }
}
