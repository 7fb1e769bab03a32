/**
 * The Tessera process: configuration -> store -> repository -> listeners, the "listening" JSON
 * line (DESIGN.md, "Runtime contract"), and a graceful SIGTERM drain.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { resolveApiToken } from './auth/api-token';
import { createStaticTokenAuthenticator } from './auth/static-token';
import { ConfigError, loadConfig, type TesseraConfig } from './config';
import { systemAccess } from './context';
import { fhirDefinitionsLoaded, loadFhirDefinitions } from './definitions/fhir-definitions';
import { createMllpListener } from '../../adapters/hl7/src/inbound/mllp-listener';
import { loadMappingConfig } from '../../adapters/hl7/src/inbound/mapping-config-file';
import { Hl7InboundPipeline } from '../../adapters/hl7/src/inbound/pipeline';
import { createMllpMessageChannel } from '../../adapters/hl7/src/outbound/mllp-message-channel';
import { startSubscriptions } from './subscriptions/start-subscriptions';
import { createDicomRuntime } from './dicom-runtime';
import { createTransactionRunner } from './fhir/run-transaction';
import { createApp } from './http/app';
import { createLogger, type Logger } from './observability/logger';
import { createMetrics, instrumentStore } from './observability/metrics';
import { AnalyzerPool } from './repository/analyzer-pool';
import { createRepositoryFactory } from './repository/create-repository';
import { RepositoryEventBus } from './repository/events';
import { seedProfiles } from './repository/seed-profiles';
import { openStore } from './storage/open-store';
import type { Store } from './storage/store';
import { createValidator } from './validation/fhir-validator';

/** A running Tessera instance. */
export interface Tessera {
  readonly config: TesseraConfig;
  readonly httpPort: number;
  readonly mllpPort: number;
  /** The DICOM DIMSE port. */
  readonly dicomPort: number;
  readonly baseUrl: string;
  /** Stops accepting, drains in-flight requests and closes the store. */
  stop(): Promise<void>;
}

/**
 * Starts Tessera with the given configuration.
 * @param config - the runtime configuration.
 * @param logger - the root logger.
 */
export async function startTessera(config: TesseraConfig, logger: Logger): Promise<Tessera> {
  const started = Date.now();
  loadFhirDefinitions();
  const metrics = createMetrics();
  const store: Store = instrumentStore(await openStore(config), metrics);
  const validator = createValidator();
  let baseUrl = config.baseUrl ?? `http://localhost:${config.httpPort}`;
  const events = new RepositoryEventBus();
  const analyzer = config.analyzerThreads > 0 ? new AnalyzerPool(config.analyzerThreads) : undefined;
  const repositoryFor = createRepositoryFactory({
    store,
    validator,
    baseUrl: () => baseUrl,
    logger,
    events,
    analyzer,
    prefetched: new WeakMap(),
  });
  await seedProfiles(repositoryFor(systemAccess), validator.profiles);

  let authenticate = createStaticTokenAuthenticator('');
  if (config.auth === 'off') {
    logger.warn('TESSERA_AUTH=off: the FHIR API is served WITHOUT authentication; for local experiments only');
  } else {
    const { token, generated } = resolveApiToken(config.dataDir, config.apiToken);
    authenticate = createStaticTokenAuthenticator(token);
    if (generated) {
      logger.info({ apiToken: token }, 'generated the admin API token (shown once; kept in the data directory)');
    }
  }
  const ready = async (): Promise<{ ok: boolean; checks: Record<string, string> }> => {
    const checks: Record<string, string> = { definitions: fhirDefinitionsLoaded() ? 'ok' : 'loading' };
    try {
      await store.ping();
      checks.store = 'ok';
    } catch (err) {
      checks.store = err instanceof Error ? err.message : 'unreachable';
    }
    return { ok: Object.values(checks).every((c) => c === 'ok'), checks };
  };
  const hl7Pipeline = new Hl7InboundPipeline({
    repo: repositoryFor(systemAccess),
    messages: store.records.messages,
    runTransaction: createTransactionRunner({ baseUrl: () => baseUrl, validator }),
    logger: logger.child({ component: 'hl7' }),
    mapping: loadMappingConfig(config.hl7MappingFile),
    onOutcome: ({ ackCode, messageType, ms }) => metrics.hl7Message(messageType, ackCode, ms),
  });
  const dicom = createDicomRuntime({
    config,
    records: store.records,
    repo: repositoryFor(systemAccess),
    logger,
    metrics,
  });
  const app = createApp({
    config,
    baseUrl: () => baseUrl,
    repositoryFor,
    validator,
    logger,
    metrics,
    ready,
    authenticate,
    queue: store.records.queue,
    hl7: { handler: hl7Pipeline, messages: store.records.messages, maxMessageBytes: config.hl7MaxMessageBytes },
    dicomweb: { index: store.records.dicom, blobs: dicom.blobs, sink: dicom.ingest, baseUrl: () => baseUrl },
  });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  const httpPort = await listen(server, config.httpPort, config.host);
  if (!config.baseUrl) {
    baseUrl = `http://localhost:${httpPort}`;
  }
  // Messages a crash left between receipt and commit are processed before new ones arrive.
  const recovered = await hl7Pipeline.recover();
  if (recovered > 0) {
    logger.info({ recovered }, 'processed HL7 messages left unprocessed by the previous run');
  }
  const mllp = createMllpListener({
    pipeline: hl7Pipeline,
    logger: logger.child({ component: 'mllp' }),
    maxFrameBytes: config.hl7MaxMessageBytes,
    idleTimeoutMs: config.mllpIdleTimeoutMs,
  });
  const mllpPort = await mllp.listen(config.mllpPort, config.host);
  const dicomPort = await dicom.listen(baseUrl);
  // Outbound: FHIR Subscriptions (rest-hook; message = ORU^R01 over MLLP) through the durable queue.
  const subscriptions = startSubscriptions({
    repoFactory: repositoryFor,
    records: store.records,
    logger: logger.child({ component: 'subscriptions' }),
    events,
    senders: { message: createMllpMessageChannel({ sendingApplication: 'TESSERA' }) },
  });
  logger.info(
    { http: httpPort, mllp: mllpPort, dicom: dicomPort, store: config.store, startupMs: Date.now() - started },
    'listening',
  );

  return {
    config,
    httpPort,
    mllpPort,
    dicomPort,
    baseUrl,
    stop: async () => {
      await Promise.all([
        mllp.close(),
        dicom.stop(),
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
      ]);
      await subscriptions.stop();
      await analyzer?.close();
      await store.close();
    },
  };
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function main(): Promise<void> {
  let config: TesseraConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tessera: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const tessera = await startTessera(config, logger);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'draining');
    const force = setTimeout(() => {
      logger.error('drain timed out after 30 s; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    tessera.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `tessera: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}
