// SPDX-License-Identifier: GPL-2.0

//! Bonding options and their values, as `bond_options.c` defines them: the
//! `struct bond_opt_value` tables, the `struct bond_option` flags and
//! unsupported modes, `bond_opt_parse()` and the checks of
//! `__bond_opt_set()` with the errno and extack message each failure gives.

/// `BOND_MODE_ROUNDROBIN`.
pub const BOND_MODE_ROUNDROBIN: u8 = 0;
/// `BOND_MODE_ACTIVEBACKUP`.
pub const BOND_MODE_ACTIVEBACKUP: u8 = 1;
/// `BOND_MODE_XOR`.
pub const BOND_MODE_XOR: u8 = 2;
/// `BOND_MODE_BROADCAST`.
pub const BOND_MODE_BROADCAST: u8 = 3;
/// `BOND_MODE_8023AD`.
pub const BOND_MODE_8023AD: u8 = 4;
/// `BOND_MODE_TLB`.
pub const BOND_MODE_TLB: u8 = 5;
/// `BOND_MODE_ALB`.
pub const BOND_MODE_ALB: u8 = 6;

/// A bonding mode.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum BondMode {
    /// `balance-rr`.
    #[default]
    RoundRobin,
    /// `active-backup`.
    ActiveBackup,
    /// `balance-xor`.
    Xor,
    /// `broadcast`.
    Broadcast,
    /// `802.3ad`.
    Ieee8023ad,
    /// `balance-tlb`.
    Tlb,
    /// `balance-alb`.
    Alb,
}

impl BondMode {
    /// The mode with a `BOND_MODE_*` value.
    pub fn from_value(value: u64) -> Option<BondMode> {
        match value {
            0 => Some(BondMode::RoundRobin),
            1 => Some(BondMode::ActiveBackup),
            2 => Some(BondMode::Xor),
            3 => Some(BondMode::Broadcast),
            4 => Some(BondMode::Ieee8023ad),
            5 => Some(BondMode::Tlb),
            6 => Some(BondMode::Alb),
            _ => None,
        }
    }

    /// The `BOND_MODE_*` value.
    pub fn value(self) -> u8 {
        match self {
            BondMode::RoundRobin => BOND_MODE_ROUNDROBIN,
            BondMode::ActiveBackup => BOND_MODE_ACTIVEBACKUP,
            BondMode::Xor => BOND_MODE_XOR,
            BondMode::Broadcast => BOND_MODE_BROADCAST,
            BondMode::Ieee8023ad => BOND_MODE_8023AD,
            BondMode::Tlb => BOND_MODE_TLB,
            BondMode::Alb => BOND_MODE_ALB,
        }
    }

    /// The option value name (`mode` table), e.g. `"active-backup"`.
    pub fn option_name(self) -> &'static str {
        MODE_TBL
            .get(usize::from(self.value()))
            .map_or("", |v| v.name)
    }

    /// The description `/proc/net/bonding` prints (`bond_mode_name()`).
    pub fn description(self) -> &'static str {
        bond_mode_name(self.value().into())
    }

    /// `bond_mode_uses_xmit_hash()` for this mode (TLB and ALB use it only
    /// without `tlb_dynamic_lb`).
    pub fn uses_xmit_hash(self, tlb_dynamic_lb: bool) -> bool {
        match self {
            BondMode::Ieee8023ad | BondMode::Xor => true,
            BondMode::Tlb | BondMode::Alb => !tlb_dynamic_lb,
            _ => false,
        }
    }

    /// `bond_mode_can_use_xmit_hash()`.
    pub fn can_use_xmit_hash(self) -> bool {
        matches!(
            self,
            BondMode::Ieee8023ad | BondMode::Xor | BondMode::Tlb | BondMode::Alb
        )
    }

    /// `bond_mode_uses_primary()`.
    pub fn uses_primary(self) -> bool {
        matches!(self, BondMode::ActiveBackup | BondMode::Tlb | BondMode::Alb)
    }

    /// `bond_mode_uses_arp()`.
    pub fn uses_arp(self) -> bool {
        !matches!(self, BondMode::Ieee8023ad | BondMode::Tlb | BondMode::Alb)
    }

    fn bit(self) -> u64 {
        1 << self.value()
    }
}

/// `bond_mode_name()`: the mode as `/proc/net/bonding` names it, or
/// `"unknown"`.
pub fn bond_mode_name(mode: i64) -> &'static str {
    match mode {
        0 => "load balancing (round-robin)",
        1 => "fault-tolerance (active-backup)",
        2 => "load balancing (xor)",
        3 => "fault-tolerance (broadcast)",
        4 => "IEEE 802.3ad Dynamic link aggregation",
        5 => "transmit load balancing",
        6 => "adaptive load balancing",
        _ => "unknown",
    }
}

