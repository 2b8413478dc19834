/**
 * The OTTL extension: starts `ottl-lsp` over stdio for `.ottl` files and collector YAML.
 *
 * Highlighting comes from the TextMate grammars in `syntaxes/` and works without the server;
 * everything else (diagnostics, completion, hover, formatting, explanations of diagnostic
 * codes, ...) is the server's. The client is deliberately thin: which YAML files hold OTTL is
 * the server's decision, so all YAML documents are offered to it.
 */

import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  DocumentSelector,
  LanguageClient,
} from 'vscode-languageclient/node';
import { registerExplanations } from './explain';
import { documentSelector as serverDocuments, resolveServerPath, ServerSettings, serverSettings } from './server';

/** Also the prefix of the `ottl.trace.server` setting, which vscode-languageclient reads itself. */
const CLIENT_ID = 'ottl';
const CLIENT_NAME = 'OTTL Language Server';
const INSTALL_HINT =
  'Build it with `cargo install --path lsp` in the OTTL toolchain repository, or set `ottl.server.path`. Highlighting works without it.';

let client: LanguageClient | undefined;
/** One channel for the whole session, so that a restart does not open a new one. */
let output: vscode.OutputChannel;
let extensionId: string;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  extensionId = context.extension.id;
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('ottl.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
    // Until the workspace is trusted, VS Code hides its `ottl.server.path` (see package.json).
    vscode.workspace.onDidGrantWorkspaceTrust(restart),
    registerExplanations(() => client),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function onConfigurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
  // Which binary runs and which documents it gets are fixed when the client starts.
  if (event.affectsConfiguration('ottl.server.path') || event.affectsConfiguration('ottl.yaml.enable')) {
    await restart();
  } else if (
    (event.affectsConfiguration('ottl.defaultContext') || event.affectsConfiguration('ottl.featureGates')) &&
    client?.isRunning()
  ) {
    const settings = currentServerSettings(vscode.workspace.getConfiguration('ottl'));
    await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { ottl: settings } });
  }
}

function currentServerSettings(config: vscode.WorkspaceConfiguration): ServerSettings {
  return serverSettings(config.get('defaultContext'), config.get('featureGates', []));
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration('ottl');
  const resolution = resolveServerPath(config.get('server.path', ''), {
    env: process.env,
    platform: process.platform,
    homeDir: os.homedir(),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
  if ('error' in resolution) {
    reportStartFailure(`OTTL: cannot start the language server: ${resolution.error} ${INSTALL_HINT}`);
    return;
  }

  const documentSelector: DocumentSelector = serverDocuments(config.get('yaml.enable', true));
  const executable = { command: resolution.path };
  client = new LanguageClient(
    CLIENT_ID,
    CLIENT_NAME,
    { run: executable, debug: executable },
    {
      documentSelector,
      outputChannel: output,
      initializationOptions: currentServerSettings(config),
    },
  );
  output.appendLine(`Starting ${resolution.path}`);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    reportStartFailure(`OTTL: the language server at ${resolution.path} failed to start: ${String(error)}`);
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  try {
    await running?.stop();
  } catch (error) {
    // A server that already died cannot be stopped; there is nothing left to clean up.
    output.appendLine(`Stopping the language server: ${String(error)}`);
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

function reportStartFailure(message: string): void {
  output.appendLine(message);
  const openSettings = 'Open Settings';
  const showSetup = 'Show Setup';
  void vscode.window.showErrorMessage(message, openSettings, showSetup).then((choice) => {
    if (choice === openSettings) {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'ottl.server.path');
    } else if (choice === showSetup) {
      // The extension's page is this README, whose first section is the setup.
      void vscode.commands.executeCommand('extension.open', extensionId);
    }
  });
}
