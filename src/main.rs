//! The `vq-hook` binary: parses the command line, runs the command, and maps
//! the result to SPEC.md's exit codes (0 success, 1 negative result, 2 usage
//! or input error). Everything else lives in `commands/` and the library.

mod cli;
mod commands;

use std::process::ExitCode;

fn main() -> ExitCode {
    // Die quietly on a closed pipe (`vq-hook sample --all | head -1`)
    // instead of panicking inside a print.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }

    let cli = match cli::Cli::parse_ordered() {
        Ok(cli) => cli,
        Err(e) => return commands::usage_error(e),
    };
    let color = match cli.color {
        cli::ColorChoice::Auto => None,
        cli::ColorChoice::Always => Some(true),
        cli::ColorChoice::Never => Some(false),
    };
    vq_hook::term::init_color(color);

    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            vq_hook::term::error(&e.to_string());
            ExitCode::from(e.exit_code())
        }
    }
}
