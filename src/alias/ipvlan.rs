// SPDX-License-Identifier: GPL-2.0

//! ipvlan's pure logic, as `drivers/net/ipvlan/` (Linux 7.3) has it: the
//! netlink values and checks of `ipvlan_nl_validate()`,
//! `ipvlan_link_new()` and `ipvlan_nl_changelink()`; the per-port mode
//! rule of `ipvlan_set_port_mode()`; slave `dev_id` allocation; the
//! address and MAC hashes and the lookup key of a frame
//! (`ipvlan_get_L3_hdr()`, `ipvlan_addr_lookup()`); and the l2/l3 receive
//! and transmit decisions of `ipvlan_core.c`.
//!
//! Mode and flags belong to the port (the lower): the last slave created
//! or changed sets them for all.

use super::super::ether::MacAddr;
use super::errno::{EADDRINUSE, EBUSY, EINVAL, ENODEV, ENOSPC, ENOTSUPP, EPERM};
use super::hash::{jhash2, jhash_1word};
use super::macvlan::{McFilter, ETH_P_PAUSE};
use core::ffi::CStr;

/// `IPVLAN_HASH_SIZE`: buckets of the port's address table.
pub const HASH_SIZE: usize = 256;
/// `IPVLAN_MAC_FILTER_SIZE`: bits of a slave's multicast filter.
pub const MAC_FILTER_SIZE: usize = 256;
/// `IPVLAN_QBACKLOG_LIMIT`: group frames waiting for the work item.
pub const QBACKLOG_LIMIT: u32 = 1000;
/// The lowest slave `dev_id`.
pub const DEV_ID_MIN: u16 = 1;
/// The highest slave `dev_id` (0xFFFE is the master's).
pub const DEV_ID_MAX: u16 = 0xFFFD;
/// `ETH_P_IP`.
pub const ETH_P_IP: u16 = 0x0800;
/// `ETH_P_IPV6`.
pub const ETH_P_IPV6: u16 = 0x86dd;
/// `ETH_P_ARP`.
pub const ETH_P_ARP: u16 = 0x0806;

/// An ipvlan mode (`enum ipvlan_mode`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Mode {
    /// `IPVLAN_MODE_L2`: the slaves see Ethernet, ARP included.
    L2,
    /// `IPVLAN_MODE_L3` (the default): routed by the master's stack.
    #[default]
    L3,
    /// `IPVLAN_MODE_L3S`: L3 through the master's netfilter hooks.
    L3s,
}

impl Mode {
    /// Parses `IFLA_IPVLAN_MODE` as `ipvlan_nl_validate()` (`EINVAL` from
    /// `IPVLAN_MODE_MAX` on).
    pub fn from_u16(value: u16) -> Result<Mode, Error> {
        match value {
            0 => Ok(Mode::L2),
            1 => Ok(Mode::L3),
            2 => Ok(Mode::L3s),
            _ => Err(Error::UnknownMode),
        }
    }

    /// The `IPVLAN_MODE_*` value.
    pub fn value(self) -> u16 {
        match self {
            Mode::L2 => 0,
            Mode::L3 => 1,
            Mode::L3s => 2,
        }
    }

    /// The word iproute2 prints and takes.
    pub fn name(self) -> &'static str {
        match self {
            Mode::L2 => "l2",
            Mode::L3 => "l3",
            Mode::L3s => "l3s",
        }
    }

    /// Whether the slaves are `IFF_NOARP` in this mode (`ipvlan_open()`,
    /// `ipvlan_set_port_mode()`): in l3 and l3s.
    pub fn noarp(self) -> bool {
        self != Mode::L2
    }
}

/// The port's `IFLA_IPVLAN_FLAGS`: at most one of private and vepa.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum PortFlags {
    /// No flag: slaves talk to each other directly.
    #[default]
    Bridge,
    /// `IPVLAN_F_PRIVATE`: no traffic between slaves.
    Private,
    /// `IPVLAN_F_VEPA`: slave to slave goes out through the master.
    Vepa,
}

impl PortFlags {
    /// Parses `IFLA_IPVLAN_FLAGS` as `ipvlan_nl_validate()`: an unknown
    /// bit, or private and vepa together, is `EINVAL`.
    pub fn from_u16(value: u16) -> Result<PortFlags, Error> {
        match value {
            0 => Ok(PortFlags::Bridge),
            1 => Ok(PortFlags::Private),
            2 => Ok(PortFlags::Vepa),
            3 => Err(Error::PrivateAndVepa),
            _ => Err(Error::UnknownFlags),
        }
    }

    /// The `IPVLAN_F_*` bits.
    pub fn value(self) -> u16 {
        match self {
            PortFlags::Bridge => 0,
            PortFlags::Private => 1,
            PortFlags::Vepa => 2,
        }
    }

    /// The word iproute2 prints and takes.
    pub fn name(self) -> &'static str {
        match self {
            PortFlags::Bridge => "bridge",
            PortFlags::Private => "private",
            PortFlags::Vepa => "vepa",
        }
    }
}

