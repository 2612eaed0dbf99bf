// SPDX-License-Identifier: GPL-2.0

//! The text of `/proc/net/vlan/config` and `/proc/net/vlan/DEV`, in the
//! format of `net/8021q/vlanproc.c`.

use super::vlan::{EgressQosMap, IngressQosMap};
use core::fmt::{self, Write};

/// The naming scheme 8021q reports; rvnet names devices only through
/// netlink, so it is always the 8021q default.
pub const NAME_TYPE: &str = "VLAN_NAME_TYPE_RAW_PLUS_VID_NO_PAD";

/// Writes the two header lines of `/proc/net/vlan/config`.
pub fn write_config_header(w: &mut impl Write) -> fmt::Result {
    write!(w, "VLAN Dev name\t | VLAN ID\nName-Type: {NAME_TYPE}\n")
}

/// Writes one device's line of `/proc/net/vlan/config`.
pub fn write_config_entry(w: &mut impl Write, dev: &str, vid: u16, real_dev: &str) -> fmt::Result {
    writeln!(w, "{dev:<15}| {vid}  | {real_dev}")
}

/// The counters `/proc/net/vlan/DEV` shows.
#[derive(Clone, Copy, Default, Debug)]
pub struct DevCounters {
    /// Frames received.
    pub rx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Broadcast and multicast frames received.
    pub multicast: u64,
    /// Frames transmitted.
    pub tx_packets: u64,
    /// Bytes transmitted.
    pub tx_bytes: u64,
}

/// What `/proc/net/vlan/DEV` reports of one VLAN device.
pub struct DevReport<'a> {
    /// The VLAN device's name.
    pub name: &'a str,
    /// Its VLAN id.
    pub vid: u16,
    /// Its 8021q flags.
    pub flags: u32,
    /// The device's `priv_flags`, low 32 bits.
    pub priv_flags: u32,
    /// Its counters.
    pub counters: DevCounters,
    /// The lower device's name.
    pub real_dev: &'a str,
    /// The ingress priority map.
    pub ingress: &'a IngressQosMap,
    /// The egress priority map.
    pub egress: &'a EgressQosMap,
}

/// Writes the whole of `/proc/net/vlan/DEV`.
pub fn write_device(w: &mut impl Write, r: &DevReport<'_>) -> fmt::Result {
    writeln!(
        w,
        "{}  VID: {}\t REORDER_HDR: {}  dev->priv_flags: {:x}",
        r.name,
        r.vid,
        r.flags & 1,
        r.priv_flags
    )?;
    let c = &r.counters;
    let line = |w: &mut dyn Write, what: &str, n: u64| writeln!(w, "{what:>30} {n:>12}");
    line(w, "total frames received", c.rx_packets)?;
    line(w, "total bytes received", c.rx_bytes)?;
    line(w, "Broadcast/Multicast Rcvd", c.multicast)?;
    w.write_str("\n")?;
    line(w, "total frames transmitted", c.tx_packets)?;
    line(w, "total bytes transmitted", c.tx_bytes)?;
    write!(w, "Device: {}", r.real_dev)?;
    let i = r.ingress.entries();
    writeln!(
        w,
        "\nINGRESS priority mappings: 0:{}  1:{}  2:{}  3:{}  4:{}  5:{}  6:{} 7:{}",
        i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7]
    )?;
    w.write_str(" EGRESS priority mappings: ")?;
    for m in r.egress.mappings() {
        write!(w, "{}:{} ", m.skb_prio, m.vlan_prio)?;
    }
    w.write_str("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;

    #[test]
    fn config_matches_vlanproc() {
        let mut s = String::new();
        write_config_header(&mut s).unwrap();
        write_config_entry(&mut s, "eth0.100", 100, "eth0").unwrap();
        assert_eq!(
            s,
            "VLAN Dev name\t | VLAN ID\nName-Type: VLAN_NAME_TYPE_RAW_PLUS_VID_NO_PAD\n\
             eth0.100       | 100  | eth0\n"
        );
    }

    #[test]
    fn device_file_matches_vlanproc() {
        let mut ingress = IngressQosMap::default();
        ingress.set(2, 5);
        let mut egress = EgressQosMap::default();
        egress.set(3, 6).unwrap();
        let mut s = String::new();
        write_device(
            &mut s,
            &DevReport {
                name: "v100",
                vid: 100,
                flags: 1,
                priv_flags: 0x21001,
                counters: DevCounters {
                    rx_packets: 3,
                    rx_bytes: 252,
                    multicast: 1,
                    tx_packets: 4,
                    tx_bytes: 336,
                },
                real_dev: "veth0",
                ingress: &ingress,
                egress: &egress,
            },
        )
        .unwrap();
        let expected = "v100  VID: 100\t REORDER_HDR: 1  dev->priv_flags: 21001\n\
\x20        total frames received            3\n\
\x20         total bytes received          252\n\
\x20     Broadcast/Multicast Rcvd            1\n\
\n\
\x20     total frames transmitted            4\n\
\x20      total bytes transmitted          336\n\
Device: veth0\n\
INGRESS priority mappings: 0:0  1:0  2:5  3:0  4:0  5:0  6:0 7:0\n\
\x20EGRESS priority mappings: 3:6 \n";
        assert_eq!(s, expected);
    }
}
