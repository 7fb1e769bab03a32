/**
 * One DICOM association as Tessera's SCP (PS3.7 chapter 9, PS3.8 chapter 9): admission and
 * presentation context negotiation, C-ECHO, C-STORE streamed into the blob store and handed to
 * the ingest sink, and C-FIND against the DICOM index. dcmjs-dimse's `Scp` does the PDU work;
 * this subclass overrides its hooks.
 *
 * C-STORE (PS3.4 B.2): the data set never sits whole in memory. `createStoreWritableStream`
 * prefixes the bytes with a Part-10 header and streams them into the blob store as they arrive;
 * `createDatasetFromStoreWritableStream` hands dcmjs-dimse an empty data set instead of parsing;
 * `cStoreRequest` answers only once the sink has made the instance durable (or refused it).
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part04/sect_B.2.3.html
 */
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { association, requests } from 'dcmjs-dimse';
import { Dataset, Implementation, Scp, constants, responses } from 'dcmjs-dimse';
import type { BlobStore } from '../../../../server/src/durable/blob-store';
import { openBlobIntake } from '../ingest/blob-intake';
import { ingestArriving } from '../ingest/types';
import type { IngestOutcome, InstanceSink } from '../ingest/types';
import { DimseStatus } from '../status';
import type { FindIndex } from './c-find';
import { runFind } from './c-find';
import type { NaturalDataset } from '../dcmjs';
import { negotiatePresentationContexts } from './negotiation';
import { TESSERA_IMPLEMENTATION_CLASS_UID, TESSERA_IMPLEMENTATION_VERSION, buildPart10Header } from './part10-header';
import { IntakeWritable } from './store-stream';

/** Why an association request is refused before negotiation (PS3.8 9.3.4). */
export type AdmissionRefusal = 'called-ae' | 'calling-ae' | 'limit';

/** What every association of one server shares. */
export interface ScpContext {
  readonly aeTitle: string;
  /** Calling AE titles allowed; undefined = any. */
  readonly allowedCallingAets?: ReadonlySet<string>;
  /** The largest PDU we receive (announced in the A-ASSOCIATE-AC). */
  readonly maxPduLength: number;
  readonly blobs: BlobStore;
  readonly sink: InstanceSink;
  readonly index: FindIndex;
  readonly logger: Logger;
  /** Leading bytes kept for the sink (default: the intake's default, 256 KiB). */
  readonly headBytes?: number;
  /** Asks the server for an association slot; false = local limit exceeded or draining. */
  admit(scp: TesseraScp): boolean;
}

/** dcmjs-dimse Network fields absent from its typings. */
interface NetworkInternals {
  socket: Socket;
  connected: boolean;
  connectedTime: number | undefined;
}

/** Longest Error Comment (0000,0902), VR LO (PS3.7 C.4). */
const MAX_COMMENT = 64;

/**
 * Shortens a text to an Error Comment.
 * @param text - the reason
 * @returns at most 64 characters
 */
