// SPDX-License-Identifier: GPL-2.0

//! macvlan's pure logic, as `drivers/net/macvlan.c` (Linux 7.3) has it:
//! the netlink attribute values and the checks of `macvlan_validate()`,
//! `macvlan_common_newlink()` and `macvlan_changelink()` with the errno
//! and extack message of each failure; the delivery decisions of
//! `macvlan_handle_frame()`, `macvlan_multicast_rx()`,
//! `macvlan_broadcast()` and `macvlan_queue_xmit()`; the port's hashes and
//! multicast filters.
//!
//! The attribute policy (`macvlan_policy`: types, lengths, the rejected
//! `IFLA_MACVLAN_BC_QUEUE_LEN_USED`) is enforced by the rtnetlink core
//! before any of this runs.

use super::super::ether::{MacAddr, ETH_ALEN};
use super::errno::{EADDRINUSE, EADDRNOTAVAIL, EBUSY, EINVAL, ENODEV, ENOMEM, EOPNOTSUPP, EPERM};
use super::hash::{hash_32, hash_64};
use core::ffi::CStr;

/// `MACVLAN_HASH_BITS`: the port's address tables have `1 << 8` buckets.
pub const HASH_BITS: u32 = 8;
/// `MACVLAN_HASH_SIZE`.
pub const HASH_SIZE: usize = 1 << HASH_BITS;
/// `MACVLAN_MC_FILTER_BITS` (`if_macvlan.h`).
pub const MC_FILTER_BITS: u32 = 8;
/// `MACVLAN_MC_FILTER_SZ`.
pub const MC_FILTER_SIZE: usize = 1 << MC_FILTER_BITS;
/// `MACVLAN_DEFAULT_BC_QUEUE_LEN`: a new macvlan's requested queue length,
/// and the most one may ask for without `CAP_NET_ADMIN`.
pub const DEFAULT_BC_QUEUE_LEN: u32 = 1000;
/// A new port's `bc_cutoff` (`macvlan_port_create()`); `fill_info` only
/// dumps other values.
pub const DEFAULT_BC_CUTOFF: i32 = 1;
/// `ETH_MIN_MTU`: the smallest MTU of a macvlan.
pub const MIN_MTU: u32 = 68;
/// `ETH_P_PAUSE`: MAC control frames are never flooded.
pub const ETH_P_PAUSE: u16 = 0x8808;
/// `IFLA_MACVLAN_MACADDR`: the only attribute allowed inside
/// `IFLA_MACVLAN_MACADDR_DATA`.
pub const IFLA_MACVLAN_MACADDR: u16 = 4;

/// A macvlan mode (`enum macvlan_mode`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Mode {
    /// `MACVLAN_MODE_PRIVATE`: no traffic with other macvlans.
    Private,
    /// `MACVLAN_MODE_VEPA`: other macvlans are reached through the
    /// external switch (the kernel's default).
    #[default]
    Vepa,
    /// `MACVLAN_MODE_BRIDGE`: other bridge-mode macvlans are reached
    /// directly.
    Bridge,
    /// `MACVLAN_MODE_PASSTHRU`: the only macvlan, owning the lower.
    Passthru,
    /// `MACVLAN_MODE_SOURCE`: receives by a list of source addresses.
    Source,
}

impl Mode {
    /// Every mode, in value order.
    pub const ALL: [Mode; 5] = [
        Mode::Private,
        Mode::Vepa,
        Mode::Bridge,
        Mode::Passthru,
        Mode::Source,
    ];

    /// Parses `IFLA_MACVLAN_MODE` as `macvlan_validate()` (`EINVAL`
    /// unless exactly one known mode bit). A match, not a search of [`Self::ALL`]: the datapath reads every
    /// macvlan's mode through it.
    #[inline]
    pub fn from_u32(value: u32) -> Result<Mode, Error> {
        match value {
            1 => Ok(Mode::Private),
            2 => Ok(Mode::Vepa),
            4 => Ok(Mode::Bridge),
            8 => Ok(Mode::Passthru),
            16 => Ok(Mode::Source),
            _ => Err(Error::UnknownMode),
        }
    }

    /// The `MACVLAN_MODE_*` value (a single bit).
    pub const fn value(self) -> u32 {
        match self {
            Mode::Private => 1,
            Mode::Vepa => 2,
            Mode::Bridge => 4,
            Mode::Passthru => 8,
            Mode::Source => 16,
        }
    }

    /// The word iproute2 prints and takes (`iplink_macvlan.c`).
    pub fn name(self) -> &'static str {
        match self {
            Mode::Private => "private",
            Mode::Vepa => "vepa",
            Mode::Bridge => "bridge",
            Mode::Passthru => "passthru",
            Mode::Source => "source",
        }
    }
}

/// The `IFLA_MACVLAN_FLAGS` bits.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Flags(u16);

impl Flags {
    /// `MACVLAN_FLAG_NOPROMISC`: passthru leaves the lower's promiscuity
    /// alone.
    pub const NOPROMISC: Flags = Flags(1);
    /// `MACVLAN_FLAG_NODST`: a source-mode match consumes the frame.
    pub const NODST: Flags = Flags(2);
    /// No flag.
    pub const NONE: Flags = Flags(0);
    /// Every known bit, with its iproute2 word, in print order.
    pub const NAMES: [(Flags, &'static str); 2] =
        [(Flags::NOPROMISC, "nopromisc"), (Flags::NODST, "nodst")];

    /// Parses `IFLA_MACVLAN_FLAGS` as `macvlan_validate()` (`EINVAL` on
    /// an unknown bit).
    pub fn from_u16(value: u16) -> Result<Flags, Error> {
        if value & !(Flags::NOPROMISC.0 | Flags::NODST.0) != 0 {
            return Err(Error::UnknownFlags);
        }
        Ok(Flags(value))
    }

    /// The raw bits.
    pub fn bits(self) -> u16 {
        self.0
    }

    /// Whether every bit of `other` is set.
    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }
}

/// An `IFLA_MACVLAN_MACADDR_MODE` command (`enum macvlan_macaddr_mode`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MacaddrMode {
    /// `MACVLAN_MACADDR_ADD`: add `IFLA_MACVLAN_MACADDR`.
    Add,
    /// `MACVLAN_MACADDR_DEL`: remove `IFLA_MACVLAN_MACADDR`.
    Del,
    /// `MACVLAN_MACADDR_FLUSH`: remove all.
    Flush,
    /// `MACVLAN_MACADDR_SET`: replace by `MACADDR` and `MACADDR_DATA`.
    Set,
}

impl MacaddrMode {
    /// Parses the attribute as `macvlan_validate()` (`EINVAL` above 3).
    pub fn from_u32(value: u32) -> Result<MacaddrMode, Error> {
        match value {
            0 => Ok(MacaddrMode::Add),
            1 => Ok(MacaddrMode::Del),
            2 => Ok(MacaddrMode::Flush),
            3 => Ok(MacaddrMode::Set),
            _ => Err(Error::UnknownMacaddrMode),
        }
    }
}

/// Why a macvlan request failed: each variant is one `return -E...` of
/// `macvlan.c`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Error {
    /// `IFLA_ADDRESS` is not 6 bytes long.
    AddressLength,
    /// An address (`IFLA_ADDRESS`, `MACADDR`, a `MACADDR_DATA` entry, a
    /// new device address) is zero or a group address.
    AddressInvalid,
    /// `BC_QUEUE_LEN` above [`DEFAULT_BC_QUEUE_LEN`] without
    /// `CAP_NET_ADMIN` in the initial user namespace.
    BcQueueLenNeedsCapability,
    /// `IFLA_MACVLAN_FLAGS` has an unknown bit.
    UnknownFlags,
    /// `IFLA_MACVLAN_MODE` is not one of the five modes.
    UnknownMode,
    /// `IFLA_MACVLAN_MACADDR_MODE` is above `SET`.
    UnknownMacaddrMode,
    /// `IFLA_MACVLAN_MACADDR` is not 6 bytes long.
    MacaddrLength,
    /// A `MACADDR_DATA` entry is not a 6-byte `IFLA_MACVLAN_MACADDR`.
    MacaddrDataEntry,
    /// `IFLA_MACVLAN_MACADDR_COUNT` was given (it is dump-only).
    MacaddrCountGiven,
    /// No `IFLA_LINK`.
    NoLink,
    /// `IFLA_LINK` names no device.
    NoLower,
    /// The lower is reached through a macvlan in a namespace where the
    /// caller lacks `CAP_NET_ADMIN`.
    LowerNetnsNeedsCapability,
    /// `IFLA_MTU` (or a new MTU) is above the lower's.
    MtuAboveLower,
    /// The lower is not Ethernet, or is a loopback device.
    LowerNotEthernet,
    /// The lower's receive handler belongs to someone else.
    LowerBusy,
    /// The lower refuses receive handlers (`IFF_NO_RX_HANDLER`, e.g. an
    /// ipvlan slave).
    LowerNoRxHandler,
    /// The port already has its passthru macvlan.
    PassthruPortTaken,
    /// A passthru macvlan on a port that already has macvlans.
    PassthruNotAlone,
    /// `MACADDR_MODE` on a macvlan not in source mode.
    MacaddrModeOutsideSource,
    /// `MACADDR_MODE` add or delete without `MACADDR`.
    MacaddrMissing,
    /// Queue length or cutoff changed without `CAP_NET_ADMIN` in the
    /// lower's namespace.
    PortSettingsNeedCapability,
    /// Switching into or out of passthru mode.
    PassthruSwitch,
    /// The address belongs to the lower or to another macvlan.
    AddressInUse,
    /// A unicast FDB entry on a macvlan that is not passthru.
    FdbUnicastNotPassthru,
    /// An FDB add with `NLM_F_REPLACE`.
    FdbReplace,
    /// The source list could not grow (`-ENOMEM`).
    NoMemory,
}

