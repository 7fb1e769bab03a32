/**
 * The DIMSE listener (PS3.8 chapter 9, TCP port from TESSERA_DICOM_PORT): our own
 * `net.createServer` bound to the configured host (dcmjs-dimse's `Server.listen()` binds every
 * interface), one {@link TesseraScp} per connection, Nagle off (each C-STORE response is a small
 * PDU the peer waits for), a limit on concurrent associations, and a draining close.
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part08/chapter_9.html
 */
import './quiet-logs';
import type { AddressInfo, Socket } from 'node:net';
import { createServer } from 'node:net';
import type { Logger } from 'pino';
import type { BlobStore } from '../../../../server/src/durable/blob-store';
import type { InstanceSink } from '../ingest/types';
import type { FindIndex } from './c-find';
import type { ScpContext } from './scp';
import { TesseraScp } from './scp';

/** Options of {@link startDimseServer}. */
export interface DimseServerOptions {
  /** Address to bind (e.g. 127.0.0.1). */
  readonly host: string;
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Our AE title: association requests calling another one are rejected (reason 7). */
  readonly aeTitle: string;
  /** Calling AE titles accepted; undefined accepts any (otherwise reason 3). */
  readonly allowedCallingAets?: readonly string[];
  /** Concurrent associations; beyond it requests are rejected as transient "local limit exceeded". Default 32. */
  readonly maxAssociations?: number;
  /** Largest PDU we receive, announced in the A-ASSOCIATE-AC. Default 256 KiB. */
  readonly maxPduLength?: number;
  /** Time from connection to the first PDU (ARTIM). Default 30 s. */
  readonly associationTimeoutMs?: number;
  /** Longest silence between PDUs. Default 60 s. */
  readonly pduTimeoutMs?: number;
  /** How long `close()` lets associations finish before aborting them. Default 10 s. */
  readonly drainTimeoutMs?: number;
  /** Leading bytes of each instance kept in memory for the sink. Default 256 KiB. */
  readonly headBytes?: number;
  readonly blobs: BlobStore;
  readonly sink: InstanceSink;
  readonly index: FindIndex;
  readonly logger: Logger;
}

/** A running DIMSE listener. */
export interface DimseServer {
  /** The port bound (the chosen one when 0 was asked). */
  readonly port: number;
  /** The address bound. */
  readonly host: string;
  /** Stops accepting, waits for associations to finish (up to the drain timeout), then aborts them. */
  close(): Promise<void>;
}

/**
 * Starts the DIMSE SCP.
 * @param options - bind address, AE titles, limits, and the ports it serves (blobs, sink, index)
 * @returns the running server once it listens
 */
export async function startDimseServer(options: DimseServerOptions): Promise<DimseServer> {
  const log = options.logger.child({ component: 'dimse' });
  const maxAssociations = options.maxAssociations ?? 32;
  const connections = new Map<Socket, TesseraScp>();
  const associations = new Set<TesseraScp>();
  let draining = false;

  const ctx: ScpContext = {
    aeTitle: options.aeTitle.trim(),
    allowedCallingAets:
      options.allowedCallingAets === undefined ? undefined : new Set(options.allowedCallingAets.map((a) => a.trim())),
    maxPduLength: options.maxPduLength ?? 256 * 1024,
    blobs: options.blobs,
    sink: options.sink,
    index: options.index,
    logger: log,
    ...(options.headBytes !== undefined ? { headBytes: options.headBytes } : {}),
    admit(scp: TesseraScp): boolean {
      if (draining || associations.size >= maxAssociations) {
        return false;
      }
      associations.add(scp);
      return true;
    },
  };

  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const scp = new TesseraScp(
      socket,
      {
        associationTimeout: options.associationTimeoutMs ?? 30_000,
        pduTimeout: options.pduTimeoutMs ?? 60_000,
      },
      ctx,
    );
    scp.markConnected();
    connections.set(socket, scp);
    scp.on('networkError', (err: Error) => {
      log.warn({ err: err.message }, 'DIMSE network error');
      socket.destroy();
    });
    socket.on('close', () => {
      connections.delete(socket);
      associations.delete(scp);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'DIMSE listener error'));
  const address = server.address() as AddressInfo;
  log.info({ host: address.address, port: address.port, aeTitle: ctx.aeTitle }, 'DIMSE listening');

  return {
    port: address.port,
    host: address.address,
    async close(): Promise<void> {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const drained = new Promise<void>((resolve) => {
        const check = (): void => {
          if (connections.size === 0) {
            resolve();
          }
        };
        for (const socket of connections.keys()) {
          socket.once('close', check);
        }
        check();
      });
      const timeout = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), options.drainTimeoutMs ?? 10_000).unref(),
      );
      if ((await Promise.race([drained, timeout])) === 'timeout') {
        log.warn({ associations: connections.size }, 'DIMSE drain timed out; aborting associations');
        for (const [socket, scp] of connections) {
          try {
            scp.sendAbort();
          } catch {
            // the socket may already be unusable
          }
          socket.destroy();
        }
      }
      await closed;
    },
  };
}
