//! `stackaudit discover`: the identity provider's app list, live.
use anyhow::Result;

use crate::cli::DiscoverArgs;

pub fn run(_args: DiscoverArgs) -> Result<u8> {
    anyhow::bail!("discover is not available yet")
}
