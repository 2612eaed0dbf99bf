// SPDX-License-Identifier: GPL-2.0

//! The bond's options, as `bond_options.c`: the values of one bond, and
//! the setters that netlink (`ip link add|set ... type bond ...`) calls in
//! the kernel's order. The value tables, ranges and mode restrictions are
//! the core crate's (`rvnet_core::bond::options`).

use crate::glue::attr::ExtAck;
use crate::rvnet_core::bond::hash::XmitHashPolicy;
use crate::rvnet_core::bond::monitor::PrimaryReselect;
pub(crate) use crate::rvnet_core::bond::options::BondMode as Mode;
use crate::rvnet_core::bond::options::{check, BondState, OptArg, OptionError, OptionId};
use kernel::prelude::*;

/// `fail_over_mac none`.
pub(crate) const FOM_NONE: u8 = 0;
/// `fail_over_mac active`.
pub(crate) const FOM_ACTIVE: u8 = 1;
/// `fail_over_mac follow`.
pub(crate) const FOM_FOLLOW: u8 = 2;

/// `BOND_MAX_ARP_TARGETS`.
pub(crate) const MAX_ARP_TARGETS: usize = 16;
/// `BOND_DEFAULT_MIIMON`.
const DEFAULT_MIIMON: u32 = 100;

/// Interface name length (`IFNAMSIZ`).
const IFNAMSIZ: usize = 16;

/// One bond's options (`struct bond_params`).
#[derive(Clone, Copy)]
pub(crate) struct Params {
    /// `mode`.
    pub(crate) mode: Mode,
    /// `xmit_hash_policy`.
    pub(crate) xmit_policy: XmitHashPolicy,
    /// `miimon`, in ms.
    pub(crate) miimon: u32,
    /// `updelay`, in miimon ticks.
    pub(crate) updelay: u32,
    /// `downdelay`, in miimon ticks.
    pub(crate) downdelay: u32,
    /// `peer_notif_delay`, in miimon ticks.
    pub(crate) peer_notif_delay: u32,
    /// `arp_interval`, in ms.
    pub(crate) arp_interval: u32,
    /// `arp_ip_target`, network order, zero-terminated.
    pub(crate) arp_targets: [u32; MAX_ARP_TARGETS],
    /// `ns_ip6_target`, zero-terminated.
    pub(crate) ns_targets: [[u8; 16]; MAX_ARP_TARGETS],
    /// `arp_validate`.
    pub(crate) arp_validate: u32,
    /// `arp_all_targets`.
    pub(crate) arp_all_targets: u32,
    /// `primary`, a NUL-padded interface name.
    pub(crate) primary: [u8; IFNAMSIZ],
    /// `primary_reselect`.
    pub(crate) primary_reselect: PrimaryReselect,
    /// `fail_over_mac` (`FOM_*`).
    pub(crate) fail_over_mac: u8,
    /// `resend_igmp`.
    pub(crate) resend_igmp: u32,
    /// `num_grat_arp` / `num_unsol_na`.
    pub(crate) num_peer_notif: u8,
    /// `all_slaves_active`.
    pub(crate) all_slaves_active: bool,
    /// `min_links`.
    pub(crate) min_links: u32,
    /// `lp_interval`.
    pub(crate) lp_interval: u32,
    /// `packets_per_slave`.
    pub(crate) packets_per_slave: u32,
    /// `lacp_active`.
    pub(crate) lacp_active: bool,
    /// `lacp_rate` (1 = fast).
    pub(crate) lacp_fast: bool,
    /// `ad_select`.
    pub(crate) ad_select: u8,
    /// `ad_actor_sys_prio`.
    pub(crate) ad_actor_sys_prio: u16,
    /// `ad_user_port_key`.
    pub(crate) ad_user_port_key: u16,
    /// `ad_actor_system`.
    pub(crate) ad_actor_system: [u8; 6],
    /// `tlb_dynamic_lb`.
    pub(crate) tlb_dynamic_lb: bool,
    /// `arp_missed_max`.
    pub(crate) missed_max: u8,
    /// `coupled_control`.
    pub(crate) coupled_control: bool,
    /// `broadcast_neighbor`.
    pub(crate) broadcast_neighbor: bool,
    /// `lacp_strict`.
    pub(crate) lacp_strict: bool,
}

