/**
 * Child process for test/integration/sqlite-crash.int.test.ts: writes through SqliteStore
 * transactions in a loop, several in flight at once (so group commit is exercised), and prints
 * one JSON line per acknowledged (resolved) transaction. The parent SIGKILLs it mid-stream.
 *
 * Each transaction k writes three related resources: Patient/p<k> (new), Observation/o<k>
 * (new, subject Patient/p<k>) and the next version of Group/g<k % 5> (body `{ last: k }`).
 *
 * Usage: node --import tsx test/helpers/sqlite-crash-writer.ts <dbfile>
 */
import { SqliteStore } from '../../server/src/storage/sqlite/sqlite-store';

const GROUPS = 5;
const IN_FLIGHT = 8;

async function main(path: string): Promise<void> {
  const store = new SqliteStore({ path });
  await store.init();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const k = next++;
      const group = `g${k % GROUPS}`;
      const lastUpdated = new Date().toISOString();
      const groupVersion = await store.transaction(async (s) => {
        const current = await s.readCurrent('Group', group);
        const version = (current?.versionId ?? 0) + 1;
        const base = { versionId: 1, lastUpdated, deleted: false, method: 'POST' as const };
        await s.write({
          ...base,
          resourceType: 'Patient',
          id: `p${k}`,
          json: JSON.stringify({ resourceType: 'Patient', id: `p${k}`, identifier: [{ value: String(k) }] }),
          index: [{ kind: 'token', code: 'identifier', value: String(k) }],
          compartments: [`Patient/p${k}`],
        });
        await s.write({
          ...base,
          resourceType: 'Observation',
          id: `o${k}`,
          json: JSON.stringify({ resourceType: 'Observation', id: `o${k}`, subject: { reference: `Patient/p${k}` } }),
          index: [{ kind: 'reference', code: 'subject', targetType: 'Patient', targetId: `p${k}` }],
          compartments: [`Patient/p${k}`],
        });
        await s.write({
          ...base,
          resourceType: 'Group',
          id: group,
          versionId: version,
          method: version === 1 ? 'POST' : 'PUT',
          json: JSON.stringify({ resourceType: 'Group', id: group, last: k }),
          index: [],
          compartments: [],
        });
        return version;
      });
      process.stdout.write(`${JSON.stringify({ k, group, groupVersion })}\n`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

const path = process.argv[2];
if (path === undefined) {
  process.stderr.write('usage: sqlite-crash-writer.ts <dbfile>\n');
  process.exit(2);
}
main(path).catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
