//! The `postie` binary: parse the command line, run it, exit with the documented code.

use clap::Parser;

fn main() {
    // reqwest is built without a default crypto provider (ring keeps the binary small).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = match postie::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { postie::command::Outcome::BadInput as i32 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    std::process::exit(postie::command::execute(cli) as i32);
}