impl Default for Params {
    /// `bonding_defaults` of a module loaded without parameters.
    fn default() -> Params {
        Params {
            mode: Mode::RoundRobin,
            xmit_policy: XmitHashPolicy::Layer2,
            miimon: 0,
            updelay: 0,
            downdelay: 0,
            peer_notif_delay: 0,
            arp_interval: 0,
            arp_targets: [0; MAX_ARP_TARGETS],
            ns_targets: [[0; 16]; MAX_ARP_TARGETS],
            arp_validate: 0,
            arp_all_targets: 0,
            primary: [0; IFNAMSIZ],
            primary_reselect: PrimaryReselect::Always,
            fail_over_mac: FOM_NONE,
            resend_igmp: 1,
            num_peer_notif: 1,
            all_slaves_active: false,
            min_links: 0,
            lp_interval: 1,
            packets_per_slave: 1,
            lacp_active: true,
            lacp_fast: false,
            ad_select: 0,
            ad_actor_sys_prio: 65535,
            ad_user_port_key: 0,
            ad_actor_system: [0; 6],
            tlb_dynamic_lb: true,
            missed_max: 2,
            coupled_control: true,
            broadcast_neighbor: false,
            lacp_strict: false,
        }
    }
}

impl Params {
    /// `updelay` in monitor ticks.
    pub(crate) fn updelay_ticks(&self) -> i32 {
        self.updelay as i32
    }

    /// `downdelay` in monitor ticks.
    pub(crate) fn downdelay_ticks(&self) -> i32 {
        self.downdelay as i32
    }

    /// The `primary` name.
    pub(crate) fn primary_name(&self) -> &str {
        let len = self
            .primary
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(IFNAMSIZ);
        core::str::from_utf8(self.primary.get(..len).unwrap_or(&[])).unwrap_or("")
    }

    /// Whether a primary is set.
    pub(crate) fn has_primary(&self) -> bool {
        self.primary[0] != 0
    }

    /// Whether `name` is the primary.
    pub(crate) fn primary_name_is(&self, name: &str) -> bool {
        self.has_primary() && self.primary_name() == name
    }

    /// Number of ARP targets set.
    pub(crate) fn arp_target_count(&self) -> usize {
        self.arp_targets.iter().take_while(|&&t| t != 0).count()
    }
}

/// Where an option is being set: the bond's state, for the checks of
/// `bond_opt_check_deps()`.
pub(crate) struct SetContext {
    /// The bond's state.
    pub(crate) state: BondState,
}

fn option_error(extack: &ExtAck, e: OptionError) -> Error {
    extack.fail(Error::from_errno(-e.errno()), e.message())
}