impl Error {
    /// The (positive) errno value.
    pub fn errno(self) -> i32 {
        match self {
            Error::AddressInvalid => EADDRNOTAVAIL,
            Error::BcQueueLenNeedsCapability
            | Error::LowerNetnsNeedsCapability
            | Error::PortSettingsNeedCapability => EPERM,
            Error::NoLower => ENODEV,
            Error::LowerBusy => EBUSY,
            Error::AddressInUse => EADDRINUSE,
            Error::FdbUnicastNotPassthru | Error::FdbReplace => EOPNOTSUPP,
            Error::NoMemory => ENOMEM,
            _ => EINVAL,
        }
    }

    /// The extack message `macvlan.c` sets, if any.
    pub fn extack(self) -> Option<&'static CStr> {
        match self {
            Error::BcQueueLenNeedsCapability => Some(
                c"bc_queue_len above the default requires CAP_NET_ADMIN in the initial user namespace",
            ),
            Error::LowerNetnsNeedsCapability => Some(
                c"Creating a macvlan on a lower device in another network namespace requires CAP_NET_ADMIN in that namespace",
            ),
            Error::PortSettingsNeedCapability => Some(
                c"Changing shared macvlan port settings requires CAP_NET_ADMIN in the lower device network namespace",
            ),
            _ => None,
        }
    }
}

/// The attributes of a nest, as `nla_for_each_attr()` walks them: each
/// item is the type (without the nested and byte-order bits) and the
/// payload. A malformed tail ends the walk silently, as in the kernel.
#[derive(Clone, Copy, Debug)]
pub struct NestedAttrs<'a> {
    rest: &'a [u8],
}

impl<'a> NestedAttrs<'a> {
    /// Walks `payload`, the data of a nested attribute (`nla_data()`,
    /// `nla_len()` bytes).
    pub fn new(payload: &'a [u8]) -> NestedAttrs<'a> {
        NestedAttrs { rest: payload }
    }
}

impl<'a> Iterator for NestedAttrs<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<(u16, &'a [u8])> {
        const NLA_HDRLEN: usize = 4;
        const NLA_TYPE_MASK: u16 = !(3 << 14);
        let header: [u8; NLA_HDRLEN] = self.rest.get(..NLA_HDRLEN)?.try_into().ok()?;
        let [len0, len1, type0, type1] = header;
        let len = usize::from(u16::from_ne_bytes([len0, len1]));
        let kind = u16::from_ne_bytes([type0, type1]) & NLA_TYPE_MASK;
        // nla_ok(): a header, and a length that fits.
        let Some(payload) = self.rest.get(NLA_HDRLEN..len).filter(|_| len >= NLA_HDRLEN) else {
            self.rest = &[];
            return None;
        };
        self.rest = self.rest.get((len + 3) & !3..).unwrap_or(&[]);
        Some((kind, payload))
    }
}

/// The `IFLA_MACVLAN_*` attributes of a request, raw (`None`: absent).
#[derive(Clone, Copy, Debug, Default)]
pub struct RawAttrs<'a> {
    /// `IFLA_MACVLAN_MODE`.
    pub mode: Option<u32>,
    /// `IFLA_MACVLAN_FLAGS`.
    pub flags: Option<u16>,
    /// `IFLA_MACVLAN_MACADDR_MODE`.
    pub macaddr_mode: Option<u32>,
    /// `IFLA_MACVLAN_MACADDR`'s payload.
    pub macaddr: Option<&'a [u8]>,
    /// `IFLA_MACVLAN_MACADDR_DATA`'s payload (a nest).
    pub macaddr_data: Option<&'a [u8]>,
    /// Whether `IFLA_MACVLAN_MACADDR_COUNT` is present.
    pub macaddr_count: bool,
    /// `IFLA_MACVLAN_BC_QUEUE_LEN`.
    pub bc_queue_len: Option<u32>,
    /// `IFLA_MACVLAN_BC_CUTOFF`.
    pub bc_cutoff: Option<i32>,
}

/// A request [`validate`] accepted, with typed values.
#[derive(Clone, Copy, Debug, Default)]
pub struct Request<'a> {
    /// The mode asked for.
    pub mode: Option<Mode>,
    /// The flags asked for.
    pub flags: Option<Flags>,
    /// The source list command.
    pub macaddr_mode: Option<MacaddrMode>,
    /// `IFLA_MACVLAN_MACADDR`.
    pub macaddr: Option<MacAddr>,
    /// `IFLA_MACVLAN_MACADDR_DATA` (every entry a valid address).
    pub macaddr_data: Option<NestedAttrs<'a>>,
    /// The broadcast queue length asked for.
    pub bc_queue_len: Option<u32>,
    /// The port's new broadcast cutoff.
    pub bc_cutoff: Option<i32>,
}

impl<'a> Request<'a> {
    /// The addresses of `IFLA_MACVLAN_MACADDR_DATA`.
    pub fn data_addresses(&self) -> impl Iterator<Item = MacAddr> + 'a {
        self.macaddr_data
            .into_iter()
            .flatten()
            .filter_map(|(_, payload)| MacAddr::from_slice(payload))
    }
}

/// Reads a 6-byte address as `macvlan_validate()` checks one: wrong
/// length is `length_error`, zero or group is `EADDRNOTAVAIL`.
fn valid_address(bytes: &[u8], length_error: Error) -> Result<MacAddr, Error> {
    let addr = <[u8; ETH_ALEN]>::try_from(bytes).map_err(|_| length_error)?;
    let addr = MacAddr(addr);
    if !addr.is_valid_unicast() {
        return Err(Error::AddressInvalid);
    }
    Ok(addr)
}

/// `macvlan_validate()`, run on both newlink and changelink: `address` is
/// `IFLA_ADDRESS`, `capable` is `capable(CAP_NET_ADMIN)` (initial user
/// namespace). Checks in the kernel's order.
pub fn validate<'a>(
    address: Option<&[u8]>,
    data: &RawAttrs<'a>,
    capable: bool,
) -> Result<Request<'a>, Error> {
    if let Some(a) = address {
        valid_address(a, Error::AddressLength)?;
    }
    if data.bc_queue_len.is_some_and(|l| l > DEFAULT_BC_QUEUE_LEN) && !capable {
        return Err(Error::BcQueueLenNeedsCapability);
    }
    let flags = data.flags.map(Flags::from_u16).transpose()?;
    let mode = data.mode.map(Mode::from_u32).transpose()?;
    let macaddr_mode = data.macaddr_mode.map(MacaddrMode::from_u32).transpose()?;
    let macaddr = data
        .macaddr
        .map(|a| valid_address(a, Error::MacaddrLength))
        .transpose()?;
    let macaddr_data = data.macaddr_data.map(NestedAttrs::new);
    for (kind, payload) in macaddr_data.into_iter().flatten() {
        if kind != IFLA_MACVLAN_MACADDR {
            return Err(Error::MacaddrDataEntry);
        }
        valid_address(payload, Error::MacaddrDataEntry)?;
    }
    if data.macaddr_count {
        return Err(Error::MacaddrCountGiven);
    }
    Ok(Request {
        mode,
        flags,
        macaddr_mode,
        macaddr,
        macaddr_data,
        bc_queue_len: data.bc_queue_len,
        bc_cutoff: data.bc_cutoff,
    })
}

/// The lower device `IFLA_LINK` names, as `macvlan_common_newlink()` and
/// `macvlan_port_create()` look at it (after a macvlan lower was replaced
/// by its real device).
#[derive(Clone, Copy, Debug)]
pub struct Lower {
    /// `IFLA_LINK` named a macvlan; this is its real device.
    pub via_macvlan: bool,
    /// `rtnl_dev_link_net_capable()` in the real device's namespace.
    pub capable: bool,
    /// `type == ARPHRD_ETHER`.
    pub is_ether: bool,
    /// `IFF_LOOPBACK`.
    pub is_loopback: bool,
    /// Another receive handler is registered.
    pub rx_handler_busy: bool,
    /// `IFF_NO_RX_HANDLER`.
    pub no_rx_handler: bool,
    /// Its MTU.
    pub mtu: u32,
    /// Its macvlan port, if it has one (`IFF_MACVLAN_PORT`).
    pub port: Option<PortState>,
}

