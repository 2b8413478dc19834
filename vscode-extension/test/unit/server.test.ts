/** Unit tests of the editor-independent part of the client (src/server.ts), in plain Node. */

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { documentSelector, Environment, resolveServerPath, serverSettings } from '../../src/server';

describe('resolveServerPath', () => {
  let root: string;
  let bin: string;
  let env: Environment;

  /** Creates `dir/name`, executable unless said otherwise. */
  function makeFile(dir: string, name: string, mode = 0o755): string {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    fs.writeFileSync(file, '#!/bin/sh\n');
    fs.chmodSync(file, mode);
    return file;
  }

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ottl-server-path-'));
    bin = path.join(root, 'bin');
    env = {
      env: { PATH: [path.join(root, 'empty'), bin].join(':') },
      platform: 'linux',
      homeDir: path.join(root, 'home'),
      workspaceFolder: path.join(root, 'workspace'),
    };
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('finds ottl-lsp on PATH when the setting is empty', () => {
    const server = makeFile(bin, 'ottl-lsp');
    assert.deepEqual(resolveServerPath('', env), { path: server });
    assert.deepEqual(resolveServerPath('   ', env), { path: server });
  });

  it('says so when ottl-lsp is not on PATH', () => {
    const result = resolveServerPath('', env);
    assert.ok('error' in result);
    assert.match(result.error, /`ottl-lsp` was not found on PATH/);
  });

  it('skips files on PATH that are not executable', () => {
    makeFile(bin, 'ottl-lsp', 0o644);
    assert.ok('error' in resolveServerPath('', env));
  });

  it('looks a bare name up on PATH', () => {
    const server = makeFile(bin, 'ottl-lsp-dev');
    assert.deepEqual(resolveServerPath('ottl-lsp-dev', env), { path: server });
  });

  it('takes an absolute path as it is', () => {
    const server = makeFile(path.join(root, 'elsewhere'), 'ottl-lsp');
    assert.deepEqual(resolveServerPath(server, env), { path: server });
  });

  it('resolves a relative path against the workspace folder', () => {
    const server = makeFile(path.join(root, 'workspace', 'target', 'release'), 'ottl-lsp');
    assert.deepEqual(resolveServerPath('target/release/ottl-lsp', env), { path: server });
  });

  it('refuses a relative path without a workspace folder', () => {
    const result = resolveServerPath('target/release/ottl-lsp', { ...env, workspaceFolder: undefined });
    assert.ok('error' in result);
    assert.match(result.error, /no workspace folder/);
  });

  it('expands ~ to the home directory', () => {
    const server = makeFile(path.join(root, 'home', '.cargo', 'bin'), 'ottl-lsp');
    assert.deepEqual(resolveServerPath('~/.cargo/bin/ottl-lsp', env), { path: server });
  });

  it('reports a configured path that does not exist or is a directory', () => {
    fs.mkdirSync(path.join(root, 'dir'));
    for (const setting of [path.join(root, 'missing'), path.join(root, 'dir')]) {
      const result = resolveServerPath(setting, env);
      assert.ok('error' in result);
      assert.match(result.error, /is not an executable file/);
    }
  });

  it('tries PATHEXT extensions on Windows', () => {
    const server = makeFile(bin, 'ottl-lsp.exe', 0o644);
    const windows: Environment = { ...env, platform: 'win32', env: { Path: bin, PATHEXT: '.COM;.EXE' } };
    assert.deepEqual(resolveServerPath('', windows), { path: server });
  });
});

describe('serverSettings', () => {
  it('sends a known context', () => {
    assert.deepEqual(serverSettings('span'), { defaultContext: 'span', featureGates: [] });
    assert.deepEqual(serverSettings(' datapoint '), { defaultContext: 'datapoint', featureGates: [] });
  });

  it('leaves the context out when it is to be inferred or unknown', () => {
    assert.deepEqual(serverSettings(''), { featureGates: [] });
    assert.deepEqual(serverSettings(undefined), { featureGates: [] });
    assert.deepEqual(serverSettings('spans'), { featureGates: [] });
  });

  it('sends the feature gates without blanks', () => {
    assert.deepEqual(serverSettings('', [' ottl.functions.enableLambda ', '']), {
      featureGates: ['ottl.functions.enableLambda'],
    });
  });
});

describe('documentSelector', () => {
  it('serves collector YAML when enabled', () => {
    assert.deepEqual(documentSelector(true), [{ language: 'ottl' }, { language: 'yaml' }]);
  });

  it('serves ottlc test files whatever ottl.yaml.enable says', () => {
    assert.deepEqual(documentSelector(false), [
      { language: 'ottl' },
      { language: 'yaml', pattern: '**/*.ottl-test.yaml' },
    ]);
  });
});
