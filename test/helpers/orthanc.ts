/**
 * A real Orthanc (Debian's package) for integration tests and benchmarks (issue 4, "Tests with
 * real peers"), isolated in its own network namespace.
 *
 * Orthanc 1.10 binds its HTTP and DICOM ports on every interface and cannot be told otherwise, so it
 * runs inside a fresh network namespace that holds only `lo` and one end of a veth pair; the other
 * end sits in the host namespace on a private /30 (`10.213.<x>.1` host side, `10.213.<x>.2`
 * Orthanc side, `x` unique per run). Orthanc is reachable only over that link; Tessera, started with
 * `TESSERA_HOST` = {@link OrthancPeer.hostAddress}, is where Orthanc's C-STORE SCU sends to. The
 * namespace is new, so Orthanc's fixed ports are always free. Storage and index live in a temporary
 * directory. The REST API needs HTTP basic auth (a random password) because the host side is
 * "remote" to Orthanc. Everything is removed by {@link OrthancPeer.stop}, at process exit, and
 * namespaces left by dead processes are swept at the next start.
 * Orthanc REST API: https://orthanc.uclouvain.be/book/users/rest.html
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ORTHANC = '/usr/sbin/Orthanc';
const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
const NS_PREFIX = 'tessera-orth-';
/** Inside the namespace every port is free. */
const HTTP_PORT = 8042;
const DICOM_PORT = 4242;

/** A private link: a network namespace plus a veth pair on a /30. */
export interface PrivateLink {
  readonly netns: string;
  /** Address of the host-side end (bind Tessera here). */
  readonly hostAddress: string;
  /** Address of the namespace-side end (Orthanc's ports). */
  readonly peerAddress: string;
  /** Deletes the link and the namespace (idempotent, synchronous). */
  destroy(): void;
}

/** A DICOM modality as Orthanc's `DicomModalities` describes it. */
export interface OrthancModality {
  aet: string;
  host: string;
  port: number;
}

/** Orthanc's `GET /statistics`. */
export interface OrthancStatistics {
  CountInstances: number;
  CountSeries: number;
  CountStudies: number;
  CountPatients: number;
  TotalDiskSizeMB: number;
}

/** A running, isolated Orthanc. */
export interface OrthancPeer {
  readonly link: PrivateLink;
  /** `http://<peerAddress>:8042`. */
  readonly restUrl: string;
  /** Value of the Authorization header the REST API wants. */
  readonly authorization: string;
  /** Orthanc's DICOMweb root (plugin), or undefined when the plugin is not installed. */
  readonly dicomWebUrl: string | undefined;
  readonly dicomHost: string;
  readonly dicomPort: number;
  readonly aet: string;
  /** Temporary directory holding config, storage, index and `orthanc.log`. */
  readonly dir: string;
  /** Calls the REST API; throws on a non-2xx status. */
  rest(method: string, path: string, body?: Buffer | string | object): Promise<unknown>;
  /** `POST /instances` with one Part-10 file; returns Orthanc's instance id. */
  upload(bytes: Buffer): Promise<string>;
  /** `PUT /modalities/{name}`: declares a remote DICOM node. */
  addModality(name: string, modality: OrthancModality): Promise<void>;
  /** `POST /modalities/{name}/store` (C-STORE SCU, synchronous) of the given Orthanc resource ids. */
  storeTo(name: string, resources: string[], timeoutSeconds?: number): Promise<unknown>;
  /** `GET /statistics`. */
  statistics(): Promise<OrthancStatistics>;
  /** Orthanc's log so far (for assertion messages). */
  log(): string;
  /** Stops Orthanc, removes the link, the namespace and the temporary directory. */
  stop(): Promise<void>;
}