impl Params {
    /// `__bond_opt_set()` of a numeric option: the core's checks, then the
    /// option's setter. Only the options netlink sets as numbers.
    pub(crate) fn set(
        &mut self,
        id: OptionId,
        value: u64,
        ctx: &SetContext,
        extack: &ExtAck,
    ) -> Result {
        let parsed =
            check(id, OptArg::Value(value), &ctx.state).map_err(|e| option_error(extack, e))?;
        let v = parsed.value().unwrap_or(value);
        match id {
            OptionId::Mode => {
                let mode = Mode::from_value(v).ok_or(EINVAL)?;
                if !mode.uses_arp() {
                    self.arp_interval = 0;
                    if self.miimon == 0 {
                        self.miimon = DEFAULT_MIIMON;
                    }
                }
                if mode == Mode::Alb {
                    self.tlb_dynamic_lb = true;
                }
                self.arp_validate = 0;
                self.broadcast_neighbor = false;
                self.mode = mode;
            }
            OptionId::Miimon => {
                self.miimon = v as u32;
                if v != 0 && self.arp_interval != 0 {
                    self.arp_interval = 0;
                    self.arp_validate = 0;
                }
            }
            OptionId::Updelay | OptionId::Downdelay | OptionId::PeerNotifDelay => {
                if self.miimon == 0 {
                    return Err(EPERM);
                }
                let ticks = v as u32 / self.miimon;
                match id {
                    OptionId::Updelay => self.updelay = ticks,
                    OptionId::Downdelay => self.downdelay = ticks,
                    _ => self.peer_notif_delay = ticks,
                }
            }
            OptionId::UseCarrier => {}
            OptionId::ArpInterval => {
                self.arp_interval = v as u32;
                if v != 0 {
                    self.miimon = 0;
                }
            }
            OptionId::ArpValidate => self.arp_validate = v as u32,
            OptionId::ArpAllTargets => self.arp_all_targets = v as u32,
            OptionId::PrimaryReselect => {
                self.primary_reselect = match v {
                    0 => PrimaryReselect::Always,
                    1 => PrimaryReselect::Better,
                    _ => PrimaryReselect::Failure,
                }
            }
            OptionId::FailOverMac => self.fail_over_mac = v as u8,
            OptionId::XmitHash => self.xmit_policy = XmitHashPolicy::from_value(v).ok_or(EINVAL)?,
            OptionId::ResendIgmp => self.resend_igmp = v as u32,
            OptionId::NumPeerNotif | OptionId::NumPeerNotifAlias => self.num_peer_notif = v as u8,
            OptionId::AllSlavesActive => self.all_slaves_active = v != 0,
            OptionId::MinLinks => self.min_links = v as u32,
            OptionId::LpInterval => self.lp_interval = v as u32,
            OptionId::PacketsPerSlave => self.packets_per_slave = v as u32,
            OptionId::LacpActive => self.lacp_active = v != 0,
            OptionId::LacpRate => self.lacp_fast = v != 0,
            OptionId::AdSelect => self.ad_select = v as u8,
            OptionId::AdActorSysPrio => self.ad_actor_sys_prio = v as u16,
            OptionId::AdUserPortKey => self.ad_user_port_key = v as u16,
            OptionId::TlbDynamicLb => self.tlb_dynamic_lb = v != 0,
            OptionId::MissedMax => self.missed_max = v as u8,
            OptionId::CoupledControl => self.coupled_control = v != 0,
            OptionId::BroadcastNeigh => self.broadcast_neighbor = v != 0,
            OptionId::LacpStrict => self.lacp_strict = v != 0,
            _ => return Err(EOPNOTSUPP),
        }
        Ok(())
    }

    /// Sets `primary` to `name` (empty clears it).
    pub(crate) fn set_primary(&mut self, name: &str, ctx: &SetContext, extack: &ExtAck) -> Result {
        crate::rvnet_core::bond::options::check_deps(OptionId::Primary.option(), &ctx.state)
            .map_err(|e| option_error(extack, e))?;
        self.primary = [0; IFNAMSIZ];
        for (d, s) in self.primary.iter_mut().zip(name.bytes().take(IFNAMSIZ - 1)) {
            *d = s;
        }
        Ok(())
    }

    /// Replaces the NS targets (`ns_ip6_target`): the unspecified and
    /// multicast addresses are refused. They are kept and shown; rvnet has
    /// no NS monitor yet.
    pub(crate) fn set_ns_targets(
        &mut self,
        targets: [[u8; 16]; MAX_ARP_TARGETS],
        ctx: &SetContext,
        extack: &ExtAck,
    ) -> Result {
        crate::rvnet_core::bond::options::check_deps(OptionId::NsTargets.option(), &ctx.state)
            .map_err(|e| option_error(extack, e))?;
        if targets.iter().any(|t| t[0] == 0xff) {
            return Err(extack.fail(EINVAL, c"invalid option value"));
        }
        self.ns_targets = targets;
        Ok(())
    }

    /// Replaces the ARP targets (`bond_option_arp_ip_targets_set` with a
    /// list: clear, then add each).
    pub(crate) fn set_arp_targets(
        &mut self,
        targets: impl Iterator<Item = u32>,
        ctx: &SetContext,
        extack: &ExtAck,
    ) -> Result {
        crate::rvnet_core::bond::options::check_deps(OptionId::ArpTargets.option(), &ctx.state)
            .map_err(|e| option_error(extack, e))?;
        let mut new = [0u32; MAX_ARP_TARGETS];
        for (n, t) in targets.enumerate() {
            if t == 0 || t == u32::MAX || new.contains(&t) {
                return Err(extack.fail(EINVAL, c"invalid option value"));
            }
            let slot = new
                .get_mut(n)
                .ok_or_else(|| extack.fail(EINVAL, c"invalid option value"))?;
            *slot = t;
        }
        self.arp_targets = new;
        Ok(())
    }
}
