/**
 * The shared durable-records conformance suite (STYLE.md habit 4): every Store backend runs it
 * against its `records` (server/src/durable/). A backend's queue, message log, state and change
 * feed are done when this is green.
 *
 * Covers the semantics stated in the port headers:
 * - server/src/durable/work-queue.ts: enqueue dedupe per (topic, key); lease order, limit and
 *   topics; no job leased twice concurrently; expired leases handed out again with attempts
 *   counted; stale lease tokens refused; retry, backoff (`availableAt`), dead-lettering after
 *   maxAttempts; requeue; list, get, counts.
 * - server/src/durable/message-log.ts: store-before-processing, duplicate detection per
 *   (protocol, sender, control id) (HL7 v2.5.1 ch. 2.10.1, MSH-10 and original-mode
 *   acknowledgment re-sent verbatim), raw bytes byte for byte, outcomes, listing and paging.
 * - server/src/durable/state.ts and change-feed.ts: key/value state; committed versions in commit
 *   order with exact resume positions.
 * - Atomicity with resources: records written through `session.records` in `store.transaction`
 *   commit with it or not at all (https://hl7.org/fhir/R4/http.html#transaction).
 * - Durability: everything is still there after the store is closed and opened again.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ChangeRecord } from '../../server/src/durable/change-feed';
import type { ReceivedMessage } from '../../server/src/durable/message-log';
import type { ResourceWrite, Store } from '../../server/src/storage/store';

/**
 * Opens the suite's store. The first call opens a fresh, empty store; every later call opens a
 * new Store on the same underlying database (a restart). `close` closes that Store and keeps the
 * data; the caller deletes the database after the suite.
 */
export type DurableStoreFactory = () => Promise<{ store: Store; close(): Promise<void> }>;

/** A unique name per call, so tests sharing one store never see each other's jobs or messages. */
const unique = (prefix: string): string => `${prefix}-${randomBytes(6).toString('hex')}`;

const HOUR = 3_600_000;

/** Bytes that are not UTF-8 (lone continuation bytes, 0xff, NUL) framed like an MLLP message. */
const BINARY_TAIL = Buffer.from([0x00, 0x0b, 0x1c, 0x0d, 0x80, 0xbf, 0xc3, 0x28, 0xfe, 0xff]);

function message(
  sender: string,
  controlId: string,
  text = `MSH|^~\\&|${sender}|||||ORU^R01|${controlId}|P|2.5.1`,
): ReceivedMessage {
  const raw = Buffer.concat([Buffer.from(text, 'latin1'), BINARY_TAIL]);
  return {
    protocol: 'hl7v2',
    sender,
    controlId,
    messageType: 'ORU^R01',
    raw,
    sha256: createHash('sha256').update(raw).digest('hex'),
    peer: 'mllp://127.0.0.1:40000',
  };
}

let clock = Date.now();
/** A ResourceWrite with a strictly increasing lastUpdated close to the real time. */
function version(resourceType: string, id: string, versionId: number, deleted = false): ResourceWrite {
  clock = Math.max(clock + 1, Date.now());
  const lastUpdated = new Date(clock).toISOString();
  const meta = { versionId: String(versionId), lastUpdated };
  return {
    resourceType,
    id,
    versionId,
    lastUpdated,
    deleted,
    json: deleted ? '' : JSON.stringify({ resourceType, id, meta }),
    method: deleted ? 'DELETE' : versionId === 1 ? 'POST' : 'PUT',
    index: [],
    compartments: [],
  };
}

/** What a change record says about a version, without its backend-specific position. */
const summary = (c: ChangeRecord): string => `${c.resourceType}/${c.id}/${c.versionId}${c.deleted ? '/deleted' : ''}`;

/**
 * Registers the suite for one backend.
 * @param name - backend name for the test titles.
 * @param makeStore - opens the suite's store (see DurableStoreFactory).
 */