/// Why an ipvlan request failed: each variant is one `return -E...` of
/// `ipvlan_main.c`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Error {
    /// `IFLA_IPVLAN_MODE` is 3 or more.
    UnknownMode,
    /// `IFLA_IPVLAN_FLAGS` has a bit other than private and vepa.
    UnknownFlags,
    /// Private and vepa together.
    PrivateAndVepa,
    /// No `IFLA_LINK`.
    NoLink,
    /// `IFLA_LINK` names no device.
    NoLower,
    /// The lower is an ipvlan whose master's namespace the caller has no
    /// `CAP_NET_ADMIN` in.
    LowerNetnsNeedsCapability,
    /// The lower is not Ethernet, or is a loopback device.
    LowerNotEthernet,
    /// The lower's receive handler belongs to someone else.
    LowerBusy,
    /// Changelink without `CAP_NET_ADMIN` in the master's namespace.
    NotCapable,
    /// l3s without `CONFIG_IPVLAN_L3S`.
    L3sNotSupported,
    /// Every slave `dev_id` is taken.
    NoDevId,
    /// Another slave of the port owns the address.
    AddressInUse,
}

impl Error {
    /// The (positive) errno value.
    pub fn errno(self) -> i32 {
        match self {
            Error::NoLower => ENODEV,
            Error::LowerNetnsNeedsCapability | Error::NotCapable => EPERM,
            Error::LowerBusy => EBUSY,
            Error::L3sNotSupported => ENOTSUPP,
            Error::NoDevId => ENOSPC,
            Error::AddressInUse => EADDRINUSE,
            _ => EINVAL,
        }
    }

    /// The extack message ipvlan sets, if any.
    pub fn extack(self) -> Option<&'static CStr> {
        match self {
            Error::AddressInUse => Some(c"Address already assigned to an ipvlan device"),
            Error::L3sNotSupported => Some(c"ipvlan mode l3s is not supported"),
            _ => None,
        }
    }

    /// The `netdev_err()` line ipvlan logs on the lower, if any.
    pub fn log(self) -> Option<&'static CStr> {
        match self {
            Error::LowerNotEthernet => Some(c"Master is either lo or non-ether device"),
            Error::LowerBusy => Some(c"Device is already in use."),
            _ => None,
        }
    }
}

/// The `IFLA_IPVLAN_*` attributes after [`validate`].
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Request {
    /// The mode asked for.
    pub mode: Option<Mode>,
    /// The flags asked for.
    pub flags: Option<PortFlags>,
}

/// `ipvlan_nl_validate()`: mode, then flags.
pub fn validate(mode: Option<u16>, flags: Option<u16>) -> Result<Request, Error> {
    Ok(Request {
        mode: mode.map(Mode::from_u16).transpose()?,
        flags: flags.map(PortFlags::from_u16).transpose()?,
    })
}

/// The device `IFLA_LINK` names, as `ipvlan_link_new()` looks at it
/// (an ipvlan lower already replaced by its master).
#[derive(Clone, Copy, Debug)]
pub struct Lower {
    /// `IFLA_LINK` named an ipvlan; this is its master.
    pub via_ipvlan: bool,
    /// `ns_capable(CAP_NET_ADMIN)` in the master's namespace.
    pub capable: bool,
    /// It already has an ipvlan port.
    pub is_port: bool,
    /// `type == ARPHRD_ETHER`.
    pub is_ether: bool,
    /// `IFF_LOOPBACK`.
    pub is_loopback: bool,
    /// Another receive handler is registered.
    pub rx_handler_busy: bool,
}

/// What `ipvlan_link_new()` does once its checks pass, in its order:
/// take the master's MTU (without `IFLA_MTU`) and address, register, get
/// a `dev_id` ([`next_dev_id`]), link, set the port flags (kept even if
/// the mode change then fails), then [`set_port_mode`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct NewlinkPlan {
    /// New port flags.
    pub flags: Option<PortFlags>,
    /// The port's mode from now on (default l3, even for an existing
    /// port).
    pub mode: Mode,
}

/// The checks of `ipvlan_link_new()` before `register_netdevice()`.
pub fn newlink(
    link_given: bool,
    lower: Option<&Lower>,
    req: &Request,
) -> Result<NewlinkPlan, Error> {
    if !link_given {
        return Err(Error::NoLink);
    }
    let lower = lower.ok_or(Error::NoLower)?;
    if lower.via_ipvlan {
        if !lower.capable {
            return Err(Error::LowerNetnsNeedsCapability);
        }
    } else if !lower.is_port {
        if !lower.is_ether || lower.is_loopback {
            return Err(Error::LowerNotEthernet);
        }
        if lower.rx_handler_busy {
            return Err(Error::LowerBusy);
        }
    }
    Ok(NewlinkPlan {
        flags: req.flags,
        mode: req.mode.unwrap_or_default(),
    })
}

/// `ipvlan_link_new()`'s `dev_id` choice: from `start` (`dev_id_start`,
/// 0xFFFE wrapping to 1) up to [`DEV_ID_MAX`], then from 1 up to
/// `start - 1`, the lowest id not `in_use`, as `ida_alloc_range()`.
/// Returns the id and the next `dev_id_start` (a start of 0, which the
/// kernel never has, counts as 1).
pub fn next_dev_id(start: u16, in_use: impl Fn(u16) -> bool) -> Result<(u16, u16), Error> {
    let start = if start == DEV_ID_MAX + 1 { 1 } else { start };
    let start = start.max(DEV_ID_MIN);
    let id = (start..=DEV_ID_MAX)
        .chain(DEV_ID_MIN..start)
        .find(|&id| !in_use(id))
        .ok_or(Error::NoDevId)?;
    Ok((id, id + 1))
}

