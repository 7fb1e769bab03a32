/**
 * DICOMweb at `/dicomweb` (PS3.18; the Studies Service, chapter 10): STOW-RS (10.5), QIDO-RS
 * (10.6) and WADO-RS (10.4) for viewers such as OHIF. Express only routes and writes; the
 * protocol lives in adapters/dicom/src/dicomweb. Same bearer token as `/fhir`: reads need a
 * scope granting ImagingStudy read, STOW-RS one granting ImagingStudy create (SMART v2 letters
 * `r`/`c`). Errors are OperationOutcomes, like every other Tessera endpoint.
 */
import type { Writable } from 'node:stream';
import express from 'express';
import type { Request, Response } from 'express';
import { qidoSearch } from '../../../adapters/dicom/src/dicomweb/qido';
import { parseFrameList } from '../../../adapters/dicom/src/dicomweb/frames';
import { requireDicomJson } from '../../../adapters/dicom/src/dicomweb/negotiate';
import { parseRenderOptions, retrieveRendered } from '../../../adapters/dicom/src/dicomweb/rendered';
import { receiveStow } from '../../../adapters/dicom/src/dicomweb/stow';
import { stowResponse } from '../../../adapters/dicom/src/dicomweb/stow-response';
import type { DicomPath } from '../../../adapters/dicom/src/dicomweb/urls';
import type { StreamedResponse, WadoDeps } from '../../../adapters/dicom/src/dicomweb/wado';
import { retrieveFrames, retrieveInstances, retrieveMetadata } from '../../../adapters/dicom/src/dicomweb/wado';
import type { InstanceSink } from '../../../adapters/dicom/src/ingest/types';
import type { AccessContext } from '../context';
import type { BlobStore } from '../durable/blob-store';
import type { DicomIndex, DicomLevel } from '../durable/dicom-index';
import { fhirError } from '../errors/outcome';
import type { Permission } from '../repository/access';
import { authenticated, queryOf } from './admin-auth';

/** What the DICOMweb service is built from. */
export interface DicomwebDeps {
  readonly index: DicomIndex;
  readonly blobs: BlobStore;
  readonly sink: InstanceSink;
  /** Public base URL without trailing slash (the DICOMweb root is `<baseUrl>/dicomweb`); defaults to the app's. */
  readonly baseUrl?: string | (() => string);
  /** Largest STOW-RS body accepted, in bytes (no limit when absent). */
  readonly maxStowBytes?: number;
}

/** The router's dependencies: the service plus the auth settings of the other operator routes. */
export interface DicomwebRoutesDeps extends DicomwebDeps {
  readonly auth: 'smart' | 'off';
  readonly authenticate: (authorization: string | undefined) => AccessContext | undefined;
}

const dicomJson = 'application/dicom+json';
type Handler = (req: Request, res: Response) => Promise<void>;

