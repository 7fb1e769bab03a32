/**
 * Shared set-up for the subscription integration tests: a real SqliteStore file (reopenable, for
 * restart tests), the real repository and validator, startSubscriptions with small backoff
 * settings, and real peers: an HTTP receiver for rest-hooks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subscription } from '@medplum/fhirtypes';
import { systemAccess } from '../../../server/src/context';
import type { QueuedJob } from '../../../server/src/durable/work-queue';
import { silentLogger } from '../../../server/src/observability/logger';
import { createRepositoryFactory } from '../../../server/src/repository/create-repository';
import type { FhirRepository } from '../../../server/src/repository/repository';
import { SqliteStore } from '../../../server/src/storage/sqlite/sqlite-store';
import type { ChannelRegistry, SubscriptionsHandle } from '../../../server/src/subscriptions/start-subscriptions';
import { startSubscriptions, SUBSCRIPTION_DELIVERY_TOPIC } from '../../../server/src/subscriptions/start-subscriptions';
import { createValidator } from '../../../server/src/validation/fhir-validator';
import { waitFor } from '../../helpers/wait-for';

export { waitFor };

let validator: ReturnType<typeof createValidator> | undefined;

/** A store, a system repository and the running subscriptions. */
export interface Tessera {
  readonly store: SqliteStore;
  readonly repo: FhirRepository;
  readonly subscriptions: SubscriptionsHandle;
  /** Stops subscriptions and closes the store (the file stays). */
  stop(): Promise<void>;
}

/** Options of {@link startTessera}. */
export interface StartOptions {
  readonly senders?: ChannelRegistry;
  readonly maxAttempts?: number;
  /** Poll interval of the dispatcher and the worker (default 20 ms). */
  readonly pollMs?: number;
  /** false: open the store and repository only (writes while Subscriptions are not running). */
  readonly subscriptions?: boolean;
}

/** A temporary directory holding the SQLite file. */
export async function tempDb(): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-subs-'));
  return { path: join(dir, 'store.sqlite'), remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Opens the store at `path` and starts subscriptions on it.
 * @param path - the SQLite file (created or reopened).
 * @param options - channels and tuning.
 */
export async function startTessera(path: string, options: StartOptions = {}): Promise<Tessera> {
  const store = new SqliteStore({ path, synchronous: 'normal' });
  await store.init();
  validator ??= createValidator();
  const logger = silentLogger();
  const repo = createRepositoryFactory({ store, validator, baseUrl: () => 'http://tessera.test', logger })(
    systemAccess,
  );
  if (options.subscriptions === false) {
    const idle: SubscriptionsHandle = { stop: async () => undefined, wake: () => undefined };
    return { store, repo, subscriptions: idle, stop: () => store.close() };
  }
  const subscriptions = startSubscriptions({
    repo,
    records: store.records,
    logger,
    pollMs: options.pollMs ?? 20,
    ...(options.senders ? { senders: options.senders } : {}),
    delivery: {
      maxAttempts: options.maxAttempts ?? 30,
      timeoutMs: 3000,
      backoff: { baseMs: 25, maxMs: 200, jitter: 0.2 },
    },
  });
  return {
    store,
    repo,
    subscriptions,
    async stop(): Promise<void> {
      await subscriptions.stop();
      await store.close();
    },
  };
}

/** Creates a Subscription and waits until Tessera reviewed it (status no longer `requested`). */
export async function subscribe(
  repo: FhirRepository,
  channel: Subscription['channel'],
  criteria: string,
): Promise<Subscription> {
  const { resource } = await repo.create<Subscription>({
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'integration test',
    criteria,
    channel,
  });
  return waitFor('the Subscription to be reviewed', async () => {
    const current = await repo.read<Subscription>('Subscription', resource.id!);
    return current.status === 'requested' ? undefined : current;
  });
}

/** The delivery jobs in the queue. */
export async function deliveryJobs(tessera: Tessera): Promise<QueuedJob[]> {
  return tessera.store.records.queue.list({ topic: SUBSCRIPTION_DELIVERY_TOPIC, limit: 1000 });
}

/** One request received by the hook server. */
export interface HookRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A real HTTP peer receiving rest-hooks. */
export interface HookServer {
  readonly port: number;
  readonly url: string;
  readonly received: HookRequest[];
  /** The status to answer with (default 200). */
  status: number;
  close(): Promise<void>;
}

/**
 * Starts an HTTP receiver on 127.0.0.1.
 * @param port - 0 for a free port, or a port to reuse.
 */
export async function startHookServer(port = 0): Promise<HookServer> {
  const received: HookRequest[] = [];
  const hooks: { status: number } = { status: 200 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(hooks.status, { 'content-type': 'text/plain' });
      res.end(hooks.status >= 400 ? `refused with ${hooks.status}` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}/hook`,
    received,
    get status(): number {
      return hooks.status;
    },
    set status(value: number) {
      hooks.status = value;
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that was free a moment ago (nothing listens on it). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
