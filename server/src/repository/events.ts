/**
 * Typed domain events emitted by the repository after a write commits (STYLE.md habit 9).
 * Queues and outboxes subscribe here; adapters never call each other directly. This file is the
 * one list of hook points.
 */
import { EventEmitter } from 'node:events';
import type { Resource } from '@medplum/fhirtypes';

/** Every hook point, with its payload. */
export interface RepositoryEvents {
  /** A version was committed (create, update, patch or delete). `resource` is undefined for deletes. */
  'resource.committed': [
    {
      interaction: 'create' | 'update' | 'patch' | 'delete';
      resourceType: string;
      id: string;
      versionId: number;
      resource?: Resource;
    },
  ];
}

/** A typed event emitter for repository events. */
export class RepositoryEventBus {
  private readonly emitter = new EventEmitter();

  /**
   * Subscribes to an event.
   * @param event - the hook point.
   * @param listener - called synchronously after commit; errors are the listener's own to handle.
   */
  on<K extends keyof RepositoryEvents>(event: K, listener: (...args: RepositoryEvents[K]) => void): void {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
  }

  /**
   * Emits an event.
   * @param event - the hook point.
   * @param args - the payload.
   */
  emit<K extends keyof RepositoryEvents>(event: K, ...args: RepositoryEvents[K]): void {
    this.emitter.emit(event, ...args);
  }
}
