/**
 * DICOM operations for operators (issue 4, "Storage"; "Nothing lost, no silent failure"):
 * - `GET /admin/dicom/rejections?_count=..&_offset=..`: what C-STORE and STOW-RS refused, newest
 *   first, with the DIMSE status sent, the reason and the blob address of the bytes received;
 * - `POST /admin/dicom/$verify`: the integrity check: re-hashes every stored instance's Part-10
 *   file and reports the ones whose bytes no longer match their SHA-256 address, or are missing.
 * Same bearer token as `/fhir`; errors are OperationOutcomes.
 */
import express from 'express';
import type { AccessContext } from '../context';
import type { BlobStore } from '../durable/blob-store';
import type { DicomIndex } from '../durable/dicom-index';
import { authenticated, queryOf } from './admin-auth';
import { sendJson } from './send';

/** Dependencies of the DICOM admin routes. */
export interface DicomAdminRoutesDeps {
  readonly index: DicomIndex;
  readonly blobs: BlobStore;
  readonly auth: 'smart' | 'off';
  readonly authenticate: (authorization: string | undefined) => AccessContext | undefined;
}

const MAX_LIST = 1000;

/**
 * Creates the `/admin/dicom` router.
 * @param deps - the index, the blob store and auth settings
 * @returns the router
 */
export function dicomAdminRouter(deps: DicomAdminRoutesDeps): express.Router {
  const router = express.Router();
  router.get(
    '/admin/dicom/rejections',
    authenticated(deps, async (req, res) => {
      const q = queryOf(req);
      const limit = Math.min(Number(q.get('_count') ?? 100) || 100, MAX_LIST);
      const offset = Math.max(Number(q.get('_offset') ?? 0) || 0, 0);
      const rejections = await deps.index.listRejections({ limit, offset });
      sendJson(res, 200, JSON.stringify({ rejections }));
    }),
  );
  router.post(
    '/admin/dicom/\\$verify',
    authenticated(deps, async (_req, res) => {
      const started = Date.now();
      const addresses = await deps.index.listBlobAddresses();
      const result = await deps.blobs.verify(addresses);
      sendJson(
        res,
        200,
        JSON.stringify({
          checked: result.checked,
          bytes: result.bytes,
          ok: result.mismatches.length === 0,
          mismatches: result.mismatches,
          ms: Date.now() - started,
        }),
      );
    }),
  );
  return router;
}
