/**
 * Runs the DICOM index conformance suite against the embedded SQLite store, each group on a
 * real temporary database file. Spec coverage: see dicom-index.suite.ts.
 */
import { openTempSqliteStore } from '../helpers/sqlite-temp';
import { describeDicomIndex } from './dicom-index.suite';

describeDicomIndex('sqlite', async () => {
  const temp = await openTempSqliteStore();
  return { store: temp.store, close: () => temp.cleanup() };
});
