use std::process::ExitCode;

fn main() -> ExitCode {
    flaglint::cli::run(std::env::args_os())
}
