/**
 * Crash safety of the SQLite store: a child process writes through SqliteStore transactions
 * and is SIGKILLed mid-stream; the file is then reopened and checked.
 *
 * Covers:
 * - https://hl7.org/fhir/R4/http.html#transaction (all-or-nothing), Store.transaction's
 *   durability contract (an acknowledged transaction is committed)
 * - https://www.sqlite.org/atomiccommit.html, https://www.sqlite.org/wal.html (recovery on open),
 *   https://www.sqlite.org/pragma.html#pragma_integrity_check
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../server/src/storage/sqlite/sqlite-store';

const ROOT = resolve(__dirname, '../..');
const WRITER = join(ROOT, 'test/helpers/sqlite-crash-writer.ts');
const ACKS_BEFORE_KILL = 400;

interface Ack {
  readonly k: number;
  readonly group: string;
  readonly groupVersion: number;
}

/** Runs the writer until it has acknowledged `acks` transactions, SIGKILLs it, returns every ack it printed. */
function runWriterAndKill(dbFile: string, acks: number): Promise<Ack[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dbFile], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    let stderr = '';
    const lines: string[] = [];
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts);
      if (!killed && lines.length >= acks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`writer exited before the kill (${String(signal)}): ${stderr}`));
        return;
      }
      resolvePromise(lines.map((l) => JSON.parse(l) as Ack));
    });
  });
}

describe('SQLite crash safety (SIGKILL during group-committed writes)', { timeout: 120_000 }, () => {
  let dir: string;
  let dbFile: string;
  let acks: Ack[];
  let store: SqliteStore;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tessera-crash-'));
    dbFile = join(dir, 'crash.sqlite');
    acks = await runWriterAndKill(dbFile, ACKS_BEFORE_KILL);
    store = new SqliteStore({ path: dbFile });
    await store.init();
  });

  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('acknowledged at least the requested number of transactions before the kill', () => {
    assert.ok(acks.length >= ACKS_BEFORE_KILL, `only ${acks.length} acks`);
  });

  it('the database passes PRAGMA integrity_check', () => {
    const db = new Database(dbFile, { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
  });

  it('every acknowledged write is present with the right version and content', async () => {
    for (const ack of acks) {
      const patient = await store.readCurrent('Patient', `p${ack.k}`);
      assert.equal(patient?.versionId, 1, `Patient/p${ack.k}`);
      assert.deepEqual(JSON.parse(patient.json).identifier, [{ value: String(ack.k) }]);
      const obs = await store.readCurrent('Observation', `o${ack.k}`);
      assert.equal(JSON.parse(obs?.json ?? '{}').subject?.reference, `Patient/p${ack.k}`);
      const group = await store.readVersion('Group', ack.group, ack.groupVersion);
      assert.equal(JSON.parse(group?.json ?? '{}').last, ack.k, `Group/${ack.group}/_history/${ack.groupVersion}`);
    }
  });

  it('no transaction is half present: all three writes of each transaction k or none', async () => {
    const patients = await scanAll('Patient');
    const observations = new Set((await scanAll('Observation')).map((r) => r.id));
    const groupLasts = new Set<number>();
    for (const g of ['g0', 'g1', 'g2', 'g3', 'g4']) {
      const history = await store.history({ resourceType: 'Group', id: g, count: 100_000 });
      const versions = history.versions.map((v) => v.versionId);
      assert.deepEqual(
        versions,
        versions.map((_, i) => versions.length - i),
        `contiguous versions of ${g}`,
      );
      history.versions.forEach((v) => groupLasts.add(JSON.parse(v.json).last as number));
    }
    const ks = new Set(patients.map((p) => Number(p.id.slice(1))));
    assert.ok(ks.size >= acks.length);
    for (const k of ks) {
      assert.ok(observations.has(`o${k}`), `Observation/o${k} missing while Patient/p${k} present`);
      assert.ok(groupLasts.has(k), `Group version of transaction ${k} missing`);
    }
    assert.equal(observations.size, ks.size);
    assert.equal(groupLasts.size, ks.size);
    // Index rows committed with their resources: each patient is found by its identifier.
    const sample = [...ks].slice(0, 20);
    for (const k of sample) {
      const found = await store.search({
        resourceTypes: ['Observation'],
        conditions: [{ kind: 'reference', code: 'subject', targetType: 'Patient', targetId: `p${k}` }],
        sort: [],
        count: 5,
        total: 'none',
      });
      assert.deepEqual(
        found.hits.map((h) => h.resource.id),
        [`o${k}`],
      );
    }
  });

  async function scanAll(type: string): Promise<{ id: string }[]> {
    const out: { id: string }[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.scan(type, after, 500);
      if (page.length === 0) {
        return out;
      }
      out.push(...page);
      after = page[page.length - 1]?.id;
    }
  }
});
