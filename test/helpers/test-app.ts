/**
 * The whole HTTP stack in-process for integration tests (STYLE.md habit 12): createApp on a real
 * StoreRepository over a real SQLite file in a temp directory and the real validator, driven by
 * supertest. No mocks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type express from 'express';
import supertest from 'supertest';
import { createStaticTokenAuthenticator } from '../../server/src/auth/static-token';
import { loadConfig } from '../../server/src/config';
import type { TesseraConfig } from '../../server/src/config';
import { systemAccess } from '../../server/src/context';
import { createApp } from '../../server/src/http/app';
import { silentLogger } from '../../server/src/observability/logger';
import type { Logger } from '../../server/src/observability/logger';
import { createMetrics, instrumentStore } from '../../server/src/observability/metrics';
import { createRepositoryFactory } from '../../server/src/repository/create-repository';
import type { FhirRepository } from '../../server/src/repository/repository';
import { SqliteStore } from '../../server/src/storage/sqlite/sqlite-store';
import type { Store } from '../../server/src/storage/store';
import { createValidator } from '../../server/src/validation/fhir-validator';

/** The base URL the test app reports in links and Location headers. */
export const testBaseUrl = 'http://tessera.test';

export interface TestAppOptions {
  readonly auth?: 'smart' | 'off';
  readonly token?: string;
  readonly maxBodyBytes?: number;
  /** Where logs go (silent by default). */
  readonly logger?: Logger;
  /** Readiness override (defaults to pinging the store). */
  readonly ready?: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
}

export interface TestApp {
  readonly app: express.Express;
  /** A supertest agent bound to the app (send the token yourself when auth is `smart`). */
  readonly request: supertest.Agent;
  readonly config: TesseraConfig;
  /** A system-access repository on the same store, for arranging and checking data directly. */
  readonly repo: FhirRepository;
  /** The store itself (its durable records: queue, message log). */
  readonly store: Store;
  close(): Promise<void>;
}

let validator: ReturnType<typeof createValidator> | undefined;

/**
 * Builds the app on a fresh temporary SQLite store.
 * @param options - auth mode (default off), token (default `test-token`), body limit, logger, readiness.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-http-'));
  const config: TesseraConfig = {
    ...loadConfig({ TESSERA_DATA_DIR: dir }),
    auth: options.auth ?? 'off',
    maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024,
  };
  const metrics = createMetrics();
  const raw = new SqliteStore({ path: join(dir, 'store.sqlite'), synchronous: 'normal' });
  await raw.init();
  const store = instrumentStore(raw, metrics);
  validator ??= createValidator();
  const logger = options.logger ?? silentLogger();
  const repositoryFor = createRepositoryFactory({ store, validator, baseUrl: () => testBaseUrl, logger });
  const app = createApp({
    config,
    baseUrl: () => testBaseUrl,
    repositoryFor,
    validator,
    logger,
    metrics,
    ready:
      options.ready ??
      (async () => {
        await store.ping();
        return { ok: true, checks: { store: 'ok' } };
      }),
    authenticate: createStaticTokenAuthenticator(options.token ?? 'test-token'),
    queue: store.records.queue,
  });
  return {
    app,
    request: supertest.agent(app),
    config,
    repo: repositoryFor(systemAccess),
    store,
    async close(): Promise<void> {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