/// A port's state the checks read.
#[derive(Clone, Copy, Debug, Default)]
pub struct PortState {
    /// `MACVLAN_F_PASSTHRU`.
    pub passthru: bool,
    /// `port->count`: macvlans on it.
    pub count: u32,
}

/// What `macvlan_common_newlink()` does once its checks pass.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct NewlinkPlan {
    /// The new device's MTU.
    pub mtu: u32,
    /// No `IFLA_ADDRESS`: `eth_hw_addr_random()`.
    pub random_address: bool,
    /// The lower has no port yet: create it.
    pub create_port: bool,
    /// The mode.
    pub mode: Mode,
    /// The flags.
    pub flags: Flags,
    /// Passthru: mark the port and copy the lower's address.
    pub passthru: bool,
    /// The source list command to apply ([`apply_sources`]).
    pub sources: Option<MacaddrMode>,
    /// `bc_queue_len_req`.
    pub bc_queue_len_req: u32,
    /// The port's new `bc_cutoff`.
    pub bc_cutoff: Option<i32>,
}

/// `macvlan_port_create()`'s checks and `netdev_rx_handler_register()`'s.
fn check_port_create(lower: &Lower) -> Result<(), Error> {
    if !lower.is_ether || lower.is_loopback {
        return Err(Error::LowerNotEthernet);
    }
    if lower.rx_handler_busy {
        return Err(Error::LowerBusy);
    }
    if lower.no_rx_handler {
        return Err(Error::LowerNoRxHandler);
    }
    Ok(())
}

/// The checks of `macvlan_common_newlink()` up to `register_netdevice()`:
/// `link_given` is `tb[IFLA_LINK]`, `lower` the device it names, `mtu`
/// `IFLA_MTU`, `address_given` `tb[IFLA_ADDRESS]`.
pub fn newlink(
    link_given: bool,
    lower: Option<&Lower>,
    mtu: Option<u32>,
    address_given: bool,
    req: &Request<'_>,
) -> Result<NewlinkPlan, Error> {
    if !link_given {
        return Err(Error::NoLink);
    }
    let lower = lower.ok_or(Error::NoLower)?;
    if lower.via_macvlan && !lower.capable {
        return Err(Error::LowerNetnsNeedsCapability);
    }
    let mtu = match mtu {
        None => lower.mtu,
        Some(m) if m > lower.mtu => return Err(Error::MtuAboveLower),
        Some(m) => m,
    };
    let port = match lower.port {
        Some(port) => port,
        None => {
            check_port_create(lower)?;
            PortState::default()
        }
    };
    if port.passthru {
        return Err(Error::PassthruPortTaken);
    }
    let mode = req.mode.unwrap_or_default();
    let passthru = mode == Mode::Passthru;
    if passthru && port.count > 0 {
        return Err(Error::PassthruNotAlone);
    }
    if let Some(m) = req.macaddr_mode {
        if mode != Mode::Source {
            return Err(Error::MacaddrModeOutsideSource);
        }
        check_sources(m, req.macaddr)?;
    }
    Ok(NewlinkPlan {
        mtu,
        random_address: !address_given,
        create_port: lower.port.is_none(),
        mode,
        flags: req.flags.unwrap_or_default(),
        passthru,
        sources: req.macaddr_mode,
        bc_queue_len_req: req.bc_queue_len.unwrap_or(DEFAULT_BC_QUEUE_LEN),
        bc_cutoff: req.bc_cutoff,
    })
}

/// The macvlan as [`changelink`] sees it.
#[derive(Clone, Copy, Debug)]
pub struct Current {
    /// Its mode.
    pub mode: Mode,
    /// Its flags.
    pub flags: Flags,
    /// Whether its port is passthru.
    pub passthru_port: bool,
    /// `netif_running()`.
    pub running: bool,
}

/// What `macvlan_changelink()` does, step by step in the kernel's order
/// (with no rollback): flush, lower promiscuity, flags, queue length,
/// cutoff, mode, then the source command, whose failure comes last.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ChangelinkPlan {
    /// Leaving source mode: flush the source list first.
    pub flush_sources: bool,
    /// `dev_set_promiscuity()` on the lower: +1, -1 or 0 (none); its
    /// failure ends the change there.
    pub lower_promisc: i32,
    /// New flags.
    pub flags: Option<Flags>,
    /// New `bc_queue_len_req` (then `update_port_bc_queue_len()`).
    pub bc_queue_len: Option<u32>,
    /// New port cutoff.
    pub bc_cutoff: Option<i32>,
    /// New mode.
    pub mode: Option<Mode>,
    /// The source command, or why it fails after everything else was
    /// applied.
    pub sources: Result<Option<MacaddrMode>, Error>,
}

/// `macvlan_changelink()`: `capable` is `rtnl_dev_link_net_capable()` in
/// the lower's namespace.
pub fn changelink(
    cur: &Current,
    req: &Request<'_>,
    capable: bool,
) -> Result<ChangelinkPlan, Error> {
    if (req.bc_queue_len.is_some() || req.bc_cutoff.is_some()) && !capable {
        return Err(Error::PortSettingsNeedCapability);
    }
    if let Some(mode) = req.mode {
        if (mode == Mode::Passthru) != (cur.mode == Mode::Passthru) {
            return Err(Error::PassthruSwitch);
        }
    }
    let flush_sources = cur.mode == Mode::Source && req.mode.is_some_and(|m| m != cur.mode);
    let lower_promisc = match req.flags {
        Some(new)
            if cur.passthru_port
                && cur.running
                && (new.0 ^ cur.flags.0) & Flags::NOPROMISC.0 != 0 =>
        {
            if new.contains(Flags::NOPROMISC) {
                -1
            } else {
                1
            }
        }
        _ => 0,
    };
    let mode_after = req.mode.unwrap_or(cur.mode);
    let sources = match req.macaddr_mode {
        None => Ok(None),
        Some(_) if mode_after != Mode::Source => Err(Error::MacaddrModeOutsideSource),
        Some(m) => check_sources(m, req.macaddr).map(|()| Some(m)),
    };
    Ok(ChangelinkPlan {
        flush_sources,
        lower_promisc,
        flags: req.flags,
        bc_queue_len: req.bc_queue_len,
        bc_cutoff: req.bc_cutoff,
        mode: req.mode,
        sources,
    })
}

/// `macvlan_changelink_sources()`'s argument check: add and delete need
/// `IFLA_MACVLAN_MACADDR`.
pub fn check_sources(mode: MacaddrMode, macaddr: Option<MacAddr>) -> Result<(), Error> {
    match (mode, macaddr) {
        (MacaddrMode::Add | MacaddrMode::Del, None) => Err(Error::MacaddrMissing),
        _ => Ok(()),
    }
}

/// A source-mode macvlan's list of source addresses (the entries of the
/// port's `vlan_source_hash` that point to it).
pub trait SourceList {
    /// Whether `addr` is listed (`macvlan_hash_lookup_source()`).
    fn contains(&self, addr: MacAddr) -> bool;
    /// Lists `addr`, not yet listed; [`Error::NoMemory`] when out of
    /// memory.
    fn insert(&mut self, addr: MacAddr) -> Result<(), Error>;
    /// Unlists `addr`.
    fn remove(&mut self, addr: MacAddr);
    /// Unlists everything (`macvlan_flush_sources()`).
    fn clear(&mut self);
}

/// `macvlan_hash_add_source()`: adding a listed address does nothing.
fn add_source(list: &mut dyn SourceList, addr: MacAddr) -> Result<(), Error> {
    if list.contains(addr) {
        return Ok(());
    }
    list.insert(addr)
}

/// `macvlan_changelink_sources()`: applies a source command of `req` to
/// `list`. Set flushes, then adds `MACADDR` and each `MACADDR_DATA`
/// entry, stopping at the first failure.
pub fn apply_sources(
    list: &mut dyn SourceList,
    mode: MacaddrMode,
    req: &Request<'_>,
) -> Result<(), Error> {
    check_sources(mode, req.macaddr)?;
    match (mode, req.macaddr) {
        (MacaddrMode::Add, Some(a)) => add_source(list, a),
        (MacaddrMode::Del, Some(a)) => {
            list.remove(a);
            Ok(())
        }
        (MacaddrMode::Flush, _) => {
            list.clear();
            Ok(())
        }
        (MacaddrMode::Set, first) => {
            list.clear();
            first
                .into_iter()
                .chain(req.data_addresses())
                .try_for_each(|a| add_source(list, a))
        }
        // check_sources() refused these.
        (MacaddrMode::Add | MacaddrMode::Del, None) => Err(Error::MacaddrMissing),
    }
}

