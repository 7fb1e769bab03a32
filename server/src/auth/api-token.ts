/**
 * The static admin bearer token used until SMART on FHIR lands: TESSERA_API_TOKEN when set,
 * otherwise a random token generated at first start and kept in the data directory (mode 0600).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** File name of the generated token inside TESSERA_DATA_DIR. */
export const API_TOKEN_FILE = 'api-token';

/**
 * Returns the admin token and whether it was generated just now (so it is logged once).
 * @param dataDir - TESSERA_DATA_DIR.
 * @param configured - TESSERA_API_TOKEN, if set.
 */
export function resolveApiToken(dataDir: string, configured: string | undefined): { token: string; generated: boolean } {
  if (configured) {
    return { token: configured, generated: false };
  }
  const file = join(dataDir, API_TOKEN_FILE);
  if (existsSync(file)) {
    return { token: readFileSync(file, 'utf8').trim(), generated: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, generated: true };
}
