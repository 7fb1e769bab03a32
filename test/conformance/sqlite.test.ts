/**
 * Runs the shared repository conformance suite against the embedded SQLite store (a real
 * temporary database file). Spec coverage: see repository.suite.ts.
 */
import { openTempSqliteStore } from '../helpers/sqlite-temp';
import { describeRepository } from './repository.suite';

describeRepository('sqlite', openTempSqliteStore);
