/**
 * Authentication for the non-FHIR operator endpoints (`/hl7/v2`, `/admin/queue`): the same bearer
 * token as `/fhir` (auth/middleware.ts); failures are OperationOutcomes with `WWW-Authenticate`.
 */
import type { Request, Response } from 'express';
import { authenticateRequest } from '../auth/middleware';
import type { AccessContext } from '../context';
import { assertAllowed, type Permission } from '../repository/access';
import { locals } from './request-context';
import { sendError } from './send';

/** How operator routes authenticate. */
export interface AdminAuth {
  readonly auth: 'smart' | 'off';
  readonly authenticate: (authorization: string | undefined) => AccessContext | undefined;
}

/** What a wrapped route requires beyond a valid token. */
export interface RouteRequirement {
  /** The resource type and permission the token's scopes must grant (e.g. DICOMweb reads: ImagingStudy `r`). */
  readonly allow?: { readonly resourceType: string; readonly permission: Permission };
}

/**
 * Wraps a route handler: authenticates, checks the requirement, then runs it, sending anything
 * thrown as an OperationOutcome.
 * @param auth - the auth mode and token check
 * @param fn - the handler
 * @param requirement - scopes the token must grant
 * @returns an express handler
 */
export function authenticated(
  auth: AdminAuth,
  fn: (req: Request, res: Response) => Promise<void>,
  requirement: RouteRequirement = {},
): (req: Request, res: Response) => void {
  return (req, res) => {
    const result = authenticateRequest(
      { mode: auth.auth, authenticate: auth.authenticate },
      'admin',
      req.headers.authorization,
    );
    if (!result.ok) {
      res.setHeader('WWW-Authenticate', result.challenge);
      sendError(res, result.error, locals(res).logger);
      return;
    }
    const allow = requirement.allow;
    Promise.resolve()
      .then(() =>
        allow === undefined ? undefined : assertAllowed(result.access, allow.resourceType, allow.permission),
      )
      .then(() => fn(req, res))
      .catch((err: unknown) => sendError(res, err, locals(res).logger));
  };
}

/**
 * The query parameters of a request.
 * @param req - the request (express's query parser is off)
 */
export function queryOf(req: Request): URLSearchParams {
  const i = req.url.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : req.url.slice(i + 1));
}
