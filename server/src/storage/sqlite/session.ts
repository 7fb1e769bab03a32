/**
 * The StoreSession handed to a transaction callback: reads and writes on the write connection
 * inside the callback's savepoint. A session is only valid while its callback runs; using it
 * afterwards would write into another transaction's savepoint, so it throws.
 */
import type { TransactionRecords } from '../../durable/records';
import type { ResourceWrite, StoreSession } from '../store';
import { SqliteDicomIndexWriter } from './durable/dicom-index';
import { SqliteMessageLogWriter } from './durable/messages';
import { SqliteQueueWriter } from './durable/queue';
import { SqliteStateWriter } from './durable/state';
import { SqliteReader, type ConnectionReader } from './reader';
import type { TypeRegistry } from './type-registry';
import { writeResource } from './write-resource';

/** A session bound to the write connection for the duration of one transaction callback. */
export class SqliteSession extends SqliteReader implements StoreSession {
  private open = true;
  /** {@inheritDoc StoreSession.records} */
  readonly records: TransactionRecords;

  /**
   * @param reader - reader on the write connection (sees uncommitted writes of the batch).
   * @param types - the type registry (tables may be created by writes).
   */
  constructor(
    private readonly reader: ConnectionReader,
    private readonly types: TypeRegistry,
  ) {
    super();
    const cache = (): ReturnType<SqliteSession['connection']>['cache'] => this.connection().cache;
    this.records = {
      queue: new SqliteQueueWriter(cache),
      messages: new SqliteMessageLogWriter(cache),
      state: new SqliteStateWriter(cache),
      dicom: new SqliteDicomIndexWriter(cache),
    };
  }

  /** Ends the session; later calls throw. */
  close(): void {
    this.open = false;
  }

  protected override connection(): ConnectionReader {
    if (!this.open) {
      throw new Error('SqliteStore session used after its transaction ended');
    }
    return this.reader;
  }

  /** {@inheritDoc StoreSession.write} */
  async write(write: ResourceWrite): Promise<void> {
    writeResource(this.connection().cache, this.types, write);
  }
}
