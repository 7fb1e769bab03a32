/**
 * Starts the real Tessera process (server/src/main.ts through tsx) on free ports, the way an
 * operator would, and finds its ports from the "listening" JSON log line (DESIGN.md, "Runtime
 * contract"). Tests end what they start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export interface TesseraProcess {
  readonly child: ChildProcess;
  readonly httpPort: number;
  /** The MLLP (HL7 v2) port. */
  readonly mllpPort: number;
  /** The DICOM DIMSE port (`"dicom"` in the listening line); undefined while there is no DICOM listener. */
  readonly dicomPort: number | undefined;
  readonly baseUrl: string;
  /** Every JSON log line printed so far. */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<number | string>;
}

/**
 * Spawns Tessera with every port 0 (free ports) and the given extra environment.
 * @param env - extra TESSERA_* variables (TESSERA_DATA_DIR at least).
 */
export async function startTessera(env: Record<string, string>): Promise<TesseraProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      TESSERA_HTTP_PORT: '0',
      TESSERA_MLLP_PORT: '0',
      TESSERA_DICOM_PORT: '0',
      TESSERA_HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  const listening = new Promise<Record<string, unknown>>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'listening') {
            resolve(entry);
          }
        } catch {
          // not a JSON line
        }
      }
    });
    void exited.then((code) => reject(new Error(`tessera exited (${code}) before listening: ${stderr}`)));
  });
  const line = await listening;
  const httpPort = line.http as number;
  return {
    child,
    httpPort,
    mllpPort: line.mllp as number,
    dicomPort: typeof line.dicom === 'number' ? line.dicom : undefined,
    baseUrl: `http://127.0.0.1:${httpPort}`,
    logs,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
      }
      return exited;
    },
  };
}