/// `BOND_VALFLAG_DEFAULT`: the value `"default"` selects.
pub const BOND_VALFLAG_DEFAULT: u32 = 1 << 0;
/// `BOND_VALFLAG_MIN`: the lower bound of the option's range.
pub const BOND_VALFLAG_MIN: u32 = 1 << 1;
/// `BOND_VALFLAG_MAX`: the upper bound of the option's range.
pub const BOND_VALFLAG_MAX: u32 = 1 << 2;

/// `BOND_OPTFLAG_NOSLAVES`: can only be set while the bond has no slaves.
pub const BOND_OPTFLAG_NOSLAVES: u32 = 1 << 0;
/// `BOND_OPTFLAG_IFDOWN`: can only be set while the bond is down.
pub const BOND_OPTFLAG_IFDOWN: u32 = 1 << 1;
/// `BOND_OPTFLAG_RAWVAL`: the option parses its value itself (no table).
pub const BOND_OPTFLAG_RAWVAL: u32 = 1 << 2;

/// `BOND_OPT_MAX_NAMELEN`: longest value name `bond_opt_parse()` reads.
pub const BOND_OPT_MAX_NAMELEN: usize = 32;

/// One named value of an option (`struct bond_opt_value`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct OptValue {
    /// The name userspace uses.
    pub name: &'static str,
    /// The numeric value.
    pub value: u64,
    /// `BOND_VALFLAG_*`.
    pub flags: u32,
}

const fn v(name: &'static str, value: u64, flags: u32) -> OptValue {
    OptValue { name, value, flags }
}

const DEF: u32 = BOND_VALFLAG_DEFAULT;
const MIN: u32 = BOND_VALFLAG_MIN;
const MAX: u32 = BOND_VALFLAG_MAX;
const INT_MAX: u64 = i32::MAX as u64;

/// `bond_mode_tbl`.
pub const MODE_TBL: &[OptValue] = &[
    v("balance-rr", 0, DEF),
    v("active-backup", 1, 0),
    v("balance-xor", 2, 0),
    v("broadcast", 3, 0),
    v("802.3ad", 4, 0),
    v("balance-tlb", 5, 0),
    v("balance-alb", 6, 0),
];
/// `bond_pps_tbl`.
pub const PPS_TBL: &[OptValue] = &[v("default", 1, DEF), v("maxval", 65535, MAX)];
/// `bond_xmit_hashtype_tbl`.
pub const XMIT_HASHTYPE_TBL: &[OptValue] = &[
    v("layer2", 0, DEF),
    v("layer3+4", 1, 0),
    v("layer2+3", 2, 0),
    v("encap2+3", 3, 0),
    v("encap3+4", 4, 0),
    v("vlan+srcmac", 5, 0),
];
/// `bond_arp_validate_tbl`.
pub const ARP_VALIDATE_TBL: &[OptValue] = &[
    v("none", 0, DEF),
    v("active", 1, 0),
    v("backup", 2, 0),
    v("all", 3, 0),
    v("filter", 4, 0),
    v("filter_active", 5, 0),
    v("filter_backup", 6, 0),
];
/// `bond_arp_all_targets_tbl`.
pub const ARP_ALL_TARGETS_TBL: &[OptValue] = &[v("any", 0, DEF), v("all", 1, 0)];
/// `bond_fail_over_mac_tbl`.
pub const FAIL_OVER_MAC_TBL: &[OptValue] =
    &[v("none", 0, DEF), v("active", 1, 0), v("follow", 2, 0)];
/// `bond_intmax_tbl`.
pub const INTMAX_TBL: &[OptValue] = &[v("off", 0, DEF), v("maxval", INT_MAX, MAX)];
/// `bond_lacp_active`.
pub const LACP_ACTIVE_TBL: &[OptValue] = &[v("off", 0, 0), v("on", 1, DEF)];
/// `bond_lacp_rate_tbl` (no default entry).
pub const LACP_RATE_TBL: &[OptValue] = &[v("slow", 0, 0), v("fast", 1, 0)];
/// `bond_lacp_strict_tbl`.
pub const LACP_STRICT_TBL: &[OptValue] = &[v("off", 0, DEF), v("on", 1, 0)];
/// `bond_ad_select_tbl`.
pub const AD_SELECT_TBL: &[OptValue] = &[
    v("stable", 0, DEF),
    v("bandwidth", 1, 0),
    v("count", 2, 0),
    v("actor_port_prio", 3, 0),
];
/// `bond_num_peer_notif_tbl`.
pub const NUM_PEER_NOTIF_TBL: &[OptValue] =
    &[v("off", 0, 0), v("maxval", 255, MAX), v("default", 1, DEF)];
/// `bond_peer_notif_delay_tbl` (no default entry).
pub const PEER_NOTIF_DELAY_TBL: &[OptValue] = &[v("off", 0, 0), v("maxval", 300000, MAX)];
/// `bond_primary_reselect_tbl`.
pub const PRIMARY_RESELECT_TBL: &[OptValue] =
    &[v("always", 0, DEF), v("better", 1, 0), v("failure", 2, 0)];
