/**
 * The inbound HL7 v2 pipeline, shared by MLLP and `POST /hl7/v2` (DESIGN.md flow 1):
 *
 * 1. The raw bytes are stored in the message log, durably, before anything else happens
 *    (a re-send with the same sender and MSH-10 is found here).
 * 2. The message is parsed and mapped to one FHIR transaction Bundle (mapping/).
 * 3. The Bundle runs through the repository in one transaction together with the message's
 *    outcome and its ACK: both are stored, or neither.
 * 4. Only then is MSA-1 AA returned (HL7 v2.5.1 section 2.9.2, original mode).
 *
 * ACK codes (table 0008): AE for content errors (mapping errors, FHIR 4xx); AR for unsupported
 * type/version/processing id, unparseable headers, and failures unrelated to content (store
 * down), which leave the message `received` so that a re-send or an operator reprocess runs it
 * again. A re-send of a processed message gets the stored ACK byte for byte and stores nothing.
 */
import { createHash } from 'node:crypto';
import type { MessageLog, MessageRecord } from '../../../../server/src/durable/message-log';
import { FhirError } from '../../../../server/src/errors/outcome';
import type { TransactionRunner } from '../../../../server/src/fhir/run-transaction';
import type { Logger } from '../../../../server/src/observability/logger';
import type { FhirRepository } from '../../../../server/src/repository/repository';
import { buildAck, buildRejectForUnparseable } from '../message/ack';
import type { AckError } from '../message/ack';
import { APPLICATION_INTERNAL_ERROR, DUPLICATE_KEY_IDENTIFIER, REQUIRED_FIELD_MISSING } from '../message/error-codes';
import { Hl7ParseError } from '../message/errors';
import type { Hl7Message } from '../message/message';
import { parseMessage } from '../message/parse';
import { DEFAULT_HL7_MAPPING_CONFIG, Hl7MappingError, mapMessage } from '../mapping/map-message';
import type { Hl7MappingConfig, MappedMessage } from '../mapping/map-message';
import type { PreparedTransaction } from '../../../../server/src/fhir/interactions/transaction';
import type { AckCode } from '../message/ack';
import { ackErrorsForOutcome } from './fhir-error-ack';
import { applyPatientMerge } from './patient-merge';
import { messageTypeOf, senderOf } from './sender';

/** The protocol name in the message log. */
export const HL7V2_PROTOCOL = 'hl7v2';

/** How many times a transaction that lost an optimistic-concurrency race is run again. */
const CONFLICT_RETRIES = 3;

/** What the pipeline is built from (main.ts assembles it). */
export interface Hl7PipelineDeps {
  /** A repository with the adapter's (system) access. */
  readonly repo: FhirRepository;
  readonly messages: MessageLog;
  readonly runTransaction: TransactionRunner;
  readonly logger: Logger;
  readonly mapping?: Hl7MappingConfig;
  /** Called once per processed message with its outcome (metrics). */
  readonly onOutcome?: (outcome: { ackCode: string; messageType: string; ms: number }) => void;
}

/** A message mapped and resolved, or refused by the mapping. */
type Preparation =
  | { readonly kind: 'refused'; readonly code: Exclude<AckCode, 'AA'>; readonly errors: readonly AckError[] }
  | { readonly kind: 'ready'; readonly mapped: MappedMessage; readonly prepared: PreparedTransaction | undefined };

/** The result of handling one message. */
export interface Hl7HandleResult {
  /** The ACK bytes to send back. */
  readonly ack: Buffer;
  /** The message log record id (undefined only when the log itself failed). */
  readonly id?: string;
  /** True when this was a re-send answered from the log. */
  readonly duplicate: boolean;
}

const sha256 = (raw: Buffer): string => createHash('sha256').update(raw).digest('hex');

/** Receives, stores, processes and acknowledges HL7 v2 messages. */
export class Hl7InboundPipeline {
  /** Messages being processed, by log key: a concurrent re-send waits for the first one's ACK. */
  private readonly inFlight = new Map<string, Promise<Hl7HandleResult>>();

  /**
   * @param deps - repository, message log, transaction runner, logger, mapping configuration
   */
  constructor(private readonly deps: Hl7PipelineDeps) {}

