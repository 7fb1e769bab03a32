/**
 * A small closed-loop HTTP load generator: `connections` workers on keep-alive sockets, each
 * sending its next request as soon as the previous answer arrived, for `durationMs`. Every
 * request's latency is recorded, so percentiles (p95 included) are exact. Written here because
 * autocannon reuses a stale Content-Length when one connection alternates body-less and body
 * requests (the mixed workload), which stalls the connection.
 */
import { Agent, request as httpRequest } from 'node:http';

export interface LoadRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: string;
}

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationMs: number;
  readonly headers: Record<string, string>;
  readonly next: () => LoadRequest;
  readonly onResponse?: (status: number, body: string, request: LoadRequest) => void;
}

export interface LoadResult {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { p50: number; p90: number; p95: number; p99: number; max: number };
  readonly statuses: Record<string, number>;
  readonly errors: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] as number) * 100) / 100;
}

function send(agent: Agent, options: LoadOptions, req: LoadRequest): Promise<{ status: number; body: string }> {
  const url = new URL(options.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (req.body !== undefined) {
      headers['content-length'] = Buffer.byteLength(req.body);
    } else {
      delete headers['content-type'];
    }
    const r = httpRequest(
      { agent, host: url.hostname, port: url.port, method: req.method, path: req.path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

/**
 * Runs the load and returns throughput and exact latency percentiles.
 * @param options - target, concurrency, duration and the request generator.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const req = options.next();
      const t0 = performance.now();
      try {
        const { status, body } = await send(agent, options, req);
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
        options.onResponse?.(status, body, req);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, () => worker()));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    requestsPerSecond: Math.round(latencies.length / elapsed),
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: percentile(sorted, 100),
    },
    statuses,
    errors,
  };
}
