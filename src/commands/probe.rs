//! `stackaudit probe`: collect evidence from vendors' public endpoints. The
//! limits given on the command line become [`ProbeOptions`] here, for
//! `audit --online` too.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use super::load_stack;
use crate::cli::ProbeArgs;
use crate::inventory::LoadOptions;
use crate::output::{
    EXIT_INVALID, EXIT_OK, Input, refuse_overwriting_inputs, write_atomically, write_stdout,
};
use crate::probe::ProbeOptions;
use crate::probe::evidence::Reach;

/// The probing limits of the command line, checked; `progress` shows a bar
/// on a terminal only.
pub fn options(args: &ProbeArgs) -> Result<ProbeOptions> {
    // Out-of-range numbers (NaN, infinities, negatives, or so small that
    // every request would time out) are errors, not clamped.
    let secs = |v: f64, name: &str, min: f64, max: f64| -> Result<Duration> {
        anyhow::ensure!(
            v.is_finite() && v >= min && v <= max,
            "--{name} takes a number of seconds from {min} to {max}, not {v}"
        );
        Ok(Duration::from_secs_f64(v))
    };
    anyhow::ensure!(
        (1..=1024).contains(&args.concurrency),
        "--concurrency takes a number from 1 to 1024"
    );
    anyhow::ensure!(args.retries <= 10, "--retries takes a number from 0 to 10");
    let mut ca_certs = Vec::new();
    for path in &args.ca_cert {
        ca_certs.push(crate::probe::read_ca_cert(path)?);
    }
    Ok(ProbeOptions {
        connect_timeout: secs(args.connect_timeout, "connect-timeout", 0.1, 3600.0)?,
        timeout: secs(args.timeout, "timeout", 0.1, 3600.0)?,
        retries: args.retries,
        max_retry_after: secs(args.max_retry_after, "max-retry-after", 0.0, 3600.0)?,
        concurrency: args.concurrency,
        per_host: 2,
        allow_private: args.allow_private,
        allowed_hosts: args.allow_host.clone(),
        proxy: args.proxy.clone(),
        ca_certs,
        progress: std::io::stderr().is_terminal() && std::env::var_os("CI").is_none(),
        max_time: secs(args.max_time, "max-time", 1.0, 86400.0)?,
        tool_budget: secs(args.tool_budget, "tool-budget", 0.1, 86400.0)?,
    })
}

pub fn run(
    stack: &Path,
    output: Option<&Path>,
    probe: &ProbeArgs,
    load: &LoadOptions,
) -> Result<u8> {
    if let Some(path) = output {
        let mut inputs = vec![Input::new("the inventory", stack)];
        inputs.extend(
            probe
                .ca_cert
                .iter()
                .map(|p| Input::new("a --ca-cert file", p)),
        );
        refuse_overwriting_inputs(path, "--output", &inputs, &[])?;
    }
    let inventory = load_stack(stack, load)?;
    let evidence = crate::probe::collect(&inventory, &options(probe)?)?;
    if let Some(path) = output {
        let mut bytes = serde_json::to_vec_pretty(&evidence)?;
        bytes.push(b'\n');
        write_atomically(path, &bytes)?;
    }
    write_stdout(crate::probe::summary_table(&evidence).as_bytes())?;
    let reach = Reach::of(&evidence);
    if reach.probed > 0 && reach.reached == 0 {
        eprintln!(
            "error: no vendor host could be reached ({} tools probed); check the network, DNS or --proxy. The evidence records every failure, and `audit --evidence` judges none of them against the vendors",
            reach.probed
        );
        return Ok(EXIT_INVALID);
    }
    Ok(EXIT_OK)
}
