/**
 * `npm run bench:seed -- --dir bench/.data/main --patients 20000 --obs-per-patient 50`
 *
 * Pre-loads a SQLite store through the real repository (validation, index extraction,
 * versioning), in transactions of `--batch` resources, and writes `ids.json` (samples of patient
 * and observation ids) beside the database for bench/run.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Resource } from '@medplum/fhirtypes';
import { systemAccess } from '../server/src/context';
import { loadFhirDefinitions } from '../server/src/definitions/fhir-definitions';
import { silentLogger } from '../server/src/observability/logger';
import { AnalyzerPool } from '../server/src/repository/analyzer-pool';
import { createRepositoryFactory } from '../server/src/repository/create-repository';
import { newId } from '../server/src/repository/ids';
import { SQLITE_FILE } from '../server/src/storage/open-store';
import { SqliteStore } from '../server/src/storage/sqlite/sqlite-store';
import { createValidator } from '../server/src/validation/fhir-validator';
import { rng, syntheticObservation, syntheticPatient } from './synthetic';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'bench/.data/main' },
    patients: { type: 'string', default: '20000' },
    'obs-per-patient': { type: 'string', default: '50' },
    batch: { type: 'string', default: '1000' },
  },
});

async function seed(): Promise<void> {
  const dir = values.dir as string;
  const patients = Number(values.patients);
  const perPatient = Number(values['obs-per-patient']);
  const batch = Number(values.batch);
  mkdirSync(dir, { recursive: true });
  loadFhirDefinitions();
  const store = new SqliteStore({ path: join(dir, SQLITE_FILE), synchronous: 'normal' });
  await store.init();
  const analyzer = new AnalyzerPool(1);
  const repo = createRepositoryFactory({
    store,
    validator: createValidator(),
    baseUrl: () => 'http://localhost',
    logger: silentLogger(),
    analyzer,
    prefetched: new WeakMap(),
  })(systemAccess);
  const random = rng(42);
  const patientIds: string[] = [];
  const observationSample: string[] = [];
  const started = Date.now();
  let written = 0;
  let pending: { resource: Resource; id: string }[] = [];
  const flush = async (): Promise<void> => {
    const items = pending;
    pending = [];
    // Validation and indexing run on the analyzer thread while this thread writes.
    items.forEach(({ resource }) => repo.preanalyze(resource));
    await repo.withTransaction(async (tx) => {
      for (const { resource, id } of items) {
        await tx.create(resource, { assignedId: id });
      }
    });
    written += items.length;
    if (written % 50_000 < items.length) {
      const seconds = (Date.now() - started) / 1000;
      console.log(`${written} resources, ${Math.round(written / seconds)}/s`);
    }
  };
  for (let p = 0; p < patients; p++) {
    const patientId = newId();
    patientIds.push(patientId);
    pending.push({ resource: syntheticPatient(p, random), id: patientId });
    for (let o = 0; o < perPatient; o++) {
      const observationId = newId();
      if (random() < 0.01) {
        observationSample.push(observationId);
      }
      pending.push({ resource: syntheticObservation(patientId, random), id: observationId });
      if (pending.length >= batch) {
        await flush();
      }
    }
  }
  if (pending.length > 0) {
    await flush();
  }
  await store.close();
  await analyzer.close();
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(join(dir, 'ids.json'), JSON.stringify({ patientIds, observationSample }));
  console.log(
    JSON.stringify({
      resources: written,
      patients,
      observations: patients * perPatient,
      seconds,
      perSecond: Math.round(written / seconds),
    }),
  );
}

seed().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
