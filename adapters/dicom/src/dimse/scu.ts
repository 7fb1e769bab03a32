/**
 * C-STORE SCU (PS3.4 B.2, PS3.7 9.1.1): sends Part-10 instances to a remote AE over one
 * association per batch, with dcmjs-dimse's Client. Each instance is proposed in its own
 * transfer syntax (a presentation context of its own) plus Explicit and Implicit VR Little
 * Endian; when the peer accepts the file's own syntax the data set bytes go out exactly as
 * stored (no re-encoding), otherwise an uncompressed data set is re-encoded by dcmjs and a
 * compressed one cannot be sent (no transcoding: reported as an error).
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part04/sect_B.2.html
 */
import type { Socket } from 'node:net';
import { Client, Dataset, association, constants, requests } from 'dcmjs-dimse';
import type { responses } from 'dcmjs-dimse';
import { isFailureStatus } from '../status';
import './quiet-logs';
import type { Part10Meta } from './part10-header';
import { readPart10Meta } from './part10-header';

/** A remote Application Entity. */
export interface DicomRemote {
  readonly host: string;
  readonly port: number;
  readonly aeTitle: string;
}

/** What became of one instance. */
export interface StoreInstanceResult {
  readonly sopClassUid?: string;
  readonly sopInstanceUid?: string;
  /** The C-STORE response status; absent when no response came. */
  readonly status?: number;
  readonly errorComment?: string;
  /** Why no response came (not DICOM, association rejected, network error...). */
  readonly error?: string;
  /** True when the status is not a failure (success or warning). */
  readonly ok: boolean;
}

/** Options of {@link storeInstances}. */
export interface StoreOptions {
  /** Connection, association and PDU time limits (ms). Default 30 s each. */
  readonly timeoutMs?: number;
  /** Aborts the association. */
  readonly signal?: AbortSignal;
  /** Distinct SOP classes per association (each takes up to 3 of the 128 contexts). Default 40. */
  readonly sopClassesPerAssociation?: number;
}

const UNCOMPRESSED = new Set([
  constants.TransferSyntax.ExplicitVRLittleEndian,
  constants.TransferSyntax.ImplicitVRLittleEndian,
]);

/**
 * A data set that sends the stored bytes verbatim; its full attributes are parsed only if
 * dcmjs-dimse must re-encode it for another (uncompressed) transfer syntax.
 */
class StoredDataset extends Dataset {
  private full: Record<string, unknown> | undefined;

  constructor(
    private readonly body: Buffer,
    meta: Part10Meta,
  ) {
    super({ SOPClassUID: meta.sopClassUid, SOPInstanceUID: meta.sopInstanceUid }, meta.transferSyntaxUid);
  }

  override getDenaturalizedDataset(): Buffer {
    return this.body;
  }

  override getElements(): Record<string, unknown> {
    if (this.full === undefined) {
      if (!UNCOMPRESSED.has(this.getTransferSyntaxUid())) {
        throw new Error(`cannot re-encode a ${this.getTransferSyntaxUid()} data set`);
      }
      this.full = new Dataset(this.body, this.getTransferSyntaxUid()).getElements();
    }
    return this.full;
  }
}

interface Pending {
  readonly index: number;
  readonly meta: Part10Meta;
  readonly request: requests.CStoreRequest;
  response?: { status: number; comment: string };
}

/** Splits instances into associations by distinct SOP class. */
function batches(items: Pending[], perAssociation: number): Pending[][] {
  const result: Pending[][] = [];
  let current: Pending[] = [];
  let classes = new Set<string>();
  for (const item of items) {
    if (!classes.has(item.meta.sopClassUid) && classes.size >= perAssociation) {
      result.push(current);
      current = [];
      classes = new Set();
    }
    classes.add(item.meta.sopClassUid);
    current.push(item);
  }
  if (current.length > 0) {
    result.push(current);
  }
  return result;
}

