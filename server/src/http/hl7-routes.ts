/**
 * HTTP access to the HL7 v2 adapter (issue 3):
 * - `POST /hl7/v2`: the message as the body (`x-application/hl7-v2+er7` or `text/plain`), the
 *   ACK as the answer, so the same processing as MLLP is reachable over HTTP;
 * - `GET /hl7/v2/messages?status=error,rejected&sender=..&_count=..&before=<id>`: the message log,
 *   newest first (operators list failed messages here);
 * - `GET /hl7/v2/messages/{id}` (JSON, raw and ACK as text) and `/raw` (the exact bytes);
 * - `POST /hl7/v2/messages/{id}/$reprocess`: runs a stored message again after a fix.
 * Every route needs the same bearer token as `/fhir` (TESSERA_AUTH=smart). Errors are
 * OperationOutcomes, like the rest of the HTTP API.
 */
import express from 'express';
import type { Request, Response } from 'express';
import type { AccessContext } from '../context';
import { MESSAGE_STATUSES } from '../durable/message-log';
import type { MessageLog, MessageRecord, MessageStatus } from '../durable/message-log';
import { fhirError } from '../errors/outcome';
import { readBody } from './body';
import { authenticated, queryOf } from './admin-auth';
import { sendJson } from './send';

/** What the HL7 routes call: the adapter's pipeline (adapters/hl7/src/inbound/pipeline.ts). */
export interface Hl7MessageHandler {
  handle(raw: Buffer, peer: string): Promise<{ ack: Buffer; id?: string; duplicate: boolean }>;
  reprocess(id: string): Promise<{ ack: Buffer; id?: string } | undefined>;
}

/** Dependencies of the HL7 routes. */
export interface Hl7RoutesDeps {
  readonly handler: Hl7MessageHandler;
  readonly messages: MessageLog;
  readonly auth: 'smart' | 'off';
  readonly authenticate: (authorization: string | undefined) => AccessContext | undefined;
  /** Largest accepted message body (the MLLP limit). */
  readonly maxMessageBytes: number;
}

/** ER7 media types (HL7 v2 over HTTP conventions) and plain text. */
const HL7_MEDIA_TYPES = new Set(['x-application/hl7-v2+er7', 'application/hl7-v2', 'text/plain']);
const ACK_MEDIA_TYPE = 'x-application/hl7-v2+er7';
const MAX_LIST = 1000;

/** MSA-1 of an ACK, for a response header. */
function ackCode(ack: Buffer): string {
  return /\rMSA\|([A-Z]{2})/.exec(ack.toString('latin1'))?.[1] ?? '';
}

function summary(record: MessageRecord): Record<string, unknown> {
  return {
    id: record.id,
    status: record.status,
    sender: record.sender,
    controlId: record.controlId,
    messageType: record.messageType,
    peer: record.peer,
    sha256: record.sha256,
    receivedAt: record.receivedAt,
    processedAt: record.processedAt,
    attempts: record.attempts,
    ackCode: record.ackCode,
    error: record.error,
  };
}

function statuses(raw: unknown): MessageStatus[] | undefined {
  if (typeof raw !== 'string' || raw === '') {
    return undefined;
  }
  const list = raw.split(',');
  for (const s of list) {
    if (!(MESSAGE_STATUSES as readonly string[]).includes(s)) {
      throw fhirError('TESSERA_E_SEARCH_INVALID_VALUE', `status must be one of ${MESSAGE_STATUSES.join(', ')}`);
    }
  }
  return list as MessageStatus[];
}

/**
 * Creates the `/hl7/v2` router.
 * @param deps - the pipeline, the message log, auth settings and the size limit
 */
export function hl7Router(deps: Hl7RoutesDeps): express.Router {
  const router = express.Router();
  const run = (fn: (req: Request, res: Response) => Promise<void>): ((req: Request, res: Response) => void) =>
    authenticated(deps, fn);

  router.post(
    '/hl7/v2',
    run(async (req, res) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!HL7_MEDIA_TYPES.has(type)) {
        throw fhirError(
          'TESSERA_E_HTTP_UNSUPPORTED_MEDIA_TYPE',
          `POST /hl7/v2 takes ${[...HL7_MEDIA_TYPES].join(' or ')}, got "${type}"`,
        );
      }
      const raw = await readBody(req, deps.maxMessageBytes);
      const result = await deps.handler.handle(raw, `http://${req.socket.remoteAddress ?? ''}`);
      res.status(200);
      res.setHeader('Content-Type', ACK_MEDIA_TYPE);
      res.setHeader('X-HL7-Ack-Code', ackCode(result.ack));
      if (result.id !== undefined) {
        res.setHeader('X-HL7-Message-Id', result.id);
      }
      res.end(result.ack);
    }),
  );

  router.get(
    '/hl7/v2/messages',
    run(async (req, res) => {
      const q = queryOf(req);
      const count = Math.min(Number(q.get('_count') ?? 100) || 100, MAX_LIST);
      const list = await deps.messages.list({
        status: statuses(q.get('status') ?? undefined),
        sender: q.get('sender') ?? undefined,
        beforeId: q.get('before') ?? undefined,
        limit: count,
      });
      const last = list[list.length - 1];
      sendJson(
        res,
        200,
        JSON.stringify({ messages: list.map(summary), ...(list.length === count && last ? { next: last.id } : {}) }),
      );
    }),
  );

  const record = async (id: string): Promise<MessageRecord> => {
    const found = await deps.messages.get(id);
    if (found === undefined) {
      throw fhirError('TESSERA_E_HL7_MESSAGE_NOT_FOUND', `No HL7 message ${id}`);
    }
    return found;
  };

  router.get(
    '/hl7/v2/messages/:id',
    run(async (req, res) => {
      const found = await record(String(req.params.id));
      sendJson(
        res,
        200,
        JSON.stringify({
          ...summary(found),
          raw: found.raw.toString('latin1'),
          ack: found.ack?.toString('latin1'),
        }),
      );
    }),
  );

  router.get(
    '/hl7/v2/messages/:id/raw',
    run(async (req, res) => {
      const found = await record(String(req.params.id));
      res.status(200);
      res.setHeader('Content-Type', ACK_MEDIA_TYPE);
      res.end(found.raw);
    }),
  );

  router.post(
    '/hl7/v2/messages/:id/\\$reprocess',
    run(async (req, res) => {
      const id = String(req.params.id);
      const result = await deps.handler.reprocess(id);
      if (result === undefined) {
        throw fhirError('TESSERA_E_HL7_MESSAGE_NOT_FOUND', `No HL7 message ${id}`);
      }
      const after = await record(id);
      sendJson(res, 200, JSON.stringify({ ...summary(after), ack: result.ack.toString('latin1') }));
    }),
  );
  return router;
}
