//! `citemap config`: the effective configuration as TOML, or with
//! `--defaults` the full documented default file (`config.toml`).

use super::Ctx;
use anyhow::{Context, Result};
use std::io::Write;
use std::process::ExitCode;

/// Arguments of `config`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the full default configuration, with its comments (a starting
    /// `config.toml`), instead of the effective one.
    #[arg(long)]
    pub defaults: bool,
}

/// Prints the documented defaults.
pub fn print_defaults() -> Result<ExitCode> {
    std::io::stdout().lock().write_all(citemap::config::DEFAULT_TOML.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `config`.
pub fn run(args: &Args, ctx: &Ctx) -> Result<ExitCode> {
    if args.defaults {
        return print_defaults();
    }
    let text = toml::to_string(&ctx.config).context("writing the configuration as TOML")?;
    let mut out = std::io::stdout().lock();
    match &ctx.config_path {
        Some(p) => writeln!(out, "# effective configuration: {} with the command-line flags", p.display())?,
        None => writeln!(out, "# effective configuration: built-in defaults with the command-line flags")?,
    }
    out.write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
