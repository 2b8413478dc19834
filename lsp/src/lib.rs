//! The OTTL language server: diagnostics as you type, completion, hover, signature help,
//! formatting, quick fixes, semantic tokens and document symbols, for `.ottl` files, for
//! the OTTL inside collector YAML, and for the expectations of `ottlc test` files.
//!
//! Built on the compiler's front end: the same parser, checker, schema, function registry
//! and printer as `ottlc`, so the editor and the command line never disagree. The modules
//! below `server` are plain functions of text and offsets, testable without a client.

mod completion;
mod cursor;
mod diagnostics;
mod document;
mod formatting;
mod hover;
mod keys;
mod line_index;
mod regions;
mod semantic_tokens;
mod server;
mod signature;
mod symbols;
mod test_files;

use tower_lsp_server::{LspService, Server};

pub use server::Backend;

/// The service with the standard LSP methods and `ottl/explain`.
pub fn service() -> (LspService<Backend>, tower_lsp_server::ClientSocket) {
    LspService::build(Backend::new).custom_method("ottl/explain", Backend::explain).finish()
}

/// Serves LSP on stdin and stdout until the client says `exit`.
pub fn serve_stdio() {
    #[expect(clippy::expect_used, reason = "without an async runtime the server cannot start, and says why")]
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a current-thread runtime");
    runtime.block_on(async {
        let (service, socket) = service();
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service).await;
    });
}
