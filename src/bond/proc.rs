// SPDX-License-Identifier: GPL-2.0

//! The text of `/proc/net/bonding/BOND`, in the format of
//! `drivers/net/bonding/bond_procfs.c` (`bond_info_seq_show()`,
//! `bond_info_show_master()` and `bond_info_show_slave()`).
//!
//! The driver fills in a [`BondView`] (plain borrowed data) and
//! [`write_bond`] prints it.

use super::options::{BondMode, OptionId};
use core::fmt::{self, Write};

pub use super::lacp::SPEED_UNKNOWN;
/// `DUPLEX_HALF`.
pub const DUPLEX_HALF: u8 = 0;
/// `DUPLEX_FULL`.
pub const DUPLEX_FULL: u8 = 1;
/// `DUPLEX_UNKNOWN`.
pub const DUPLEX_UNKNOWN: u8 = 0xff;

/// `BOND_LINK_UP`.
pub const BOND_LINK_UP: i8 = 0;
/// `BOND_LINK_FAIL`: the link has just gone down.
pub const BOND_LINK_FAIL: i8 = 1;
/// `BOND_LINK_DOWN`.
pub const BOND_LINK_DOWN: i8 = 2;
/// `BOND_LINK_BACK`: the link is coming back.
pub const BOND_LINK_BACK: i8 = 3;

/// `AD_CHURN_MONITOR`.
pub const AD_CHURN_MONITOR: u32 = 0;
/// `AD_CHURN`.
pub const AD_CHURN: u32 = 1;
/// `AD_NO_CHURN`.
pub const AD_NO_CHURN: u32 = 2;

/// Most ARP (and NS) targets a bond has (`BOND_MAX_ARP_TARGETS`).
pub const BOND_MAX_ARP_TARGETS: usize = 16;

/// `bond_slave_link_status()`.
pub fn slave_link_status(link: i8) -> &'static str {
    match link {
        BOND_LINK_UP => "up",
        BOND_LINK_FAIL => "going down",
        BOND_LINK_DOWN => "down",
        BOND_LINK_BACK => "going back",
        _ => "unknown",
    }
}

/// `bond_3ad_churn_desc()`.
pub fn churn_desc(state: u32) -> &'static str {
    match state {
        AD_CHURN_MONITOR => "monitoring",
        AD_CHURN => "churned",
        AD_NO_CHURN => "none",
        _ => "unknown",
    }
}

/// The active aggregator's `struct ad_info`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct AdInfo {
    /// Aggregator id.
    pub aggregator_id: u16,
    /// Number of ports in the aggregator.
    pub ports: u16,
    /// Actor key.
    pub actor_key: u16,
    /// Partner key.
    pub partner_key: u16,
    /// Partner system MAC address.
    pub partner_system: [u8; 6],
}

/// The bond-wide 802.3ad facts (printed in 802.3ad mode only).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct AdBondView {
    /// `lacp_active`.
    pub lacp_active: bool,
    /// `lacp_rate` is fast.
    pub lacp_fast: bool,
    /// `min_links`.
    pub min_links: u32,
    /// `ad_select` (`BOND_AD_*` value).
    pub ad_select: u64,
    /// The system priority of the bond's LACP system.
    pub system_priority: u16,
    /// The system MAC address of the bond's LACP system.
    pub system_mac: [u8; 6],
    /// The active aggregator; `None` prints "has no active aggregator".
    pub active_aggregator: Option<AdInfo>,
}

/// The actor side of a port, as "details actor lacp pdu" prints it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ActorView {
    /// `actor_system_priority`.
    pub system_priority: u16,
    /// `actor_system`.
    pub system: [u8; 6],
    /// `actor_oper_port_key`.
    pub port_key: u16,
    /// `actor_port_priority`.
    pub port_priority: u16,
    /// `actor_port_number`.
    pub port_number: u16,
    /// `actor_oper_port_state`.
    pub port_state: u8,
}

/// The partner side of a port (`partner_oper`), as "details partner lacp
/// pdu" prints it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct PartnerView {
    /// `system_priority`.
    pub system_priority: u16,
    /// `system`.
    pub system: [u8; 6],
    /// `key`.
    pub key: u16,
    /// `port_priority`.
    pub port_priority: u16,
    /// `port_number`.
    pub port_number: u16,
    /// `port_state`.
    pub port_state: u16,
}

