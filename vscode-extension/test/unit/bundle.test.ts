/**
 * Checks the packaged entry point, out/extension.js (built by `npm run bundle`): the .vsix ships
 * without node_modules, so the bundle must load with nothing but Node's built-ins and the
 * `vscode` module the editor provides.
 */

import * as assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { it } from 'node:test';

const Module = require('node:module') as { _load(request: string, ...rest: unknown[]): unknown };

/** Stands in for any part of the `vscode` API: every property is another stub, and a class. */
function stub(): unknown {
  return new Proxy(class {}, { get: (target, key) => (key in target ? Reflect.get(target, key) : stub()) });
}

it('out/extension.js loads with only Node built-ins and vscode', () => {
  const bundle = path.resolve(__dirname, '../../../out/extension.js');
  const requested: string[] = [];
  const load = Module._load;
  Module._load = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') {
      return stub();
    }
    if (request !== bundle) {
      requested.push(request);
    }
    return load.call(this, request, ...rest);
  };
  try {
    const extension = require(bundle) as Record<string, unknown>;
    assert.equal(typeof extension.activate, 'function');
    assert.equal(typeof extension.deactivate, 'function');
  } finally {
    Module._load = load;
  }
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  assert.deepEqual(requested.filter((request) => !builtins.has(request)), []);
});
