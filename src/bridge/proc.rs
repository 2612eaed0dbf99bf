// SPDX-License-Identifier: GPL-2.0

//! The text of `/proc/net/bridge/BRIDGE`: rvnet's read-only view of a
//! bridge (bridge.ko has none). One record per line, each a kind word and
//! `key value` pairs, in this order:
//!
//! ```text
//! bridge br0 id 8000.020000000001 root 8000.020000000001 root_port 0 root_path_cost 0 stp_state 1 topology_change 0 ageing_time 30000 learned 2 max_learned 0
//! port 1 eth0 state forwarding priority 32 cost 2 flags learning,flood,mcast_flood,bcast_flood
//! fdb 02:00:00:00:00:0a vlan 0 port eth0 kind dynamic updated 150
//! ```
//!
//! Ports are listed newest first, FDB entries newest first; times are in
//! `clock_t` (1/100 s), as netlink has them: `ageing_time` is the one in
//! force, `updated` the time since the entry last saw its address.

use super::super::ether::MacAddr;
use super::options::port_flags;
use super::stp::{BridgeId, PortState};
use core::fmt::{self, Write};

/// The bridge line.
pub struct BridgeLine<'a> {
    /// The bridge's name.
    pub name: &'a str,
    /// Its identifier.
    pub id: BridgeId,
    /// The root's identifier.
    pub root: BridgeId,
    /// The root port's number (0: none).
    pub root_port: u16,
    /// The root path cost.
    pub root_path_cost: u32,
    /// `stp_state`.
    pub stp_state: u32,
    /// The topology change flag.
    pub topology_change: bool,
    /// The ageing time in force, `clock_t`.
    pub ageing_time: u64,
    /// Learned entries.
    pub learned: u32,
    /// The learning limit (0: none).
    pub max_learned: u32,
}

/// A port line.
pub struct PortLine<'a> {
    /// Port number.
    pub no: u16,
    /// Device name.
    pub name: &'a str,
    /// STP state.
    pub state: PortState,
    /// Port priority.
    pub priority: u8,
    /// Path cost.
    pub cost: u32,
    /// `port_flags::*`.
    pub flags: u32,
}

/// An FDB line.
pub struct FdbLine<'a> {
    /// The address.
    pub addr: MacAddr,
    /// The VLAN id.
    pub vid: u16,
    /// The port's device name, or the bridge's for its own entries.
    pub port: &'a str,
    /// `local` (permanent), `static` or `dynamic`.
    pub kind: &'static str,
    /// `clock_t` since it was refreshed.
    pub updated: u64,
}

/// The names of the port flags, in the order shown.
const FLAG_NAMES: [(u32, &str); 8] = [
    (port_flags::LEARNING, "learning"),
    (port_flags::FLOOD, "flood"),
    (port_flags::MCAST_FLOOD, "mcast_flood"),
    (port_flags::BCAST_FLOOD, "bcast_flood"),
    (port_flags::HAIRPIN, "hairpin"),
    (port_flags::ISOLATED, "isolated"),
    (port_flags::BPDU_GUARD, "guard"),
    (port_flags::ROOT_BLOCK, "root_block"),
];

/// Writes the bridge line.
pub fn write_bridge(w: &mut dyn Write, b: &BridgeLine<'_>) -> fmt::Result {
    writeln!(
        w,
        "bridge {} id {} root {} root_port {} root_path_cost {} stp_state {} topology_change {} ageing_time {} learned {} max_learned {}",
        b.name,
        b.id,
        b.root,
        b.root_port,
        b.root_path_cost,
        b.stp_state,
        u8::from(b.topology_change),
        b.ageing_time,
        b.learned,
        b.max_learned
    )
}

/// Writes a port line.
pub fn write_port(w: &mut dyn Write, p: &PortLine<'_>) -> fmt::Result {
    write!(
        w,
        "port {} {} state {} priority {} cost {} flags ",
        p.no,
        p.name,
        p.state.name(),
        p.priority,
        p.cost
    )?;
    let mut first = true;
    for (_, name) in FLAG_NAMES.iter().filter(|(f, _)| p.flags & f != 0) {
        if !first {
            w.write_char(',')?;
        }
        w.write_str(name)?;
        first = false;
    }
    if first {
        w.write_char('-')?;
    }
    w.write_char('\n')
}

/// Writes an FDB line.
pub fn write_fdb(w: &mut dyn Write, f: &FdbLine<'_>) -> fmt::Result {
    let a = f.addr.0;
    writeln!(
        w,
        "fdb {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x} vlan {} port {} kind {} updated {}",
        a[0], a[1], a[2], a[3], a[4], a[5], f.vid, f.port, f.kind, f.updated
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;

    #[test]
    fn lines() {
        let mut s = String::new();
        let id = BridgeId::new(0x8000, MacAddr([2, 0, 0, 0, 0, 1]));
        write_bridge(
            &mut s,
            &BridgeLine {
                name: "br0",
                id,
                root: id,
                root_port: 0,
                root_path_cost: 0,
                stp_state: 1,
                topology_change: false,
                ageing_time: 30000,
                learned: 2,
                max_learned: 0,
            },
        )
        .unwrap();
        write_port(
            &mut s,
            &PortLine {
                no: 1,
                name: "eth0",
                state: PortState::Forwarding,
                priority: 32,
                cost: 2,
                flags: port_flags::DEFAULT,
            },
        )
        .unwrap();
        write_port(
            &mut s,
            &PortLine {
                no: 2,
                name: "eth1",
                state: PortState::Blocking,
                priority: 32,
                cost: 100,
                flags: 0,
            },
        )
        .unwrap();
        write_fdb(
            &mut s,
            &FdbLine {
                addr: MacAddr([2, 0, 0, 0, 0, 0x0a]),
                vid: 0,
                port: "eth0",
                kind: "dynamic",
                updated: 150,
            },
        )
        .unwrap();
        assert_eq!(
            s,
            "bridge br0 id 8000.020000000001 root 8000.020000000001 root_port 0 root_path_cost 0 stp_state 1 topology_change 0 ageing_time 30000 learned 2 max_learned 0\n\
             port 1 eth0 state forwarding priority 32 cost 2 flags learning,flood,mcast_flood,bcast_flood\n\
             port 2 eth1 state blocking priority 32 cost 100 flags -\n\
             fdb 02:00:00:00:00:0a vlan 0 port eth0 kind dynamic updated 150\n"
        );
    }
}