/// A slave's 802.3ad port, when it has an aggregator.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SlaveAdView {
    /// The aggregator's id.
    pub aggregator_id: u16,
    /// `sm_churn_actor_state` (`AD_CHURN_*`).
    pub actor_churn_state: u32,
    /// `sm_churn_partner_state` (`AD_CHURN_*`).
    pub partner_churn_state: u32,
    /// `churn_actor_count`.
    pub actor_churned_count: u32,
    /// `churn_partner_count`.
    pub partner_churned_count: u32,
    /// The actor details.
    pub actor: ActorView,
    /// The partner details.
    pub partner: PartnerView,
}

/// What `/proc/net/bonding/BOND` shows of one slave.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SlaveView<'a> {
    /// Interface name.
    pub name: &'a str,
    /// `BOND_LINK_*`.
    pub link: i8,
    /// Speed in Mb/s, or [`SPEED_UNKNOWN`].
    pub speed: u32,
    /// `DUPLEX_*`.
    pub duplex: u8,
    /// `link_failure_count`.
    pub link_failure_count: u32,
    /// The permanent hardware address (`addr_len` bytes).
    pub perm_hwaddr: &'a [u8],
    /// `queue_id`.
    pub queue_id: u16,
    /// The 802.3ad port (802.3ad mode); `None` prints "Aggregator ID: N/A".
    pub ad: Option<SlaveAdView>,
}

/// What `/proc/net/bonding/BOND` shows of a bond.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct BondView<'a> {
    /// The version after "v" in the first line (`UTS_RELEASE`).
    pub version: &'a str,
    /// The bond device's name.
    pub name: &'a str,
    /// The mode.
    pub mode: BondMode,
    /// `fail_over_mac` (`BOND_FOM_*`).
    pub fail_over_mac: u64,
    /// `xmit_hash_policy` (`BOND_XMIT_POLICY_*`).
    pub xmit_policy: u64,
    /// `tlb_dynamic_lb`.
    pub tlb_dynamic_lb: bool,
    /// The primary slave's name.
    pub primary: Option<&'a str>,
    /// `primary_reselect` (`BOND_PRI_RESELECT_*`).
    pub primary_reselect: u64,
    /// The current active slave's name.
    pub active: Option<&'a str>,
    /// Whether the bond has carrier.
    pub carrier: bool,
    /// `miimon`, in ms.
    pub miimon: i32,
    /// `updelay`, in multiples of `miimon` (as the kernel stores it).
    pub updelay: i32,
    /// `downdelay`, in multiples of `miimon`.
    pub downdelay: i32,
    /// `peer_notif_delay`, in multiples of `miimon`.
    pub peer_notif_delay: i32,
    /// `arp_interval`, in ms.
    pub arp_interval: i32,
    /// `arp_missed_max`.
    pub missed_max: u8,
    /// ARP targets; printing stops at the first 0.0.0.0 or after
    /// [`BOND_MAX_ARP_TARGETS`].
    pub arp_targets: &'a [[u8; 4]],
    /// NS (IPv6) targets; printing stops at the first `::`.
    pub ns_targets: &'a [[u8; 16]],
    /// Whether the reader has `CAP_NET_ADMIN` (LACP details are shown
    /// only then).
    pub net_admin: bool,
    /// 802.3ad facts (printed in 802.3ad mode).
    pub ad: AdBondView,
    /// The slaves, in order.
    pub slaves: &'a [SlaveView<'a>],
}

/// `%pM`.
struct Mac<'a>(&'a [u8; 6]);

impl fmt::Display for Mac<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        HexColon(self.0).fmt(f)
    }
}

/// `%*phC`: bytes in hex, colon separated (at most 64).
struct HexColon<'a>(&'a [u8]);

impl fmt::Display for HexColon<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().take(64).enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// `%pI4`.
struct Ip4<'a>(&'a [u8; 4]);

impl fmt::Display for Ip4<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = *self.0;
        write!(f, "{a}.{b}.{c}.{d}")
    }
}