function sendDicomJson(res: Response, status: number, body: unknown, warnings: readonly string[] = []): void {
  for (const warning of warnings) {
    res.append('Warning', `299 tessera "${warning.replace(/"/g, "'")}"`);
  }
  const text = JSON.stringify(body);
  res.status(status).setHeader('Content-Type', dicomJson);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

async function sendStreamed(res: Response, response: StreamedResponse): Promise<void> {
  res.status(200).setHeader('Content-Type', response.contentType);
  await response.write(res as Writable);
  res.end();
}

function param(req: Request, name: string): string {
  return String(req.params[name]);
}

function pathOf(req: Request): Required<DicomPath> {
  return { studyUid: param(req, 'study'), seriesUid: param(req, 'series'), sopInstanceUid: param(req, 'instance') };
}

function scopedPath(req: Request): DicomPath {
  const path: { studyUid: string; seriesUid?: string; sopInstanceUid?: string } = { studyUid: param(req, 'study') };
  if (req.params.series !== undefined) {
    path.seriesUid = param(req, 'series');
  }
  if (req.params.instance !== undefined) {
    path.sopInstanceUid = param(req, 'instance');
  }
  return path;
}

/**
 * Creates the `/dicomweb` router.
 * @param deps - index, blob store, ingest sink, base URL, size limit and auth settings
 */
export function dicomwebRouter(deps: DicomwebRoutesDeps): express.Router {
  const router = express.Router();
  const root = (): string => `${typeof deps.baseUrl === 'function' ? deps.baseUrl() : (deps.baseUrl ?? '')}/dicomweb`;
  const wado = (): WadoDeps => ({ index: deps.index, blobs: deps.blobs, root: root() });

  const guarded = (permission: Permission, fn: Handler): ((req: Request, res: Response) => void) =>
    authenticated(deps, fn, { allow: { resourceType: 'ImagingStudy', permission } });

  const stow: Handler = async (req, res) => {
    const studyUid = req.params.study === undefined ? undefined : param(req, 'study');
    const length = req.headers['content-length'];
    const results = await receiveStow(deps, {
      body: req,
      contentType: req.headers['content-type'],
      ...(length !== undefined ? { contentLength: Number(length) } : {}),
      ...(studyUid !== undefined ? { studyUid } : {}),
    });
    const { status, body } = stowResponse(root(), results, studyUid);
    sendDicomJson(res, status, body);
  };
  router.post('/dicomweb/studies', guarded('c', stow));
  router.post('/dicomweb/studies/:study', guarded('c', stow));

  const qido =
    (level: DicomLevel): Handler =>
    async (req, res) => {
      requireDicomJson(req.headers.accept);
      const scope = {
        ...(req.params.study !== undefined ? { studyUid: param(req, 'study') } : {}),
        ...(req.params.series !== undefined ? { seriesUid: param(req, 'series') } : {}),
      };
      const { matches, warnings } = await qidoSearch(deps.index, root(), level, queryOf(req), scope);
      if (matches.length === 0) {
        for (const warning of warnings) {
          res.append('Warning', `299 tessera "${warning}"`);
        }
        res.status(204).end();
        return;
      }
      sendDicomJson(res, 200, matches, warnings);
    };
  router.get('/dicomweb/studies', guarded('r', qido('study')));
  router.get('/dicomweb/series', guarded('r', qido('series')));
  router.get('/dicomweb/instances', guarded('r', qido('instance')));
  router.get('/dicomweb/studies/:study/series', guarded('r', qido('series')));
  router.get('/dicomweb/studies/:study/instances', guarded('r', qido('instance')));
  router.get('/dicomweb/studies/:study/series/:series/instances', guarded('r', qido('instance')));

  const retrieve: Handler = async (req, res) => {
    await sendStreamed(res, await retrieveInstances(wado(), scopedPath(req), req.headers.accept));
  };
  const metadata: Handler = async (req, res) => {
    requireDicomJson(req.headers.accept);
    sendDicomJson(res, 200, await retrieveMetadata(wado(), scopedPath(req)));
  };
  for (const path of [
    '/dicomweb/studies/:study',
    '/dicomweb/studies/:study/series/:series',
    '/dicomweb/studies/:study/series/:series/instances/:instance',
  ]) {
    router.get(path, guarded('r', retrieve));
    router.get(`${path}/metadata`, guarded('r', metadata));
  }
  const instancePath = '/dicomweb/studies/:study/series/:series/instances/:instance';
  router.get(
    `${instancePath}/frames/:frames`,
    guarded('r', async (req, res) => {
      const numbers = parseFrameList(param(req, 'frames'));
      await sendStreamed(res, await retrieveFrames(wado(), pathOf(req), numbers, req.headers.accept));
    }),
  );
  const rendered =
    (frameOf: (req: Request) => number): Handler =>
    async (req, res) => {
      const options = parseRenderOptions(queryOf(req), req.headers.accept, frameOf(req));
      const { contentType, body } = await retrieveRendered(wado(), pathOf(req), options);
      res.status(200).setHeader('Content-Type', contentType);
      res.setHeader('Content-Length', body.length);
      res.end(body);
    };
  router.get(
    `${instancePath}/rendered`,
    guarded(
      'r',
      rendered(() => 1),
    ),
  );
  router.get(
    `${instancePath}/frames/:frames/rendered`,
    guarded(
      'r',
      rendered((req) => {
        const [frame, ...rest] = parseFrameList(param(req, 'frames'));
        if (rest.length > 0) {
          throw fhirError('TESSERA_E_SEARCH_INVALID_VALUE', 'A rendered frame names exactly one frame');
        }
        return frame as number;
      }),
    ),
  );
  return router;
}