/// What `ipvlan_set_port_mode()` changes when the mode changes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ModeChange {
    /// Every slave's `IFF_NOARP` (set for l3 and l3s, cleared for l2).
    pub noarp: bool,
    /// Register the l3s hooks (new mode l3s).
    pub register_l3s: bool,
    /// Unregister them (old mode l3s).
    pub unregister_l3s: bool,
}

/// `ipvlan_set_port_mode()`: `None` when the port is already in `new`;
/// without l3s support, switching to l3s fails and the slaves' flags are
/// put back (`ENOTSUPP`).
pub fn set_port_mode(
    old: Mode,
    new: Mode,
    l3s_supported: bool,
) -> Result<Option<ModeChange>, Error> {
    if old == new {
        return Ok(None);
    }
    if new == Mode::L3s && !l3s_supported {
        return Err(Error::L3sNotSupported);
    }
    Ok(Some(ModeChange {
        noarp: new.noarp(),
        register_l3s: new == Mode::L3s,
        unregister_l3s: old == Mode::L3s,
    }))
}

/// What `ipvlan_nl_changelink()` does: the mode change, then (only if it
/// succeeded) the flags.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ChangelinkPlan {
    /// The mode change, if any.
    pub mode: Option<ModeChange>,
    /// The new mode, if one was given.
    pub new_mode: Option<Mode>,
    /// New port flags.
    pub flags: Option<PortFlags>,
}

/// `ipvlan_nl_changelink()`: `has_data` is whether `IFLA_INFO_DATA` came
/// (without it nothing, not even the capability, is checked); `capable`
/// is `ns_capable(CAP_NET_ADMIN)` in the master's namespace.
pub fn changelink(
    has_data: bool,
    capable: bool,
    req: &Request,
    port_mode: Mode,
    l3s_supported: bool,
) -> Result<ChangelinkPlan, Error> {
    if !has_data {
        return Ok(ChangelinkPlan::default());
    }
    if !capable {
        return Err(Error::NotCapable);
    }
    let mode = match req.mode {
        Some(m) => set_port_mode(port_mode, m, l3s_supported)?,
        None => None,
    };
    Ok(ChangelinkPlan {
        mode,
        new_mode: req.mode,
        flags: req.flags,
    })
}

/// `ipvlan_addr{4,6}_validator_event()`: an address another slave of the
/// port owns is refused.
pub fn check_new_addr(busy: bool) -> Result<(), Error> {
    if busy {
        Err(Error::AddressInUse)
    } else {
        Ok(())
    }
}

/// An address of the port's table (`struct ipvl_addr`), as it appears in
/// packets (network byte order).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AddrKey {
    /// An IPv4 address.
    V4([u8; 4]),
    /// An IPv6 address.
    V6([u8; 16]),
}

impl AddrKey {
    /// The address's bucket: `ipvlan_get_v4_hash()` (`jhash_1word()` of
    /// the `__be32` as stored) or `ipvlan_get_v6_hash()`
    /// (`__ipv6_addr_jhash()`), masked to [`HASH_SIZE`]; `secret` is
    /// `ipvlan_jhash_secret`.
    pub fn bucket(&self, secret: u32) -> u8 {
        let hash = match *self {
            AddrKey::V4(a) => jhash_1word(u32::from_ne_bytes(a), secret),
            AddrKey::V6(a) => {
                // s6_addr32[i], as stored.
                let word = |i: usize| {
                    a.get(i * 4..i * 4 + 4)
                        .and_then(|b| b.try_into().ok())
                        .map_or(0, u32::from_ne_bytes)
                };
                jhash2(&[word(0), word(1), word(2), word(3)], secret)
            }
        };
        (hash & (HASH_SIZE as u32 - 1)) as u8
    }
}

impl AddrKey {
    /// The address's key in a table keyed by `u64`: an IPv4 address's own
    /// 32 bits (as stored), an IPv6 address's `v6_key` (a 64-bit keyed
    /// hash) with the top bit set, so that the two kinds never meet.
    pub fn table_key(&self, v6_key: impl FnOnce(&[u8; 16]) -> u64) -> u64 {
        match self {
            AddrKey::V4(a) => u64::from(u32::from_ne_bytes(*a)),
            AddrKey::V6(a) => v6_key(a) | 1 << 63,
        }
    }
}

/// `ipvlan_set_multicast_mac_filter()`: every bit for a promiscuous or
/// all-multicast slave, else the bits of its groups and of broadcast.
pub fn mac_filter(
    all: bool,
    groups: impl IntoIterator<Item = MacAddr>,
    broadcast: MacAddr,
    secret: u32,
) -> McFilter {
    if all {
        return McFilter::FULL;
    }
    let mut filter = McFilter::EMPTY;
    for addr in groups.into_iter().chain([broadcast]) {
        filter.set(mac_hash(addr, secret));
    }
    filter
}

