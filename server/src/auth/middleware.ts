/**
 * Bearer-token authentication for `/fhir/**` when TESSERA_AUTH=smart
 * (https://hl7.org/fhir/smart-app-launch/backend-services.html; RFC 6750 §3 for the challenge).
 * `/fhir/metadata` stays public: SMART clients discover the server from it. A missing token is
 * 401 TESSERA_E_AUTH_MISSING_TOKEN, a wrong one 401 TESSERA_E_AUTH_INVALID_TOKEN with
 * `error="invalid_token"`. With TESSERA_AUTH=off every request gets full access.
 */
import type { AccessContext } from '../context';
import { systemAccess } from '../context';
import { fhirError } from '../errors/outcome';
import type { FhirError } from '../errors/outcome';

/** The outcome of authenticating one request. */
export type AuthResult =
  | { readonly ok: true; readonly access: AccessContext }
  | { readonly ok: false; readonly error: FhirError; readonly challenge: string };

/** The options of `authenticateRequest`. */
export interface AuthOptions {
  readonly mode: 'smart' | 'off';
  readonly authenticate: (authorization: string | undefined) => AccessContext | undefined;
}

const realm = 'Bearer realm="tessera"';

/** The caller of a public endpoint who presented no valid token. */
export const anonymous: AccessContext = { subject: 'anonymous', scopes: [] };

/**
 * Decides the access context of a FHIR request.
 * @param options - auth mode and the token authenticator.
 * @param path - the path below `/fhir` (`metadata` is public).
 * @param authorization - the Authorization header.
 */
export function authenticateRequest(options: AuthOptions, path: string, authorization: string | undefined): AuthResult {
  if (options.mode === 'off' || path === 'metadata') {
    return {
      ok: true,
      access: options.mode === 'off' ? systemAccess : (options.authenticate(authorization) ?? anonymous),
    };
  }
  if (authorization === undefined || !/^bearer\s/i.test(authorization)) {
    return { ok: false, error: fhirError('TESSERA_E_AUTH_MISSING_TOKEN'), challenge: realm };
  }
  const access = options.authenticate(authorization);
  if (access === undefined) {
    return {
      ok: false,
      error: fhirError('TESSERA_E_AUTH_INVALID_TOKEN'),
      challenge: `${realm}, error="invalid_token"`,
    };
  }
  return { ok: true, access };
}