/// `update_port_bc_queue_len()`: the port's `bc_queue_len_used` is the
/// largest `bc_queue_len_req` of its macvlans (0 with none).
pub fn bc_queue_len_used(requests: impl IntoIterator<Item = u32>) -> u32 {
    requests.into_iter().max().unwrap_or(0)
}

/// `macvlan_fill_info()`: `IFLA_MACVLAN_BC_CUTOFF` is dumped only when it
/// differs from [`DEFAULT_BC_CUTOFF`].
pub fn dumped_bc_cutoff(cutoff: i32) -> Option<i32> {
    (cutoff != DEFAULT_BC_CUTOFF).then_some(cutoff)
}

/// `macvlan_eth_hash()`: the bucket of `addr` in the port's unicast and
/// source tables. The address is loaded as the first six bytes of a
/// native-endian 64-bit word, as the kernel's `get_unaligned()` and shift
/// do, so the bucket matches the kernel's on the same CPU.
pub fn eth_hash(addr: MacAddr) -> u32 {
    let a = addr.0;
    let value = u64::from_ne_bytes([a[0], a[1], a[2], a[3], a[4], a[5], 0, 0]);
    let value = if cfg!(target_endian = "big") {
        value >> 16
    } else {
        value << 16
    };
    hash_64(value, HASH_BITS)
}

/// `mc_hash()`: the multicast filter bit of `addr`; `mix` is
/// `macvlan_hash_mix()` of the macvlan whose filter it is, 0 for the
/// port's filters (`vlan == NULL`).
pub fn mc_hash(addr: MacAddr, mix: u32) -> u32 {
    let a = addr.0;
    let value = u32::from_ne_bytes([a[2], a[3], a[4], a[5]]);
    hash_32(value ^ mix, MC_FILTER_BITS)
}

/// A 256-bit multicast filter (`DECLARE_BITMAP(.., MACVLAN_MC_FILTER_SZ)`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct McFilter([u64; MC_FILTER_SIZE / 64]);

impl McFilter {
    /// No bit set (`bitmap_zero()`).
    pub const EMPTY: McFilter = McFilter([0; MC_FILTER_SIZE / 64]);
    /// Every bit set (`bitmap_fill()`).
    pub const FULL: McFilter = McFilter([u64::MAX; MC_FILTER_SIZE / 64]);

    /// Sets `bit` (ignored beyond the filter).
    pub fn set(&mut self, bit: u32) {
        if let Some(word) = self.0.get_mut(bit as usize / 64) {
            *word |= 1 << (bit % 64);
        }
    }

    /// The filter's bits, 64 to a word, bit 0 first.
    pub fn words(&self) -> [u64; MC_FILTER_SIZE / 64] {
        self.0
    }

    /// Whether `bit` is set.
    pub fn test(&self, bit: u32) -> bool {
        self.0
            .get(bit as usize / 64)
            .is_some_and(|w| w & (1 << (bit % 64)) != 0)
    }
}

/// A device's multicast address as `macvlan_compute_filter()` reads it:
/// the address and `ha->synced`, the number of upper devices (macvlans)
/// that subscribed it through `dev_mc_sync()`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct McAddr {
    /// The group address.
    pub addr: MacAddr,
    /// `ha->synced`.
    pub synced: i32,
}

/// `macvlan_compute_filter()`: `all` is `IFF_PROMISC | IFF_ALLMULTI` on
/// the device; `vlan_mix` is the macvlan's `macvlan_hash_mix()` for its
/// own filter, `None` for the port's filters, which keep only addresses
/// with `synced > cutoff`. The broadcast address is always in.
pub fn compute_filter(
    all: bool,
    addrs: impl IntoIterator<Item = McAddr>,
    broadcast: MacAddr,
    vlan_mix: Option<u32>,
    cutoff: i32,
) -> McFilter {
    if all {
        return McFilter::FULL;
    }
    let mix = vlan_mix.unwrap_or(0);
    let mut filter = McFilter::EMPTY;
    for ha in addrs {
        if vlan_mix.is_none() && ha.synced <= cutoff {
            continue;
        }
        filter.set(mc_hash(ha.addr, mix));
    }
    filter.set(mc_hash(broadcast, mix));
    filter
}

/// `macvlan_recompute_bc_filter()`: the port's `bc_filter`, the groups
/// queued for the work item: none with a negative cutoff, else those more
/// than `cutoff` macvlans subscribed, and broadcast.
pub fn bc_filter(
    cutoff: i32,
    lower_all: bool,
    lower_addrs: impl IntoIterator<Item = McAddr>,
    broadcast: MacAddr,
) -> McFilter {
    if cutoff < 0 {
        return McFilter::EMPTY;
    }
    compute_filter(lower_all, lower_addrs, broadcast, None, cutoff)
}

/// The port's `mc_filter` (`macvlan_set_mac_lists()`): groups at least one
/// macvlan subscribed, and broadcast; delivered at once.
pub fn port_mc_filter(
    lower_all: bool,
    lower_addrs: impl IntoIterator<Item = McAddr>,
    broadcast: MacAddr,
) -> McFilter {
    compute_filter(lower_all, lower_addrs, broadcast, None, 0)
}

/// Which macvlans a flood reaches: the mode mask and sender rule of a
/// `macvlan_broadcast()` call.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Flood {
    /// `MACVLAN_MODE_*` bits of the macvlans it reaches.
    pub modes: u32,
    /// The sending macvlan is skipped (`vlan->dev == src`).
    pub skip_sender: bool,
    /// Delivered with `__dev_forward_skb()` (transmit side), not as a
    /// received group frame.
    pub forward: bool,
}

impl Flood {
    /// The flood of a bridge-mode macvlan's transmitted group frame
    /// (`macvlan_queue_xmit()`): the other bridge-mode macvlans.
    pub const BRIDGE_XMIT: Flood = Flood {
        modes: Mode::Bridge.value(),
        skip_sender: true,
        forward: true,
    };

    /// `macvlan_multicast_rx()`: the flood of a received group frame whose
    /// source address is the macvlan `sender` in that mode (`None`: an
    /// external source). From outside, all but source mode; from VEPA,
    /// VEPA and bridge without the sender; from anything else (bridge),
    /// VEPA and bridge *with* the sender, since a frame looped back by
    /// the switch cannot be told from one of an external host sharing
    /// the address (VRRP).
    pub fn received(sender: Option<Mode>) -> Flood {
        let (vepa, bridge) = (Mode::Vepa.value(), Mode::Bridge.value());
        let (modes, skip_sender) = match sender {
            None => (
                Mode::Private.value() | vepa | Mode::Passthru.value() | bridge,
                false,
            ),
            Some(Mode::Vepa) => (vepa | bridge, true),
            Some(_) => (vepa | bridge, false),
        };
        Flood {
            modes,
            skip_sender,
            forward: false,
        }
    }

    /// Whether a macvlan in `mode` gets a copy (`macvlan_broadcast()`):
    /// its mode is in the mask, it is not a skipped sender, and the
    /// group's bit is in its own `mc_filter` (`filter_hit`).
    pub fn reaches(&self, mode: Mode, is_sender: bool, filter_hit: bool) -> bool {
        !(is_sender && self.skip_sender) && self.modes & mode.value() != 0 && filter_hit
    }
}

/// Whether a frame of `protocol` (`skb->protocol`) is flooded at all:
/// `macvlan_broadcast()` skips PAUSE frames.
pub fn floods(protocol: u16) -> bool {
    protocol != ETH_P_PAUSE
}

/// What `macvlan_handle_frame()` does with a group-addressed frame (after
/// `ip_check_defrag()` and the source-mode clones).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GroupRx {
    /// A source-mode macvlan with `nodst` matched: consumed.
    Consumed,
    /// Its source is a local private, passthru or source macvlan: handed
    /// to that macvlan only (consumed).
    ToSender,
    /// Cloned into the port's `bc_queue` ([`bc_enqueue`]); the work item
    /// floods it ([`Flood::received`]). The lower gets it too.
    Queue,
    /// Flooded at once ([`Flood::received`]). The lower gets it too.
    Flood,
    /// Only the lower gets it.
    LowerOnly,
}

/// `macvlan_handle_frame()` for a group destination: `source_consumed` is
/// [`source_consumes`] of the source-mode matches, `sender` the mode of
/// the macvlan owning the source address, `bc_hit` and `mc_hit` the
/// destination's bit in the port's `bc_filter` and `mc_filter`.
pub fn group_rx(
    source_consumed: bool,
    sender: Option<Mode>,
    bc_hit: bool,
    mc_hit: bool,
) -> GroupRx {
    if source_consumed {
        GroupRx::Consumed
    } else if sender.is_some_and(|m| !matches!(m, Mode::Vepa | Mode::Bridge)) {
        GroupRx::ToSender
    } else if bc_hit {
        GroupRx::Queue
    } else if mc_hit {
        GroupRx::Flood
    } else {
        GroupRx::LowerOnly
    }
}