/// `ipvlan_mac_hash()`: the multicast filter bit of `addr` (bytes 2..6 as
/// a native-endian word, `jhash_1word()` with `secret`).
pub fn mac_hash(addr: MacAddr, secret: u32) -> u32 {
    let a = addr.0;
    jhash_1word(u32::from_ne_bytes([a[2], a[3], a[4], a[5]]), secret) & (MAC_FILTER_SIZE as u32 - 1)
}

/// A frame as `ipvlan_get_L3_hdr()` sees it.
#[derive(Clone, Copy, Debug)]
pub struct L3Frame<'a> {
    /// `skb->protocol`.
    pub protocol: u16,
    /// The bytes from the network header on.
    pub l3: &'a [u8],
    /// `skb->len`.
    pub skb_len: usize,
    /// `skb_network_offset()`: 0 on receive, 14 on transmit.
    pub network_offset: usize,
    /// A TCP GSO packet (`skb_is_gso() && skb_is_gso_tcp()`), whose
    /// IPv4 `tot_len` may be 0.
    pub gso_tcp: bool,
}

/// `ipvlan_get_L3_hdr()` then `ipvlan_addr_lookup()`'s choice of address:
/// the key a frame is looked up by (`use_dest`: its destination, else
/// its source). ARP: target or sender IPv4; IPv4: destination or source
/// after the header checks; IPv6: destination or source, except a packet
/// from `::` carrying ICMPv6, which is looked up by its neighbour
/// solicitation target, or not at all. `None`: no lookup. Unlike the
/// kernel, which may read past what `pskb_may_pull()` checked on
/// transmit, the header must lie within `l3`.
pub fn lookup_key(frame: &L3Frame<'_>, use_dest: bool) -> Option<AddrKey> {
    let v4 = |off: usize| -> Option<AddrKey> {
        Some(AddrKey::V4(frame.l3.get(off..off + 4)?.try_into().ok()?))
    };
    let v6 = |off: usize| -> Option<AddrKey> {
        Some(AddrKey::V6(frame.l3.get(off..off + 16)?.try_into().ok()?))
    };
    match frame.protocol {
        ETH_P_ARP => {
            // arp_hdr_len() of an Ethernet device: 8 + 2 * (6 + 4).
            frame.l3.get(..28)?;
            v4(if use_dest { 24 } else { 14 })
        }
        ETH_P_IP => {
            let h: &[u8; 20] = frame.l3.get(..20)?.try_into().ok()?;
            let ihl = usize::from(h[0] & 0x0f);
            if ihl < 5 || h[0] >> 4 != 4 {
                return None;
            }
            let tot_len = usize::from(u16::from_be_bytes([h[2], h[3]]));
            let pktlen = if tot_len == 0 && frame.gso_tcp {
                frame.skb_len.saturating_sub(frame.network_offset)
            } else {
                tot_len
            };
            if frame.skb_len < pktlen || pktlen < ihl * 4 {
                return None;
            }
            v4(if use_dest { 16 } else { 12 })
        }
        ETH_P_IPV6 => {
            let h: &[u8; 40] = frame.l3.get(..40)?.try_into().ok()?;
            if h[0] >> 4 != 6 {
                return None;
            }
            const NEXTHDR_ICMP: u8 = 58;
            const NDISC_NEIGHBOUR_SOLICITATION: u8 = 135;
            let from_any = h.get(8..24).is_some_and(|s| s.iter().all(|&b| b == 0));
            if !(from_any && h[6] == NEXTHDR_ICMP) {
                return v6(if use_dest { 24 } else { 8 });
            }
            // struct icmp6hdr is 8 bytes; the target follows it.
            let icmp_type = *frame.l3.get(..48)?.get(40)?;
            if icmp_type != NDISC_NEIGHBOUR_SOLICITATION {
                return None;
            }
            v6(48)
        }
        _ => None,
    }
}

/// Where a slave's frame goes (`ipvlan_xmit_mode_l3()`,
/// `ipvlan_xmit_mode_l2()`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tx {
    /// Dropped: private port, slave to slave.
    Drop,
    /// `ipvlan_rcv_frame(.., local)`: forwarded to the slave owning the
    /// destination (dropped there if it is down).
    Slave,
    /// `dev_forward_skb()` to the master: local, but no slave's.
    Master,
    /// `ipvlan_process_outbound()`: routed in the master's namespace
    /// ([`routes`]).
    Route,
    /// Queued for the work item, which floods the slaves and then sends
    /// it out the master ([`backlog_accepts`]).
    Backlog,
    /// `dev_queue_xmit()` on the master.
    Out,
}

/// `ipvlan_xmit_mode_l3()` (l3 and l3s): `local` is whether the
/// destination's key ([`lookup_key`]) belongs to a slave. VEPA never
/// looks.
pub fn xmit_l3(flags: PortFlags, local: bool) -> Tx {
    match flags {
        PortFlags::Vepa => Tx::Route,
        _ if !local => Tx::Route,
        PortFlags::Private => Tx::Drop,
        PortFlags::Bridge => Tx::Slave,
    }
}

