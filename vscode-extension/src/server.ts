/**
 * How the client finds and configures `ottl-lsp`.
 *
 * Pure Node code with no `vscode` import, so that the unit tests run in plain Node: everything
 * that depends on the editor is passed in.
 */

import * as fs from 'node:fs';
import * as path from 'node:path';

/** The executable's name, looked up on `PATH` when `ottl.server.path` is empty. */
export const SERVER_NAME = 'ottl-lsp';

/** What resolving a server path depends on besides the setting. */
export interface Environment {
  /** Environment variables: `PATH`, and `PATHEXT` on Windows. */
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  homeDir: string;
  /** The first workspace folder, against which relative paths are resolved. */
  workspaceFolder?: string;
}

export type Resolution = { path: string } | { error: string };

/**
 * Resolves `ottl.server.path` to an executable file.
 *
 * Empty: `ottl-lsp` on `PATH`. A bare name (no separator): that name on `PATH`. A path:
 * `~` expands to the home directory and a relative path is taken from the workspace folder,
 * so that `target/release/ottl-lsp` works in a checkout of the toolchain.
 */
export function resolveServerPath(setting: string, environment: Environment): Resolution {
  const wanted = setting.trim() || SERVER_NAME;
  if (!/[\\/]/.test(wanted)) {
    const found = searchPath(wanted, environment);
    return found
      ? { path: found }
      : { error: `\`${wanted}\` was not found on PATH.` };
  }
  let candidate = wanted.replace(/^~(?=[\\/])/, environment.homeDir);
  if (!path.isAbsolute(candidate)) {
    if (!environment.workspaceFolder) {
      return { error: `\`${wanted}\` is a relative path and no workspace folder is open.` };
    }
    candidate = path.join(environment.workspaceFolder, candidate);
  }
  return isExecutable(candidate, environment.platform)
    ? { path: candidate }
    : { error: `\`${candidate}\` is not an executable file.` };
}

function searchPath(name: string, { env, platform }: Environment): string | undefined {
  const pathVar = (platform === 'win32' ? env.Path ?? env.PATH : env.PATH) ?? '';
  const separator = platform === 'win32' ? ';' : ':';
  const extensions = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of pathVar.split(separator).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = path.join(dir, name + extension.toLowerCase());
      if (isExecutable(candidate, platform)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function isExecutable(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    // Windows has no execute bit: a file with an executable extension is enough.
    fs.accessSync(file, platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The contexts `ottl.defaultContext` may name; empty means "infer from path prefixes". */
export const CONTEXTS = [
  'resource',
  'scope',
  'span',
  'spanevent',
  'spanlink',
  'metric',
  'datapoint',
  'log',
  'profile',
] as const;

/** What the server is told about the user's settings. */
export interface ServerSettings {
  /** Absent when the server should infer the context, as the collector does. */
  defaultContext?: string;
  /** Collector feature gates to assume enabled (e.g. `ottl.functions.enableLambda`). */
  featureGates: string[];
}

/**
 * The settings object sent as `initializationOptions` and, on change, as
 * `workspace/didChangeConfiguration` `{ settings: { ottl: <this> } }`; the server replaces its
 * settings with each one, so every field is always sent. An empty or unknown context is left
 * out rather than sent, so the server never sees a context it cannot use.
 */
export function serverSettings(defaultContext: string | undefined, featureGates: readonly string[] = []): ServerSettings {
  const context = defaultContext?.trim() ?? '';
  return {
    ...((CONTEXTS as readonly string[]).includes(context) ? { defaultContext: context } : {}),
    featureGates: featureGates.map((gate) => gate.trim()).filter(Boolean),
  };
}

/** A document the server is started for: by language, and for test files by path too. */
export interface DocumentFilter {
  language: string;
  pattern?: string;
}

/** `ottlc test` files: YAML, but the toolchain's own. */
export const TEST_FILE_PATTERN = '**/*.ottl-test.yaml';

/**
 * The documents the server serves: `.ottl` files, collector YAML unless `ottl.yaml.enable` is
 * off, and `ottlc test` files (`NAME.ottl-test.yaml`) either way: they are no arbitrary YAML
 * the user may want left alone, and their expectations are OTTL the server checks.
 */
export function documentSelector(yamlEnabled: boolean): DocumentFilter[] {
  return [{ language: 'ottl' }, yamlEnabled ? { language: 'yaml' } : { language: 'yaml', pattern: TEST_FILE_PATTERN }];
}