/// `bond_use_carrier_tbl` (only "on" remains).
pub const USE_CARRIER_TBL: &[OptValue] = &[v("on", 1, DEF)];
/// `bond_all_slaves_active_tbl`.
pub const ALL_SLAVES_ACTIVE_TBL: &[OptValue] = &[v("off", 0, DEF), v("on", 1, 0)];
/// `bond_resend_igmp_tbl`.
pub const RESEND_IGMP_TBL: &[OptValue] =
    &[v("off", 0, 0), v("maxval", 255, MAX), v("default", 1, DEF)];
/// `bond_lp_interval_tbl`.
pub const LP_INTERVAL_TBL: &[OptValue] = &[v("minval", 1, MIN | DEF), v("maxval", INT_MAX, MAX)];
/// `bond_tlb_dynamic_lb_tbl`.
pub const TLB_DYNAMIC_LB_TBL: &[OptValue] = &[v("off", 0, 0), v("on", 1, DEF)];
/// `bond_ad_actor_sys_prio_tbl`.
pub const AD_ACTOR_SYS_PRIO_TBL: &[OptValue] =
    &[v("minval", 1, MIN), v("maxval", 65535, MAX | DEF)];
/// `bond_ad_user_port_key_tbl`.
pub const AD_USER_PORT_KEY_TBL: &[OptValue] = &[v("minval", 0, MIN | DEF), v("maxval", 1023, MAX)];
/// `bond_missed_max_tbl`.
pub const MISSED_MAX_TBL: &[OptValue] = &[
    v("minval", 1, MIN),
    v("maxval", 255, MAX),
    v("default", 2, DEF),
];
/// `bond_coupled_control_tbl`.
pub const COUPLED_CONTROL_TBL: &[OptValue] = &[v("on", 1, DEF), v("off", 0, 0)];
/// `bond_broadcast_neigh_tbl`.
pub const BROADCAST_NEIGH_TBL: &[OptValue] = &[v("off", 0, DEF), v("on", 1, 0)];

/// The option ids (`BOND_OPT_*`), in the kernel's order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OptionId {
    /// `BOND_OPT_MODE`.
    Mode,
    /// `BOND_OPT_PACKETS_PER_SLAVE`.
    PacketsPerSlave,
    /// `BOND_OPT_XMIT_HASH`.
    XmitHash,
    /// `BOND_OPT_ARP_VALIDATE`.
    ArpValidate,
    /// `BOND_OPT_ARP_ALL_TARGETS`.
    ArpAllTargets,
    /// `BOND_OPT_FAIL_OVER_MAC`.
    FailOverMac,
    /// `BOND_OPT_ARP_INTERVAL`.
    ArpInterval,
    /// `BOND_OPT_ARP_TARGETS`.
    ArpTargets,
    /// `BOND_OPT_DOWNDELAY`.
    Downdelay,
    /// `BOND_OPT_UPDELAY`.
    Updelay,
    /// `BOND_OPT_LACP_RATE`.
    LacpRate,
    /// `BOND_OPT_MINLINKS`.
    MinLinks,
    /// `BOND_OPT_AD_SELECT`.
    AdSelect,
    /// `BOND_OPT_NUM_PEER_NOTIF` (`num_unsol_na`).
    NumPeerNotif,
    /// `BOND_OPT_MIIMON`.
    Miimon,
    /// `BOND_OPT_PRIMARY`.
    Primary,
    /// `BOND_OPT_PRIMARY_RESELECT`.
    PrimaryReselect,
    /// `BOND_OPT_USE_CARRIER`.
    UseCarrier,
    /// `BOND_OPT_ACTIVE_SLAVE`.
    ActiveSlave,
    /// `BOND_OPT_QUEUE_ID`.
    QueueId,
    /// `BOND_OPT_ALL_SLAVES_ACTIVE`.
    AllSlavesActive,
    /// `BOND_OPT_RESEND_IGMP`.
    ResendIgmp,
    /// `BOND_OPT_LP_INTERVAL`.
    LpInterval,
    /// `BOND_OPT_SLAVES`.
    Slaves,
    /// `BOND_OPT_TLB_DYNAMIC_LB`.
    TlbDynamicLb,
    /// `BOND_OPT_AD_ACTOR_SYS_PRIO`.
    AdActorSysPrio,
    /// `BOND_OPT_AD_ACTOR_SYSTEM`.
    AdActorSystem,
    /// `BOND_OPT_AD_USER_PORT_KEY`.
    AdUserPortKey,
    /// `BOND_OPT_NUM_PEER_NOTIF_ALIAS` (`num_grat_arp`).
    NumPeerNotifAlias,
    /// `BOND_OPT_PEER_NOTIF_DELAY`.
    PeerNotifDelay,
    /// `BOND_OPT_LACP_ACTIVE`.
    LacpActive,
    /// `BOND_OPT_MISSED_MAX` (`arp_missed_max`).
    MissedMax,
    /// `BOND_OPT_NS_TARGETS`.
    NsTargets,
    /// `BOND_OPT_PRIO`.
    Prio,
    /// `BOND_OPT_COUPLED_CONTROL`.
    CoupledControl,
    /// `BOND_OPT_BROADCAST_NEIGH`.
    BroadcastNeigh,
    /// `BOND_OPT_ACTOR_PORT_PRIO`.
    ActorPortPrio,
    /// `BOND_OPT_LACP_STRICT`.
    LacpStrict,
}

