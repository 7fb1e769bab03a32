/**
 * The runtime configuration contract (DESIGN.md, "Runtime contract"): every setting is an
 * environment variable with a documented default. Parsed once, in one place.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

export interface TesseraConfig {
  /** TESSERA_HTTP_PORT (8080); 0 picks a free port. */
  readonly httpPort: number;
  /** TESSERA_HOST (127.0.0.1): address every listener binds. */
  readonly host: string;
  /** TESSERA_BASE_URL (http://localhost:<port>); undefined until the port is known when unset. */
  readonly baseUrl?: string;
  /** TESSERA_DATA_DIR (./data): SQLite file, blobs, keys, generated API token. */
  readonly dataDir: string;
  /** TESSERA_STORE (sqlite): `sqlite` or `mongodb`. */
  readonly store: 'sqlite' | 'mongodb';
  /** TESSERA_MONGODB_URI: required when store is mongodb. */
  readonly mongodbUri?: string;
  /** TESSERA_MLLP_PORT (2575). */
  readonly mllpPort: number;
  /** TESSERA_HL7_MAX_MESSAGE_BYTES (10 MB): larger HL7 messages get an AR (MLLP and POST /hl7/v2). */
  readonly hl7MaxMessageBytes: number;
  /** TESSERA_MLLP_IDLE_TIMEOUT_MS (600000): idle MLLP connections are closed after this long. */
  readonly mllpIdleTimeoutMs: number;
  /** TESSERA_HL7_MAPPING_FILE: JSON with `identifierSystems` and `accessionSystem` (adapters/hl7/README.md). */
  readonly hl7MappingFile?: string;
  /** TESSERA_DICOM_PORT (11112). */
  readonly dicomPort: number;
  /** TESSERA_DICOM_AET (TESSERA). */
  readonly dicomAet: string;
  /** TESSERA_DICOM_ALLOWED_AETS: comma-separated calling AE titles allowed to associate; unset = any. */
  readonly dicomAllowedAets?: readonly string[];
  /** TESSERA_DICOM_MAX_ASSOCIATIONS (64): concurrent associations; more are rejected (transient). */
  readonly dicomMaxAssociations: number;
  /**
   * TESSERA_DICOM_MAX_PDU_BYTES (65536): the maximum PDU length Tessera receives (PS3.8 D.1). dcmjs-dimse
   * copies a PDU being received once per TCP chunk, so very large PDUs cost more than they save.
   */
  readonly dicomMaxPduBytes: number;
  /** TESSERA_DICOM_REMOTES: remote AEs the SCU sends to, `NAME=AET@host:port,...`. */
  readonly dicomRemotes: Readonly<Record<string, DicomRemote>>;
  /** TESSERA_AUTH (smart): `smart` requires bearer tokens, `off` serves without auth. */
  readonly auth: 'smart' | 'off';
  /** TESSERA_API_TOKEN: the static admin bearer token (else generated into the data dir). */
  readonly apiToken?: string;
  /** TESSERA_LOG_LEVEL (info). */
  readonly logLevel: string;
  /** TESSERA_MAX_BODY_BYTES (16 MiB): request bodies above this get 413. */
  readonly maxBodyBytes: number;
  /** TESSERA_SQLITE_SYNCHRONOUS (full): `full` fsyncs every commit group; `normal` trades power-loss durability for speed. */
  readonly sqliteSynchronous: 'full' | 'normal';
  /** TESSERA_ANALYZER_THREADS (CPU cores - 1, at most 4): worker threads that validate and index writes; 0 = on the main thread. */
  readonly analyzerThreads: number;
}

/** A remote DICOM application entity. */
export interface DicomRemote {
  readonly aeTitle: string;
  readonly host: string;
  readonly port: number;
}

/** Thrown for a setting that cannot be parsed; main.ts prints it and exits non-zero. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`${name} must be a port number (0-65535), got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function nonNegativeInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

/** An AE title: 1-16 characters of the default repertoire, no backslash or control character (PS3.5 6.2, VR AE). */
function isAeTitle(title: string): boolean {
  return /^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(title) && title.trim() !== '';
}

