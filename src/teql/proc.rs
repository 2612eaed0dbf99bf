// SPDX-License-Identifier: GPL-2.0

//! The text of rvnet's `/proc/net/teql` (sch_teql.ko has no `/proc` file;
//! the format is rvnet's own, documented in the README): a block per
//! equalizer: a line with its name, state and MTU, then, each indented by
//! a tab, its transmit counters and its slaves in ring order from the
//! head, the head (the next slave to try) marked with `*`:
//!
//! ```text
//! teql0: UP mtu 1500
//! \ttx packets 120 bytes 10080 errors 0 dropped 0
//! \tslaves: *veth1 veth3 veth2
//! ```

use core::fmt::{self, Write};

/// What `/proc/net/teql` reports of one equalizer.
#[derive(Clone, Copy, Debug, Default)]
pub struct MasterReport {
    /// Whether the master is up (`IFF_UP`).
    pub up: bool,
    /// Its MTU.
    pub mtu: u32,
    /// Packets sent through a slave.
    pub tx_packets: u64,
    /// Bytes sent through a slave.
    pub tx_bytes: u64,
    /// Packets no slave would take.
    pub tx_errors: u64,
    /// Packets dropped.
    pub tx_dropped: u64,
}

/// Writes one equalizer's block; `slaves` in ring order from the head.
pub fn write_master<'a>(
    w: &mut impl Write,
    name: &str,
    r: &MasterReport,
    slaves: impl IntoIterator<Item = &'a str>,
) -> fmt::Result {
    let state = if r.up { "UP" } else { "DOWN" };
    writeln!(w, "{name}: {state} mtu {}", r.mtu)?;
    writeln!(
        w,
        "\ttx packets {} bytes {} errors {} dropped {}",
        r.tx_packets, r.tx_bytes, r.tx_errors, r.tx_dropped
    )?;
    w.write_str("\tslaves:")?;
    for (i, s) in slaves.into_iter().enumerate() {
        let mark = if i == 0 { "*" } else { "" };
        write!(w, " {mark}{s}")?;
    }
    w.write_str("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;

    #[test]
    fn block_format() {
        let mut s = String::new();
        let r = MasterReport {
            up: true,
            mtu: 1500,
            tx_packets: 3,
            tx_bytes: 252,
            tx_errors: 1,
            tx_dropped: 2,
        };
        write_master(&mut s, "teql0", &r, ["veth1", "veth3"]).unwrap();
        assert_eq!(
            s,
            "teql0: UP mtu 1500\n\ttx packets 3 bytes 252 errors 1 dropped 2\n\tslaves: *veth1 veth3\n"
        );
        let mut s = String::new();
        write_master(&mut s, "teql1", &MasterReport::default(), []).unwrap();
        assert_eq!(
            s,
            "teql1: DOWN mtu 0\n\ttx packets 0 bytes 0 errors 0 dropped 0\n\tslaves:\n"
        );
    }
}
