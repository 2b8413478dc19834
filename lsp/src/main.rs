//! `ottl-lsp`: the OTTL language server, speaking LSP over stdin and stdout.

fn main() -> std::process::ExitCode {
    match std::env::args().nth(1).as_deref() {
        None | Some("--stdio") => {}
        Some("--version" | "-V") => {
            println!("ottl-lsp {}", env!("CARGO_PKG_VERSION"));
            return std::process::ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!(
                "usage: ottl-lsp [--stdio | --version]\n(unknown argument `{other}`; the server speaks LSP on stdin/stdout)"
            );
            return std::process::ExitCode::from(2);
        }
    }
    ottl_lsp::serve_stdio();
    std::process::ExitCode::SUCCESS
}
