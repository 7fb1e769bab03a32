/**
 * HL7 v2 message → FHIR transaction Bundle (issue 3 "Mapping"; HL7 V2-to-FHIR IG message maps
 * https://build.fhir.org/ig/HL7/v2-to-fhir/). Pure and synchronous: header checks (AR), grouping,
 * the per-message-type mapper, then either the Bundle with its warnings, or every content error
 * at once (AE). The pipeline posts the Bundle as one transaction and applies the merges in it.
 */
import type { Bundle, Identifier } from '@medplum/fhirtypes';
import type { AckError } from '../message/ack';
import type { Hl7Message } from '../message/message';
import { BundleBuilder } from './bundle/bundle-builder';
import { DEFAULT_HL7_MAPPING_CONFIG } from './config';
import type { Hl7MappingConfig } from './config';
import { MappingContext } from './context';
import { dtmOffset } from './datatypes/dtm';
import { checkHeader } from './header-check';
import { Hl7MappingError } from './mapping-error';
import { mapAdt } from './messages/adt';
import { groupSegments } from './messages/groups';
import { mapOrm } from './messages/orm';
import { mapOru } from './messages/oru';
import { hdName, metaSource } from './meta-source';
import { text } from './values';

export { DEFAULT_HL7_MAPPING_CONFIG, Hl7MappingError };
export type { Hl7MappingConfig };

/**
 * ADT^A40: the pipeline applies it inside the same transaction after the bundle: marks the merged
 * Patient active=false with link replaced-by → survivor (and survivor link replaces → merged).
 */
export interface PatientMerge {
  readonly survivor: Identifier;
  readonly merged: Identifier;
}

/** The result of mapping one message. */
export interface MappedMessage {
  /** A Bundle of type `transaction` (idempotent: running it twice creates nothing twice). */
  readonly bundle: Bundle;
  readonly merges: readonly PatientMerge[];
  /** Non-fatal findings (ERR severity W in an AA ACK), e.g. an unknown OBX-6 unit. */
  readonly warnings: readonly AckError[];
}

/** Drops repeated findings (a field read by two mappers reports once). */
function distinct(errors: readonly AckError[]): AckError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = JSON.stringify([e.code.code, e.location, e.message]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/**
 * Maps a parsed HL7 v2 message to a FHIR transaction.
 * @param message - the parsed message
 * @param config - identifier systems and the accession system
 * @returns the Bundle, the merges and the warnings
 * @throws Hl7MappingError AR for an unsupported type/event/version/processing id, AE for content errors
 */
export function mapMessage(message: Hl7Message, config: Hl7MappingConfig = DEFAULT_HL7_MAPPING_CONFIG): MappedMessage {
  checkHeader(message);
  const ctx = new MappingContext(
    message,
    config,
    metaSource(message),
    dtmOffset(text(message.header.value(7)) ?? undefined),
    hdName(message.sendingApplication),
  );
  const bundle = new BundleBuilder(ctx.source);
  const groups = groupSegments(ctx);
  const code = message.messageType.code;
  let merges: PatientMerge[] = [];
  if (code === 'ADT') {
    merges = mapAdt(ctx, groups, bundle);
  } else if (code === 'ORU') {
    mapOru(ctx, groups, bundle);
  } else {
    mapOrm(ctx, groups, bundle);
  }
  if (ctx.errors.length > 0) {
    throw new Hl7MappingError('AE', distinct(ctx.errors));
  }
  return { bundle: bundle.build(), merges, warnings: distinct(ctx.warnings) };
}