/// One option (`struct bond_option`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BondOption {
    /// Its id.
    pub id: OptionId,
    /// Its name (sysfs file and module parameter).
    pub name: &'static str,
    /// Its description, when the kernel gives one.
    pub desc: Option<&'static str>,
    /// `BOND_OPTFLAG_*`.
    pub flags: u32,
    /// Bit `m` set: not supported in mode `m` (`unsuppmodes`).
    pub unsuppmodes: u64,
    /// The value table; empty for raw-value options.
    pub values: &'static [OptValue],
}

/// `BOND_MODE_ALL_EX()`: every mode but those in `modes`.
const fn all_ex(modes: u64) -> u64 {
    !modes
}

const B_RR: u64 = 1 << BOND_MODE_ROUNDROBIN;
const B_AB: u64 = 1 << BOND_MODE_ACTIVEBACKUP;
const B_AD: u64 = 1 << BOND_MODE_8023AD;
const B_TLB: u64 = 1 << BOND_MODE_TLB;
const B_ALB: u64 = 1 << BOND_MODE_ALB;
const NOSLAVES: u32 = BOND_OPTFLAG_NOSLAVES;
const IFDOWN: u32 = BOND_OPTFLAG_IFDOWN;
const RAWVAL: u32 = BOND_OPTFLAG_RAWVAL;

const fn opt(
    id: OptionId,
    name: &'static str,
    desc: Option<&'static str>,
    flags: u32,
    unsuppmodes: u64,
    values: &'static [OptValue],
) -> BondOption {
    BondOption {
        id,
        name,
        desc,
        flags,
        unsuppmodes,
        values,
    }
}

const PEER_NOTIF_DESC: Option<&str> =
    Some("Number of peer notifications to send on failover event");

