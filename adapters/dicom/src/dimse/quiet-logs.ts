/**
 * Quiets dcmjs-dimse's own logger (loglevel, TRACE by default, to the console): Tessera logs its
 * DIMSE events through pino instead. Imported for its effect by the modules that use dcmjs-dimse.
 */
import { log } from 'dcmjs-dimse';

log.setLevel('silent');
