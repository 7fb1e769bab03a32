/**
 * `npm run reindex`: rebuilds every current resource's search index entries and compartments
 * from its stored JSON (after a change to the SearchParameter set or to index extraction).
 */
import type { Resource } from '@medplum/fhirtypes';
import { loadConfig } from '../config';
import { getResourceTypes, loadFhirDefinitions } from '../definitions/fhir-definitions';
import { createLogger } from '../observability/logger';
import { compartmentsOf } from '../search/compartments';
import { extractIndexEntries } from '../search/index-extraction';
import { openStore } from '../storage/open-store';

const BATCH = 500;

async function reindex(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  loadFhirDefinitions();
  const store = await openStore(config);
  let total = 0;
  try {
    for (const type of getResourceTypes()) {
      let after: string | undefined;
      let count = 0;
      for (;;) {
        const batch = await store.scan(type, after, BATCH);
        for (const stored of batch) {
          const resource = JSON.parse(stored.json) as Resource;
          await store.reindex(type, stored.id, extractIndexEntries(resource), compartmentsOf(resource));
        }
        count += batch.length;
        after = batch[batch.length - 1]?.id;
        if (batch.length < BATCH) {
          break;
        }
      }
      if (count > 0) {
        logger.info({ resourceType: type, count }, 'reindexed');
      }
      total += count;
    }
  } finally {
    await store.close();
  }
  logger.info({ total }, 'reindex complete');
}

reindex().catch((err: unknown) => {
  process.stderr.write(`reindex failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