/// `bond_opts[]`, indexed by [`OptionId`].
pub const OPTIONS: &[BondOption] = &[
    opt(
        OptionId::Mode,
        "mode",
        Some("bond device mode"),
        NOSLAVES | IFDOWN,
        0,
        MODE_TBL,
    ),
    opt(
        OptionId::PacketsPerSlave,
        "packets_per_slave",
        Some("Packets to send per slave in RR mode"),
        0,
        all_ex(B_RR),
        PPS_TBL,
    ),
    opt(
        OptionId::XmitHash,
        "xmit_hash_policy",
        Some("balance-xor, 802.3ad, and tlb hashing method"),
        0,
        0,
        XMIT_HASHTYPE_TBL,
    ),
    opt(
        OptionId::ArpValidate,
        "arp_validate",
        Some("validate src/dst of ARP probes"),
        0,
        B_AD | B_TLB | B_ALB,
        ARP_VALIDATE_TBL,
    ),
    opt(
        OptionId::ArpAllTargets,
        "arp_all_targets",
        Some("fail on any/all arp targets timeout"),
        0,
        0,
        ARP_ALL_TARGETS_TBL,
    ),
    opt(
        OptionId::FailOverMac,
        "fail_over_mac",
        Some("For active-backup, do not set all slaves to the same MAC"),
        NOSLAVES,
        0,
        FAIL_OVER_MAC_TBL,
    ),
    opt(
        OptionId::ArpInterval,
        "arp_interval",
        Some("arp interval in milliseconds"),
        0,
        B_AD | B_TLB | B_ALB,
        INTMAX_TBL,
    ),
    opt(
        OptionId::ArpTargets,
        "arp_ip_target",
        Some("arp targets in n.n.n.n form"),
        RAWVAL,
        0,
        &[],
    ),
    opt(
        OptionId::Downdelay,
        "downdelay",
        Some("Delay before considering link down, in milliseconds"),
        0,
        0,
        INTMAX_TBL,
    ),
    opt(
        OptionId::Updelay,
        "updelay",
        Some("Delay before considering link up, in milliseconds"),
        0,
        0,
        INTMAX_TBL,
    ),
    opt(
        OptionId::LacpRate,
        "lacp_rate",
        Some("LACPDU tx rate to request from 802.3ad partner"),
        IFDOWN,
        all_ex(B_AD),
        LACP_RATE_TBL,
    ),
    opt(
        OptionId::MinLinks,
        "min_links",
        Some("Minimum number of available links before turning on carrier"),
        0,
        0,
        INTMAX_TBL,
    ),
    opt(
        OptionId::AdSelect,
        "ad_select",
        Some("802.3ad aggregation selection logic"),
        IFDOWN,
        0,
        AD_SELECT_TBL,
    ),
    opt(
        OptionId::NumPeerNotif,
        "num_unsol_na",
        PEER_NOTIF_DESC,
        0,
        0,
        NUM_PEER_NOTIF_TBL,
    ),
    opt(
        OptionId::Miimon,
        "miimon",
        Some("Link check interval in milliseconds"),
        0,
        0,
        INTMAX_TBL,
    ),
    opt(
        OptionId::Primary,
        "primary",
        Some("Primary network device to use"),
        RAWVAL,
        all_ex(B_AB | B_TLB | B_ALB),
        &[],
    ),
    opt(
        OptionId::PrimaryReselect,
        "primary_reselect",
        Some("Reselect primary slave once it comes up"),
        0,
        0,
        PRIMARY_RESELECT_TBL,
    ),
    opt(
        OptionId::UseCarrier,
        "use_carrier",
        Some("option obsolete, use_carrier cannot be disabled"),
        0,
        0,
        USE_CARRIER_TBL,
    ),
    opt(
        OptionId::ActiveSlave,
        "active_slave",
        Some("Currently active slave"),
        RAWVAL,
        all_ex(B_AB | B_TLB | B_ALB),
        &[],
    ),
    opt(
        OptionId::QueueId,
        "queue_id",
        Some("Set queue id of a slave"),
        RAWVAL,
        0,
        &[],
    ),
    opt(
        OptionId::AllSlavesActive,
        "all_slaves_active",
        Some("Keep all frames received on an interface by setting active flag for all slaves"),
        0,
        0,
        ALL_SLAVES_ACTIVE_TBL,
    ),
    opt(
        OptionId::ResendIgmp,
        "resend_igmp",
        Some("Number of IGMP membership reports to send on link failure"),
        0,
        0,
        RESEND_IGMP_TBL,
    ),
    opt(
        OptionId::LpInterval,
        "lp_interval",
        Some(
            "The number of seconds between instances where the bonding driver sends \
             learning packets to each slave's peer switch",
        ),
        0,
        0,
        LP_INTERVAL_TBL,
    ),
    opt(
        OptionId::Slaves,
        "slaves",
        Some("Slave membership management"),
        RAWVAL,
        0,
        &[],
    ),
    opt(
        OptionId::TlbDynamicLb,
        "tlb_dynamic_lb",
        Some("Enable dynamic flow shuffling"),
        IFDOWN,
        all_ex(B_TLB | B_ALB),
        TLB_DYNAMIC_LB_TBL,
    ),
    opt(
        OptionId::AdActorSysPrio,
        "ad_actor_sys_prio",
        None,
        0,
        all_ex(B_AD),
        AD_ACTOR_SYS_PRIO_TBL,
    ),
    opt(
        OptionId::AdActorSystem,
        "ad_actor_system",
        None,
        RAWVAL,
        all_ex(B_AD),
        &[],
    ),
    opt(
        OptionId::AdUserPortKey,
        "ad_user_port_key",
        None,
        IFDOWN,
        all_ex(B_AD),
        AD_USER_PORT_KEY_TBL,
    ),
    opt(
        OptionId::NumPeerNotifAlias,
        "num_grat_arp",
        PEER_NOTIF_DESC,
        0,
        0,
        NUM_PEER_NOTIF_TBL,
    ),
    opt(
        OptionId::PeerNotifDelay,
        "peer_notif_delay",
        Some("Delay between each peer notification on failover event, in milliseconds"),
        0,
        0,
        PEER_NOTIF_DELAY_TBL,
    ),
    opt(
        OptionId::LacpActive,
        "lacp_active",
        Some("Send LACPDU frames with configured lacp rate or acts as speak when spoken to"),
        IFDOWN,
        all_ex(B_AD),
        LACP_ACTIVE_TBL,
    ),
    opt(
        OptionId::MissedMax,
        "arp_missed_max",
        Some("Maximum number of missed ARP interval"),
        0,
        B_AD | B_TLB | B_ALB,
        MISSED_MAX_TBL,
    ),
    opt(
        OptionId::NsTargets,
        "ns_ip6_target",
        Some("NS targets in ffff:ffff::ffff:ffff form"),
        RAWVAL,
        0,
        &[],
    ),
    opt(
        OptionId::Prio,
        "prio",
        Some("Link priority for failover re-selection"),
        RAWVAL,
        all_ex(B_AB | B_TLB | B_ALB),
        &[],
    ),
    opt(
        OptionId::CoupledControl,
        "coupled_control",
        Some("Opt into using coupled control MUX for LACP states"),
        IFDOWN,
        all_ex(B_AD),
        COUPLED_CONTROL_TBL,
    ),
    opt(
        OptionId::BroadcastNeigh,
        "broadcast_neighbor",
        Some("Broadcast neighbor packets to all active slaves"),
        0,
        all_ex(B_AD),
        BROADCAST_NEIGH_TBL,
    ),
    opt(
        OptionId::ActorPortPrio,
        "actor_port_prio",
        None,
        RAWVAL,
        all_ex(B_AD),
        &[],
    ),
    opt(
        OptionId::LacpStrict,
        "lacp_strict",
        Some("Define the LACP fallback mode when no slaves have negotiated"),
        0,
        all_ex(B_AD),
        LACP_STRICT_TBL,
    ),
];