/// `ipvlan_xmit_mode_l2()`: a frame to the shared address (destination
/// equals source) is for a slave or the master, unless VEPA; a group
/// frame goes to the backlog; anything else out.
pub fn xmit_l2(flags: PortFlags, dst: MacAddr, src: MacAddr, local: bool) -> Tx {
    if flags != PortFlags::Vepa && dst == src {
        match (local, flags) {
            (false, _) => Tx::Master,
            (true, PortFlags::Private) => Tx::Drop,
            (true, _) => Tx::Slave,
        }
    } else if dst.is_multicast() {
        Tx::Backlog
    } else {
        Tx::Out
    }
}

/// `ipvlan_process_outbound()`: group-addressed frames and anything but
/// IPv4 and IPv6 are dropped; the rest is routed.
pub fn routes(dst: MacAddr, protocol: u16) -> bool {
    !dst.is_multicast() && matches!(protocol, ETH_P_IP | ETH_P_IPV6)
}

/// `ipvlan_multicast_enqueue()`: PAUSE frames are dropped, the others
/// queued while fewer than [`QBACKLOG_LIMIT`] wait (else dropped and
/// counted in `rx_dropped`).
pub fn backlog_accepts(protocol: u16, queued: u32) -> bool {
    protocol != ETH_P_PAUSE && queued < QBACKLOG_LIMIT
}

/// What the master's receive handler does (`ipvlan_handle_frame()`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rx {
    /// The master keeps it (`RX_HANDLER_PASS`).
    Pass,
    /// Handed to the slave owning the key (`RX_HANDLER_ANOTHER`).
    Slave,
    /// The master keeps it and a clone is queued for the slaves
    /// ([`backlog_accepts`]).
    PassAndBacklog,
}

/// A received frame as [`rx`] sees it.
#[derive(Clone, Copy, Debug)]
pub struct RxFrame {
    /// `PACKET_LOOPBACK`.
    pub loopback: bool,
    /// Its destination MAC is a group address.
    pub dst_multicast: bool,
    /// Its destination key ([`lookup_key`] with `use_dest`) is a slave's.
    pub dst_local: bool,
    /// `ipvlan_external_frame()`: not (source MAC is the master's and its
    /// source key is a slave's) — see [`external_frame`].
    pub external: bool,
}

/// `ipvlan_external_frame()`: a group frame a slave sent (master's source
/// MAC, a slave's source address) is not external.
pub fn external_frame(src_is_master_mac: bool, src_local: bool) -> bool {
    !(src_is_master_mac && src_local)
}

/// `ipvlan_handle_frame()`: l3 delivers by destination key; l2 does the
/// same for unicast and queues external group frames; l3s leaves
/// everything to its hooks.
pub fn rx(mode: Mode, frame: &RxFrame) -> Rx {
    let by_key = if frame.dst_local { Rx::Slave } else { Rx::Pass };
    match mode {
        Mode::L3 => by_key,
        Mode::L3s => Rx::Pass,
        Mode::L2 if frame.loopback => Rx::Pass,
        Mode::L2 if !frame.dst_multicast => by_key,
        Mode::L2 if frame.external => Rx::PassAndBacklog,
        Mode::L2 => Rx::Pass,
    }
}