/// `macvlan_broadcast_enqueue()`: a clone joins the queue only while it
/// holds fewer than the port's `bc_queue_len_used` frames; otherwise it
/// is dropped and counted in the lower's `rx_dropped`.
pub fn bc_enqueue(queued: u32, bc_queue_len_used: u32) -> bool {
    queued < bc_queue_len_used
}

/// A source-mode macvlan listing a frame's source address, as
/// `macvlan_forward_source()` sees it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SourceOwner {
    /// `MACVLAN_FLAG_NODST`.
    pub nodst: bool,
    /// `IFF_UP`: only then it gets a clone.
    pub up: bool,
}

/// `macvlan_forward_source()`'s result: the original frame is consumed
/// when any owner has `nodst` (up or not).
pub fn source_consumes(owners: impl IntoIterator<Item = SourceOwner>) -> bool {
    owners.into_iter().any(|o| o.nodst)
}

/// The macvlan a unicast frame is for: the port's only macvlan in
/// passthru, else the one owning the destination address.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Target {
    /// Its mode.
    pub mode: Mode,
    /// `IFF_UP`.
    pub up: bool,
}

/// What `macvlan_handle_frame()` does with a unicast frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UnicastRx {
    /// A source-mode `nodst` match consumed it.
    Consumed,
    /// No macvlan (or a source-mode one) owns it: the lower keeps it.
    Pass,
    /// The macvlan is down: dropped.
    Drop,
    /// Handed to the macvlan as `PACKET_HOST` (`RX_HANDLER_ANOTHER`).
    Deliver,
}

/// `macvlan_handle_frame()` for a unicast destination.
pub fn unicast_rx(source_consumed: bool, target: Option<Target>) -> UnicastRx {
    match target {
        _ if source_consumed => UnicastRx::Consumed,
        None => UnicastRx::Pass,
        Some(t) if t.mode == Mode::Source => UnicastRx::Pass,
        Some(t) if !t.up => UnicastRx::Drop,
        Some(_) => UnicastRx::Deliver,
    }
}

/// Where `macvlan_queue_xmit()` sends a macvlan's frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Xmit {
    /// Flood to the other bridge-mode macvlans ([`Flood::BRIDGE_XMIT`]),
    /// then out through the lower.
    FloodThenLower,
    /// `dev_forward_skb()` into the lower's receive path, which hands it
    /// to the bridge-mode sibling (the lower's taps see it).
    LoopThroughLower,
    /// Out through the lower (`dev_queue_xmit_accel()`).
    Lower,
}

/// `macvlan_queue_xmit()`: `dest` is the mode of the macvlan owning `dst`,
/// if any.
pub fn xmit(mode: Mode, dst: MacAddr, dest: Option<Mode>) -> Xmit {
    if mode != Mode::Bridge {
        Xmit::Lower
    } else if dst.is_multicast() {
        Xmit::FloodThenLower
    } else if dest == Some(Mode::Bridge) {
        Xmit::LoopThroughLower
    } else {
        Xmit::Lower
    }
}

/// `macvlan_addr_busy()`: `addr` is the lower's (unless the port is
/// passthru or changing the lower's address) or in the port's table
/// (`in_table`).
pub fn addr_busy(
    passthru: bool,
    addr_change: bool,
    lower_addr: MacAddr,
    addr: MacAddr,
    in_table: bool,
) -> bool {
    (!passthru && !addr_change && lower_addr == addr) || in_table
}

/// `macvlan_open()`'s check: on a passthru port, whether to make the
/// lower promiscuous (`Ok(true)` unless `nopromisc`); otherwise a busy
/// address is `EADDRINUSE`.
pub fn open(passthru: bool, flags: Flags, busy: bool) -> Result<bool, Error> {
    if passthru {
        Ok(!flags.contains(Flags::NOPROMISC))
    } else if busy {
        Err(Error::AddressInUse)
    } else {
        Ok(false)
    }
}

/// What `macvlan_set_mac_address()` does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SetMac {
    /// The address is the current one: nothing.
    Unchanged,
    /// Passthru: change the lower's address (the macvlan follows).
    ChangeLower,
    /// `macvlan_sync_address()`: rehash, and move the lower's unicast
    /// filter entry if up.
    Sync,
}

/// `macvlan_set_mac_address()`: `busy` is [`addr_busy`] of `new`.
pub fn set_mac_address(
    cur: MacAddr,
    new: MacAddr,
    mode: Mode,
    busy: bool,
) -> Result<SetMac, Error> {
    if !new.is_valid_unicast() {
        Err(Error::AddressInvalid)
    } else if cur == new {
        Ok(SetMac::Unchanged)
    } else if mode == Mode::Passthru {
        Ok(SetMac::ChangeLower)
    } else if busy {
        Err(Error::AddressInUse)
    } else {
        Ok(SetMac::Sync)
    }
}

/// `macvlan_fdb_add()` (`replace`: `NLM_F_REPLACE`) and
/// `macvlan_fdb_del()` (`replace` false): unicast entries only on a
/// passthru port.
pub fn check_fdb(passthru: bool, addr: MacAddr, replace: bool) -> Result<(), Error> {
    if !passthru && !addr.is_multicast() {
        Err(Error::FdbUnicastNotPassthru)
    } else if replace {
        Err(Error::FdbReplace)
    } else {
        Ok(())
    }
}

/// `macvlan_change_mtu()`: never above the lower's MTU.
pub fn check_mtu(lower_mtu: u32, new_mtu: u32) -> Result<(), Error> {
    if new_mtu > lower_mtu {
        Err(Error::MtuAboveLower)
    } else {
        Ok(())
    }
}

