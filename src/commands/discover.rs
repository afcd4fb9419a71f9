//! `stackaudit discover`: the identity provider's app list, read live, into
//! the file that `audit --idp` and `import` read.

use anyhow::Result;

use crate::cli::DiscoverArgs;
use crate::output::{EXIT_OK, Input, refuse_overwriting_inputs, write_atomically, write_stdout};
use crate::probe::okta::{OktaOptions, okta_apps};

pub fn run(args: DiscoverArgs) -> Result<u8> {
    if let Some(path) = &args.output {
        let inputs: Vec<Input> = args
            .probe
            .ca_cert
            .iter()
            .map(|p| Input::new("a --ca-cert file", p))
            .collect();
        refuse_overwriting_inputs(path, "--output", &inputs, &[])?;
    }
    // The token comes from the environment only: never a flag (shell
    // history, process lists) or the inventory (version control).
    let token = match std::env::var("OKTA_API_TOKEN") {
        Ok(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => anyhow::bail!(
            "set OKTA_API_TOKEN to an Okta API token that can read apps (Okta Admin Console → Security → API → Tokens)"
        ),
    };
    let mut probe = super::probe::options(&args.probe)?;
    probe.progress = false;
    let apps = okta_apps(&OktaOptions {
        domain: args.okta_domain.clone(),
        token,
        probe,
    })?;
    let mut bytes = serde_json::to_vec_pretty(&apps)?;
    bytes.push(b'\n');
    match &args.output {
        Some(path) => {
            write_atomically(path, &bytes)?;
            eprintln!(
                "{} apps from {} written to {}",
                apps.len(),
                args.okta_domain,
                path.display()
            );
        }
        None => write_stdout(&bytes)?,
    }
    Ok(EXIT_OK)
}
