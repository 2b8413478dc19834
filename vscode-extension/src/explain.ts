/**
 * Opens the explanation of a diagnostic code.
 *
 * `ottl-lsp` links every diagnostic's code to `ottl-explain:<CODE>` (the LSP `codeDescription`),
 * and answers the custom request `ottl/explain` with `ottlc explain`'s text as Markdown. VS Code
 * opens a link with an unknown scheme as a document, so serving that scheme's documents from
 * the server makes the code in the Problems panel and in hovers a link to its explanation.
 */

import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';

export const EXPLAIN_SCHEME = 'ottl-explain';

export function registerExplanations(getClient: () => LanguageClient | undefined): vscode.Disposable {
  const provider: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri) {
      const client = getClient();
      if (!client?.isRunning()) {
        return `The OTTL language server is not running, so ${uri.path} cannot be explained.`;
      }
      const text = await client.sendRequest<string | null>('ottl/explain', { code: uri.path });
      return text ?? `${uri.path} is not a code the OTTL language server knows.`;
    },
  };
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, provider),
    // The text is Markdown; say so, so that it is highlighted and can be previewed.
    vscode.workspace.onDidOpenTextDocument((document) => {
      if (document.uri.scheme === EXPLAIN_SCHEME && document.languageId !== 'markdown') {
        void vscode.languages.setTextDocumentLanguage(document, 'markdown');
      }
    }),
  );
}
