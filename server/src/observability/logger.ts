/**
 * JSON-lines logging on stdout (pino), DESIGN.md "Runtime contract". Child loggers carry
 * request ids; the root logger is created once in main.ts.
 */
import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Creates the root logger.
 * @param level - pino level (TESSERA_LOG_LEVEL).
 */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'tessera' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A logger that discards everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
