/**
 * Express <-> FhirRequest/FhirResult (STYLE.md habit 1): everything HTTP-specific about the FHIR
 * API happens here, in this order (each step's failure status in brackets):
 * authenticate [401] -> route [404/405/400] -> `_format`/Accept [406] -> Content-Type [415] ->
 * read body [413] -> parse [400] -> interaction (in the RequestContext) -> `Prefer: return` ->
 * response. https://hl7.org/fhir/R4/http.html
 */
import type { Request, RequestHandler, Response } from 'express';
import type { AccessContext } from '../context';
import { requestContextStorage } from '../context';
import { authenticateRequest } from '../auth/middleware';
import { allOk, fhirError } from '../errors/outcome';
import { parsePrefer } from '../fhir/headers';
import { fhirRouter } from '../fhir/registry';
import type { FhirContext, FhirMethod, FhirRequest, FhirResult } from '../fhir/types';
import type { RepositoryFactory } from '../repository/create-repository';
import type { ResourceValidator } from '../validation/validator';
import { bodyKind, checkAcceptable } from './negotiation';
import { hasBody, parseFormBody, parseJsonBody, readBody } from './body';
import { locals } from './request-context';
import { sendError, sendResult } from './send';

/** What the FHIR adapter needs from the application. */
export interface FhirAdapterDeps {
  readonly auth: 'smart' | 'off';
  readonly maxBodyBytes: number;
  readonly baseUrl: () => string;
  readonly repositoryFor: RepositoryFactory;
  readonly validator: ResourceValidator;
  readonly authenticate: (authorization: string | undefined) => AccessContext | undefined;
}

const methods = new Set<string>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const bodyMethods = new Set<string>(['POST', 'PUT', 'PATCH']);
/** Interactions whose answer `Prefer: return=` shapes, https://hl7.org/fhir/R4/http.html#ops */
const writeInteractions = new Set(['create', 'update', 'conditional-update', 'patch']);
/** Query parameters about the HTTP exchange, not the FHIR request. */
const transportParams = new Set(['_format', '_pretty']);

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw fhirError('TESSERA_E_HTTP_MALFORMED_URL', `Malformed percent-encoding in path segment "${segment}"`);
  }
}

function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const path = rawPath.includes('%') ? rawPath.split('/').map(decodeSegment).join('/') : rawPath;
  return { path: path.replace(/^\/+|\/+$/g, ''), query: q < 0 ? '' : url.slice(q + 1) };
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function preferredBody(
  interaction: string,
  prefer: string | undefined,
  result: FhirResult,
): null | undefined | ReturnType<typeof allOk> {
  if (!writeInteractions.has(interaction)) {
    return undefined;
  }
  const ret = parsePrefer(prefer).return;
  if (ret === 'minimal') {
    return null;
  }
  if (ret === 'OperationOutcome') {
    return allOk(result.status === 201 ? 'Created' : 'OK');
  }
  return undefined;
}

async function handle(deps: FhirAdapterDeps, req: Request, res: Response): Promise<void> {
  const l = locals(res);
  const { path, query } = splitUrl(req.url);
  const auth = authenticateRequest(
    { mode: deps.auth, authenticate: deps.authenticate },
    path,
    header(req, 'authorization'),
  );
  if (!auth.ok) {
    res.setHeader('WWW-Authenticate', auth.challenge);
    throw auth.error;
  }
  if (!methods.has(req.method)) {
    throw fhirError('TESSERA_E_HTTP_METHOD_NOT_ALLOWED', `${req.method} is not supported`);
  }
  const method = req.method as FhirMethod;
  const { route, pathParams } = fhirRouter.match(method, path);
  l.interaction = route.interaction;
  l.resourceType = pathParams.targetType ?? pathParams.type ?? '';
  let params: [string, string][] = query === '' ? [] : [...new URLSearchParams(query)];
  checkAcceptable(params.find(([n]) => n === '_format')?.[1], header(req, 'accept'));
  if (params.some(([n]) => transportParams.has(n))) {
    params = params.filter(([n]) => !transportParams.has(n));
  }
  let body: unknown;
  if (bodyMethods.has(method) && hasBody(req)) {
    const kind = bodyKind(header(req, 'content-type'), method, path);
    const raw = await readBody(req, deps.maxBodyBytes);
    if (kind === 'form') {
      params = [...params, ...parseFormBody(raw)];
    } else if (raw.length > 0) {
      body = parseJsonBody(raw);
    }
  }
  if (route.interaction === 'transaction' && (body as { type?: unknown } | undefined)?.type === 'batch') {
    l.interaction = 'batch';
  }
  const fhirReq: FhirRequest = {
    method,
    path,
    params,
    body,
    headers: {
      ifMatch: header(req, 'if-match'),
      ifNoneMatch: header(req, 'if-none-match'),
      ifNoneExist: header(req, 'if-none-exist'),
      prefer: header(req, 'prefer'),
    },
  };
  const ctx: FhirContext = {
    repo: deps.repositoryFor(auth.access),
    baseUrl: deps.baseUrl(),
    validator: deps.validator,
    auth: deps.auth,
    logger: l.logger,
  };
  const result = await requestContextStorage.run({ requestId: l.requestId, access: auth.access }, () =>
    route.handler({ ...fhirReq, pathParams }, ctx),
  );
  sendResult(res, result, preferredBody(route.interaction, fhirReq.headers.prefer, result));
}

/**
 * The express handler for everything under `/fhir`.
 * @param deps - auth, limits, repository factory, validator and base URL.
 */
export function fhirHandler(deps: FhirAdapterDeps): RequestHandler {
  return (req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      if (locals(res).interaction === undefined) {
        locals(res).interaction = 'unknown';
      }
      sendError(res, err, locals(res).logger);
    });
  };
}
