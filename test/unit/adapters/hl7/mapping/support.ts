/**
 * Test support for the mapping unit tests: builds parsed messages from segment lines and
 * mapping contexts around them (real parser, no mocks).
 */
import { DEFAULT_HL7_MAPPING_CONFIG } from '../../../../../adapters/hl7/src/mapping/config';
import type { Hl7MappingConfig } from '../../../../../adapters/hl7/src/mapping/config';
import { MappingContext } from '../../../../../adapters/hl7/src/mapping/context';
import type { SegmentAt } from '../../../../../adapters/hl7/src/mapping/context';
import type { Hl7Message } from '../../../../../adapters/hl7/src/message/message';
import type { Repetition } from '../../../../../adapters/hl7/src/message/model';
import { parseMessage } from '../../../../../adapters/hl7/src/message/parse';

/** A standard header for an ORU^R01 v2.5.1 from LIS@LAB. */
export const ORU_MSH = 'MSH|^~\\&|LIS|LAB|TESSERA|HOSP|20250302120000+0100||ORU^R01^ORU_R01|CTL1|P|2.5.1';

/**
 * Parses a message from segment lines (joined with `\r`).
 * @param lines - the segments, MSH first
 */
export function message(...lines: string[]): Hl7Message {
  return parseMessage(Buffer.from(lines.join('\r') + '\r', 'utf8'));
}

/**
 * A mapping context over a message.
 * @param msg - the message
 * @param config - the configuration
 * @param offset - default offset
 */
export function context(
  msg: Hl7Message,
  config: Hl7MappingConfig = DEFAULT_HL7_MAPPING_CONFIG,
  offset?: string,
): MappingContext {
  return new MappingContext(msg, config, 'urn:tessera:hl7v2:LIS@LAB#CTL1', offset, 'LIS');
}

/**
 * A context over an ORU with the given segments after MSH, and the n-th segment of an id.
 * @param lines - segments after MSH
 */
export function contextWith(...lines: string[]): MappingContext {
  return context(message(ORU_MSH, ...lines));
}

/**
 * The n-th segment with an id, with its occurrence number.
 * @param ctx - the context
 * @param id - segment id
 * @param seq - occurrence (default 1)
 */
export function at(ctx: MappingContext, id: string, seq = 1): SegmentAt {
  const segment = ctx.message.get(id, seq);
  if (segment === undefined) {
    throw new Error(`no ${id} #${seq}`);
  }
  return { segment, seq };
}

/**
 * The first repetition of one field of a one-segment message `ZZZ|<field>`.
 * @param field - the field text (ER7, default delimiters)
 */
export function repetition(field: string): Repetition {
  const rep = message(ORU_MSH, `ZZZ|${field}`).get('ZZZ')?.field(1)?.repetition(1);
  if (rep === undefined) {
    throw new Error('no repetition');
  }
  return rep;
}
