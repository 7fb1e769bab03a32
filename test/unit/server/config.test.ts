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

describe('loadConfig: DICOM settings (issue 4)', () => {
  it('defaults to any calling AE, 64 associations, 256 KiB PDUs and no remotes', () => {
    const config = loadConfig({});
    assert.equal(config.dicomAllowedAets, undefined);
    assert.equal(config.dicomMaxAssociations, 64);
    assert.equal(config.dicomMaxPduBytes, 64 * 1024);
    assert.deepEqual(config.dicomRemotes, {});
    assert.equal(loadConfig({ TESSERA_DICOM_ALLOWED_AETS: '  ' }).dicomAllowedAets, undefined);
  });

  it('reads the allowed AE titles, limits and remotes', () => {
    const config = loadConfig({
      TESSERA_DICOM_ALLOWED_AETS: ' MODALITY1,PACS ,ORTHANC',
      TESSERA_DICOM_MAX_ASSOCIATIONS: '8',
      TESSERA_DICOM_MAX_PDU_BYTES: '16384',
      TESSERA_DICOM_REMOTES: 'pacs=ORTHANC@10.0.0.5:4242, ai-sr=AI SR@localhost:104',
    });
    assert.deepEqual(config.dicomAllowedAets, ['MODALITY1', 'PACS', 'ORTHANC']);
    assert.equal(config.dicomMaxAssociations, 8);
    assert.equal(config.dicomMaxPduBytes, 16384);
    assert.deepEqual(config.dicomRemotes, {
      pacs: { aeTitle: 'ORTHANC', host: '10.0.0.5', port: 4242 },
      'ai-sr': { aeTitle: 'AI SR', host: 'localhost', port: 104 },
    });
  });

  it('rejects bad DICOM values with the variable name', () => {
    for (const aets of ['A,,B', 'SEVENTEEN_CHARS_X']) {
      assert.throws(() => loadConfig({ TESSERA_DICOM_ALLOWED_AETS: aets }), /TESSERA_DICOM_ALLOWED_AETS/);
    }
    for (const bad of ['0', '-1', '1.5', 'many']) {
      assert.throws(() => loadConfig({ TESSERA_DICOM_MAX_ASSOCIATIONS: bad }), /TESSERA_DICOM_MAX_ASSOCIATIONS/);
      assert.throws(() => loadConfig({ TESSERA_DICOM_MAX_PDU_BYTES: bad }), /TESSERA_DICOM_MAX_PDU_BYTES/);
    }
    for (const remotes of [
      'pacs=ORTHANC@host',
      'pacs=@host:104',
      'pacs=ORTHANC@host:0',
      'pacs=ORTHANC@host:70000',
      'ORTHANC@host:104',
      'pacs=SEVENTEEN_CHARS_X@h:1',
    ]) {
      assert.throws(() => loadConfig({ TESSERA_DICOM_REMOTES: remotes }), ConfigError, remotes);
    }
  });

  it('rejects AE titles with a backslash or control character (PS3.5 6.2, VR AE)', () => {
    assert.throws(() => loadConfig({ TESSERA_DICOM_ALLOWED_AETS: 'A\\B' }), ConfigError);
    assert.throws(() => loadConfig({ TESSERA_DICOM_REMOTES: 'pacs=A\\B@host:104' }), ConfigError);
  });
});
