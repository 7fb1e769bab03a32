/**
 * The runtime configuration contract (DESIGN.md "Runtime contract"): names, defaults, validation.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../../server/src/config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.httpPort, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.baseUrl, undefined);
    assert.equal(config.dataDir, resolve('./data'));
    assert.equal(config.store, 'sqlite');
    assert.equal(config.mllpPort, 2575);
    assert.equal(config.dicomPort, 11112);
    assert.equal(config.dicomAet, 'TESSERA');
    assert.equal(config.auth, 'smart');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.sqliteSynchronous, 'full');
    assert.ok(config.analyzerThreads >= 0 && config.analyzerThreads <= 4);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      TESSERA_HTTP_PORT: '0',
      TESSERA_HOST: '0.0.0.0',
      TESSERA_BASE_URL: 'https://fhir.example.org/',
      TESSERA_DATA_DIR: '/tmp/tessera-x',
      TESSERA_STORE: 'mongodb',
      TESSERA_MONGODB_URI: 'mongodb://db/tessera',
      TESSERA_AUTH: 'off',
      TESSERA_API_TOKEN: 'secret',
      TESSERA_MAX_BODY_BYTES: '1024',
      TESSERA_ANALYZER_THREADS: '0',
      TESSERA_SQLITE_SYNCHRONOUS: 'normal',
    });
    assert.equal(config.analyzerThreads, 0);
    assert.equal(config.sqliteSynchronous, 'normal');
    assert.equal(config.httpPort, 0);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.baseUrl, 'https://fhir.example.org');
    assert.equal(config.store, 'mongodb');
    assert.equal(config.auth, 'off');
    assert.equal(config.apiToken, 'secret');
    assert.equal(config.maxBodyBytes, 1024);
  });

  it('rejects bad values with a clear message', () => {
    assert.throws(() => loadConfig({ TESSERA_HTTP_PORT: '70000' }), ConfigError);
    assert.throws(() => loadConfig({ TESSERA_STORE: 'postgres' }), /sqlite, mongodb/);
    assert.throws(() => loadConfig({ TESSERA_STORE: 'mongodb' }), /TESSERA_MONGODB_URI/);
    assert.throws(() => loadConfig({ TESSERA_AUTH: 'maybe' }), ConfigError);
    assert.throws(() => loadConfig({ TESSERA_ANALYZER_THREADS: '-1' }), ConfigError);
    assert.throws(() => loadConfig({ TESSERA_SQLITE_SYNCHRONOUS: 'off' }), ConfigError);
    assert.throws(() => loadConfig({ TESSERA_DICOM_AET: 'A_VERY_LONG_AE_TITLE' }), /16/);
  });
});
