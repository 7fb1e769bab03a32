/**
 * The static admin bearer token (TESSERA_API_TOKEN, or generated into the data directory):
 * `Authorization: Bearer <token>` grants full (`system/*.*`) access. Compared in constant time
 * (SHA-256 digests, so lengths do not leak either). SMART Backend Services tokens plug in beside it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccessContext } from '../context';

/** The access context of the static admin token. */
export const adminAccess: AccessContext = { subject: 'admin', scopes: ['system/*.*'] };

/**
 * The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 6750 §2.1).
 * @param header - the raw Authorization header.
 * @returns the token, or undefined when the header is absent or not a Bearer credential.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) {
    return undefined;
  }
  const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  return match?.[1];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Creates an authenticator accepting exactly one token. An empty token accepts nothing.
 * @param token - the admin token.
 * @returns `(authorization header) => AccessContext | undefined`.
 */
export function createStaticTokenAuthenticator(
  token: string,
): (header: string | undefined) => AccessContext | undefined {
  const expected = digest(token);
  return (header) => {
    const presented = bearerToken(header);
    if (token === '' || presented === undefined) {
      return undefined;
    }
    return timingSafeEqual(digest(presented), expected) ? adminAccess : undefined;
  };
}