function aetList(env: NodeJS.ProcessEnv, name: string): readonly string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    return undefined;
  }
  const titles = raw.split(',').map((t) => t.trim());
  const bad = titles.find((t) => !isAeTitle(t));
  if (bad !== undefined) {
    throw new ConfigError(`${name} must list AE titles of 1-16 characters, got "${raw}"`);
  }
  return titles;
}

function dicomRemotes(env: NodeJS.ProcessEnv, name: string): Record<string, DicomRemote> {
  const raw = env[name];
  const remotes: Record<string, DicomRemote> = {};
  for (const entry of (raw ?? '').split(',').filter((e) => e.trim() !== '')) {
    const match = /^\s*([A-Za-z0-9_.-]+)=([^@]{1,16})@([^:]+):(\d{1,5})\s*$/.exec(entry);
    const remotePort = Number(match?.[4]);
    if (!match || remotePort < 1 || remotePort > 65535 || !isAeTitle((match[2] ?? '').trim())) {
      throw new ConfigError(`${name} entries must be NAME=AET@host:port, got "${entry}"`);
    }
    remotes[match[1] ?? ''] = { aeTitle: match[2] ?? '', host: match[3] ?? '', port: remotePort };
  }
  return remotes;
}

/**
 * Reads the configuration from the environment.
 * @param env - the environment (process.env by default).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TesseraConfig {
  const store = oneOf(env, 'TESSERA_STORE', ['sqlite', 'mongodb'] as const, 'sqlite');
  const mongodbUri = env.TESSERA_MONGODB_URI || undefined;
  if (store === 'mongodb' && mongodbUri === undefined) {
    throw new ConfigError('TESSERA_STORE=mongodb requires TESSERA_MONGODB_URI');
  }
  const aet = env.TESSERA_DICOM_AET || 'TESSERA';
  if (aet.length > 16) {
    throw new ConfigError(`TESSERA_DICOM_AET must be at most 16 characters, got "${aet}"`);
  }
  return {
    httpPort: port(env, 'TESSERA_HTTP_PORT', 8080),
    host: env.TESSERA_HOST || '127.0.0.1',
    baseUrl: env.TESSERA_BASE_URL ? env.TESSERA_BASE_URL.replace(/\/+$/, '') : undefined,
    dataDir: resolve(env.TESSERA_DATA_DIR || './data'),
    store,
    mongodbUri,
    mllpPort: port(env, 'TESSERA_MLLP_PORT', 2575),
    hl7MaxMessageBytes: positiveInt(env, 'TESSERA_HL7_MAX_MESSAGE_BYTES', 10 * 1024 * 1024),
    mllpIdleTimeoutMs: positiveInt(env, 'TESSERA_MLLP_IDLE_TIMEOUT_MS', 10 * 60 * 1000),
    hl7MappingFile: env.TESSERA_HL7_MAPPING_FILE ? resolve(env.TESSERA_HL7_MAPPING_FILE) : undefined,
    dicomPort: port(env, 'TESSERA_DICOM_PORT', 11112),
    dicomAet: aet,
    dicomAllowedAets: aetList(env, 'TESSERA_DICOM_ALLOWED_AETS'),
    dicomMaxAssociations: positiveInt(env, 'TESSERA_DICOM_MAX_ASSOCIATIONS', 64),
    dicomMaxPduBytes: positiveInt(env, 'TESSERA_DICOM_MAX_PDU_BYTES', 64 * 1024),
    dicomRemotes: dicomRemotes(env, 'TESSERA_DICOM_REMOTES'),
    auth: oneOf(env, 'TESSERA_AUTH', ['smart', 'off'] as const, 'smart'),
    apiToken: env.TESSERA_API_TOKEN || undefined,
    logLevel: env.TESSERA_LOG_LEVEL || 'info',
    maxBodyBytes: positiveInt(env, 'TESSERA_MAX_BODY_BYTES', 16 * 1024 * 1024),
    sqliteSynchronous: oneOf(env, 'TESSERA_SQLITE_SYNCHRONOUS', ['full', 'normal'] as const, 'full'),
    analyzerThreads: nonNegativeInt(
      env,
      'TESSERA_ANALYZER_THREADS',
      Math.min(4, Math.max(0, availableParallelism() - 1)),
    ),
  };
}
