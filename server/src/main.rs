//! `hocphi`: the server and its command-line tools.

use clap::Parser;
use hocphi_server::{cli, env_file};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Before the command line is parsed (it reads the file's settings as
    // environment variables) and before any thread exists.
    let args: Vec<String> = std::env::args().collect();
    if let Err(e) = env_file::apply(&args) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    cli::run(cli::Cli::parse())
}
