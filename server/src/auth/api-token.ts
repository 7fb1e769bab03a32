/**
 * Where the static admin token comes from: TESSERA_API_TOKEN when set, else the token kept in
 * `<dataDir>/api-token` (created on first start with 32 random bytes, file mode 0600), so a
 * restarted server keeps accepting the same token.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The token and whether it was generated just now (main.ts logs it once). */
export interface ApiToken {
  readonly token: string;
  readonly generated: boolean;
}

/**
 * Resolves the admin API token.
 * @param dataDir - the data directory (TESSERA_DATA_DIR).
 * @param configured - TESSERA_API_TOKEN, when set.
 */
export function resolveApiToken(dataDir: string, configured: string | undefined): ApiToken {
  if (configured !== undefined && configured !== '') {
    return { token: configured, generated: false };
  }
  const file = join(dataDir, 'api-token');
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored !== '') {
      return { token: stored, generated: false };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw err;
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, generated: true };
}