export function describeDurableRecords(name: string, makeStore: DurableStoreFactory): void {
  describe(`durable records conformance: ${name}`, () => {
    let store: Store;
    let close: () => Promise<void>;

    /**
     * The changes after `from` once the versions of `ids` show in them: a backend may hold back
     * recent changes for a settle window (see the MongoDB change feed), so this polls.
     */
    async function settledChanges(from: string | undefined, ids: readonly string[]): Promise<ChangeRecord[]> {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const changes = await store.records.changes.changesAfter(from, 10_000);
        const seen = new Set(changes.map((c) => c.id));
        if (ids.every((id) => seen.has(id)) || Date.now() > deadline) {
          return changes;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    before(async () => {
      ({ store, close } = await makeStore());
    });
    after(async () => {
      await close();
    });

    it('starts with an empty change feed', async () => {
      assert.equal(await store.records.changes.latestPosition(), undefined);
      assert.deepEqual(await store.records.changes.changesAfter(undefined, 10), []);
    });

    describe('work queue', () => {
      it('enqueue is idempotent per (topic, key), and a key is scoped to its topic', async () => {
        const q = store.records.queue;
        const topic = unique('dedupe');
        const first = await q.enqueue({ topic, key: 'k1', payload: { n: 1 } });
        const again = await q.enqueue({ topic, key: 'k1', payload: { n: 2 } });
        const other = await q.enqueue({ topic: `${topic}-b`, key: 'k1', payload: { n: 3 } });
        const unkeyed = [await q.enqueue({ topic, payload: 'a' }), await q.enqueue({ topic, payload: 'a' })];
        assert.deepEqual([first.created, again.created, other.created], [true, false, true]);
        assert.equal(again.id, first.id);
        assert.notEqual(other.id, first.id);
        assert.ok(unkeyed.every((r) => r.created));
        assert.notEqual(unkeyed[0]?.id, unkeyed[1]?.id);
        const jobs = await q.list({ topic });
        assert.deepEqual(
          jobs.map((j) => j.payload),
          [{ n: 1 }, 'a', 'a'],
        );
        const job = await q.get(first.id);
        assert.equal(job?.key, 'k1');
        assert.equal(job?.status, 'ready');
        assert.equal(job?.attempts, 0);
        assert.equal(job?.maxAttempts, 10);
        assert.equal(jobs[1]?.key, undefined);
      });

      it('concurrent enqueues of one key store one job', async () => {
        const topic = unique('race');
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, n) => store.records.queue.enqueue({ topic, key: 'same', payload: n })),
        );
        assert.equal(results.filter((r) => r.created).length, 1);
        assert.equal(new Set(results.map((r) => r.id)).size, 1);
        assert.equal((await store.records.queue.list({ topic })).length, 1);
      });

      it('leases due jobs oldest first, up to the limit, only from the topics asked for', async () => {
        const q = store.records.queue;
        const [a, b, c] = [unique('lease-a'), unique('lease-b'), unique('lease-c')];
        const now = Date.now();
        const late = await q.enqueue({ topic: a, payload: 'late', availableAt: new Date(now - 1000) });
        const early = await q.enqueue({ topic: b, payload: 'early', availableAt: new Date(now - 3000) });
        const middle = await q.enqueue({ topic: a, payload: 'middle', availableAt: new Date(now - 2000) });
        await q.enqueue({ topic: c, payload: 'other topic', availableAt: new Date(now - 5000) });
        assert.deepEqual(await q.lease([], { leaseMs: 1000, limit: 5 }), []);
        assert.deepEqual(await q.lease([a, b], { leaseMs: 1000, limit: 0 }), []);
        const leased = await q.lease([a, b], { leaseMs: 60_000, limit: 2 });
        assert.deepEqual(
          leased.map((j) => j.id),
          [early.id, middle.id],
        );
        for (const job of leased) {
          assert.equal(job.status, 'leased');
          assert.equal(job.attempts, 1);
          assert.ok(job.leaseToken.length > 0);
          assert.ok(Date.parse(job.leaseUntil ?? '') >= now + 59_000, 'leaseUntil is lease start + leaseMs');
        }
        assert.notEqual(leased[0]?.leaseToken, leased[1]?.leaseToken);
        const rest = await q.lease([a, b], { leaseMs: 60_000, limit: 5 });
        assert.deepEqual(
          rest.map((j) => j.id),
          [late.id],
        );
        assert.equal((await q.get(late.id))?.status, 'leased');
      });

      it('jobs available at the same time lease in enqueue order', async () => {
        const q = store.records.queue;
        const topic = unique('fifo');
        const at = new Date(Date.now() - 1000);
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          ids.push((await q.enqueue({ topic, payload: i, availableAt: at })).id);
        }
        const leased = await q.lease([topic], { leaseMs: 1000, limit: 10 });
        assert.deepEqual(
          leased.map((j) => j.id),
          ids,
        );
      });

      it('never hands one job to two concurrent leases', async () => {
        const q = store.records.queue;
        const topic = unique('parallel');
        const ids = new Set<string>();
        for (let i = 0; i < 12; i++) {
          ids.add((await q.enqueue({ topic, payload: i })).id);
        }
        const batches = await Promise.all(
          Array.from({ length: 5 }, () => q.lease([topic], { leaseMs: 60_000, limit: 3 })),
        );
        const leased = batches.flat().map((j) => j.id);
        assert.equal(leased.length, ids.size, 'every job leased exactly once (5 x 3 slots for 12 jobs)');
        assert.deepEqual(new Set(leased), ids);
        assert.deepEqual(await q.lease([topic], { leaseMs: 60_000, limit: 3 }), []);
      });

      it('hands out an expired lease again with the attempt counted, and refuses the stale token', async () => {
        const q = store.records.queue;
        const topic = unique('expiry');
        const { id } = await q.enqueue({ topic, payload: null });
        const now = Date.now();
        const [first] = await q.lease([topic], { leaseMs: 1000, limit: 1, now: new Date(now) });
        assert.ok(first);
        assert.deepEqual(await q.lease([topic], { leaseMs: 1000, limit: 1, now: new Date(now + 500) }), []);
        const [second] = await q.lease([topic], { leaseMs: 1000, limit: 1, now: new Date(now + 1500) });
        assert.equal(second?.id, id);
        assert.equal(second?.attempts, 2);
        assert.notEqual(second?.leaseToken, first.leaseToken);
        assert.equal(await q.complete(id, first.leaseToken), false);
        assert.equal(await q.retry(id, first.leaseToken, 'late worker', new Date(now)), false);
        assert.equal(await q.deadLetter(id, first.leaseToken, 'late worker'), false);
        assert.equal((await q.get(id))?.status, 'leased');
        assert.equal(await q.complete(id, second?.leaseToken ?? ''), true);
        const done = await q.get(id);
        assert.equal(done?.status, 'done');
        assert.equal(done?.leaseUntil, undefined);
        assert.equal(await q.complete(id, second?.leaseToken ?? ''), false, 'a token is spent once');
        assert.equal(await q.complete('no-such-job', 'token'), false);
      });

      it('retries with backoff, then dead-letters with the reason when attempts are used up', async () => {
        const q = store.records.queue;
        const topic = unique('retry');
        const { id } = await q.enqueue({ topic, payload: { to: 'mllp://lis' }, maxAttempts: 2 });
        const now = Date.now();
        const [first] = await q.lease([topic], { leaseMs: 1000, limit: 1, now: new Date(now) });
        const backoff = new Date(now + 60_000);
        assert.equal(await q.retry(id, first?.leaseToken ?? '', 'connection refused', backoff), true);
        const waiting = await q.get(id);
        assert.equal(waiting?.status, 'ready');
        assert.equal(waiting?.lastError, 'connection refused');
        assert.equal(waiting?.availableAt, backoff.toISOString());
        assert.deepEqual(await q.lease([topic], { leaseMs: 1000, limit: 1, now: new Date(now + 59_000) }), []);
        const [second] = await q.lease([topic], { leaseMs: 1000, limit: 1, now: new Date(now + 61_000) });
        assert.equal(second?.attempts, 2);
        assert.equal(await q.retry(id, second?.leaseToken ?? '', 'timeout', new Date(now + 120_000)), true);
        const dead = await q.get(id);
        assert.equal(dead?.status, 'dead');
        assert.equal(dead?.attempts, 2);
        assert.match(dead?.lastError ?? '', /timeout/);
        assert.deepEqual(await q.lease([topic], { leaseMs: 1000, limit: 1, now: new Date(now + HOUR) }), []);
      });

      it('dead-letters on request with a reason, and requeues dead jobs with fresh attempts', async () => {
        const q = store.records.queue;
        const topic = unique('dead');
        const { id } = await q.enqueue({ topic, payload: 1 });
        assert.equal(await q.requeue(id), false, 'a ready job is not requeued');
        const [job] = await q.lease([topic], { leaseMs: 60_000, limit: 1 });
        assert.equal(await q.requeue(id), false, 'a leased job is not requeued');
        assert.equal(await q.deadLetter(id, job?.leaseToken ?? '', 'AR: unsupported message type'), true);
        const dead = await q.get(id);
        assert.equal(dead?.status, 'dead');
        assert.equal(dead?.lastError, 'AR: unsupported message type');
        assert.equal(await q.requeue(id), true);
        const again = await q.get(id);
        assert.equal(again?.status, 'ready');
        assert.equal(again?.attempts, 0);
        const [leased] = await q.lease([topic], { leaseMs: 60_000, limit: 1 });
        assert.equal(leased?.id, id);
        assert.equal(leased?.attempts, 1);
        assert.equal(await q.complete(id, leased?.leaseToken ?? ''), true);
        assert.equal(await q.requeue(id), true, 'a done job may be run again');
        assert.equal(await q.requeue('no-such-job'), false);
      });

      it('does not lease a job before its availableAt', async () => {
        const q = store.records.queue;
        const topic = unique('scheduled');
        const now = Date.now();
        const { id } = await q.enqueue({ topic, payload: 'later', availableAt: new Date(now + HOUR) });
        assert.deepEqual(await q.lease([topic], { leaseMs: 1000, limit: 5, now: new Date(now) }), []);
        const [job] = await q.lease([topic], { leaseMs: 1000, limit: 5, now: new Date(now + HOUR) });
        assert.equal(job?.id, id);
        assert.equal(job?.availableAt, new Date(now + HOUR).toISOString());
      });

      it('lists, gets and counts jobs per topic and status', async () => {
        const q = store.records.queue;
        const topic = unique('list');
        const ids: string[] = [];
        for (let i = 0; i < 4; i++) {
          ids.push((await q.enqueue({ topic, payload: { i } })).id);
        }
        const [leased] = await q.lease([topic], { leaseMs: 60_000, limit: 1 });
        assert.equal(leased?.id, ids[0]);
        const all = await q.list({ topic });
        assert.deepEqual(
          all.map((j) => j.id),
          ids,
        );
        assert.deepEqual(
          (await q.list({ topic, status: 'ready', limit: 2 })).map((j) => j.id),
          ids.slice(1, 3),
        );
        assert.deepEqual(
          (await q.list({ topic, status: 'leased' })).map((j) => j.id),
          [ids[0]],
        );
        const job = await q.get(ids[2] ?? '');
        assert.deepEqual(job?.payload, { i: 2 });
        assert.equal(job?.topic, topic);
        assert.ok(Date.parse(job?.createdAt ?? '') <= Date.parse(job?.updatedAt ?? ''));
        assert.equal(await q.get('no-such-job'), undefined);
        const counts = (await q.counts()).filter((c) => c.topic === topic);
        assert.deepEqual(counts.map((c) => [c.status, c.count]).sort(), [
          ['leased', 1],
          ['ready', 3],
        ]);
      });
    });

    describe('inbound message log', () => {
      it('stores a message before processing and keeps its raw bytes byte for byte', async () => {
        const log = store.records.messages;
        const sent = message(unique('LAB'), 'MSG0001');
        const { record, duplicate } = await log.receive(sent);
        assert.equal(duplicate, false);
        assert.equal(record.status, 'received');
        assert.equal(record.attempts, 0);
        assert.ok(!Number.isNaN(Date.parse(record.receivedAt)));
        const read = await log.get(record.id);
        assert.ok(read);
        assert.ok(read.raw.equals(sent.raw), 'raw bytes round-trip exactly, non-UTF-8 included');
        assert.equal(read.sha256, sent.sha256);
        assert.deepEqual(
          [read.protocol, read.sender, read.controlId, read.messageType, read.peer],
          [sent.protocol, sent.sender, sent.controlId, sent.messageType, sent.peer],
        );
        assert.equal(read.receivedAt, record.receivedAt);
        assert.equal(read.ack, undefined);
        assert.equal(await log.get('no-such-message'), undefined);
      });

      it('detects a re-send per (protocol, sender, control id) and keeps the first receipt', async () => {
        const log = store.records.messages;
        const sender = unique('RIS');
        const first = await log.receive(message(sender, 'C1'));
        const resent = await log.receive(message(sender, 'C1', 'MSH|re-sent with other bytes'));
        assert.equal(resent.duplicate, true);
        assert.equal(resent.record.id, first.record.id);
        assert.equal(resent.record.receivedAt, first.record.receivedAt);
        assert.ok(resent.record.raw.equals(first.record.raw), 'the stored bytes are the first receipt');
        const otherSender = await log.receive(message(`${sender}-2`, 'C1'));
        const otherProtocol = await log.receive({ ...message(sender, 'C1'), protocol: 'hl7v2-http' });
        const otherId = await log.receive(message(sender, 'C2'));
        assert.deepEqual([otherSender.duplicate, otherProtocol.duplicate, otherId.duplicate], [false, false, false]);
        assert.equal(new Set([first, otherSender, otherProtocol, otherId].map((r) => r.record.id)).size, 4);
      });

      it('concurrent receipts of one message store it once', async () => {
        const sent = message(unique('RACE'), 'SAME');
        const results = await Promise.all(Array.from({ length: 6 }, () => store.records.messages.receive(sent)));
        assert.equal(results.filter((r) => !r.duplicate).length, 1);
        assert.equal(new Set(results.map((r) => r.record.id)).size, 1);
        assert.equal((await store.records.messages.list({ sender: sent.sender })).length, 1);
      });

      it('records outcomes with the exact ACK bytes, counting each processing attempt', async () => {
        const log = store.records.messages;
        const { record } = await log.receive(message(unique('LIS'), 'OUT1'));
        const ackAe = Buffer.concat([Buffer.from('MSH|...\rMSA|AE|OUT1\r'), BINARY_TAIL]);
        await log.recordOutcome(record.id, { status: 'error', ackCode: 'AE', ack: ackAe, error: 'PID-3 missing' });
        const failed = await log.get(record.id);
        assert.equal(failed?.status, 'error');
        assert.equal(failed?.ackCode, 'AE');
        assert.ok(failed?.ack?.equals(ackAe));
        assert.equal(failed?.error, 'PID-3 missing');
        assert.equal(failed?.attempts, 1);
        assert.ok(Date.parse(failed?.processedAt ?? '') >= Date.parse(record.receivedAt));
        const ackAa = Buffer.from('MSH|...\rMSA|AA|OUT1\r');
        await log.recordOutcome(record.id, { status: 'accepted', ackCode: 'AA', ack: ackAa });
        const accepted = await log.get(record.id);
        assert.equal(accepted?.status, 'accepted');
        assert.ok(accepted?.ack?.equals(ackAa));
        assert.equal(accepted?.error, undefined);
        assert.equal(accepted?.attempts, 2);
        const duplicate = await log.receive(message(record.sender, 'OUT1'));
        assert.equal(duplicate.record.status, 'accepted');
        assert.ok(duplicate.record.ack?.equals(ackAa), 'a re-send finds the ACK to send again');
        await assert.rejects(log.recordOutcome('no-such-message', { status: 'accepted', ackCode: 'AA', ack: ackAa }));
      });

      it('lists newest first by status and sender, pages with beforeId, and leaves out raw bytes', async () => {
        const log = store.records.messages;
        const sender = unique('PAGE');
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          ids.push((await log.receive(message(sender, `P${i}`))).record.id);
        }
        const ack = Buffer.from('MSA|AR');
        await log.recordOutcome(ids[1] ?? '', { status: 'rejected', ackCode: 'AR', ack, error: 'bad MSH-12' });
        await log.recordOutcome(ids[3] ?? '', { status: 'error', ackCode: 'AE', ack, error: 'no patient' });
        const newest = [...ids].reverse();
        const all = await log.list({ sender });
        assert.deepEqual(
          all.map((m) => m.id),
          newest,
        );
        assert.ok(all.every((m) => m.raw.length === 0 && m.ack === undefined));
        assert.equal(all.find((m) => m.id === ids[1])?.error, 'bad MSH-12');
        assert.equal(all[0]?.sha256, message(sender, 'P4').sha256);
        const failed = await log.list({ sender, status: ['error', 'rejected'] });
        assert.deepEqual(
          failed.map((m) => m.id),
          [ids[3], ids[1]],
        );
        const page1 = await log.list({ sender, limit: 2 });
        const page2 = await log.list({ sender, limit: 2, beforeId: page1[1]?.id ?? '' });
        const page3 = await log.list({ sender, limit: 2, beforeId: page2[1]?.id ?? '' });
        assert.deepEqual(
          [...page1, ...page2, ...page3].map((m) => m.id),
          newest,
        );
        assert.deepEqual(
          (await log.list({ sender, status: ['received'], beforeId: ids[4] ?? '' })).map((m) => m.id),
          [ids[2], ids[0]],
        );
      });
    });

    describe('state', () => {
      it('gets, sets and overwrites values', async () => {
        const state = store.records.state;
        const key = unique('subscriptions.position');
        assert.equal(await state.getState(key), undefined);
        await state.setState(key, '42');
        assert.equal(await state.getState(key), '42');
        await state.setState(key, '');
        assert.equal(await state.getState(key), '');
        await state.setState(key, 'ünïcode ✓');
        assert.equal(await state.getState(key), 'ünïcode ✓');
        assert.equal(await state.getState(`${key}.other`), undefined);
      });
    });

    describe('transactions', () => {
      it('commits jobs, message outcomes, state and resources together', async () => {
        const topic = unique('tx');
        const key = unique('tx.state');
        const { record } = await store.records.messages.receive(message(unique('TX'), 'T1'));
        const ack = Buffer.from('MSA|AA|T1');
        const id = unique('p');
        const jobId = await store.transaction(async (session) => {
          await session.write(version('Patient', id, 1));
          const job = await session.records.queue.enqueue({ topic, key: 'once', payload: { id } });
          const again = await session.records.queue.enqueue({ topic, key: 'once', payload: { id } });
          assert.deepEqual(again, { id: job.id, created: false }, 'dedupe holds inside a transaction');
          await session.records.messages.recordOutcome(record.id, { status: 'accepted', ackCode: 'AA', ack });
          await session.records.state.setState(key, 'committed');
          return job.id;
        });
        assert.deepEqual((await store.records.queue.get(jobId))?.payload, { id });
        assert.equal((await store.records.messages.get(record.id))?.status, 'accepted');
        assert.equal(await store.records.state.getState(key), 'committed');
        assert.equal((await store.readCurrent('Patient', id))?.versionId, 1);
        const outside = await store.records.queue.enqueue({ topic, key: 'once', payload: null });
        assert.deepEqual(outside, { id: jobId, created: false });
      });

      it('rolls back jobs, message outcomes, state and resources when the transaction throws', async () => {
        const topic = unique('rollback');
        const key = unique('rollback.state');
        const { record } = await store.records.messages.receive(message(unique('RB'), 'R1'));
        const id = unique('p');
        const before = await store.records.changes.latestPosition();
        await assert.rejects(
          store.transaction(async (session) => {
            await session.write(version('Patient', id, 1));
            await session.records.queue.enqueue({ topic, key: 'k', payload: 1 });
            await session.records.queue.enqueue({ topic, payload: 2 });
            const ack = Buffer.from('MSA|AA|R1');
            await session.records.messages.recordOutcome(record.id, { status: 'accepted', ackCode: 'AA', ack });
            await session.records.state.setState(key, 'never');
            throw new Error('mapping failed');
          }),
          /mapping failed/,
        );
        assert.deepEqual(await store.records.queue.list({ topic }), []);
        const kept = await store.records.messages.get(record.id);
        assert.equal(kept?.status, 'received');
        assert.equal(kept?.attempts, 0);
        assert.equal(await store.records.state.getState(key), undefined);
        assert.equal(await store.readCurrent('Patient', id), undefined);
        const since = await store.records.changes.changesAfter(before, 1000);
        assert.ok(!since.some((c) => c.id === id), 'a rolled-back version never reaches the feed');
        const retried = await store.records.queue.enqueue({ topic, key: 'k', payload: 3 });
        assert.equal(retried.created, true, 'the rolled-back key is free');
      });
    });

    describe('change feed', () => {
      it('returns committed versions in commit order and resumes exactly at a position', async () => {
        const feed = store.records.changes;
        const start = await feed.latestPosition();
        const [p, o] = [unique('p'), unique('o')];
        await store.transaction((s) => s.write(version('Patient', p, 1)));
        await store.transaction((s) => s.write(version('Patient', p, 2)));
        await store.transaction(async (s) => {
          await s.write(version('Observation', o, 1));
          await s.write(version('Observation', `${o}-2`, 1));
        });
        await store.transaction((s) => s.write(version('Patient', p, 3, true)));
        const mine = new Set([p, o, `${o}-2`]);
        // Changes committed by earlier tests may still settle after `start`; they come first.
        const changes = (await settledChanges(start, [...mine])).filter((c) => mine.has(c.id));
        const seen = changes.map(summary);
        assert.equal(seen.length, 5, JSON.stringify(seen));
        assert.deepEqual(seen.slice(0, 2), [`Patient/${p}/1`, `Patient/${p}/2`]);
        assert.deepEqual(new Set(seen.slice(2, 4)), new Set([`Observation/${o}/1`, `Observation/${o}-2/1`]));
        assert.equal(seen[4], `Patient/${p}/3/deleted`);
        assert.ok(changes.every((c) => !Number.isNaN(Date.parse(c.lastUpdated))));
        assert.equal(new Set(changes.map((c) => c.position)).size, 5, 'positions are distinct');
        for (let i = 0; i < changes.length; i++) {
          // Every other change of the suite is older than these, so resuming shows only these.
          const next = await feed.changesAfter(changes[i]?.position, 1);
          assert.deepEqual(next, changes.slice(i + 1, i + 2), `resume after change ${i}`);
        }
        assert.deepEqual(await feed.changesAfter(changes[1]?.position, 2), changes.slice(2, 4), 'limit');
        assert.equal(await feed.latestPosition(), changes[4]?.position);
        const fromStart = await feed.changesAfter(undefined, 1000);
        assert.deepEqual(fromStart.slice(-5), changes);
      });
    });

    describe('restart', () => {
      it('keeps jobs, leases, messages, state and feed positions across close and reopen', async () => {
        const q = store.records.queue;
        const topic = unique('restart');
        const ready = await q.enqueue({ topic, key: 'r', payload: { kept: true } });
        const held = await q.enqueue({ topic, payload: 'held', availableAt: new Date(Date.now() - 1000) });
        const [lease] = await q.lease([topic], { leaseMs: HOUR, limit: 1 });
        assert.equal(lease?.id, held.id);
        const sent = message(unique('RESTART'), 'X1');
        const { record } = await store.records.messages.receive(sent);
        const ack = Buffer.from([0x0b, 0x4d, 0x53, 0x41, 0xff, 0x1c, 0x0d]);
        await store.records.messages.recordOutcome(record.id, { status: 'accepted', ackCode: 'AA', ack });
        const key = unique('restart.state');
        await store.records.state.setState(key, 'v1');
        const p = unique('p');
        const start = await store.records.changes.latestPosition();
        await store.transaction((s) => s.write(version('Patient', p, 1)));
        assert.ok((await settledChanges(start, [p])).some((c) => c.id === p));
        const position = await store.records.changes.latestPosition();
        const feedBefore = await store.records.changes.changesAfter(undefined, 10_000);

        await close();
        ({ store, close } = await makeStore());

        const queue = store.records.queue;
        assert.deepEqual((await queue.get(ready.id))?.payload, { kept: true });
        assert.deepEqual(await queue.enqueue({ topic, key: 'r', payload: null }), { id: ready.id, created: false });
        assert.equal((await queue.get(held.id))?.status, 'leased');
        assert.equal(await queue.complete(held.id, lease?.leaseToken ?? ''), true, 'the lease token survives');
        const [next] = await queue.lease([topic], { leaseMs: 1000, limit: 5 });
        assert.equal(next?.id, ready.id);
        const reread = await store.records.messages.get(record.id);
        assert.ok(reread?.raw.equals(sent.raw));
        assert.ok(reread?.ack?.equals(ack));
        assert.equal((await store.records.messages.receive(sent)).duplicate, true);
        assert.equal(await store.records.state.getState(key), 'v1');
        assert.equal(await store.records.changes.latestPosition(), position);
        assert.deepEqual(await store.records.changes.changesAfter(undefined, 10_000), feedBefore);
      });
    });
  });
}