  /**
   * Handles one message as received (without MLLP framing).
   * @param raw - the exact bytes
   * @param peer - where it came from, for the log (`mllp://host:port`, `http`)
   * @returns the ACK and the log record; never rejects (failures become AR ACKs)
   */
  async handle(raw: Buffer, peer: string): Promise<Hl7HandleResult> {
    const started = Date.now();
    const hash = sha256(raw);
    let message: Hl7Message;
    try {
      message = parseMessage(raw);
    } catch (err) {
      const reason = err instanceof Hl7ParseError ? err.message : 'message could not be parsed';
      return this.rejectUnreadable(raw, hash, peer, reason);
    }
    const sender = senderOf(message);
    const controlId = message.controlId;
    if (controlId === undefined) {
      const ack = buildAck(message, 'AR', {
        errors: [
          {
            code: REQUIRED_FIELD_MISSING,
            location: { segment: 'MSH', sequence: 1, field: 10 },
            message: 'MSH-10 is empty',
          },
        ],
      });
      return this.storeRejected(raw, hash, peer, sender, `no-msh-10:${hash}`, message, ack, 'MSH-10 is empty');
    }
    const key = `${sender}\u0000${controlId}`;
    const pending = this.inFlight.get(key);
    if (pending !== undefined) {
      const first = await pending;
      return { ...first, duplicate: true };
    }
    const work = this.receiveAndProcess(raw, hash, peer, sender, controlId, message).then((result) => {
      this.deps.onOutcome?.({
        ackCode: ackCodeOf(result.ack),
        messageType: messageTypeOf(message),
        ms: Date.now() - started,
      });
      return result;
    });
    this.inFlight.set(key, work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(key);
    }
  }

  /**
   * Processes a stored message again (operator action after a mapping or data fix). A message
   * already accepted is not processed twice: its stored ACK is returned.
   * @param id - the message log id
   * @returns the new outcome, or undefined when there is no such message
   */
  async reprocess(id: string): Promise<Hl7HandleResult | undefined> {
    const record = await this.deps.messages.get(id);
    if (record === undefined) {
      return undefined;
    }
    if (record.status === 'accepted' && record.ack !== undefined) {
      return { ack: record.ack, id, duplicate: true };
    }
    let message: Hl7Message;
    try {
      message = parseMessage(record.raw);
    } catch (err) {
      const reason = err instanceof Error ? err.message : 'unparseable';
      const ack = buildRejectForUnparseable(record.raw, reason);
      await this.deps.messages.recordOutcome(id, { status: 'rejected', ackCode: 'AR', ack, error: reason });
      return { ack, id, duplicate: false };
    }
    return this.process(record.id, message);
  }

  /**
   * Processes every message left `received` by an interrupted run (crash between receipt and
   * commit). Their senders got no ACK and may re-send: the log answers those from the outcome.
   * @param limit - the most messages recovered in one call
   * @returns how many were processed
   */
  async recover(limit = 1000): Promise<number> {
    const pending = await this.deps.messages.list({ status: ['received'], limit });
    for (const record of pending.reverse()) {
      await this.reprocess(record.id);
    }
    return pending.length;
  }

  private async receiveAndProcess(
    raw: Buffer,
    hash: string,
    peer: string,
    sender: string,
    controlId: string,
    message: Hl7Message,
  ): Promise<Hl7HandleResult> {
    // Mapping and resolution write nothing, so they overlap with storing the receipt; the
    // commit (the processing proper) starts only once the raw message is durable.
    const preparation = this.prepare(message);
    preparation.catch(() => undefined);
    let received: { record: MessageRecord; duplicate: boolean };
    try {
      received = await this.deps.messages.receive({
        protocol: HL7V2_PROTOCOL,
        sender,
        controlId,
        messageType: messageTypeOf(message),
        raw,
        sha256: hash,
        peer,
      });
    } catch (err) {
      // Not stored, so not accepted: AR tells the sender to keep it and send it again.
      this.deps.logger.error({ err, sender, controlId }, 'HL7 message could not be stored');
      return { ack: this.internalReject(message, 'the message could not be stored; send it again'), duplicate: false };
    }
    const { record, duplicate } = received;
    if (duplicate && record.sha256 !== hash) {
      const text = `MSH-10 ${controlId} from ${sender} was already used for a different message`;
      const ack = buildAck(message, 'AR', {
        errors: [
          { code: DUPLICATE_KEY_IDENTIFIER, location: { segment: 'MSH', sequence: 1, field: 10 }, message: text },
        ],
      });
      return this.storeRejected(raw, hash, peer, sender, `${controlId}#${hash.slice(0, 16)}`, message, ack, text);
    }
    if (duplicate && record.status !== 'received' && record.ack !== undefined) {
      this.deps.logger.info({ id: record.id, sender, controlId }, 'HL7 re-send answered with the stored ACK');
      return { ack: record.ack, id: record.id, duplicate: true };
    }
    return this.process(record.id, message, preparation);
  }

  /**
   * The side-effect-free part of processing: mapping, then resolution and validation of the
   * bundle ahead of the store's write lock. It may run while the receipt is being stored;
   * nothing is written before `commit`.
   */
  private async prepare(message: Hl7Message): Promise<Preparation> {
    let mapped: MappedMessage;
    try {
      mapped = mapMessage(message, this.deps.mapping ?? DEFAULT_HL7_MAPPING_CONFIG);
    } catch (err) {
      if (err instanceof Hl7MappingError) {
        return { kind: 'refused', code: err.ackCode, errors: err.errors };
      }
      this.deps.logger.error({ err }, 'HL7 mapping failed unexpectedly');
      return {
        kind: 'refused',
        code: 'AE',
        errors: [{ code: APPLICATION_INTERNAL_ERROR, message: 'the message could not be mapped to FHIR' }],
      };
    }
    try {
      return { kind: 'ready', mapped, prepared: await this.deps.runTransaction.prepare(mapped.bundle, this.deps.repo) };
    } catch {
      return { kind: 'ready', mapped, prepared: undefined }; // prepared again in `process`, which reports the error
    }
  }