/// `macvlan_device_event(NETDEV_CHANGEMTU)`: a macvlan above the lower's
/// new MTU shrinks to it; none ever grows.
pub fn mtu_after_lower_change(mtu: u32, lower_mtu: u32) -> Option<u32> {
    (mtu > lower_mtu).then_some(lower_mtu)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;
    use std::vec::Vec;

    const A: MacAddr = MacAddr([2, 0, 0, 0, 0, 1]);
    const B: MacAddr = MacAddr([0x52, 0x54, 0, 0x12, 0x34, 0x56]);
    const BCAST: MacAddr = MacAddr([0xff; 6]);
    const MCAST: MacAddr = MacAddr([1, 0, 0x5e, 0, 0, 1]);

    fn nla(kind: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&(4 + payload.len() as u16).to_ne_bytes());
        v.extend_from_slice(&kind.to_ne_bytes());
        v.extend_from_slice(payload);
        while v.len() % 4 != 0 {
            v.push(0);
        }
        v
    }

    fn lower() -> Lower {
        Lower {
            via_macvlan: false,
            capable: true,
            is_ether: true,
            is_loopback: false,
            rx_handler_busy: false,
            no_rx_handler: false,
            mtu: 1500,
            port: None,
        }
    }

    fn req<'a>(data: &RawAttrs<'a>) -> Request<'a> {
        validate(None, data, true).unwrap()
    }

    #[test]
    fn values_parse_as_macvlan_validate() {
        for (v, m) in [(1, Mode::Private), (2, Mode::Vepa), (4, Mode::Bridge)] {
            assert_eq!(Mode::from_u32(v), Ok(m));
        }
        assert_eq!(Mode::from_u32(8), Ok(Mode::Passthru));
        assert_eq!(Mode::from_u32(16), Ok(Mode::Source));
        for bad in [0, 3, 6, 32, u32::MAX] {
            assert_eq!(Mode::from_u32(bad), Err(Error::UnknownMode));
        }
        for m in Mode::ALL {
            assert_eq!(Mode::from_u32(m.value()), Ok(m));
        }
        assert_eq!(Flags::from_u16(3).map(Flags::bits), Ok(3));
        assert_eq!(Flags::from_u16(4), Err(Error::UnknownFlags));
        assert_eq!(MacaddrMode::from_u32(3), Ok(MacaddrMode::Set));
        assert_eq!(MacaddrMode::from_u32(4), Err(Error::UnknownMacaddrMode));
        assert_eq!(Error::UnknownMode.errno(), 22);
        assert_eq!(Mode::default(), Mode::Vepa);
    }

    #[test]
    fn validate_follows_the_kernel_order() {
        let none = RawAttrs::default();
        assert_eq!(
            validate(Some(&[2, 0, 0, 0, 1]), &none, true).unwrap_err(),
            Error::AddressLength
        );
        let e = validate(Some(&MCAST.0), &none, true).unwrap_err();
        assert_eq!((e, e.errno()), (Error::AddressInvalid, 99));
        assert!(validate(Some(&A.0), &none, false).is_ok());

        // The capability check comes before the mode check.
        let data = RawAttrs {
            bc_queue_len: Some(1001),
            mode: Some(3),
            ..none
        };
        let e = validate(None, &data, false).unwrap_err();
        assert_eq!(e, Error::BcQueueLenNeedsCapability);
        assert_eq!(e.errno(), 1);
        assert_eq!(
            e.extack().unwrap().to_str().unwrap(),
            "bc_queue_len above the default requires CAP_NET_ADMIN in the initial user namespace"
        );
        assert_eq!(validate(None, &data, true).unwrap_err(), Error::UnknownMode);
        let ok = RawAttrs {
            bc_queue_len: Some(1000),
            ..none
        };
        assert!(validate(None, &ok, false).is_ok());

        // Flags before mode before macaddr mode.
        let data = RawAttrs {
            flags: Some(8),
            mode: Some(3),
            macaddr_mode: Some(9),
            ..none
        };
        assert_eq!(
            validate(None, &data, true).unwrap_err(),
            Error::UnknownFlags
        );
        let data = RawAttrs {
            flags: None,
            ..data
        };
        assert_eq!(validate(None, &data, true).unwrap_err(), Error::UnknownMode);
        let data = RawAttrs { mode: None, ..data };
        assert_eq!(
            validate(None, &data, true).unwrap_err(),
            Error::UnknownMacaddrMode
        );

        let data = RawAttrs {
            macaddr: Some(&[1, 2, 3]),
            ..none
        };
        assert_eq!(
            validate(None, &data, true).unwrap_err(),
            Error::MacaddrLength
        );
        let data = RawAttrs {
            macaddr: Some(&[0; 6]),
            ..none
        };
        assert_eq!(
            validate(None, &data, true).unwrap_err(),
            Error::AddressInvalid
        );

        let data = RawAttrs {
            macaddr_count: true,
            ..none
        };
        assert_eq!(
            validate(None, &data, true).unwrap_err(),
            Error::MacaddrCountGiven
        );
    }

    #[test]
    fn macaddr_data_entries() {
        let mut nest = nla(IFLA_MACVLAN_MACADDR, &A.0);
        nest.extend(nla(IFLA_MACVLAN_MACADDR, &B.0));
        let data = RawAttrs {
            macaddr_data: Some(&nest),
            ..RawAttrs::default()
        };
        let r = validate(None, &data, true).unwrap();
        assert_eq!(r.data_addresses().collect::<Vec<_>>(), [A, B]);

        let wrong_type = nla(IFLA_MACVLAN_MACADDR + 1, &A.0);
        let short = nla(IFLA_MACVLAN_MACADDR, &A.0[..5]);
        let group = nla(IFLA_MACVLAN_MACADDR, &MCAST.0);
        for (nest, want) in [
            (&wrong_type, Error::MacaddrDataEntry),
            (&short, Error::MacaddrDataEntry),
            (&group, Error::AddressInvalid),
        ] {
            let data = RawAttrs {
                macaddr_data: Some(nest),
                ..RawAttrs::default()
            };
            assert_eq!(validate(None, &data, true).unwrap_err(), want);
        }

        // The nested flag bit is masked off; a truncated tail is ignored.
        let mut nest = nla(IFLA_MACVLAN_MACADDR | 0x8000, &A.0);
        nest.extend_from_slice(&[40, 0, 4, 0]);
        let items: Vec<_> = NestedAttrs::new(&nest).collect();
        assert_eq!(items, [(IFLA_MACVLAN_MACADDR, &A.0[..])]);
    }

    #[test]
    fn newlink_checks() {
        let none = Request::default();
        assert_eq!(newlink(false, None, None, false, &none), Err(Error::NoLink));
        let e = newlink(true, None, None, false, &none).unwrap_err();
        assert_eq!((e, e.errno()), (Error::NoLower, 19));

        let plan = newlink(true, Some(&lower()), None, false, &none).unwrap();
        assert_eq!(
            plan,
            NewlinkPlan {
                mtu: 1500,
                random_address: true,
                create_port: true,
                mode: Mode::Vepa,
                flags: Flags::NONE,
                passthru: false,
                sources: None,
                bc_queue_len_req: 1000,
                bc_cutoff: None,
            }
        );

        let other_ns = Lower {
            via_macvlan: true,
            capable: false,
            ..lower()
        };
        let e = newlink(true, Some(&other_ns), None, true, &none).unwrap_err();
        assert_eq!(e.errno(), 1);
        assert_eq!(
            e.extack().unwrap().to_str().unwrap(),
            "Creating a macvlan on a lower device in another network namespace requires CAP_NET_ADMIN in that namespace"
        );

        assert_eq!(
            newlink(true, Some(&lower()), Some(1501), true, &none),
            Err(Error::MtuAboveLower)
        );
        assert_eq!(
            newlink(true, Some(&lower()), Some(1400), true, &none).map(|p| p.mtu),
            Ok(1400)
        );

        let lo = Lower {
            is_loopback: true,
            ..lower()
        };
        assert_eq!(
            newlink(true, Some(&lo), None, true, &none),
            Err(Error::LowerNotEthernet)
        );
        let busy = Lower {
            rx_handler_busy: true,
            no_rx_handler: true,
            ..lower()
        };
        let e = newlink(true, Some(&busy), None, true, &none).unwrap_err();
        assert_eq!((e, e.errno()), (Error::LowerBusy, 16));
        let slave = Lower {
            no_rx_handler: true,
            ..lower()
        };
        assert_eq!(
            newlink(true, Some(&slave), None, true, &none),
            Err(Error::LowerNoRxHandler)
        );
        // An existing port skips the port checks.
        let ported = Lower {
            rx_handler_busy: true,
            port: Some(PortState {
                passthru: false,
                count: 2,
            }),
            ..lower()
        };
        assert!(
            !newlink(true, Some(&ported), None, true, &none)
                .unwrap()
                .create_port
        );
    }

    #[test]
    fn passthru_is_alone() {
        let pt = req(&RawAttrs {
            mode: Some(8),
            ..RawAttrs::default()
        });
        let plan = newlink(true, Some(&lower()), None, false, &pt).unwrap();
        assert!(plan.passthru && plan.mode == Mode::Passthru);
        let taken = Lower {
            port: Some(PortState {
                passthru: true,
                count: 1,
            }),
            ..lower()
        };
        // Any mode on a passthru port.
        assert_eq!(
            newlink(true, Some(&taken), None, false, &Request::default()),
            Err(Error::PassthruPortTaken)
        );
        let shared = Lower {
            port: Some(PortState {
                passthru: false,
                count: 1,
            }),
            ..lower()
        };
        assert_eq!(
            newlink(true, Some(&shared), None, false, &pt),
            Err(Error::PassthruNotAlone)
        );
    }

    #[test]
    fn newlink_sources_and_queue() {
        let r = req(&RawAttrs {
            macaddr_mode: Some(0),
            ..RawAttrs::default()
        });
        assert_eq!(
            newlink(true, Some(&lower()), None, false, &r),
            Err(Error::MacaddrModeOutsideSource)
        );
        let r = req(&RawAttrs {
            mode: Some(16),
            macaddr_mode: Some(0),
            ..RawAttrs::default()
        });
        assert_eq!(
            newlink(true, Some(&lower()), None, false, &r),
            Err(Error::MacaddrMissing)
        );
        let r = req(&RawAttrs {
            mode: Some(16),
            macaddr_mode: Some(3),
            bc_queue_len: Some(5000),
            bc_cutoff: Some(-1),
            flags: Some(2),
            ..RawAttrs::default()
        });
        let plan = newlink(true, Some(&lower()), None, false, &r).unwrap();
        assert_eq!(plan.sources, Some(MacaddrMode::Set));
        assert_eq!(plan.bc_queue_len_req, 5000);
        assert_eq!(plan.bc_cutoff, Some(-1));
        assert_eq!(plan.flags, Flags::NODST);
    }

    fn cur(mode: Mode) -> Current {
        Current {
            mode,
            flags: Flags::NONE,
            passthru_port: mode == Mode::Passthru,
            running: true,
        }
    }

    #[test]
    fn changelink_checks() {
        let r = req(&RawAttrs {
            bc_cutoff: Some(3),
            ..RawAttrs::default()
        });
        let e = changelink(&cur(Mode::Bridge), &r, false).unwrap_err();
        assert_eq!(e.errno(), 1);
        assert_eq!(
            e.extack().unwrap().to_str().unwrap(),
            "Changing shared macvlan port settings requires CAP_NET_ADMIN in the lower device network namespace"
        );
        assert_eq!(
            changelink(&cur(Mode::Bridge), &r, true).map(|p| p.bc_cutoff),
            Ok(Some(3))
        );

        let to_pt = req(&RawAttrs {
            mode: Some(8),
            ..RawAttrs::default()
        });
        assert_eq!(
            changelink(&cur(Mode::Bridge), &to_pt, true),
            Err(Error::PassthruSwitch)
        );
        let to_vepa = req(&RawAttrs {
            mode: Some(2),
            ..RawAttrs::default()
        });
        assert_eq!(
            changelink(&cur(Mode::Passthru), &to_vepa, true),
            Err(Error::PassthruSwitch)
        );
        assert!(changelink(&cur(Mode::Passthru), &to_pt, true).is_ok());

        // Leaving source mode flushes; staying does not.
        let plan = changelink(&cur(Mode::Source), &to_vepa, true).unwrap();
        assert!(plan.flush_sources);
        assert_eq!(plan.mode, Some(Mode::Vepa));
        let to_source = req(&RawAttrs {
            mode: Some(16),
            ..RawAttrs::default()
        });
        assert!(
            !changelink(&cur(Mode::Source), &to_source, true)
                .unwrap()
                .flush_sources
        );
    }

    #[test]
    fn changelink_macaddr_fails_last() {
        // The mode is applied before the source command is refused.
        let r = req(&RawAttrs {
            mode: Some(4),
            macaddr_mode: Some(2),
            flags: Some(2),
            ..RawAttrs::default()
        });
        let plan = changelink(&cur(Mode::Source), &r, true).unwrap();
        assert!(plan.flush_sources);
        assert_eq!(plan.flags, Some(Flags::NODST));
        assert_eq!(plan.mode, Some(Mode::Bridge));
        assert_eq!(plan.sources, Err(Error::MacaddrModeOutsideSource));
        // Switching into source mode in the same request allows it.
        let r = req(&RawAttrs {
            mode: Some(16),
            macaddr_mode: Some(2),
            ..RawAttrs::default()
        });
        let plan = changelink(&cur(Mode::Bridge), &r, true).unwrap();
        assert_eq!(plan.sources, Ok(Some(MacaddrMode::Flush)));
    }

    #[test]
    fn nopromisc_on_a_running_passthru() {
        let set = req(&RawAttrs {
            flags: Some(1),
            ..RawAttrs::default()
        });
        let clear = req(&RawAttrs {
            flags: Some(0),
            ..RawAttrs::default()
        });
        let pt = cur(Mode::Passthru);
        assert_eq!(changelink(&pt, &set, true).unwrap().lower_promisc, -1);
        let pt_np = Current {
            flags: Flags::NOPROMISC,
            ..pt
        };
        assert_eq!(changelink(&pt_np, &clear, true).unwrap().lower_promisc, 1);
        assert_eq!(changelink(&pt_np, &set, true).unwrap().lower_promisc, 0);
        let down = Current {
            running: false,
            ..pt
        };
        assert_eq!(changelink(&down, &set, true).unwrap().lower_promisc, 0);
        assert_eq!(
            changelink(&cur(Mode::Bridge), &set, true)
                .unwrap()
                .lower_promisc,
            0
        );
    }

    #[derive(Default)]
    struct Model {
        set: BTreeSet<[u8; 6]>,
        cap: usize,
    }

    impl SourceList for Model {
        fn contains(&self, a: MacAddr) -> bool {
            self.set.contains(&a.0)
        }
        fn insert(&mut self, a: MacAddr) -> Result<(), Error> {
            if self.set.len() >= self.cap {
                return Err(Error::NoMemory);
            }
            self.set.insert(a.0);
            Ok(())
        }
        fn remove(&mut self, a: MacAddr) {
            self.set.remove(&a.0);
        }
        fn clear(&mut self) {
            self.set.clear();
        }
    }

    #[test]
    fn source_commands() {
        let mut m = Model {
            cap: 2,
            ..Model::default()
        };
        let add_a = req(&RawAttrs {
            macaddr: Some(&A.0),
            ..RawAttrs::default()
        });
        apply_sources(&mut m, MacaddrMode::Add, &add_a).unwrap();
        apply_sources(&mut m, MacaddrMode::Add, &add_a).unwrap();
        assert_eq!(m.set.len(), 1);
        assert_eq!(
            apply_sources(&mut m, MacaddrMode::Del, &Request::default()),
            Err(Error::MacaddrMissing)
        );
        apply_sources(&mut m, MacaddrMode::Del, &add_a).unwrap();
        assert!(m.set.is_empty());

        // Set: MACADDR first, then the data entries; a full list stops it.
        let c = MacAddr([2, 0, 0, 0, 0, 3]);
        let mut nest = nla(IFLA_MACVLAN_MACADDR, &B.0);
        nest.extend(nla(IFLA_MACVLAN_MACADDR, &c.0));
        let set = req(&RawAttrs {
            macaddr: Some(&A.0),
            macaddr_data: Some(&nest),
            ..RawAttrs::default()
        });
        let e = apply_sources(&mut m, MacaddrMode::Set, &set).unwrap_err();
        assert_eq!((e, e.errno()), (Error::NoMemory, 12));
        assert_eq!(m.set, BTreeSet::from([A.0, B.0]));
        apply_sources(&mut m, MacaddrMode::Flush, &set).unwrap();
        assert!(m.set.is_empty());
    }

    #[test]
    fn queue_length_and_cutoff_dump() {
        assert_eq!(bc_queue_len_used([]), 0);
        assert_eq!(bc_queue_len_used([1000, 5000, 20]), 5000);
        assert_eq!(dumped_bc_cutoff(1), None);
        assert_eq!(dumped_bc_cutoff(0), Some(0));
        assert_eq!(dumped_bc_cutoff(-1), Some(-1));
    }

    #[test]
    fn hashes_match_the_c_formula() {
        // 02:00:00:00:00:01 loaded little-endian and shifted left by 16 is
        // 0x0100_0000_0002_0000; times GOLDEN_RATIO_64, top 8 bits: 247.
        if cfg!(target_endian = "little") {
            assert_eq!(eth_hash(A), 247);
            assert_eq!(eth_hash(B), 165);
            assert_eq!(eth_hash(BCAST), 121);
            // Bytes 2..6 of 01:00:5e:00:00:01 as a little-endian u32 is
            // 0x0100_005e; hash_32(.., 8) = 46.
            assert_eq!(mc_hash(MCAST, 0), 46);
            assert_eq!(mc_hash(BCAST, 0), 158);
            assert_eq!(mc_hash(MCAST, 0x1234), 221);
            // 33:33:00:00:00:01 shares the last four bytes with A.
            assert_eq!(mc_hash(MacAddr([0x33, 0x33, 0, 0, 0, 1]), 0), 71);
            assert_eq!(mc_hash(A, 0), 71);
        }
        assert_eq!(eth_hash(BCAST), hash_64(0xffff_ffff_ffff << 16, 8));
    }

    #[test]
    fn filters_and_the_bc_cutoff() {
        let addrs = [
            McAddr {
                addr: MCAST,
                synced: 2,
            },
            McAddr {
                addr: MacAddr([0x33, 0x33, 0, 0, 0, 0xfb]),
                synced: 0,
            },
        ];
        let bit = mc_hash(MCAST, 0);
        let own = mc_hash(addrs[1].addr, 0);
        // Cutoff 1 (default): groups of two or more macvlans are queued.
        let bc = bc_filter(1, false, addrs, BCAST);
        assert!(bc.test(bit) && bc.test(mc_hash(BCAST, 0)) && !bc.test(own));
        // Cutoff 2: that group is delivered at once instead.
        let bc = bc_filter(2, false, addrs, BCAST);
        assert!(!bc.test(bit) && bc.test(mc_hash(BCAST, 0)));
        let mc = port_mc_filter(false, addrs, BCAST);
        assert!(mc.test(bit) && !mc.test(own));
        // Negative: nothing queued, broadcast included.
        assert_eq!(bc_filter(-1, true, addrs, BCAST), McFilter::EMPTY);
        assert_eq!(bc_filter(5, true, addrs, BCAST), McFilter::FULL);
        // A macvlan's own filter keeps every address, with its mix.
        let f = compute_filter(false, addrs, BCAST, Some(0x1234), 0);
        assert!(f.test(mc_hash(addrs[1].addr, 0x1234)));

        assert_eq!(group_rx(false, None, true, true), GroupRx::Queue);
        assert_eq!(group_rx(false, None, false, true), GroupRx::Flood);
        assert_eq!(group_rx(false, None, false, false), GroupRx::LowerOnly);
        assert!(bc_enqueue(999, 1000) && !bc_enqueue(1000, 1000));
        assert!(!bc_enqueue(0, 0));
    }

    #[test]
    fn group_frames_from_local_senders() {
        for m in [Mode::Private, Mode::Passthru, Mode::Source] {
            assert_eq!(group_rx(false, Some(m), true, true), GroupRx::ToSender);
        }
        for m in [Mode::Vepa, Mode::Bridge] {
            assert_eq!(group_rx(false, Some(m), true, true), GroupRx::Queue);
        }
        assert_eq!(group_rx(true, None, true, true), GroupRx::Consumed);
        assert!(!floods(ETH_P_PAUSE) && floods(0x0800));
    }

    #[test]
    fn flood_targets() {
        let ext = Flood::received(None);
        assert!(ext.reaches(Mode::Private, false, true));
        assert!(ext.reaches(Mode::Passthru, false, true));
        assert!(!ext.reaches(Mode::Source, false, true));
        assert!(!ext.reaches(Mode::Bridge, false, false));

        let vepa = Flood::received(Some(Mode::Vepa));
        assert!(vepa.reaches(Mode::Bridge, false, true));
        assert!(!vepa.reaches(Mode::Private, false, true));
        assert!(!vepa.reaches(Mode::Vepa, true, true));

        // 7.3: a bridge-mode sender gets its own (shared-MAC) frame back.
        let bridge = Flood::received(Some(Mode::Bridge));
        assert!(bridge.reaches(Mode::Bridge, true, true));
        assert!(bridge.reaches(Mode::Vepa, false, true));
        assert!(!bridge.forward);

        let tx = Flood::BRIDGE_XMIT;
        assert!(tx.forward);
        assert!(tx.reaches(Mode::Bridge, false, true));
        assert!(!tx.reaches(Mode::Bridge, true, true));
        assert!(!tx.reaches(Mode::Vepa, false, true));
    }

    #[test]
    fn unicast_and_source_mode() {
        let owners = [
            SourceOwner {
                nodst: false,
                up: true,
            },
            SourceOwner {
                nodst: true,
                up: false,
            },
        ];
        assert!(source_consumes(owners));
        assert!(!source_consumes(owners[..1].iter().copied()));
        let up = |mode| Target { mode, up: true };
        assert_eq!(
            unicast_rx(true, Some(up(Mode::Bridge))),
            UnicastRx::Consumed
        );
        assert_eq!(unicast_rx(false, None), UnicastRx::Pass);
        assert_eq!(unicast_rx(false, Some(up(Mode::Source))), UnicastRx::Pass);
        let down = Target {
            mode: Mode::Vepa,
            up: false,
        };
        assert_eq!(unicast_rx(false, Some(down)), UnicastRx::Drop);
        assert_eq!(
            unicast_rx(false, Some(up(Mode::Private))),
            UnicastRx::Deliver
        );
    }

    #[test]
    fn transmit_paths() {
        assert_eq!(xmit(Mode::Bridge, MCAST, None), Xmit::FloodThenLower);
        assert_eq!(
            xmit(Mode::Bridge, B, Some(Mode::Bridge)),
            Xmit::LoopThroughLower
        );
        assert_eq!(xmit(Mode::Bridge, B, Some(Mode::Vepa)), Xmit::Lower);
        assert_eq!(xmit(Mode::Bridge, B, None), Xmit::Lower);
        assert_eq!(xmit(Mode::Vepa, B, Some(Mode::Bridge)), Xmit::Lower);
        assert_eq!(xmit(Mode::Private, BCAST, None), Xmit::Lower);
    }

    #[test]
    fn addresses() {
        assert!(addr_busy(false, false, A, A, false));
        assert!(!addr_busy(true, false, A, A, false));
        assert!(!addr_busy(false, true, A, A, false));
        assert!(addr_busy(true, true, A, B, true));

        assert_eq!(open(true, Flags::NONE, true), Ok(true));
        assert_eq!(open(true, Flags::NOPROMISC, false), Ok(false));
        assert_eq!(open(false, Flags::NONE, true), Err(Error::AddressInUse));
        assert_eq!(Error::AddressInUse.errno(), 98);

        assert_eq!(
            set_mac_address(A, BCAST, Mode::Vepa, false),
            Err(Error::AddressInvalid)
        );
        assert_eq!(
            set_mac_address(A, A, Mode::Vepa, true),
            Ok(SetMac::Unchanged)
        );
        assert_eq!(
            set_mac_address(A, B, Mode::Passthru, true),
            Ok(SetMac::ChangeLower)
        );
        assert_eq!(
            set_mac_address(A, B, Mode::Vepa, true),
            Err(Error::AddressInUse)
        );
        assert_eq!(set_mac_address(A, B, Mode::Vepa, false), Ok(SetMac::Sync));

        let e = check_fdb(false, B, false).unwrap_err();
        assert_eq!(e.errno(), 95);
        assert_eq!(check_fdb(false, MCAST, false), Ok(()));
        assert_eq!(check_fdb(true, B, true), Err(Error::FdbReplace));
        assert_eq!(check_fdb(true, B, false), Ok(()));

        assert_eq!(check_mtu(1500, 1501), Err(Error::MtuAboveLower));
        assert_eq!(check_mtu(1500, 1500), Ok(()));
        assert_eq!(mtu_after_lower_change(1500, 1400), Some(1400));
        assert_eq!(mtu_after_lower_change(1400, 9000), None);
    }

    fn mode() -> impl Strategy<Value = Mode> {
        prop::sample::select(&Mode::ALL[..])
    }

    proptest! {
        /// A received group frame reaches its own sender only when the
        /// sender is in bridge mode (the shared-MAC loopback); a
        /// transmitted one never does.
        #[test]
        fn never_back_to_the_sender_but_bridge(m in mode()) {
            let back = Flood::received(Some(m)).reaches(m, true, true);
            prop_assert_eq!(back, m == Mode::Bridge);
            prop_assert!(!Flood::BRIDGE_XMIT.reaches(m, true, true));
        }

        /// Flood targets never include source-mode macvlans, and a miss in
        /// the macvlan's own filter always stops it.
        #[test]
        fn floods_skip_source_mode(sender in prop::option::of(mode()), target in mode(), is_sender: bool) {
            let f = Flood::received(sender);
            prop_assert!(!f.reaches(Mode::Source, is_sender, true));
            prop_assert!(!f.reaches(target, is_sender, false));
        }

        /// Both hashes index their tables.
        #[test]
        fn hashes_within_the_tables(a: [u8; 6], mix: u32) {
            prop_assert!((eth_hash(MacAddr(a)) as usize) < HASH_SIZE);
            prop_assert!((mc_hash(MacAddr(a), mix) as usize) < MC_FILTER_SIZE);
        }

        /// validate() never panics, and whatever it accepts is typed
        /// consistently with the raw values.
        #[test]
        fn validate_total(
            addr in prop::option::of(prop::collection::vec(any::<u8>(), 0..8)),
            mode: Option<u32>, flags: Option<u16>, mm: Option<u32>,
            macaddr in prop::option::of(prop::collection::vec(any::<u8>(), 0..8)),
            nest in prop::option::of(prop::collection::vec(any::<u8>(), 0..40)),
            count: bool, qlen: Option<u32>, capable: bool,
        ) {
            let data = RawAttrs {
                mode, flags, macaddr_mode: mm, macaddr: macaddr.as_deref(),
                macaddr_data: nest.as_deref(), macaddr_count: count,
                bc_queue_len: qlen, bc_cutoff: None,
            };
            if let Ok(r) = validate(addr.as_deref(), &data, capable) {
                prop_assert!(!count);
                prop_assert_eq!(r.mode.map(Mode::value), mode);
                prop_assert_eq!(r.flags.map(Flags::bits), flags);
                prop_assert!(r.macaddr.is_none_or(|a| a.is_valid_unicast()));
                prop_assert!(r.data_addresses().all(|a| a.is_valid_unicast()));
                prop_assert!(capable || qlen.is_none_or(|l| l <= DEFAULT_BC_QUEUE_LEN));
            }
        }

        /// Source commands behave as set operations on a model.
        #[test]
        fn sources_model(ops in prop::collection::vec((0u32..4, 0u8..4), 0..30)) {
            let mut m = Model { cap: usize::MAX, ..Model::default() };
            let mut model = BTreeSet::new();
            for (op, last) in ops {
                let addr = [2, 0, 0, 0, 0, last + 1];
                let r = req(&RawAttrs { macaddr: Some(&addr), ..RawAttrs::default() });
                let op = MacaddrMode::from_u32(op).unwrap();
                apply_sources(&mut m, op, &r).unwrap();
                match op {
                    MacaddrMode::Add => { model.insert(addr); }
                    MacaddrMode::Del => { model.remove(&addr); }
                    MacaddrMode::Flush => model.clear(),
                    MacaddrMode::Set => { model.clear(); model.insert(addr); }
                }
                prop_assert_eq!(&m.set, &model);
            }
        }

        /// The used queue length is the largest request.
        #[test]
        fn used_queue_length_is_the_maximum(reqs in prop::collection::vec(any::<u32>(), 0..10)) {
            let used = bc_queue_len_used(reqs.iter().copied());
            prop_assert!(reqs.iter().all(|&r| r <= used));
            prop_assert!(reqs.is_empty() || reqs.contains(&used));
        }
    }
}