export function errorComment(text: string): string {
  return text.length <= MAX_COMMENT ? text : `${text.slice(0, MAX_COMMENT - 3)}...`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The SCP side of one association. */
export class TesseraScp extends Scp {
  private callingAeTitle = '';
  private readonly intakes = new WeakMap<requests.CStoreRequest, Promise<IngestOutcome>>();
  private currentStore: IntakeWritable | undefined;
  private log: Logger;
  /** Whether the server counted this association against its limit. */
  admitted = false;

  /**
   * @param socket - the accepted connection
   * @param options - dcmjs-dimse network options (timeouts)
   * @param ctx - the server's shared context
   */
  constructor(
    socket: Socket,
    options: { associationTimeout?: number; pduTimeout?: number; connectTimeout?: number },
    private readonly ctx: ScpContext,
  ) {
    super(socket, options);
    this.log = ctx.logger.child({ remote: `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}` });
    this.on('close', () => this.currentStore?.destroy(new Error('association closed before the data set ended')));
  }

  /** The connection (dcmjs-dimse keeps it as `socket`). */
  connection(): Socket {
    return (this as unknown as NetworkInternals).socket;
  }

  /** Marks the network connected, as dcmjs-dimse's Server does, and starts the association timer. */
  markConnected(): void {
    const internals = this as unknown as NetworkInternals;
    internals.connected = true;
    internals.connectedTime = Date.now();
  }

  /** Refuses the association and closes the connection once the A-ASSOCIATE-RJ is written. */
  private reject(refusal: AdmissionRefusal): void {
    const { RejectResult, RejectSource, RejectReason } = constants;
    this.log.warn({ refusal }, 'association rejected');
    if (refusal === 'limit') {
      this.sendAssociationReject(
        RejectResult.Transient,
        RejectSource.ServiceProviderPresentation,
        RejectReason.LocalLimitExceeded,
      );
    } else {
      this.sendAssociationReject(
        RejectResult.Permanent,
        RejectSource.ServiceUser,
        refusal === 'called-ae' ? RejectReason.CalledAeNotRecognized : RejectReason.CallingAeNotRecognized,
      );
    }
    this.connection().end();
    setTimeout(() => this.connection().destroy(), 2000).unref();
  }

  override associationRequested(request: association.Association): void {
    this.callingAeTitle = request.getCallingAeTitle().trim();
    this.log = this.log.child({ callingAe: this.callingAeTitle });
    if (request.getCalledAeTitle().trim() !== this.ctx.aeTitle) {
      this.reject('called-ae');
      return;
    }
    if (this.ctx.allowedCallingAets !== undefined && !this.ctx.allowedCallingAets.has(this.callingAeTitle)) {
      this.reject('calling-ae');
      return;
    }
    if (!this.ctx.admit(this)) {
      this.reject('limit');
      return;
    }
    const decisions = negotiatePresentationContexts(request);
    this.log.debug({ contexts: decisions }, 'association accepted');
    if (request.getMaxPduLength() === 0 || request.getMaxPduLength() > this.ctx.maxPduLength) {
      request.setMaxPduLength(this.ctx.maxPduLength);
    }
    this.sendAssociationAccept();
  }

  /**
   * dcmjs-dimse announces its process-wide Implementation settings; announce ours for this
   * call only (synchronous, so no other association sees them).
   */
  override sendAssociationAccept(): void {
    const saved = {
      maxPdu: Implementation.getMaxPduLength(),
      uid: Implementation.getImplementationClassUid(),
      version: Implementation.getImplementationVersion(),
    };
    Implementation.setMaxPduLength(this.ctx.maxPduLength);
    Implementation.setImplementationClassUid(TESSERA_IMPLEMENTATION_CLASS_UID);
    Implementation.setImplementationVersion(TESSERA_IMPLEMENTATION_VERSION);
    try {
      super.sendAssociationAccept();
    } finally {
      Implementation.setMaxPduLength(saved.maxPdu);
      Implementation.setImplementationClassUid(saved.uid);
      Implementation.setImplementationVersion(saved.version);
    }
  }

  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }

  override abort(source: number, reason: number): void {
    this.log.warn({ source, reason }, 'association aborted by peer');
    this.connection().destroy();
  }

  override cEchoRequest(request: requests.CEchoRequest, callback: (response: responses.CEchoResponse) => void): void {
    const response = responses.CEchoResponse.fromRequest(request);
    response.setStatus(DimseStatus.Success);
    callback(response);
  }

  override createStoreWritableStream(
    context: association.PresentationContext,
    request: requests.CStoreRequest,
  ): Writable {
    const header = buildPart10Header({
      sopClassUid: request.getAffectedSopClassUid(),
      sopInstanceUid: request.getAffectedSopInstanceUid(),
      transferSyntaxUid: context.getAcceptedTransferSyntaxUid() ?? '',
      sourceAeTitle: this.callingAeTitle,
    });
    const intake = openBlobIntake(this.ctx.blobs, header, this.ctx.headBytes);
    // The sink starts on the head while the rest arrives and is stored; it commits once durable.
    const outcome = ingestArriving(this.ctx.sink, {
      headReady: intake.headReady,
      stored: intake.result,
      source: `dicom://${this.callingAeTitle}`,
      declared: { sopClassUid: request.getAffectedSopClassUid(), sopInstanceUid: request.getAffectedSopInstanceUid() },
    });
    this.intakes.set(request, outcome);
    this.currentStore = new IntakeWritable(intake.input, this.connection());
    return this.currentStore;
  }

  override createDatasetFromStoreWritableStream(
    _writable: Writable,
    context: association.PresentationContext,
    callback: (dataset: Dataset) => void,
  ): void {
    this.currentStore = undefined;
    callback(new Dataset({}, context.getAcceptedTransferSyntaxUid()));
  }

  override cStoreRequest(
    request: requests.CStoreRequest,
    callback: (response: responses.CStoreResponse) => void,
  ): void {
    void this.store(request).then(callback);
  }

  /** Waits for the bytes to be durable, hands them to the sink and builds the response. */
  private async store(request: requests.CStoreRequest): Promise<responses.CStoreResponse> {
    const response = responses.CStoreResponse.fromRequest(request);
    const declared = {
      sopClassUid: request.getAffectedSopClassUid(),
      sopInstanceUid: request.getAffectedSopInstanceUid(),
    };
    const fail = (status: number, reason: string): responses.CStoreResponse => {
      this.log.warn({ status, reason, ...declared }, 'C-STORE refused');
      response.setStatus(status);
      response.setErrorComment(errorComment(reason));
      return response;
    };
    const pending = this.intakes.get(request);
    if (pending === undefined) {
      return fail(DimseStatus.ProcessingFailure, 'no data set received');
    }
    try {
      const outcome = await pending;
      if (outcome.kind === 'rejected') {
        return fail(outcome.status, outcome.reason);
      }
      this.log.debug({ ...declared, created: outcome.created }, 'C-STORE stored');
      response.setStatus(DimseStatus.Success);
      return response;
    } catch (err) {
      return fail(DimseStatus.ProcessingFailure, `ingest: ${describe(err)}`);
    }
  }

  override cFindRequest(
    request: requests.CFindRequest,
    callback: (responses: responses.CFindResponse[]) => void,
  ): void {
    void this.find(request).then(callback);
  }

  /** Runs the query and builds the pending responses and the final one. */
  private async find(request: requests.CFindRequest): Promise<responses.CFindResponse[]> {
    const build = (status: number, identifier?: NaturalDataset, comment?: string): responses.CFindResponse => {
      const response = responses.CFindResponse.fromRequest(request);
      response.setAffectedSopClassUid(request.getAffectedSopClassUid());
      response.setStatus(status);
      if (identifier !== undefined) {
        response.setDataset(new Dataset(identifier));
      }
      if (comment !== undefined) {
        response.setErrorComment(errorComment(comment));
      }
      return response;
    };
    const identifier = (request.getDataset()?.getElements() ?? {}) as NaturalDataset;
    try {
      const result = await runFind(this.ctx.index, identifier);
      this.log.info({ matches: result.matches.length, status: result.status }, 'C-FIND');
      return [
        ...result.matches.map((match) => build(DimseStatus.Pending, match)),
        build(result.status, undefined, result.comment),
      ];
    } catch (err) {
      this.log.error({ err }, 'C-FIND failed');
      return [build(DimseStatus.UnableToProcess, undefined, `query failed: ${describe(err)}`)];
    }
  }
}
