/**
 * Covers RFC 6750 §2.1 (Bearer credentials) and §3 (WWW-Authenticate challenge with
 * error="invalid_token"), and the public `/metadata` required by
 * https://hl7.org/fhir/smart-app-launch/conformance.html.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveApiToken } from '../../../../server/src/auth/api-token';
import { authenticateRequest } from '../../../../server/src/auth/middleware';
import { adminAccess, bearerToken, createStaticTokenAuthenticator } from '../../../../server/src/auth/static-token';
import { systemAccess } from '../../../../server/src/context';

describe('createStaticTokenAuthenticator', () => {
  const authenticate = createStaticTokenAuthenticator('s3cret-token');

  it('accepts exactly the configured token, any scheme case', () => {
    assert.deepEqual(authenticate('Bearer s3cret-token'), adminAccess);
    assert.deepEqual(authenticate('bearer s3cret-token'), adminAccess);
    assert.ok(adminAccess.scopes.includes('system/*.*'));
  });

  it('rejects other tokens, schemes and absent headers', () => {
    for (const header of [
      undefined,
      '',
      'Bearer s3cret-tokeN',
      'Bearer s3cret-token2',
      'Basic s3cret-token',
      's3cret-token',
    ]) {
      assert.equal(authenticate(header), undefined, String(header));
    }
  });

  it('accepts nothing when the token is empty', () => {
    assert.equal(createStaticTokenAuthenticator('')('Bearer '), undefined);
    assert.equal(createStaticTokenAuthenticator('')('Bearer x'), undefined);
  });

  it('extracts bearer tokens', () => {
    assert.equal(bearerToken('Bearer abc.def-ghi_~+/=='), 'abc.def-ghi_~+/==');
    assert.equal(bearerToken('Bearer two words'), undefined);
  });
});

describe('authenticateRequest', () => {
  const options = { mode: 'smart' as const, authenticate: createStaticTokenAuthenticator('tok') };

  it('distinguishes a missing token from an invalid one', () => {
    const missing = authenticateRequest(options, 'Patient', undefined);
    assert.equal(missing.ok, false);
    assert.ok(!missing.ok && missing.error.code === 'TESSERA_E_AUTH_MISSING_TOKEN' && missing.error.status === 401);
    assert.ok(!missing.ok && missing.challenge === 'Bearer realm="tessera"');
    const invalid = authenticateRequest(options, 'Patient', 'Bearer nope');
    assert.ok(!invalid.ok && invalid.error.code === 'TESSERA_E_AUTH_INVALID_TOKEN');
    assert.ok(!invalid.ok && invalid.challenge.includes('error="invalid_token"'));
  });

  it('lets /metadata through without a token, and everything through when auth is off', () => {
    assert.equal(authenticateRequest(options, 'metadata', undefined).ok, true);
    const off = authenticateRequest({ ...options, mode: 'off' }, 'Patient', undefined);
    assert.ok(off.ok && off.access === systemAccess);
    const good = authenticateRequest(options, 'Patient', 'Bearer tok');
    assert.ok(good.ok && good.access === adminAccess);
  });
});

describe('resolveApiToken', () => {
  it('prefers the configured token, else generates one once and keeps it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-token-'));
    try {
      assert.deepEqual(resolveApiToken(dir, 'configured'), { token: 'configured', generated: false });
      const first = resolveApiToken(join(dir, 'data'), undefined);
      assert.equal(first.generated, true);
      assert.ok(first.token.length >= 32);
      const second = resolveApiToken(join(dir, 'data'), undefined);
      assert.deepEqual(second, { token: first.token, generated: false });
      assert.equal((await readFile(join(dir, 'data', 'api-token'), 'utf8')).trim(), first.token);
      assert.equal((await stat(join(dir, 'data', 'api-token'))).mode & 0o077, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