/// `%pI6c`: `ip6_compressed_string()` of `lib/vsprintf.c`.
pub struct Ip6Compressed<'a>(pub &'a [u8; 16]);

impl fmt::Display for Ip6Compressed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0;
        let words: [u16; 8] = core::array::from_fn(|i| {
            let byte = |j: usize| a.get(j).copied().unwrap_or(0);
            u16::from_be_bytes([byte(2 * i), byte(2 * i + 1)])
        });
        let word = |i: usize| words.get(i).copied().unwrap_or(0);
        let v4mapped =
            word(0) | word(1) | word(2) | word(3) == 0 && word(4) == 0 && word(5) == 0xffff;
        // ipv6_addr_is_isatap(): (s6_addr32[2] | htonl(0x02000000)) ==
        // htonl(0x02005efe).
        let isatap = (word(4) | 0x0200) == 0x0200 && word(5) == 0x5efe;
        let use_ipv4 = v4mapped || isatap;
        let range = if use_ipv4 { 6 } else { 8 };

        // The longest run of zero words (first one wins), if longer than 1.
        let mut longest = 1;
        let mut colonpos = None;
        for i in 0..range {
            let len = (i..range).take_while(|&j| word(j) == 0).count();
            if len > longest {
                longest = len;
                colonpos = Some(i);
            }
        }

        let mut needcolon = false;
        let mut i = 0;
        while i < range {
            if Some(i) == colonpos {
                if needcolon || i == 0 {
                    f.write_str(":")?;
                }
                f.write_str(":")?;
                needcolon = false;
                i += longest;
                continue;
            }
            if needcolon {
                f.write_str(":")?;
            }
            write!(f, "{:x}", word(i))?;
            needcolon = true;
            i += 1;
        }
        if use_ipv4 {
            if needcolon {
                f.write_str(":")?;
            }
            let [.., p, q, r, s] = *a;
            Ip4(&[p, q, r, s]).fmt(f)?;
        }
        Ok(())
    }
}

fn opt_name(option: OptionId, value: u64) -> &'static str {
    // The kernel dereferences the lookup unchecked; values come from the
    // same tables, so the fallback is only for a view filled in wrongly.
    option
        .option()
        .value_by_value(value)
        .map_or("unknown", |v| v.name)
}

/// Writes the whole file: the version line, the master part and one part
/// per slave (`bond_info_seq_show()` over the sequence).
pub fn write_bond(w: &mut impl Write, b: &BondView<'_>) -> fmt::Result {
    write!(w, "Ethernet Channel Bonding Driver: v{}\n\n", b.version)?;
    write_master(w, b)?;
    for s in b.slaves {
        write_slave(w, b, s)?;
    }
    Ok(())
}

