//! The `atout` binary: all logic lives in the library.

fn main() -> std::process::ExitCode {
    atout::cli::main()
}