/** Sends one batch over one association; resolves with an error text for the whole batch, if any. */
function sendBatch(
  remote: DicomRemote,
  callingAeTitle: string,
  batch: Pending[],
  options: StoreOptions,
): Promise<string | undefined> {
  const client = new Client();
  const ownSyntax = new Set<string>();
  for (const item of batch) {
    const { sopClassUid, transferSyntaxUid } = item.meta;
    client.addRequest(item.request);
    item.request.on('response', (response: responses.CStoreResponse) => {
      item.response = { status: response.getStatus(), comment: response.getErrorComment() ?? '' };
    });
    // Compressed syntaxes get their own context from dcmjs-dimse; uncompressed ones need it here.
    const key = `${sopClassUid}|${transferSyntaxUid}`;
    if (UNCOMPRESSED.has(transferSyntaxUid) && !ownSyntax.has(key)) {
      ownSyntax.add(key);
      client.addAdditionalPresentationContext(
        new association.PresentationContext(0, sopClassUid, transferSyntaxUid),
        true,
      );
    }
  }
  const timeout = options.timeoutMs ?? 30_000;
  return new Promise((resolve) => {
    let failure: string | undefined;
    client.on('associationRejected', (reject: { result: number; source: number; reason: number }) => {
      failure = `association rejected (result ${reject.result}, source ${reject.source}, reason ${reject.reason})`;
    });
    client.on('networkError', (err: Error) => {
      failure ??= `network error: ${err.message}`;
    });
    client.on('closed', () => resolve(failure));
    const onAbort = (): void => {
      failure ??= 'aborted';
      try {
        client.abort();
      } catch {
        resolve(failure);
      }
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    client.send(remote.host, remote.port, callingAeTitle, remote.aeTitle, {
      connectTimeout: timeout,
      associationTimeout: timeout,
      pduTimeout: timeout,
    });
    // The client opens its socket synchronously; turn Nagle off as the SCP does.
    (client as unknown as { network?: { socket?: Socket } }).network?.socket?.setNoDelay(true);
  });
}

/**
 * Sends Part-10 instances to a remote AE (C-STORE SCU).
 * @param remote - host, port and AE title of the peer
 * @param callingAeTitle - our AE title
 * @param instances - Part-10 files
 * @param options - time limits, abort signal
 * @returns one result per instance, in input order
 */
export async function storeInstances(
  remote: DicomRemote,
  callingAeTitle: string,
  instances: readonly Buffer[],
  options: StoreOptions = {},
): Promise<StoreInstanceResult[]> {
  const results: StoreInstanceResult[] = new Array<StoreInstanceResult>(instances.length);
  const pending: Pending[] = [];
  instances.forEach((bytes, index) => {
    try {
      const meta = readPart10Meta(bytes);
      const dataset = new StoredDataset(bytes.subarray(meta.datasetOffset), meta);
      pending.push({ index, meta, request: new requests.CStoreRequest(dataset) });
    } catch (err) {
      results[index] = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  });
  for (const batch of batches(pending, options.sopClassesPerAssociation ?? 40)) {
    if (options.signal?.aborted === true) {
      for (const item of batch) {
        results[item.index] = { ...uidsOf(item), ok: false, error: 'aborted' };
      }
      continue;
    }
    const failure = await sendBatch(remote, callingAeTitle, batch, options);
    for (const item of batch) {
      const { response } = item;
      results[item.index] =
        response === undefined
          ? {
              ...uidsOf(item),
              ok: false,
              error:
                failure ?? `no C-STORE response (no accepted presentation context for ${item.meta.transferSyntaxUid})`,
            }
          : {
              ...uidsOf(item),
              ok: !isFailureStatus(response.status),
              status: response.status,
              ...(response.comment !== '' ? { errorComment: response.comment } : {}),
            };
    }
  }
  return results;
}

function uidsOf(item: Pending): { sopClassUid: string; sopInstanceUid: string } {
  return { sopClassUid: item.meta.sopClassUid, sopInstanceUid: item.meta.sopInstanceUid };
}
