/**
 * The Tessera process as operators run it (DESIGN.md "Runtime contract"):
 * - port 0 and the "listening" JSON line; start-up time; JSON logs
 * - the static admin token: generated at first start, kept in the data directory, printed once;
 *   401 + WWW-Authenticate without it (https://www.rfc-editor.org/rfc/rfc6750#section-3)
 * - TESSERA_AUTH=off logs a warning
 * - graceful SIGTERM (exit 0) and SIGKILL durability: every acknowledged write (201) is there
 *   after a restart (https://hl7.org/fhir/R4/http.html#create)
 * - `npm run reindex` rebuilds lost search index rows
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { startTessera } from '../helpers/start-tessera';

const root = join(__dirname, '..', '..');

async function fhir(base: string, token: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}/fhir${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', ...init.headers },
  });
}

describe('the tessera process', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tessera-process-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts on a free port, generates and prints the token once, enforces it, and drains on SIGTERM', async () => {
    const first = await startTessera({ TESSERA_DATA_DIR: dataDir });
    try {
      const listening = first.logs.find((l) => l.msg === 'listening');
      assert.ok(listening);
      assert.ok((listening.startupMs as number) < 5000, `start-up took ${String(listening.startupMs)} ms`);
      const tokenLine = first.logs.find((l) => typeof l.apiToken === 'string');
      assert.ok(tokenLine, 'the generated token is printed at first start');
      const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
      assert.equal(tokenLine.apiToken, token);

      const health = await fetch(`${first.baseUrl}/healthz`);
      assert.equal(health.status, 200);
      const denied = await fetch(`${first.baseUrl}/fhir/Patient`);
      assert.equal(denied.status, 401);
      assert.match(denied.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.equal(((await denied.json()) as { issue: { code: string }[] }).issue[0]?.code, 'login');
      const created = await fhir(first.baseUrl, token, '/Patient', {
        method: 'POST',
        body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Process' }] }),
      });
      assert.equal(created.status, 201);
    } finally {
      assert.equal(await first.stop(), 0, 'SIGTERM drains and exits 0');
    }

    const second = await startTessera({ TESSERA_DATA_DIR: dataDir });
    try {
      assert.equal(
        second.logs.some((l) => typeof l.apiToken === 'string'),
        false,
        'the token is printed only when generated',
      );
      const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
      const found = await fhir(second.baseUrl, token, '/Patient?name=process');
      const bundle = (await found.json()) as { entry?: unknown[] };
      assert.equal(bundle.entry?.length, 1, 'data survives a restart');
    } finally {
      await second.stop();
    }
  });

  it('warns when started with TESSERA_AUTH=off and then serves without a token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-noauth-'));
    const open = await startTessera({ TESSERA_DATA_DIR: dir, TESSERA_AUTH: 'off' });
    try {
      assert.ok(open.logs.some((l) => l.level === 40 && String(l.msg).includes('TESSERA_AUTH=off')));
      const res = await fetch(`${open.baseUrl}/fhir/Patient`);
      assert.equal(res.status, 200);
      assert.equal(existsSync(join(dir, 'api-token')), false);
    } finally {
      await open.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('loses no acknowledged write when killed with SIGKILL under load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-kill-'));
    const token = 'kill-test-token';
    const env = { TESSERA_DATA_DIR: dir, TESSERA_API_TOKEN: token };
    const victim = await startTessera(env);
    const acknowledged: { id: string; family: string }[] = [];
    let stop = false;
    const writer = async (worker: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const family = `Kill${worker}x${i}`;
        try {
          const res = await fhir(victim.baseUrl, token, '/Patient', {
            method: 'POST',
            body: JSON.stringify({ resourceType: 'Patient', name: [{ family }] }),
          });
          if (res.status === 201) {
            const body = (await res.json()) as { id: string };
            acknowledged.push({ id: body.id, family });
          }
        } catch {
          return; // the connection died with the process
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    while (acknowledged.length < 200) {
      await new Promise((r) => setTimeout(r, 10));
    }
    victim.child.kill('SIGKILL');
    assert.equal(await victim.exited, 'SIGKILL');
    stop = true;
    await Promise.all(writers);

    const revived = await startTessera(env);
    try {
      for (const { id, family } of acknowledged) {
        const res = await fhir(revived.baseUrl, token, `/Patient/${id}`);
        assert.equal(res.status, 200, `acknowledged Patient/${id} is present`);
        const patient = (await res.json()) as { name: { family: string }[] };
        assert.equal(patient.name[0]?.family, family);
      }
    } finally {
      await revived.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rebuilds lost search index rows with npm run reindex', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-reindex-'));
    const token = 'reindex-token';
    const env = { TESSERA_DATA_DIR: dir, TESSERA_API_TOKEN: token };
    const server = await startTessera(env);
    try {
      const res = await fhir(server.baseUrl, token, '/Patient', {
        method: 'POST',
        body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Reindexed' }] }),
      });
      assert.equal(res.status, 201);
    } finally {
      await server.stop();
    }
    const db = new Database(join(dir, 'tessera.sqlite'));
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'Patient%string%'")
      .all() as { name: string }[];
    assert.ok(tables.length > 0);
    for (const { name } of tables) {
      db.prepare(`DELETE FROM "${name}"`).run();
    }
    db.close();

    const search = async (): Promise<number> => {
      const s = await startTessera(env);
      try {
        const found = await fhir(s.baseUrl, token, '/Patient?name=reindexed');
        return ((await found.json()) as { entry?: unknown[] }).entry?.length ?? 0;
      } finally {
        await s.stop();
      }
    };
    assert.equal(await search(), 0, 'the string index rows are gone');
    const reindex = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'server/src/tools/reindex.ts')], {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    assert.equal(reindex.status, 0, reindex.stderr);
    assert.equal(await search(), 1, 'reindex restored them');
    await rm(dir, { recursive: true, force: true });
  });
});