impl OptionId {
    /// The option's description (`bond_opt_get()`).
    pub fn option(self) -> &'static BondOption {
        // OPTIONS is indexed by the enum's discriminant; the fallback is
        // never taken (checked by a test).
        OPTIONS.get(self as usize).unwrap_or(&OPTIONS_FALLBACK)
    }
}

const OPTIONS_FALLBACK: BondOption = opt(OptionId::Mode, "", None, RAWVAL, 0, &[]);

/// `bond_opt_get_by_name()`.
pub fn option_by_name(name: &str) -> Option<&'static BondOption> {
    OPTIONS.iter().find(|o| o.name == name)
}

impl BondOption {
    /// `bond_opt_get_val()`: the first table entry with this value.
    pub fn value_by_value(&self, value: u64) -> Option<&'static OptValue> {
        self.values.iter().find(|v| v.value == value)
    }

    /// The first table entry with this name (exact match).
    pub fn value_by_name(&self, name: &str) -> Option<&'static OptValue> {
        self.values.iter().find(|v| v.name == name)
    }

    /// `bond_opt_get_flags()`: the first entry with any of `flagmask`.
    pub fn value_with_flags(&self, flagmask: u32) -> Option<&'static OptValue> {
        self.values.iter().find(|v| v.flags & flagmask != 0)
    }

    /// The entry `"default"` selects, if any.
    pub fn default_value(&self) -> Option<&'static OptValue> {
        self.value_with_flags(BOND_VALFLAG_DEFAULT)
    }

    /// The allowed range (`min` 0 when there is no `BOND_VALFLAG_MIN`
    /// entry), when the option has a `BOND_VALFLAG_MAX` entry.
    pub fn range(&self) -> Option<(u64, u64)> {
        let max = self.value_with_flags(BOND_VALFLAG_MAX)?.value;
        let min = self
            .value_with_flags(BOND_VALFLAG_MIN)
            .map_or(0, |m| m.value);
        Some((min, max))
    }

    /// `bond_opt_check_range()`.
    pub fn check_range(&self, value: u64) -> bool {
        let Some(max) = self.value_with_flags(BOND_VALFLAG_MAX) else {
            return false;
        };
        let below = self
            .value_with_flags(BOND_VALFLAG_MIN)
            .is_some_and(|m| value < m.value);
        !below && value <= max.value
    }

    /// Whether the option may be set in `mode` (its bit is clear in
    /// `unsuppmodes`).
    pub fn supported_in(&self, mode: BondMode) -> bool {
        self.unsuppmodes & mode.bit() == 0
    }
}

/// A value handed to an option: a number (netlink) or a string (sysfs,
/// module parameters).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OptArg<'a> {
    /// `bond_opt_initval()`: a number (`u64::MAX` behaves as no value, as
    /// `ULLONG_MAX` does in the kernel).
    Value(u64),
    /// `bond_opt_initstr()`: a string, possibly ending with a newline.
    Str(&'a [u8]),
}

/// What `bond_opt_parse()` matched.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Parsed<'a> {
    /// A table entry.
    Named(&'static OptValue),
    /// A number inside the option's range but not in its table.
    Range(u64),
    /// The argument itself, for a `BOND_OPTFLAG_RAWVAL` option.
    Raw(OptArg<'a>),
}

impl Parsed<'_> {
    /// The numeric value, if there is one.
    pub fn value(&self) -> Option<u64> {
        match self {
            Parsed::Named(v) => Some(v.value),
            Parsed::Range(v) => Some(*v),
            Parsed::Raw(OptArg::Value(v)) => Some(*v),
            Parsed::Raw(OptArg::Str(_)) => None,
        }
    }
}

/// The kernel's `isspace()` (`_S` in `lib/ctype.c`, including 0xa0).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0xa0)
}