/// `bond_info_show_master()`.
pub fn write_master(w: &mut impl Write, b: &BondView<'_>) -> fmt::Result {
    write!(w, "Bonding Mode: {}", b.mode.description())?;
    if b.mode == BondMode::ActiveBackup && b.fail_over_mac != 0 {
        write!(
            w,
            " (fail_over_mac {})",
            opt_name(OptionId::FailOverMac, b.fail_over_mac)
        )?;
    }
    w.write_str("\n")?;

    if b.mode.uses_xmit_hash(b.tlb_dynamic_lb) {
        writeln!(
            w,
            "Transmit Hash Policy: {} ({})",
            opt_name(OptionId::XmitHash, b.xmit_policy),
            b.xmit_policy as i32
        )?;
    }

    if b.mode.uses_primary() {
        write!(w, "Primary Slave: {}", b.primary.unwrap_or("None"))?;
        if b.primary.is_some() {
            write!(
                w,
                " (primary_reselect {})",
                opt_name(OptionId::PrimaryReselect, b.primary_reselect)
            )?;
        }
        write!(
            w,
            "\nCurrently Active Slave: {}\n",
            b.active.unwrap_or("None")
        )?;
    }

    writeln!(w, "MII Status: {}", if b.carrier { "up" } else { "down" })?;
    writeln!(w, "MII Polling Interval (ms): {}", b.miimon)?;
    writeln!(w, "Up Delay (ms): {}", b.updelay.wrapping_mul(b.miimon))?;
    writeln!(w, "Down Delay (ms): {}", b.downdelay.wrapping_mul(b.miimon))?;
    writeln!(
        w,
        "Peer Notification Delay (ms): {}",
        b.peer_notif_delay.wrapping_mul(b.miimon)
    )?;

    if b.arp_interval > 0 {
        writeln!(w, "ARP Polling Interval (ms): {}", b.arp_interval)?;
        writeln!(w, "ARP Missed Max: {}", b.missed_max)?;
        w.write_str("ARP IP target/s (n.n.n.n form):")?;
        let targets = b
            .arp_targets
            .iter()
            .take(BOND_MAX_ARP_TARGETS)
            .take_while(|t| **t != [0; 4]);
        for (i, t) in targets.enumerate() {
            if i > 0 {
                w.write_str(",")?;
            }
            write!(w, " {}", Ip4(t))?;
        }
        w.write_str("\n")?;
        w.write_str("NS IPv6 target/s (xx::xx form):")?;
        let targets = b
            .ns_targets
            .iter()
            .take(BOND_MAX_ARP_TARGETS)
            .take_while(|t| **t != [0; 16]);
        for (i, t) in targets.enumerate() {
            if i > 0 {
                w.write_str(",")?;
            }
            write!(w, " {}", Ip6Compressed(t))?;
        }
        w.write_str("\n")?;
    }

    if b.mode == BondMode::Ieee8023ad {
        let ad = &b.ad;
        w.write_str("\n802.3ad info\n")?;
        writeln!(
            w,
            "LACP active: {}",
            if ad.lacp_active { "on" } else { "off" }
        )?;
        writeln!(
            w,
            "LACP rate: {}",
            if ad.lacp_fast { "fast" } else { "slow" }
        )?;
        writeln!(w, "Min links: {}", ad.min_links as i32)?;
        writeln!(
            w,
            "Aggregator selection policy (ad_select): {}",
            opt_name(OptionId::AdSelect, ad.ad_select)
        )?;
        if b.net_admin {
            writeln!(w, "System priority: {}", ad.system_priority)?;
            writeln!(w, "System MAC address: {}", Mac(&ad.system_mac))?;
            match &ad.active_aggregator {
                None => writeln!(w, "bond {} has no active aggregator", b.name)?,
                Some(i) => {
                    w.write_str("Active Aggregator Info:\n")?;
                    writeln!(w, "\tAggregator ID: {}", i.aggregator_id)?;
                    writeln!(w, "\tNumber of ports: {}", i.ports)?;
                    writeln!(w, "\tActor Key: {}", i.actor_key)?;
                    writeln!(w, "\tPartner Key: {}", i.partner_key)?;
                    writeln!(w, "\tPartner Mac Address: {}", Mac(&i.partner_system))?;
                }
            }
        }
    }
    Ok(())
}