/// `ipvlan_process_multicast()`: whether a slave gets a copy of a queued
/// group frame: not the slave that sent it (`tx_pkt`), its filter has the
/// bit, and it is up. A sent frame then leaves by the master.
pub fn multicast_reaches(tx_pkt: bool, is_sender: bool, filter_hit: bool, up: bool) -> bool {
    !(tx_pkt && is_sender) && filter_hit && up
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    fn lower() -> Lower {
        Lower {
            via_ipvlan: false,
            capable: true,
            is_port: false,
            is_ether: true,
            is_loopback: false,
            rx_handler_busy: false,
        }
    }

    #[test]
    fn nl_validate() {
        assert_eq!(Mode::from_u16(2), Ok(Mode::L3s));
        assert_eq!(Mode::from_u16(3), Err(Error::UnknownMode));
        assert_eq!(PortFlags::from_u16(0), Ok(PortFlags::Bridge));
        let e = PortFlags::from_u16(3).unwrap_err();
        assert_eq!((e, e.errno()), (Error::PrivateAndVepa, 22));
        assert_eq!(PortFlags::from_u16(4), Err(Error::UnknownFlags));
        assert_eq!(PortFlags::from_u16(5), Err(Error::UnknownFlags));
        assert_eq!(validate(Some(7), Some(3)), Err(Error::UnknownMode));
        assert_eq!(
            validate(Some(0), Some(2)),
            Ok(Request {
                mode: Some(Mode::L2),
                flags: Some(PortFlags::Vepa)
            })
        );
        assert_eq!(validate(None, None), Ok(Request::default()));
    }

    #[test]
    fn link_new_checks() {
        let r = Request::default();
        assert_eq!(newlink(false, Some(&lower()), &r), Err(Error::NoLink));
        assert_eq!(newlink(true, None, &r).unwrap_err().errno(), 19);
        let nested = Lower {
            via_ipvlan: true,
            capable: false,
            ..lower()
        };
        assert_eq!(newlink(true, Some(&nested), &r).unwrap_err().errno(), 1);
        let lo = Lower {
            is_loopback: true,
            ..lower()
        };
        let e = newlink(true, Some(&lo), &r).unwrap_err();
        assert_eq!(e.log(), Some(c"Master is either lo or non-ether device"));
        let busy = Lower {
            rx_handler_busy: true,
            ..lower()
        };
        let e = newlink(true, Some(&busy), &r).unwrap_err();
        assert_eq!(
            (e.errno(), e.log()),
            (16, Some(c"Device is already in use."))
        );
        // An existing port is not checked again.
        let port = Lower {
            is_port: true,
            rx_handler_busy: true,
            ..lower()
        };
        assert_eq!(
            newlink(true, Some(&port), &r),
            Ok(NewlinkPlan {
                flags: None,
                mode: Mode::L3
            })
        );
    }

    #[test]
    fn dev_ids() {
        assert_eq!(next_dev_id(1, |_| false), Ok((1, 2)));
        assert_eq!(next_dev_id(5, |id| id < 7), Ok((7, 8)));
        // 0xFFFE wraps to 1; the last id leads to the wrap.
        assert_eq!(next_dev_id(0xFFFE, |_| false), Ok((1, 2)));
        assert_eq!(next_dev_id(0xFFFD, |_| false), Ok((0xFFFD, 0xFFFE)));
        // Above the start everything is taken: the lowest below it.
        assert_eq!(next_dev_id(100, |id| !(3..100).contains(&id)), Ok((3, 4)));
        let e = next_dev_id(1, |_| true).unwrap_err();
        assert_eq!(e.errno(), 28);
    }

    #[test]
    fn port_mode_last_writer_wins() {
        assert_eq!(set_port_mode(Mode::L3, Mode::L3, false), Ok(None));
        assert_eq!(
            set_port_mode(Mode::L3, Mode::L2, false),
            Ok(Some(ModeChange {
                noarp: false,
                register_l3s: false,
                unregister_l3s: false
            }))
        );
        assert_eq!(
            set_port_mode(Mode::L3s, Mode::L3, false),
            Ok(Some(ModeChange {
                noarp: true,
                register_l3s: false,
                unregister_l3s: true
            }))
        );
        let e = set_port_mode(Mode::L2, Mode::L3s, false).unwrap_err();
        assert_eq!(e.errno(), 524);
        assert!(
            set_port_mode(Mode::L2, Mode::L3s, true)
                .unwrap()
                .unwrap()
                .register_l3s
        );
        assert!(!Mode::L2.noarp() && Mode::L3.noarp() && Mode::L3s.noarp());
    }

    #[test]
    fn nl_changelink() {
        let r = Request {
            mode: Some(Mode::L3s),
            flags: Some(PortFlags::Private),
        };
        assert_eq!(
            changelink(false, false, &r, Mode::L3, false),
            Ok(ChangelinkPlan::default())
        );
        assert_eq!(
            changelink(true, false, &r, Mode::L3, false),
            Err(Error::NotCapable)
        );
        // The failed mode change keeps the flags from being applied.
        assert_eq!(
            changelink(true, true, &r, Mode::L3, false),
            Err(Error::L3sNotSupported)
        );
        let r = Request {
            mode: Some(Mode::L3),
            ..r
        };
        assert_eq!(
            changelink(true, true, &r, Mode::L3, false),
            Ok(ChangelinkPlan {
                mode: None,
                new_mode: Some(Mode::L3),
                flags: Some(PortFlags::Private)
            })
        );
        let e = check_new_addr(true).unwrap_err();
        assert_eq!(e.errno(), 98);
        assert_eq!(
            e.extack().unwrap().to_str().unwrap(),
            "Address already assigned to an ipvlan device"
        );
    }

    #[test]
    fn hashes_match_the_c_formula() {
        // Values from a transcription of jhash.h in Python; addresses are
        // loaded as the kernel loads a __be32 / s6_addr32 (native order).
        if cfg!(target_endian = "little") {
            assert_eq!(AddrKey::V4([192, 168, 1, 10]).bucket(0x1234_5678), 12);
            assert_eq!(AddrKey::V4([10, 0, 0, 1]).bucket(0), 129);
            let mut v6 = [0u8; 16];
            v6[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
            v6[15] = 1;
            assert_eq!(AddrKey::V6(v6).bucket(0x1234_5678), 0xfc);
            assert_eq!(mac_hash(MacAddr([0xff; 6]), 0), 91);
            assert_eq!(mac_hash(MacAddr([1, 0, 0x5e, 0, 0, 1]), 0x1234_5678), 10);
        }
    }

    fn ipv4(src: [u8; 4], dst: [u8; 4], tot_len: u16) -> Vec<u8> {
        let mut h = std::vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0];
        h[2..4].copy_from_slice(&tot_len.to_be_bytes());
        h.extend_from_slice(&src);
        h.extend_from_slice(&dst);
        h
    }

    fn rx_frame(protocol: u16, l3: &[u8]) -> L3Frame<'_> {
        L3Frame {
            protocol,
            l3,
            skb_len: l3.len(),
            network_offset: 0,
            gso_tcp: false,
        }
    }

    #[test]
    fn ipv4_keys() {
        let h = ipv4([10, 0, 0, 1], [10, 0, 0, 2], 20);
        let f = rx_frame(ETH_P_IP, &h);
        assert_eq!(lookup_key(&f, true), Some(AddrKey::V4([10, 0, 0, 2])));
        assert_eq!(lookup_key(&f, false), Some(AddrKey::V4([10, 0, 0, 1])));
        // tot_len beyond the skb, below the header, or bad ihl/version.
        let long = ipv4([10, 0, 0, 1], [10, 0, 0, 2], 21);
        assert_eq!(lookup_key(&rx_frame(ETH_P_IP, &long), true), None);
        let zero = ipv4([10, 0, 0, 1], [10, 0, 0, 2], 0);
        assert_eq!(lookup_key(&rx_frame(ETH_P_IP, &zero), true), None);
        let gso = L3Frame {
            gso_tcp: true,
            ..rx_frame(ETH_P_IP, &zero)
        };
        assert!(lookup_key(&gso, true).is_some());
        let mut bad = h.clone();
        bad[0] = 0x44;
        assert_eq!(lookup_key(&rx_frame(ETH_P_IP, &bad), true), None);
        bad[0] = 0x65;
        assert_eq!(lookup_key(&rx_frame(ETH_P_IP, &bad), true), None);
        assert_eq!(lookup_key(&rx_frame(ETH_P_IP, &h[..19]), true), None);
        assert_eq!(lookup_key(&rx_frame(0x88cc, &h), true), None);
    }

    #[test]
    fn arp_and_ipv6_keys() {
        let mut arp = std::vec![0, 1, 8, 0, 6, 4, 0, 1];
        arp.extend_from_slice(&[2, 0, 0, 0, 0, 1, 10, 0, 0, 1]);
        arp.extend_from_slice(&[0, 0, 0, 0, 0, 0, 10, 0, 0, 9]);
        let f = rx_frame(ETH_P_ARP, &arp);
        assert_eq!(lookup_key(&f, true), Some(AddrKey::V4([10, 0, 0, 9])));
        assert_eq!(lookup_key(&f, false), Some(AddrKey::V4([10, 0, 0, 1])));
        assert_eq!(lookup_key(&rx_frame(ETH_P_ARP, &arp[..27]), true), None);

        let mut v6 = std::vec![0x60, 0, 0, 0, 0, 32, 58, 255];
        v6.extend_from_slice(&[0; 16]); // from ::
        let mut dst = [0u8; 16];
        dst[0] = 0xff;
        dst[1] = 0x02;
        v6.extend_from_slice(&dst);
        let mut target = [0u8; 16];
        target[0] = 0xfe;
        target[1] = 0x80;
        target[15] = 7;
        let mut ns = v6.clone();
        ns.extend_from_slice(&[135, 0, 0, 0, 0, 0, 0, 0]);
        ns.extend_from_slice(&target);
        // DAD: the solicitation's target, whichever side is asked.
        let f = rx_frame(ETH_P_IPV6, &ns);
        assert_eq!(lookup_key(&f, true), Some(AddrKey::V6(target)));
        assert_eq!(lookup_key(&f, false), Some(AddrKey::V6(target)));
        assert_eq!(lookup_key(&rx_frame(ETH_P_IPV6, &ns[..63]), true), None);
        // Other ICMPv6 from :: is not looked up.
        let mut rs = v6.clone();
        rs.extend_from_slice(&[133, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(lookup_key(&rx_frame(ETH_P_IPV6, &rs), true), None);
        // UDP from :: uses the addresses.
        let mut udp = v6.clone();
        udp[6] = 17;
        assert_eq!(
            lookup_key(&rx_frame(ETH_P_IPV6, &udp), true),
            Some(AddrKey::V6(dst))
        );
        udp[0] = 0x40;
        assert_eq!(lookup_key(&rx_frame(ETH_P_IPV6, &udp), true), None);
    }

    #[test]
    fn transmit_decisions() {
        use PortFlags::*;
        assert_eq!(xmit_l3(Bridge, true), Tx::Slave);
        assert_eq!(xmit_l3(Private, true), Tx::Drop);
        assert_eq!(xmit_l3(Vepa, true), Tx::Route);
        assert_eq!(xmit_l3(Bridge, false), Tx::Route);

        let me = MacAddr([2, 0, 0, 0, 0, 1]);
        let other = MacAddr([2, 0, 0, 0, 0, 2]);
        let group = MacAddr([0x33, 0x33, 0, 0, 0, 1]);
        assert_eq!(xmit_l2(Bridge, me, me, true), Tx::Slave);
        assert_eq!(xmit_l2(Private, me, me, true), Tx::Drop);
        assert_eq!(xmit_l2(Private, me, me, false), Tx::Master);
        assert_eq!(xmit_l2(Vepa, me, me, true), Tx::Out);
        assert_eq!(xmit_l2(Bridge, group, me, false), Tx::Backlog);
        assert_eq!(xmit_l2(Vepa, group, me, false), Tx::Backlog);
        assert_eq!(xmit_l2(Bridge, other, me, true), Tx::Out);

        assert!(routes(other, ETH_P_IP) && routes(other, ETH_P_IPV6));
        assert!(!routes(group, ETH_P_IP) && !routes(other, ETH_P_ARP));
        assert!(backlog_accepts(ETH_P_IP, 999));
        assert!(!backlog_accepts(ETH_P_IP, 1000));
        assert!(!backlog_accepts(ETH_P_PAUSE, 0));
    }

    #[test]
    fn receive_decisions() {
        let f = RxFrame {
            loopback: false,
            dst_multicast: false,
            dst_local: true,
            external: true,
        };
        assert_eq!(rx(Mode::L3, &f), Rx::Slave);
        assert_eq!(rx(Mode::L2, &f), Rx::Slave);
        assert_eq!(rx(Mode::L3s, &f), Rx::Pass);
        let looped = RxFrame {
            loopback: true,
            ..f
        };
        assert_eq!(rx(Mode::L2, &looped), Rx::Pass);
        assert_eq!(rx(Mode::L3, &looped), Rx::Slave);
        let group = RxFrame {
            dst_multicast: true,
            ..f
        };
        // l3 slaves get no group frames; l2 queues external ones.
        assert_eq!(
            rx(
                Mode::L3,
                &RxFrame {
                    dst_local: false,
                    ..group
                }
            ),
            Rx::Pass
        );
        assert_eq!(rx(Mode::L2, &group), Rx::PassAndBacklog);
        let own = RxFrame {
            external: false,
            ..group
        };
        assert_eq!(rx(Mode::L2, &own), Rx::Pass);
        assert!(!external_frame(true, true));
        assert!(external_frame(true, false) && external_frame(false, true));

        assert!(multicast_reaches(false, true, true, true));
        assert!(!multicast_reaches(true, true, true, true));
        assert!(!multicast_reaches(true, false, false, true));
        assert!(!multicast_reaches(true, false, true, false));
    }

    #[test]
    fn table_keys_and_filters() {
        let v4 = AddrKey::V4([10, 0, 0, 1]).table_key(|_| 0);
        assert!(v4 < 1 << 32);
        let v6 = AddrKey::V6([0; 16]).table_key(|_| 5);
        assert_eq!(v6, 5 | 1 << 63);
        assert_eq!(mac_filter(true, [], MacAddr([0xff; 6]), 0), McFilter::FULL);
        let f = mac_filter(false, [], MacAddr([0xff; 6]), 0);
        assert!(f.test(91) && !f.test(90));
        let g = MacAddr([1, 0, 0x5e, 0, 0, 1]);
        let f = mac_filter(false, [g], MacAddr([0xff; 6]), 0x1234_5678);
        assert!(f.test(10) && f.test(mac_hash(MacAddr([0xff; 6]), 0x1234_5678)));
        let e = Error::L3sNotSupported;
        assert_eq!(
            e.extack().unwrap().to_str().unwrap(),
            "ipvlan mode l3s is not supported"
        );
    }

    fn flags() -> impl Strategy<Value = PortFlags> {
        prop::sample::select(&[PortFlags::Bridge, PortFlags::Private, PortFlags::Vepa][..])
    }

    proptest! {
        /// A private port never passes a frame from slave to slave, and
        /// VEPA never does it inside the host.
        #[test]
        fn private_and_vepa_isolate(f in flags(), dst: [u8; 6], src: [u8; 6], local: bool) {
            let l2 = xmit_l2(f, MacAddr(dst), MacAddr(src), local);
            let l3 = xmit_l3(f, local);
            if f != PortFlags::Bridge {
                prop_assert!(l2 != Tx::Slave && l3 != Tx::Slave);
            }
            if f == PortFlags::Vepa {
                prop_assert!(l2 != Tx::Master && l2 != Tx::Drop && l3 == Tx::Route);
            }
        }

        /// IPv4 and IPv6 table keys never collide with each other.
        #[test]
        fn table_keys_apart(a: [u8; 4], b: [u8; 16], h: u64) {
            prop_assert_ne!(AddrKey::V4(a).table_key(|_| h), AddrKey::V6(b).table_key(|_| h));
        }

        /// Buckets and filter bits stay within their tables, and the
        /// validator accepts exactly the documented values.
        #[test]
        fn hashes_and_values(a: [u8; 16], mac: [u8; 6], secret: u32, mode: u16, fl: u16) {
            prop_assert!(usize::from(AddrKey::V6(a).bucket(secret)) < HASH_SIZE);
            prop_assert!((mac_hash(MacAddr(mac), secret) as usize) < MAC_FILTER_SIZE);
            prop_assert_eq!(validate(Some(mode), None).is_ok(), mode < 3);
            prop_assert_eq!(validate(None, Some(fl)).is_ok(), fl < 3);
        }

        /// lookup_key() never panics on any bytes.
        #[test]
        fn lookup_key_total(l3 in prop::collection::vec(any::<u8>(), 0..80), proto in prop::sample::select(&[ETH_P_IP, ETH_P_IPV6, ETH_P_ARP][..]), skb_len in 0usize..100, gso: bool, dest: bool) {
            let f = L3Frame { protocol: proto, l3: &l3, skb_len, network_offset: 14, gso_tcp: gso };
            let _ = lookup_key(&f, dest);
        }

        /// A new dev_id is free, in range, and the next start follows it.
        #[test]
        fn dev_id_is_free(start in 1u16..=0xFFFE, taken in prop::collection::vec(1u16..=0xFFFD, 0..50)) {
            let (id, next) = next_dev_id(start, |i| taken.contains(&i)).unwrap();
            prop_assert!((DEV_ID_MIN..=DEV_ID_MAX).contains(&id));
            prop_assert!(!taken.contains(&id));
            prop_assert_eq!(next, id + 1);
        }
    }
}
