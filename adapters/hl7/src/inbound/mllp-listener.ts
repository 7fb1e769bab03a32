/**
 * The MLLP listener on `TESSERA_MLLP_PORT` (DESIGN.md runtime contract): every frame goes through
 * the inbound pipeline and its ACK is written back on the same connection, in order (Appendix
 * C.4). An oversize frame gets an AR built from its first bytes and the connection stays usable;
 * a handler that fails unexpectedly still answers with an AR so the sender never waits forever.
 */
import type { Logger } from '../../../../server/src/observability/logger';
import { buildRejectForUnparseable } from '../message/ack';
import { APPLICATION_INTERNAL_ERROR } from '../message/error-codes';
import { MllpServer } from '../mllp/server';
import type { Hl7InboundPipeline } from './pipeline';

/** Options of the listener. */
export interface MllpListenerOptions {
  readonly pipeline: Hl7InboundPipeline;
  readonly logger: Logger;
  /** Largest accepted message (default 10 MB). */
  readonly maxFrameBytes?: number;
  /** Idle connections are closed after this long (default 10 minutes). */
  readonly idleTimeoutMs?: number;
}

/**
 * Creates the MLLP server (call `listen(port, host)`; `close()` drains in-flight messages).
 * @param options - pipeline, logger and limits
 * @returns the server
 */
export function createMllpListener(options: MllpListenerOptions): MllpServer {
  const { pipeline, logger } = options;
  const server = new MllpServer({
    maxFrameBytes: options.maxFrameBytes,
    idleTimeoutMs: options.idleTimeoutMs,
    handler: async (frame, connection) => {
      const peer = `mllp://${connection.remoteAddress}:${connection.remotePort}`;
      try {
        return (await pipeline.handle(frame, peer)).ack;
      } catch (err) {
        logger.error({ err, peer }, 'HL7 message handling failed');
        return buildRejectForUnparseable(frame, 'internal error; send the message again', APPLICATION_INTERNAL_ERROR);
      }
    },
    onOversize: async (bytes, connection, head) => {
      const limit = options.maxFrameBytes ?? 10 * 1024 * 1024;
      logger.warn(
        { bytes, limit, peer: `${connection.remoteAddress}:${connection.remotePort}` },
        'oversize HL7 message',
      );
      return buildRejectForUnparseable(head, `message of ${bytes} bytes exceeds the ${limit}-byte limit`);
    },
  });
  server.on('error', (err, connection) => {
    logger.warn({ err, connection }, 'MLLP connection error');
  });
  server.on('framing', (event, connection) => {
    logger.warn({ event: event.type, bytes: event.bytes, connection }, 'MLLP framing anomaly');
  });
  return server;
}