/// `bond_info_show_slave()`.
pub fn write_slave(w: &mut impl Write, b: &BondView<'_>, s: &SlaveView<'_>) -> fmt::Result {
    write!(w, "\nSlave Interface: {}\n", s.name)?;
    writeln!(w, "MII Status: {}", slave_link_status(s.link))?;
    if s.speed == SPEED_UNKNOWN {
        w.write_str("Speed: Unknown\n")?;
    } else {
        writeln!(w, "Speed: {} Mbps", s.speed as i32)?;
    }
    let duplex = match s.duplex {
        DUPLEX_UNKNOWN => "Unknown",
        0 => "half",
        _ => "full",
    };
    writeln!(w, "Duplex: {duplex}")?;
    writeln!(w, "Link Failure Count: {}", s.link_failure_count)?;
    writeln!(w, "Permanent HW addr: {}", HexColon(s.perm_hwaddr))?;
    writeln!(w, "Slave queue ID: {}", s.queue_id)?;

    if b.mode != BondMode::Ieee8023ad {
        return Ok(());
    }
    let Some(ad) = &s.ad else {
        return w.write_str("Aggregator ID: N/A\n");
    };
    writeln!(w, "Aggregator ID: {}", ad.aggregator_id)?;
    writeln!(w, "Actor Churn State: {}", churn_desc(ad.actor_churn_state))?;
    writeln!(
        w,
        "Partner Churn State: {}",
        churn_desc(ad.partner_churn_state)
    )?;
    writeln!(w, "Actor Churned Count: {}", ad.actor_churned_count as i32)?;
    writeln!(
        w,
        "Partner Churned Count: {}",
        ad.partner_churned_count as i32
    )?;
    if b.net_admin {
        let a = &ad.actor;
        w.write_str("details actor lacp pdu:\n")?;
        writeln!(w, "    system priority: {}", a.system_priority)?;
        writeln!(w, "    system mac address: {}", Mac(&a.system))?;
        writeln!(w, "    port key: {}", a.port_key)?;
        writeln!(w, "    port priority: {}", a.port_priority)?;
        writeln!(w, "    port number: {}", a.port_number)?;
        writeln!(w, "    port state: {}", a.port_state)?;
        let p = &ad.partner;
        w.write_str("details partner lacp pdu:\n")?;
        writeln!(w, "    system priority: {}", p.system_priority)?;
        writeln!(w, "    system mac address: {}", Mac(&p.system))?;
        writeln!(w, "    oper key: {}", p.key)?;
        writeln!(w, "    port priority: {}", p.port_priority)?;
        writeln!(w, "    port number: {}", p.port_number)?;
        writeln!(w, "    port state: {}", p.port_state)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;

    fn ip6(a: [u16; 8]) -> String {
        let mut b = [0u8; 16];
        for (i, w) in a.iter().enumerate() {
            b[2 * i..2 * i + 2].copy_from_slice(&w.to_be_bytes());
        }
        std::format!("{}", Ip6Compressed(&b))
    }

    #[test]
    fn ipv6_compression_like_vsprintf() {
        assert_eq!(ip6([0; 8]), "::");
        assert_eq!(ip6([0, 0, 0, 0, 0, 0, 0, 1]), "::1");
        assert_eq!(ip6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), "2001:db8::1");
        assert_eq!(ip6([0xfe80, 0, 0, 0, 0, 0, 0, 0]), "fe80::");
        // A single zero word is not compressed.
        assert_eq!(ip6([1, 0, 2, 3, 4, 5, 6, 7]), "1:0:2:3:4:5:6:7");
        // The first of two equal runs wins.
        assert_eq!(ip6([1, 0, 0, 2, 0, 0, 3, 4]), "1::2:0:0:3:4");
        assert_eq!(
            ip6([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]),
            "::ffff:10.0.0.1"
        );
        assert_eq!(
            ip6([0xfe80, 0, 0, 0, 0, 0x5efe, 0xc000, 0x0201]),
            "fe80::5efe:192.0.2.1"
        );
    }

    const MAC1: [u8; 6] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x01];
    const MAC2: [u8; 6] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x02];

    fn slave<'a>(name: &'a str, mac: &'a [u8; 6]) -> SlaveView<'a> {
        SlaveView {
            name,
            link: BOND_LINK_UP,
            speed: 10000,
            duplex: DUPLEX_FULL,
            link_failure_count: 0,
            perm_hwaddr: mac,
            queue_id: 0,
            ad: None,
        }
    }

    #[test]
    fn active_backup_with_two_slaves() {
        let mut s2 = slave("eth1", &MAC2);
        s2.link = BOND_LINK_DOWN;
        s2.speed = SPEED_UNKNOWN;
        s2.duplex = DUPLEX_UNKNOWN;
        s2.link_failure_count = 1;
        s2.queue_id = 2;
        let slaves = [slave("eth0", &MAC1), s2];
        let targets = [[192, 0, 2, 1], [192, 0, 2, 2], [0, 0, 0, 0], [10, 0, 0, 1]];
        let mut ns = [[0u8; 16]; 1];
        ns[0][..2].copy_from_slice(&[0x20, 0x01]);
        ns[0][15] = 1;
        let view = BondView {
            version: "7.3.4",
            name: "bond0",
            mode: BondMode::ActiveBackup,
            fail_over_mac: 1,
            primary: Some("eth0"),
            primary_reselect: 2,
            active: Some("eth0"),
            carrier: true,
            miimon: 0,
            updelay: 0,
            downdelay: 0,
            peer_notif_delay: 0,
            arp_interval: 1000,
            missed_max: 2,
            arp_targets: &targets,
            ns_targets: &ns,
            net_admin: true,
            slaves: &slaves,
            ..BondView::default()
        };
        let mut out = String::new();
        write_bond(&mut out, &view).unwrap();
        let expected = "Ethernet Channel Bonding Driver: v7.3.4\n\
\n\
Bonding Mode: fault-tolerance (active-backup) (fail_over_mac active)\n\
Primary Slave: eth0 (primary_reselect failure)\n\
Currently Active Slave: eth0\n\
MII Status: up\n\
MII Polling Interval (ms): 0\n\
Up Delay (ms): 0\n\
Down Delay (ms): 0\n\
Peer Notification Delay (ms): 0\n\
ARP Polling Interval (ms): 1000\n\
ARP Missed Max: 2\n\
ARP IP target/s (n.n.n.n form): 192.0.2.1, 192.0.2.2\n\
NS IPv6 target/s (xx::xx form): 2001::1\n\
\n\
Slave Interface: eth0\n\
MII Status: up\n\
Speed: 10000 Mbps\n\
Duplex: full\n\
Link Failure Count: 0\n\
Permanent HW addr: 52:54:00:12:34:01\n\
Slave queue ID: 0\n\
\n\
Slave Interface: eth1\n\
MII Status: down\n\
Speed: Unknown\n\
Duplex: Unknown\n\
Link Failure Count: 1\n\
Permanent HW addr: 52:54:00:12:34:02\n\
Slave queue ID: 2\n";
        assert_eq!(out, expected);
    }

    #[test]
    fn miimon_delays_and_xor_hash_policy() {
        let view = BondView {
            version: "7.3.4",
            mode: BondMode::Xor,
            xmit_policy: 1,
            carrier: false,
            miimon: 100,
            updelay: 2,
            downdelay: 3,
            peer_notif_delay: 1,
            ..BondView::default()
        };
        let mut out = String::new();
        write_bond(&mut out, &view).unwrap();
        assert_eq!(
            out,
            "Ethernet Channel Bonding Driver: v7.3.4\n\n\
Bonding Mode: load balancing (xor)\n\
Transmit Hash Policy: layer3+4 (1)\n\
MII Status: down\n\
MII Polling Interval (ms): 100\n\
Up Delay (ms): 200\n\
Down Delay (ms): 300\n\
Peer Notification Delay (ms): 100\n"
        );
        // balance-tlb prints the policy only without tlb_dynamic_lb, and a
        // primary line always.
        let mut tlb = view;
        tlb.mode = BondMode::Tlb;
        tlb.tlb_dynamic_lb = true;
        let mut out = String::new();
        write_master(&mut out, &tlb).unwrap();
        assert!(out.starts_with(
            "Bonding Mode: transmit load balancing\nPrimary Slave: None\nCurrently Active Slave: None\n"
        ));
    }

    #[test]
    fn ieee8023ad_with_a_partner() {
        let port = SlaveAdView {
            aggregator_id: 1,
            actor_churn_state: AD_NO_CHURN,
            partner_churn_state: AD_CHURN_MONITOR,
            actor_churned_count: 0,
            partner_churned_count: 1,
            actor: ActorView {
                system_priority: 65535,
                system: [0x02, 0, 0, 0, 0, 0x01],
                port_key: 15,
                port_priority: 255,
                port_number: 1,
                port_state: 61,
            },
            partner: PartnerView {
                system_priority: 127,
                system: [0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc],
                key: 7,
                port_priority: 127,
                port_number: 3,
                port_state: 63,
            },
        };
        let mut s0 = slave("eth0", &MAC1);
        s0.ad = Some(port);
        let s1 = slave("eth1", &MAC2);
        let slaves = [s0, s1];
        let view = BondView {
            version: "7.3.4-1",
            name: "bond0",
            mode: BondMode::Ieee8023ad,
            xmit_policy: 2,
            carrier: true,
            miimon: 100,
            net_admin: true,
            ad: AdBondView {
                lacp_active: true,
                lacp_fast: true,
                min_links: 1,
                ad_select: 1,
                system_priority: 65535,
                system_mac: [0x02, 0, 0, 0, 0, 0x01],
                active_aggregator: Some(AdInfo {
                    aggregator_id: 1,
                    ports: 1,
                    actor_key: 15,
                    partner_key: 7,
                    partner_system: [0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc],
                }),
            },
            slaves: &slaves,
            ..BondView::default()
        };
        let mut out = String::new();
        write_bond(&mut out, &view).unwrap();
        let expected = "Ethernet Channel Bonding Driver: v7.3.4-1\n\
\n\
Bonding Mode: IEEE 802.3ad Dynamic link aggregation\n\
Transmit Hash Policy: layer2+3 (2)\n\
MII Status: up\n\
MII Polling Interval (ms): 100\n\
Up Delay (ms): 0\n\
Down Delay (ms): 0\n\
Peer Notification Delay (ms): 0\n\
\n\
802.3ad info\n\
LACP active: on\n\
LACP rate: fast\n\
Min links: 1\n\
Aggregator selection policy (ad_select): bandwidth\n\
System priority: 65535\n\
System MAC address: 02:00:00:00:00:01\n\
Active Aggregator Info:\n\
\tAggregator ID: 1\n\
\tNumber of ports: 1\n\
\tActor Key: 15\n\
\tPartner Key: 7\n\
\tPartner Mac Address: 00:1b:21:aa:bb:cc\n\
\n\
Slave Interface: eth0\n\
MII Status: up\n\
Speed: 10000 Mbps\n\
Duplex: full\n\
Link Failure Count: 0\n\
Permanent HW addr: 52:54:00:12:34:01\n\
Slave queue ID: 0\n\
Aggregator ID: 1\n\
Actor Churn State: none\n\
Partner Churn State: monitoring\n\
Actor Churned Count: 0\n\
Partner Churned Count: 1\n\
details actor lacp pdu:\n\
\x20   system priority: 65535\n\
\x20   system mac address: 02:00:00:00:00:01\n\
\x20   port key: 15\n\
\x20   port priority: 255\n\
\x20   port number: 1\n\
\x20   port state: 61\n\
details partner lacp pdu:\n\
\x20   system priority: 127\n\
\x20   system mac address: 00:1b:21:aa:bb:cc\n\
\x20   oper key: 7\n\
\x20   port priority: 127\n\
\x20   port number: 3\n\
\x20   port state: 63\n\
\n\
Slave Interface: eth1\n\
MII Status: up\n\
Speed: 10000 Mbps\n\
Duplex: full\n\
Link Failure Count: 0\n\
Permanent HW addr: 52:54:00:12:34:02\n\
Slave queue ID: 0\n\
Aggregator ID: N/A\n";
        assert_eq!(out, expected);

        // Without CAP_NET_ADMIN and without an active aggregator.
        let mut unpriv = view;
        unpriv.net_admin = false;
        let mut out = String::new();
        write_bond(&mut out, &unpriv).unwrap();
        assert!(out.contains("Aggregator selection policy (ad_select): bandwidth\n\nSlave"));
        assert!(!out.contains("details actor"));
        let mut no_agg = view;
        no_agg.ad.active_aggregator = None;
        let mut out = String::new();
        write_master(&mut out, &no_agg).unwrap();
        assert!(out.ends_with(
            "System MAC address: 02:00:00:00:00:01\nbond bond0 has no active aggregator\n"
        ));
    }

    #[test]
    fn round_robin_and_broadcast_print_no_policy_or_primary() {
        for mode in [BondMode::RoundRobin, BondMode::Broadcast] {
            let view = BondView {
                version: "7.3.4",
                mode,
                ..BondView::default()
            };
            let mut out = String::new();
            write_master(&mut out, &view).unwrap();
            assert_eq!(
                out,
                std::format!(
                    "Bonding Mode: {}\nMII Status: down\nMII Polling Interval (ms): 0\n\
Up Delay (ms): 0\nDown Delay (ms): 0\nPeer Notification Delay (ms): 0\n",
                    mode.description()
                )
            );
        }
        assert_eq!(slave_link_status(3), "going back");
        assert_eq!(churn_desc(9), "unknown");
    }
}