/// `bond_opt_parse()`.
pub fn parse<'a>(opt: &BondOption, arg: OptArg<'a>) -> Option<Parsed<'a>> {
    if opt.flags & BOND_OPTFLAG_RAWVAL != 0 {
        return Some(Parsed::Raw(arg));
    }
    if opt.values.is_empty() {
        return None;
    }
    // (value, Some(token)) for a string to match by name.
    let (value, token): (u64, Option<&[u8]>) = match arg {
        // ULLONG_MAX means "no value", and there is no string either.
        OptArg::Value(u64::MAX) => return None,
        OptArg::Value(v) => (v, None),
        OptArg::Str(s) => {
            let s = s.split(|&b| b == b'\n' || b == 0).next().unwrap_or(&[]);
            if s.iter().any(|&b| !(b.is_ascii_digit() || is_space(b))) {
                // sscanf("%32s"): the first word, at most 32 bytes.
                let word = s
                    .split(|&b| is_space(b))
                    .find(|w| !w.is_empty())
                    .unwrap_or(&[]);
                (
                    u64::MAX,
                    Some(word.get(..BOND_OPT_MAX_NAMELEN).unwrap_or(word)),
                )
            } else {
                // sscanf("%llu"): an empty string converts nothing and
                // leaves the value at ULLONG_MAX.
                let digits = s
                    .split(|&b| is_space(b))
                    .find(|w| !w.is_empty())
                    .unwrap_or(&[]);
                if digits.is_empty() {
                    (u64::MAX, None)
                } else {
                    let n = digits.iter().fold(0u64, |n, &d| {
                        n.wrapping_mul(10)
                            .wrapping_add(u64::from(d.wrapping_sub(b'0')))
                    });
                    (n, None)
                }
            }
        }
    };
    for entry in opt.values {
        let hit = match token {
            None => entry.value == value,
            Some(t) => {
                (t == b"default" && entry.flags & BOND_VALFLAG_DEFAULT != 0)
                    || t == entry.name.as_bytes()
            }
        };
        if hit {
            return Some(Parsed::Named(entry));
        }
    }
    (token.is_none() && opt.check_range(value)).then_some(Parsed::Range(value))
}

/// Why setting an option failed, with the errno and extack message of
/// `__bond_opt_set()` / `bond_opt_error_interpret()`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OptionError {
    /// The option is not supported in the bond's mode (`-EACCES`).
    NotSupportedInMode,
    /// The option needs a bond without slaves (`-ENOTEMPTY`).
    HasSlaves,
    /// The option needs the bond down (`-EBUSY`).
    BondUp,
    /// The value is neither in the table nor in the range (`-EINVAL`).
    InvalidValue,
    /// The named interface does not exist (`-ENODEV`, from the options
    /// that take an interface name).
    NoSuchInterface,
}

impl OptionError {
    /// The (positive) errno value.
    pub fn errno(self) -> i32 {
        match self {
            OptionError::NotSupportedInMode => 13, // EACCES
            OptionError::HasSlaves => 39,          // ENOTEMPTY
            OptionError::BondUp => 16,             // EBUSY
            OptionError::InvalidValue => 22,       // EINVAL
            OptionError::NoSuchInterface => 19,    // ENODEV
        }
    }

    /// The extack message the kernel sets.
    pub fn message(self) -> &'static core::ffi::CStr {
        match self {
            OptionError::NotSupportedInMode => c"option not supported in mode",
            OptionError::HasSlaves => c"unable to set option because the bond device has slaves",
            OptionError::BondUp => c"unable to set option because the bond is up",
            OptionError::InvalidValue => c"invalid option value",
            OptionError::NoSuchInterface => c"interface does not exist",
        }
    }
}

/// What `bond_opt_check_deps()` looks at.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct BondState {
    /// The bond's mode.
    pub mode: BondMode,
    /// Whether the bond has slaves.
    pub has_slaves: bool,
    /// Whether the bond device is up (`IFF_UP`).
    pub up: bool,
}

/// `bond_opt_check_deps()`.
pub fn check_deps(opt: &BondOption, state: &BondState) -> Result<(), OptionError> {
    if !opt.supported_in(state.mode) {
        return Err(OptionError::NotSupportedInMode);
    }
    if opt.flags & BOND_OPTFLAG_NOSLAVES != 0 && state.has_slaves {
        return Err(OptionError::HasSlaves);
    }
    if opt.flags & BOND_OPTFLAG_IFDOWN != 0 && state.up {
        return Err(OptionError::BondUp);
    }
    Ok(())
}