  /** Commits a stored message with its outcome, from its preparation. */
  private async process(
    id: string,
    message: Hl7Message,
    preparation: Promise<Preparation> = this.prepare(message),
  ): Promise<Hl7HandleResult> {
    const ready = await preparation;
    if (ready.kind === 'refused') {
      return this.settleRefused(id, message, ready.code, ready.errors);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const prepared =
          attempt === 1 && ready.prepared !== undefined
            ? ready.prepared
            : await this.deps.runTransaction.prepare(ready.mapped.bundle, this.deps.repo);
        const ack = await this.commit(id, message, ready.mapped, prepared);
        return { ack, id, duplicate: false };
      } catch (err) {
        if (err instanceof FhirError && err.status === 409 && attempt < CONFLICT_RETRIES) {
          continue;
        }
        if (err instanceof FhirError && err.status < 500) {
          return this.settleRefused(id, message, 'AE', ackErrorsForOutcome(err.status, err.outcome));
        }
        // Unrelated to content (store down, disk full): AR, and the message stays `received`.
        this.deps.logger.error({ err, id }, 'HL7 message transaction failed');
        return {
          ack: this.internalReject(message, 'the message could not be stored; send it again'),
          id,
          duplicate: false,
        };
      }
    }
  }

  /** Runs the bundle, merges and outcome in one repository transaction; resolves to the AA ACK. */
  private commit(
    id: string,
    message: Hl7Message,
    mapped: MappedMessage,
    prepared: PreparedTransaction,
  ): Promise<Buffer> {
    return this.deps.repo.withTransaction(async (tx, records) => {
      await this.deps.runTransaction.run(prepared, tx);
      const source = mapped.bundle.entry?.find((e) => e.resource?.meta?.source)?.resource?.meta?.source ?? 'urn:hl7v2';
      for (const merge of mapped.merges) {
        await applyPatientMerge(tx, merge, source);
      }
      const ack = buildAck(message, 'AA', { errors: mapped.warnings });
      await records.messages.recordOutcome(id, { status: 'accepted', ackCode: 'AA', ack });
      return ack;
    });
  }

  /** Records an AE/AR outcome and returns its ACK. */
  private async settleRefused(
    id: string,
    message: Hl7Message,
    code: 'AE' | 'AR',
    errors: readonly AckError[],
  ): Promise<Hl7HandleResult> {
    const ack = buildAck(message, code, { errors });
    const error = errors.map((e) => e.message ?? e.code.text).join('; ');
    try {
      await this.deps.messages.recordOutcome(id, {
        status: code === 'AR' ? 'rejected' : 'error',
        ackCode: code,
        ack,
        error,
      });
    } catch (err) {
      this.deps.logger.error({ err, id }, 'HL7 message outcome could not be stored');
    }
    this.deps.logger.warn({ id, ackCode: code, error }, 'HL7 message refused');
    return { ack, id, duplicate: false };
  }

  /** Stores a message that is refused before processing (no usable MSH-10, reused MSH-10). */
  private async storeRejected(
    raw: Buffer,
    hash: string,
    peer: string,
    sender: string,
    controlId: string,
    message: Hl7Message | undefined,
    ack: Buffer,
    error: string,
  ): Promise<Hl7HandleResult> {
    try {
      const { record, duplicate } = await this.deps.messages.receive({
        protocol: HL7V2_PROTOCOL,
        sender,
        controlId,
        ...(message ? { messageType: messageTypeOf(message) } : {}),
        raw,
        sha256: hash,
        peer,
      });
      if (!duplicate) {
        await this.deps.messages.recordOutcome(record.id, { status: 'rejected', ackCode: 'AR', ack, error });
      }
      this.deps.logger.warn({ id: record.id, error }, 'HL7 message rejected');
      return { ack, id: record.id, duplicate };
    } catch (err) {
      this.deps.logger.error({ err }, 'rejected HL7 message could not be stored');
      return { ack, duplicate: false };
    }
  }

  /** Unparseable bytes: stored under their hash, answered with AR. */
  private rejectUnreadable(raw: Buffer, hash: string, peer: string, reason: string): Promise<Hl7HandleResult> {
    const ack = buildRejectForUnparseable(raw, reason);
    return this.storeRejected(raw, hash, peer, '', `unparseable:${hash}`, undefined, ack, reason);
  }

  private internalReject(message: Hl7Message, text: string): Buffer {
    return buildAck(message, 'AR', { errors: [{ code: APPLICATION_INTERNAL_ERROR, message: text }] });
  }
}

/** MSA-1 of an ACK we built (for metrics). */
function ackCodeOf(ack: Buffer): string {
  const match = /\rMSA\|([A-Z]{2})/.exec(ack.toString('latin1'));
  return match?.[1] ?? 'unknown';
}