function ip(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killNamespacePids(netns: string): void {
  for (const pid of ip(['netns', 'pids', netns])
    .out.split(/\s+/)
    .filter((p) => /^\d+$/.test(p))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Deletes namespaces (and their processes) and directories that belonged to processes no longer running. */
function sweepStale(): void {
  for (const name of readdirSync(tmpdir())) {
    const owner = /^tessera-orthanc-(\d+)-/.exec(name)?.[1];
    if (owner !== undefined && !pidAlive(Number(owner))) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
  for (const line of ip(['netns', 'list']).out.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const owner = /^tessera-orth-(\d+)-/.exec(name)?.[1];
    if (owner !== undefined && !pidAlive(Number(owner))) {
      killNamespacePids(name);
      ip(['netns', 'del', name]);
    }
  }
}

const live = new Set<() => void>();
process.once('exit', () => {
  for (const cleanup of live) {
    cleanup();
  }
});

/**
 * Why Orthanc-in-a-namespace cannot run here, or undefined when it can (Orthanc installed, `ip`
 * present, and a probe namespace could be created and deleted, which needs root/CAP_SYS_ADMIN).
 */
export function orthancUnavailableReason(): string | undefined {
  if (!existsSync(ORTHANC)) {
    return `${ORTHANC} not installed (apt-get install orthanc)`;
  }
  if (spawnSync('ip', ['-V']).status !== 0) {
    return '`ip` not installed (apt-get install iproute2)';
  }
  const probe = `${NS_PREFIX}${process.pid}-probe`;
  const added = ip(['netns', 'add', probe]);
  ip(['netns', 'del', probe]);
  return added.ok ? undefined : `cannot create a network namespace (needs root): ${added.out}`;
}

/** True when DICOMweb (STOW-RS/QIDO-RS) is available in Orthanc (Debian's orthanc-dicomweb). */
export function orthancHasDicomWeb(): boolean {
  return existsSync(DICOMWEB_PLUGIN);
}

/** Creates a namespace with `lo` up and a veth pair on a free 10.213.x.0/30. */
export function createPrivateLink(): PrivateLink {
  sweepStale();
  const used = ip(['-o', 'addr']).out;
  const start = 1 + ((randomBytes(1)[0] ?? 0) % 250);
  for (let i = 0; i < 250; i++) {
    const x = ((start + i) % 250) + 1;
    if (used.includes(`10.213.${x}.`)) {
      continue;
    }
    const netns = `${NS_PREFIX}${process.pid}-${x}`;
    const hostIf = `tsorth${x}h`;
    if (!ip(['netns', 'add', netns]).ok) {
      continue;
    }
    const destroy = (): void => {
      killNamespacePids(netns);
      ip(['link', 'del', hostIf]);
      ip(['netns', 'del', netns]);
      live.delete(destroy);
    };
    live.add(destroy);
    // The link name is the lock on x: adding it fails when another run holds the same x.
    if (!ip(['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'orth0', 'netns', netns]).ok) {
      destroy();
      continue;
    }
    const steps = [
      ['addr', 'add', `10.213.${x}.1/30`, 'dev', hostIf],
      ['link', 'set', hostIf, 'up'],
      ['-n', netns, 'addr', 'add', `10.213.${x}.2/30`, 'dev', 'orth0'],
      ['-n', netns, 'link', 'set', 'orth0', 'up'],
      ['-n', netns, 'link', 'set', 'lo', 'up'],
    ];
    for (const step of steps) {
      const r = ip(step);
      if (!r.ok) {
        destroy();
        throw new Error(`ip ${step.join(' ')}: ${r.out}`);
      }
    }
    return { netns, hostAddress: `10.213.${x}.1`, peerAddress: `10.213.${x}.2`, destroy };
  }
  throw new Error('no free 10.213.x.0/30 for a private link');
}

function orthancConfig(dir: string, aet: string, password: string): object {
  return {
    Name: 'tessera-test-orthanc',
    StorageDirectory: join(dir, 'storage'),
    IndexDirectory: join(dir, 'index'),
    StorageCompression: false,
    Plugins: orthancHasDicomWeb() ? [DICOMWEB_PLUGIN] : [],
    HttpServerEnabled: true,
    HttpPort: HTTP_PORT,
    OrthancExplorerEnabled: false,
    WebDavEnabled: false,
    HttpCompressionEnabled: false,
    DicomServerEnabled: true,
    DicomAet: aet,
    DicomPort: DICOM_PORT,
    DicomCheckCalledAet: false,
    AcceptedTransferSyntaxes: ['1.2.840.10008.1.*'],
    // Reachable only over the private link; the host side is "remote", so basic auth guards it.
    RemoteAccessAllowed: true,
    AuthenticationEnabled: true,
    RegisteredUsers: { tessera: password },
    DicomModalities: {},
    DicomModalitiesInDatabase: false,
    SaveJobs: false,
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: true },
  };
}

/**
 * Starts Orthanc in a new private link's namespace and waits until `GET /system` answers.
 * @param options - `aet` (default ORTHANC), `readyTimeoutMs` (default 30 s).
 * @returns the running peer; call `stop()` in an `after` hook.
 */
export async function startOrthanc(options: { aet?: string; readyTimeoutMs?: number } = {}): Promise<OrthancPeer> {
  const aet = options.aet ?? 'ORTHANC';
  const link = createPrivateLink();
  const dir = mkdtempSync(join(tmpdir(), `tessera-orthanc-${process.pid}-`));
  const password = randomBytes(12).toString('hex');
  const configPath = join(dir, 'orthanc.json');
  writeFileSync(configPath, JSON.stringify(orthancConfig(dir, aet, password), null, 2));
  const logPath = join(dir, 'orthanc.log');
  const logFd = openSync(logPath, 'a');
  // `ip netns exec` execs Orthanc, so the child's pid is Orthanc's. dcmtk reads TCP_NODELAY.
  const child: ChildProcess = spawn('ip', ['netns', 'exec', link.netns, ORTHANC, configPath], {
    env: { ...process.env, TCP_NODELAY: '1' },
    stdio: ['ignore', logFd, logFd],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanup = (): void => {
    child.kill('SIGKILL');
    link.destroy();
    rmSync(dir, { recursive: true, force: true });
    live.delete(cleanup);
  };
  live.add(cleanup);
  const restUrl = `http://${link.peerAddress}:${HTTP_PORT}`;
  const authorization = `Basic ${Buffer.from(`tessera:${password}`).toString('base64')}`;
  const log = (): string => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');

  const rest = async (method: string, path: string, body?: Buffer | string | object): Promise<unknown> => {
    const payload =
      body === undefined || Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${restUrl}${path}`, { method, headers: { authorization }, body: payload });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`Orthanc ${method} ${path}: ${res.status} ${text}`);
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };

  const peer: OrthancPeer = {
    link,
    restUrl,
    authorization,
    dicomWebUrl: orthancHasDicomWeb() ? `${restUrl}/dicom-web` : undefined,
    dicomHost: link.peerAddress,
    dicomPort: DICOM_PORT,
    aet,
    dir,
    rest,
    log,
    upload: async (bytes) => ((await rest('POST', '/instances', bytes)) as { ID: string }).ID,
    addModality: async (name, m) => {
      await rest('PUT', `/modalities/${name}`, { AET: m.aet, Host: m.host, Port: m.port });
    },
    storeTo: (name, resources, timeoutSeconds = 60) =>
      rest('POST', `/modalities/${name}/store`, { Resources: resources, Synchronous: true, Timeout: timeoutSeconds }),
    statistics: async () => (await rest('GET', '/statistics')) as OrthancStatistics,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
      }
      cleanup();
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) {
      const text = log();
      cleanup();
      throw new Error(`Orthanc exited (${child.exitCode}) before answering: ${text.slice(-2000)}`);
    }
    try {
      await rest('GET', '/system');
      return peer;
    } catch (err) {
      if (Date.now() > deadline) {
        await peer.stop();
        throw new Error(`Orthanc did not answer GET /system: ${String(err)}\n${log().slice(-2000)}`);
      }
    }
    await sleep(100);
  }
}