/// The checks `__bond_opt_set()` makes before calling the option's setter:
/// mode, slaves and up state, then the value. The setters' own checks
/// (e.g. delays need `miimon`, XDP compatibility) are not included.
pub fn check<'a>(
    option: OptionId,
    arg: OptArg<'a>,
    state: &BondState,
) -> Result<Parsed<'a>, OptionError> {
    let opt = option.option();
    check_deps(opt, state)?;
    parse(opt, arg).ok_or(OptionError::InvalidValue)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table_is_indexed_by_id() {
        for (i, o) in OPTIONS.iter().enumerate() {
            assert_eq!(o.id as usize, i);
            assert_eq!(o.id.option(), o);
            assert_eq!(option_by_name(o.name), Some(o));
        }
        assert_eq!(OPTIONS.len(), 38);
        assert_eq!(
            option_by_name("num_grat_arp").unwrap().id,
            OptionId::NumPeerNotifAlias
        );
        assert_eq!(option_by_name("nope"), None);
    }

    #[test]
    fn mode_names() {
        assert_eq!(BondMode::Ieee8023ad.option_name(), "802.3ad");
        assert_eq!(BondMode::Alb.description(), "adaptive load balancing");
        assert_eq!(bond_mode_name(7), "unknown");
        assert_eq!(bond_mode_name(-1), "unknown");
        for m in 0..7 {
            assert_eq!(BondMode::from_value(m).unwrap().value() as u64, m);
        }
    }

    fn s(x: &str) -> OptArg<'_> {
        OptArg::Str(x.as_bytes())
    }

    #[test]
    fn parse_like_bond_opt_parse() {
        let mode = OptionId::Mode.option();
        assert_eq!(parse(mode, s("802.3ad\n")).unwrap().value(), Some(4));
        assert_eq!(parse(mode, s("4")).unwrap().value(), Some(4));
        assert_eq!(parse(mode, s(" 4 \n")).unwrap().value(), Some(4));
        assert_eq!(parse(mode, s("default")).unwrap().value(), Some(0));
        assert_eq!(parse(mode, OptArg::Value(6)).unwrap().value(), Some(6));
        // Mode has no range: 7 is invalid.
        assert_eq!(parse(mode, OptArg::Value(7)), None);
        assert_eq!(parse(mode, s("")), None);
        // Only the first word counts.
        assert_eq!(
            parse(mode, s("balance-xor trailing")).unwrap().value(),
            Some(2)
        );
        // "default" picks the first DEFAULT entry: "off" for intmax.
        let miimon = OptionId::Miimon.option();
        assert_eq!(
            parse(miimon, s("default")),
            Some(Parsed::Named(&INTMAX_TBL[0]))
        );
        assert_eq!(parse(miimon, s("100")), Some(Parsed::Range(100)));
        assert_eq!(parse(miimon, OptArg::Value(INT_MAX + 1)), None);
        // A range option takes no name outside its table.
        assert_eq!(parse(miimon, s("100ms")), None);
        // num_grat_arp: "default" is the entry named so (value 1).
        let n = OptionId::NumPeerNotifAlias.option();
        assert_eq!(parse(n, s("default")).unwrap().value(), Some(1));
        assert_eq!(parse(n, s("256")), None);
        // lacp_rate has no default entry.
        assert_eq!(parse(OptionId::LacpRate.option(), s("default")), None);
        // Raw options pass the argument through.
        let p = OptionId::Primary.option();
        assert_eq!(parse(p, s("eth0")), Some(Parsed::Raw(s("eth0"))));
        // lp_interval: minimum 1.
        let lp = OptionId::LpInterval.option();
        assert_eq!(parse(lp, OptArg::Value(0)), None);
        assert_eq!(lp.range(), Some((1, INT_MAX)));
        assert_eq!(
            OptionId::AdActorSysPrio
                .option()
                .default_value()
                .unwrap()
                .value,
            65535
        );
    }

    #[test]
    fn check_like_bond_opt_set() {
        let ab = BondState {
            mode: BondMode::ActiveBackup,
            ..BondState::default()
        };
        let e = check(OptionId::LacpRate, s("fast"), &ab).unwrap_err();
        assert_eq!(
            (e.errno(), e.message()),
            (13, c"option not supported in mode")
        );
        let ad = BondState {
            mode: BondMode::Ieee8023ad,
            up: true,
            has_slaves: true,
        };
        assert_eq!(
            check(OptionId::LacpRate, s("fast"), &ad),
            Err(OptionError::BondUp)
        );
        assert_eq!(
            check(OptionId::Mode, s("1"), &ad),
            Err(OptionError::HasSlaves)
        );
        // The mode is checked before the value.
        assert_eq!(
            check(OptionId::ArpInterval, s("bogus"), &ad),
            Err(OptionError::NotSupportedInMode)
        );
        let e = check(OptionId::Miimon, s("bogus"), &ad).unwrap_err();
        assert_eq!((e.errno(), e.message()), (22, c"invalid option value"));
        assert_eq!(check(OptionId::Miimon, s("50"), &ad), Ok(Parsed::Range(50)));
        assert_eq!(
            check(
                OptionId::PacketsPerSlave,
                OptArg::Value(3),
                &BondState::default()
            ),
            Ok(Parsed::Range(3))
        );
    }

    proptest! {
        #[test]
        fn numbers_match_range_or_table(opt_i in 0usize..38, n: u32) {
            let opt = &OPTIONS[opt_i];
            let n = u64::from(n);
            let by_value = parse(opt, OptArg::Value(n));
            let by_string = parse(opt, OptArg::Str(std::format!("{n}\n").as_bytes()))
                .map(|p| p.value());
            if opt.flags & BOND_OPTFLAG_RAWVAL == 0 {
                prop_assert_eq!(by_value.map(|p| p.value()), by_string);
                let expected = opt.value_by_value(n).is_some() || opt.check_range(n);
                prop_assert_eq!(by_value.is_some(), expected);
            }
        }

        #[test]
        fn names_parse_to_their_entry(opt_i in 0usize..38) {
            let opt = &OPTIONS[opt_i];
            for e in opt.values {
                let p = parse(opt, OptArg::Str(e.name.as_bytes())).unwrap();
                // An earlier DEFAULT entry wins over an entry named "default".
                if e.name != "default" {
                    prop_assert_eq!(p, Parsed::Named(opt.value_by_name(e.name).unwrap()));
                }
            }
        }
    }
}
