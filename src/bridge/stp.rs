// SPDX-License-Identifier: GPL-2.0

//! IEEE 802.1D spanning tree, ported from bridge.ko's in-kernel STP
//! (`net/bridge/br_stp.c`, `br_stp_if.c`, `br_stp_timer.c` and the receive
//! part of `br_stp_bpdu.c`; the wire format is in [`super::bpdu`]).
//!
//! The code follows the C function by function (each is named in its doc
//! comment), with the same comparisons, timer values and order of
//! operations, so that an rvnet bridge and a bridge.ko bridge elect the
//! same root and agree on port roles.
//!
//! # Data model
//!
//! [`Stp`] is the bridge-level state (C: the STP fields of `struct
//! net_bridge`), [`StpPort`] the per-port state (C: the STP fields of
//! `struct net_bridge_port`). The driver keeps the ports in a slice, in any
//! order (bridge.ko's `port_list` has the newest port first; keeping that
//! order gives the same order of [`Action`]s, not different results), and
//! passes it to every call. Ports are named by their index in that slice,
//! in arguments and in [`Action`]s; nothing stored here is an index
//! ([`Stp::root_port`] is a `port_no`, 1-based as in the C, 0 for none), so
//! the driver may add and remove slice elements between calls.
//!
//! # Time
//!
//! Time is a monotonic `now: u64` in milliseconds supplied by the driver
//! (best `jiffies64_to_msecs(get_jiffies_64())`, so that whole seconds fall
//! where the kernel's do for `round_jiffies()`). All C jiffies values are
//! milliseconds here (the C with `HZ` = 1000): `MESSAGE_AGE_INCR` is
//! `1000 / 256 + 1` = 4 ms, the same 4 ms a `HZ`=250 kernel uses. Timers are
//! `Option<u64>` deadlines (`None` = not pending); [`Stp::next_deadline`]
//! gives the earliest so the driver can arm one kernel timer, and
//! [`Stp::tick`] runs the callbacks of every expired timer. The values
//! bridge.ko reports over netlink (`br_timer_value()`, in `USER_HZ`
//! hundredths) are [`br_timer_value`]; option values in `clock_t` convert
//! with [`clock_t_to_ms`] and [`ms_to_clock_t`].
//!
//! # Locking
//!
//! Nothing here locks: the driver calls every method with its bridge lock
//! held (C: `br->lock`), and performs [`Action`]s that may sleep or take
//! other locks after dropping it.
//!
//! # Driver protocol
//!
//! * Create: [`Stp::new`]; `stp_state 1`: [`Stp::set_enabled`].
//! * Add a port (C: `br_add_if()`): pick `port_no` with [`find_port_no`],
//!   push [`StpPort::new`] (path cost from [`port_cost_for_speed`]), call
//!   [`Stp::new_port`], then [`Stp::recalculate_bridge_id`] and, if the
//!   port device is running and operationally up and the bridge is up,
//!   [`Stp::enable_port`].
//! * Remove a port (C: `del_nbp()`): [`Stp::disable_port`], remove the
//!   element, then [`Stp::recalculate_bridge_id`].
//! * Bridge open / stop: [`Stp::enable_bridge`] / [`Stp::disable_bridge`]
//!   (they also set [`Stp::up`], C: `IFF_UP`).
//! * Port carrier and up/down events: [`Stp::port_carrier_check`] (or
//!   [`Stp::enable_port`] / [`Stp::disable_port`] directly).
//! * Port or bridge address changes: [`Stp::recalculate_bridge_id`]; the
//!   user setting the bridge's address: [`Stp::change_bridge_id`].
//! * Received frames to the link-local STP address: [`Stp::rcv`].
//! * Timer: arm for [`Stp::next_deadline`], call [`Stp::tick`] on expiry.
//! * Options: [`Stp::set_bridge_priority`], [`Stp::set_port_priority`],
//!   [`Stp::set_path_cost`], [`Stp::set_forward_delay`],
//!   [`Stp::set_hello_time`], [`Stp::set_max_age`].

use core::fmt;

use super::super::ether::MacAddr;
use super::bpdu::{self, Bpdu, ConfigBpdu, RxBpdu, STP_GROUP_ADDR};

/// Minimum interval between two configuration BPDUs on a port, in ms
/// (`BR_HOLD_TIME`).
pub const BR_HOLD_TIME_MS: u64 = 1000;
/// Bits of the port identifier that hold the port number (`BR_PORT_BITS`).
pub const BR_PORT_BITS: u32 = 10;
/// Number of port numbers, 0 being reserved (`BR_MAX_PORTS`).
pub const BR_MAX_PORTS: u16 = 1 << BR_PORT_BITS;
/// Highest port priority (`BR_MAX_PORT_PRIORITY`, 63).
pub const BR_MAX_PORT_PRIORITY: u32 = 0xffff >> BR_PORT_BITS;
/// Port priority of a new port (C: `new_nbp()`, `0x8000 >> BR_PORT_BITS`).
pub const BR_DEFAULT_PORT_PRIORITY: u8 = (0x8000u32 >> BR_PORT_BITS) as u8;
/// Bridge priority of a new bridge (C: `br_dev_setup()`).
pub const BR_DEFAULT_BRIDGE_PRIORITY: u16 = 0x8000;
/// Max age of a new bridge, ms (C: `br_dev_setup()`).
pub const BR_DEFAULT_MAX_AGE_MS: u64 = 20_000;
/// Hello time of a new bridge, ms (C: `br_dev_setup()`).
pub const BR_DEFAULT_HELLO_TIME_MS: u64 = 2_000;
/// Forward delay of a new bridge, ms (C: `br_dev_setup()`).
pub const BR_DEFAULT_FORWARD_DELAY_MS: u64 = 15_000;
/// Smallest hello time, ms (`BR_MIN_HELLO_TIME`).
pub const BR_MIN_HELLO_TIME_MS: u64 = 1_000;
/// Largest hello time, ms (`BR_MAX_HELLO_TIME`).
pub const BR_MAX_HELLO_TIME_MS: u64 = 10_000;
/// Smallest forward delay with STP on, ms (`BR_MIN_FORWARD_DELAY`).
pub const BR_MIN_FORWARD_DELAY_MS: u64 = 2_000;
/// Largest forward delay with STP on, ms (`BR_MAX_FORWARD_DELAY`).
pub const BR_MAX_FORWARD_DELAY_MS: u64 = 30_000;
/// Smallest max age, ms (`BR_MIN_MAX_AGE`).
pub const BR_MIN_MAX_AGE_MS: u64 = 6_000;
/// Largest max age, ms (`BR_MAX_MAX_AGE`).
pub const BR_MAX_MAX_AGE_MS: u64 = 40_000;
/// Smallest port path cost (`BR_MIN_PATH_COST`).
pub const BR_MIN_PATH_COST: u32 = 1;
/// Largest port path cost (`BR_MAX_PATH_COST`).
pub const BR_MAX_PATH_COST: u32 = 65_535;
/// What a sent message age adds to the age of the root port's
/// information, ms (`MESSAGE_AGE_INCR`: at least one 1/256 s tick).
pub const MESSAGE_AGE_INCR_MS: u64 = 1000 / 256 + 1;

/// A bridge identifier: priority (big-endian) and MAC address
/// (C: `bridge_id`). Ordered as the C's `memcmp()` of the 8 bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct BridgeId(pub [u8; 8]);

impl BridgeId {
    /// The identifier of priority `prio` and address `addr`.
    pub fn new(prio: u16, addr: MacAddr) -> BridgeId {
        let mut id = BridgeId::default();
        id.set_prio(prio);
        id.set_addr(addr);
        id
    }

    /// The priority (`prio[0] << 8 | prio[1]`).
    pub fn prio(&self) -> u16 {
        u16::from_be_bytes([self.0[0], self.0[1]])
    }

    /// The address part.
    pub fn addr(&self) -> MacAddr {
        let [_, _, a, b, c, d, e, f] = self.0;
        MacAddr([a, b, c, d, e, f])
    }

    /// Sets the priority part.
    pub fn set_prio(&mut self, prio: u16) {
        let [hi, lo] = prio.to_be_bytes();
        self.0[0] = hi;
        self.0[1] = lo;
    }

    /// Sets the address part.
    pub fn set_addr(&mut self, addr: MacAddr) {
        let [_, _, rest @ ..] = &mut self.0;
        *rest = addr.0;
    }
}

/// Formats as bridge.ko shows identifiers in sysfs and logs
/// (`br_show_bridge_id()`: `8000.020000000001`).
impl fmt::Display for BridgeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.0;
        write!(
            f,
            "{:02x}{:02x}.{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]
        )
    }
}

/// A port's STP state (`BR_STATE_*`, the numbers `ip -d link` and
/// `bridge link` show).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum PortState {
    /// `BR_STATE_DISABLED` (0).
    #[default]
    Disabled = 0,
    /// `BR_STATE_LISTENING` (1).
    Listening = 1,
    /// `BR_STATE_LEARNING` (2).
    Learning = 2,
    /// `BR_STATE_FORWARDING` (3).
    Forwarding = 3,
    /// `BR_STATE_BLOCKING` (4).
    Blocking = 4,
}

impl PortState {
    /// The state's number (`BR_STATE_*`).
    pub fn as_u8(self) -> u8 {
        self as u8
    }

    /// The state of a `BR_STATE_*` number.
    pub fn from_u8(v: u8) -> Option<PortState> {
        match v {
            0 => Some(PortState::Disabled),
            1 => Some(PortState::Listening),
            2 => Some(PortState::Learning),
            3 => Some(PortState::Forwarding),
            4 => Some(PortState::Blocking),
            _ => None,
        }
    }

    /// The name bridge.ko logs (`br_port_state_names`): "port %u(%s)
    /// entered %s state".
    pub fn name(self) -> &'static str {
        match self {
            PortState::Disabled => "disabled",
            PortState::Listening => "listening",
            PortState::Learning => "learning",
            PortState::Forwarding => "forwarding",
            PortState::Blocking => "blocking",
        }
    }
}

/// Which spanning tree runs (C: `br->stp_enabled`, shown as `stp_state`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum StpEnabled {
    /// `BR_NO_STP` (0): no spanning tree.
    #[default]
    No = 0,
    /// `BR_KERNEL_STP` (1): this module's STP.
    Kernel = 1,
    /// `BR_USER_STP` (2): a user-space daemon drives the port states. This
    /// module never enters it ([`Stp::set_enabled`] always starts the
    /// kernel STP); it is here for the C's branches on it, should the
    /// driver set it.
    User = 2,
}

/// STP counters of a port (C: `struct bridge_stp_xstats`, netlink
/// `BRIDGE_XSTATS_STP`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct StpXstats {
    /// Entries into the blocking state with kernel STP.
    pub transition_blk: u64,
    /// Entries into the forwarding state with kernel STP.
    pub transition_fwd: u64,
    /// Configuration BPDUs received.
    pub rx_bpdu: u64,
    /// Configuration BPDUs sent.
    pub tx_bpdu: u64,
    /// TCN BPDUs received.
    pub rx_tcn: u64,
    /// TCN BPDUs sent.
    pub tx_tcn: u64,
}

/// A port's STP state (C: the STP fields of `struct net_bridge_port`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct StpPort {
    /// Port number, 1..[`BR_MAX_PORTS`] (C: `port_no`).
    pub port_no: u16,
    /// The port device's MAC address: the source of its BPDUs and a
    /// candidate for the bridge address ([`Stp::recalculate_bridge_id`]).
    pub mac: MacAddr,
    /// Port priority, 0..=[`BR_MAX_PORT_PRIORITY`] (C: `priority`).
    pub priority: u8,
    /// Port identifier: priority and port number (C: `port_id`).
    pub port_id: u16,
    /// Path cost (C: `path_cost`).
    pub path_cost: u32,
    /// The path cost was set by the user (C: `BR_ADMIN_COST`): carrier
    /// changes no longer recompute it.
    pub admin_cost: bool,
    /// STP state (C: `state`).
    pub state: PortState,
    /// Root of the designated bridge of the port's segment.
    pub designated_root: BridgeId,
    /// Root path cost of the designated bridge.
    pub designated_cost: u32,
    /// Designated bridge of the port's segment.
    pub designated_bridge: BridgeId,
    /// Designated port of the segment, on the designated bridge.
    pub designated_port: u16,
    /// When the recorded information was born at the root: the time it was
    /// received minus its message age (C: `designated_age`, wrapping).
    pub designated_age: u64,
    /// A topology change acknowledgement is to be sent (C:
    /// `topology_change_ack`).
    pub topology_change_ack: bool,
    /// A configuration BPDU waits for the hold timer (C: `config_pending`).
    pub config_pending: bool,
    /// The port device is running and operationally up (C:
    /// `netif_running(dev) && netif_oper_up(dev)`); kept by the driver.
    pub link_up: bool,
    /// BPDU guard (C: `BR_BPDU_GUARD`): a BPDU disables the port.
    pub bpdu_guard: bool,
    /// Root block (C: `BR_ROOT_BLOCK`): the port may not become root port.
    pub root_block: bool,
    /// Message age timer deadline (C: `message_age_timer`).
    pub message_age_timer: Option<u64>,
    /// Forward delay timer deadline (C: `forward_delay_timer`).
    pub forward_delay_timer: Option<u64>,
    /// Hold timer deadline (C: `hold_timer`).
    pub hold_timer: Option<u64>,
    /// Counters.
    pub xstats: StpXstats,
}

impl StpPort {
    /// A new, disabled port (C: the STP part of `new_nbp()`: priority
    /// [`BR_DEFAULT_PORT_PRIORITY`], everything else zero). Call
    /// [`Stp::new_port`] once it is in the slice.
    pub fn new(port_no: u16, mac: MacAddr, path_cost: u32) -> StpPort {
        StpPort {
            port_no,
            mac,
            priority: BR_DEFAULT_PORT_PRIORITY,
            port_id: 0,
            path_cost,
            admin_cost: false,
            state: PortState::Disabled,
            designated_root: BridgeId::default(),
            designated_cost: 0,
            designated_bridge: BridgeId::default(),
            designated_port: 0,
            designated_age: 0,
            topology_change_ack: false,
            config_pending: false,
            link_up: false,
            bpdu_guard: false,
            root_block: false,
            message_age_timer: None,
            forward_delay_timer: None,
            hold_timer: None,
            xstats: StpXstats::default(),
        }
    }
}

/// The port identifier of a priority and port number
/// (C: `br_make_port_id()`).
pub fn make_port_id(priority: u8, port_no: u16) -> u16 {
    (u16::from(priority) << BR_PORT_BITS) | (port_no & (BR_MAX_PORTS - 1))
}

/// The initial path cost of a port from its link speed in Mbit/s
/// (C: `port_cost()` in `br_if.c`). `None` is a failed ethtool query;
/// `Some(u32::MAX)` is `SPEED_UNKNOWN`. (The C's name heuristics, "lec*"
/// 7 and "plip*" 2500 after a failed query, are the driver's business.)
pub fn port_cost_for_speed(speed_mbps: Option<u32>) -> u32 {
    match speed_mbps {
        Some(10_000) => 2,
        Some(5_000) => 3,
        Some(2_500) => 4,
        Some(1_000) => 5,
        Some(100) => 19,
        Some(10) => 100,
        Some(u32::MAX) => 100,
        // `ecmd.base.speed > SPEED_10000` with speed a u32.
        Some(s) if s > 10_000 => 1,
        _ => 100,
    }
}

/// The lowest free port number, 1..[`BR_MAX_PORTS`] (C: `find_portno()`);
/// `None` when all are used (`-EXFULL`).
pub fn find_port_no(ports: &[StpPort]) -> Option<u16> {
    (1..BR_MAX_PORTS).find(|n| ports.iter().all(|p| p.port_no != *n))
}

/// The address bridge.ko gives a bridge whose address the user did not
/// set: the lowest port device address, by `memcmp()`, or all-zero without
/// ports (C: the loop of `br_stp_recalculate_bridge_id()`).
pub fn lowest_port_addr<I: IntoIterator<Item = MacAddr>>(macs: I) -> MacAddr {
    let mut addr: Option<MacAddr> = None;
    for m in macs {
        match addr {
            Some(a) if m.0 >= a.0 => {}
            _ => addr = Some(m),
        }
    }
    addr.unwrap_or(MacAddr::ZERO)
}

/// Time left on a timer, in ms (0 when not pending or already due).
pub fn timer_remaining(timer: Option<u64>, now: u64) -> u64 {
    timer.map_or(0, |t| t.saturating_sub(now))
}

/// Milliseconds to `clock_t` (`USER_HZ` = 100: hundredths of a second,
/// rounded down, as `jiffies_to_clock_t()`).
pub fn ms_to_clock_t(ms: u64) -> u64 {
    ms / 10
}

/// `clock_t` (hundredths of a second) to milliseconds
/// (`clock_t_to_jiffies()`, saturating).
pub fn clock_t_to_ms(t: u64) -> u64 {
    t.saturating_mul(10)
}

/// What bridge.ko reports for a timer over netlink and sysfs
/// (C: `br_timer_value()`): the time left in `clock_t`, 0 if not pending.
pub fn br_timer_value(timer: Option<u64>, now: u64) -> u64 {
    ms_to_clock_t(timer_remaining(timer, now))
}

/// `round_jiffies()` on CPU 0 with `HZ` = 1000: round `j` to a whole
/// second, down if less than a quarter second past one, unless that is not
/// after `now`.
fn round_jiffies(j: u64, now: u64) -> u64 {
    let rem = j % 1000;
    let r = if rem < 250 {
        j - rem
    } else {
        (j - rem).saturating_add(1000)
    };
    if r > now {
        r
    } else {
        j
    }
}

/// An error of an option setter, with the C's errno.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StpError {
    /// The value is out of range (`-ERANGE`).
    Range,
    /// No port at that index (`-EINVAL`; cannot happen in the C).
    NoPort,
}

impl StpError {
    /// The (positive) errno value.
    pub fn errno(self) -> i32 {
        match self {
            StpError::Range => 34,  // ERANGE
            StpError::NoPort => 22, // EINVAL
        }
    }
}

/// How the bridge's FDB ageing time changes on a topology change
/// (C: `__br_set_topology_change()` → `__set_ageing_time()`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AgeingTime {
    /// Set `br->ageing_time` to this many ms (twice the forward delay).
    Ms(u64),
    /// Restore `br->ageing_time` to `br->bridge_ageing_time`.
    BridgeDefault,
}

/// Something bridge.ko logs; the driver may log it the same way.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Event {
    /// br_info "topology change detected, %s": "propagating" (root) or
    /// "sending tcn bpdu".
    TopologyChangeDetected {
        /// The bridge is the root.
        propagating: bool,
    },
    /// br_info "port %u(%s) neighbor %.2x%.2x.%pM lost" (message age timer).
    NeighborLost {
        /// Port index.
        port: usize,
        /// The designated bridge whose information aged out.
        bridge: BridgeId,
    },
    /// br_info "port %u(%s) received tcn bpdu".
    TcnReceived {
        /// Port index.
        port: usize,
    },
    /// br_notice "BPDU received on blocked port %u(%s)" (BPDU guard).
    BpduGuard {
        /// Port index.
        port: usize,
    },
    /// br_notice "port %u(%s) tried to become root port (blocked)".
    RootBlocked {
        /// Port index.
        port: usize,
    },
    /// br_notice "port %u config from %pM (message_age %ul > max_age %ul)"
    /// (rate limited in the C).
    MessageAgeExceeded {
        /// Port index.
        port: usize,
        /// Source of the BPDU.
        src: MacAddr,
        /// Its message age, ms.
        message_age: u64,
        /// Its max age, ms.
        max_age: u64,
    },
    /// br_notice "root port %u not found for topology notice".
    RootPortNotFound {
        /// `br->root_port`.
        root_port: u16,
    },
}

/// What the driver must do after a call, in the order emitted.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    /// Send a configuration BPDU on port `port`: build it with
    /// [`bpdu::build_config_frame`]`(buf, dst, src, &bpdu)`, priority
    /// `TC_PRIO_CONTROL`, through the `NF_BR_LOCAL_OUT` hook to
    /// `dev_queue_xmit()` (C: `br_send_config_bpdu()`).
    SendConfig {
        /// Port index.
        port: usize,
        /// The bridge's group address (frame destination).
        dst: MacAddr,
        /// The port's address (frame source).
        src: MacAddr,
        /// The BPDU.
        bpdu: ConfigBpdu,
    },
    /// Send a TCN BPDU on port `port` ([`bpdu::build_tcn_frame`];
    /// C: `br_send_tcn_bpdu()`).
    SendTcn {
        /// Port index.
        port: usize,
        /// The bridge's group address.
        dst: MacAddr,
        /// The port's address.
        src: MacAddr,
    },
    /// The port entered `state` (already stored in [`StpPort::state`];
    /// C: `br_set_state()`): offload it if the driver does, and log
    /// "port %u(%s) entered %s state" ([`PortState::name`]).
    PortState {
        /// Port index.
        port: usize,
        /// The new state.
        state: PortState,
    },
    /// Send an `RTM_NEWLINK` notification for the port
    /// (C: `br_ifinfo_notify(RTM_NEWLINK, NULL, p)`).
    Notify {
        /// Port index.
        port: usize,
    },
    /// Delete the port's dynamic FDB entries, unless the port has a backup
    /// port (C: `br_fdb_delete_by_port(br, p, 0, 0)` in
    /// `br_stp_disable_port()`).
    FlushPort {
        /// Port index.
        port: usize,
    },
    /// `br_multicast_enable_port()`: multicast snooping may run on the port
    /// (emitted by every port state selection for every port neither
    /// disabled nor blocking; idempotent).
    MulticastEnablePort {
        /// Port index.
        port: usize,
    },
    /// `br_multicast_disable_port()`.
    MulticastDisablePort {
        /// Port index.
        port: usize,
    },
    /// Turn the bridge device's carrier on or off (C: `netif_carrier_on()`
    /// / `netif_carrier_off()`; emitted on every port state selection:
    /// on with at least one forwarding port; idempotent).
    Carrier(bool),
    /// The bridge's topology change flag ([`Stp::topology_change`]) changed
    /// to this value. While it is set, FDB entries age with the forward
    /// delay (C: `hold_time()` in `br_fdb.c`, see [`Stp::fdb_hold_time`]).
    TopologyChange(bool),
    /// Change the bridge's FDB ageing time (C: `__br_set_topology_change()`
    /// with kernel STP, only when the flag changes).
    AgeingTime(AgeingTime),
    /// The bridge's address becomes this (C: `br_stp_change_bridge_id()`:
    /// `br_fdb_change_mac_address()` and `eth_hw_addr_set()`).
    BridgeAddr(MacAddr),
    /// Something to log.
    Log(Event),
}

/// Which timer expired, for [`Stp::tick`].
#[derive(Clone, Copy)]
enum Timer {
    Hello,
    Tcn,
    TopologyChange,
    MessageAge(usize),
    ForwardDelay(usize),
    Hold(usize),
}

/// The bridge-level STP state (C: the STP fields of `struct net_bridge`).
/// Times are in ms.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Stp {
    /// Which STP runs (C: `stp_enabled`).
    pub stp_enabled: StpEnabled,
    /// The bridge device is up (C: `br->dev->flags & IFF_UP`); set by
    /// [`Stp::enable_bridge`] and cleared by [`Stp::disable_bridge`].
    pub up: bool,
    /// This bridge's identifier.
    pub bridge_id: BridgeId,
    /// The root bridge's identifier.
    pub designated_root: BridgeId,
    /// Cost of the path to the root.
    pub root_path_cost: u32,
    /// `port_no` of the root port, 0 for none.
    pub root_port: u16,
    /// Max age in use (the root's).
    pub max_age: u64,
    /// Hello time in use.
    pub hello_time: u64,
    /// Forward delay in use.
    pub forward_delay: u64,
    /// Configured max age.
    pub bridge_max_age: u64,
    /// Configured hello time.
    pub bridge_hello_time: u64,
    /// Configured forward delay.
    pub bridge_forward_delay: u64,
    /// Topology change flag (sent in BPDUs; C: `topology_change`).
    pub topology_change: bool,
    /// A topology change was detected and not yet acknowledged
    /// (C: `topology_change_detected`).
    pub topology_change_detected: bool,
    /// Destination of BPDUs and the only destination accepted
    /// (C: `group_addr`, [`STP_GROUP_ADDR`] by default).
    pub group_addr: MacAddr,
    /// Hello timer deadline.
    pub hello_timer: Option<u64>,
    /// TCN timer deadline.
    pub tcn_timer: Option<u64>,
    /// Topology change timer deadline.
    pub topology_change_timer: Option<u64>,
}

impl Default for Stp {
    fn default() -> Self {
        Stp::new()
    }
}

impl Stp {
    /// A new bridge (C: the STP part of `br_dev_setup()`): STP off,
    /// priority 0x8000 with a zero address, max age 20 s, hello 2 s,
    /// forward delay 15 s, down.
    pub fn new() -> Stp {
        let id = BridgeId::new(BR_DEFAULT_BRIDGE_PRIORITY, MacAddr::ZERO);
        Stp {
            stp_enabled: StpEnabled::No,
            up: false,
            bridge_id: id,
            designated_root: id,
            root_path_cost: 0,
            root_port: 0,
            max_age: BR_DEFAULT_MAX_AGE_MS,
            hello_time: BR_DEFAULT_HELLO_TIME_MS,
            forward_delay: BR_DEFAULT_FORWARD_DELAY_MS,
            bridge_max_age: BR_DEFAULT_MAX_AGE_MS,
            bridge_hello_time: BR_DEFAULT_HELLO_TIME_MS,
            bridge_forward_delay: BR_DEFAULT_FORWARD_DELAY_MS,
            topology_change: false,
            topology_change_detected: false,
            group_addr: STP_GROUP_ADDR,
            hello_timer: None,
            tcn_timer: None,
            topology_change_timer: None,
        }
    }

    /// Whether this bridge is the root (C: `br_is_root_bridge()`).
    pub fn is_root_bridge(&self) -> bool {
        self.bridge_id == self.designated_root
    }

    /// Whether `p` is the designated port of its segment
    /// (C: `br_is_designated_port()`).
    pub fn is_designated_port(&self, p: &StpPort) -> bool {
        p.designated_bridge == self.bridge_id && p.designated_port == p.port_id
    }

    /// How long a dynamic FDB entry lives without traffic, given the
    /// bridge's current ageing time (C: `hold_time()` in `br_fdb.c`).
    pub fn fdb_hold_time(&self, ageing_time: u64) -> u64 {
        if self.topology_change {
            self.forward_delay
        } else {
            ageing_time
        }
    }

    fn find(ports: &[StpPort], port_no: u16) -> Option<usize> {
        ports.iter().position(|p| p.port_no == port_no)
    }

    /// The user sets port `i`'s state (C: the end of `br_set_port_state()`
    /// in `br_netlink.c`, after its checks): `br_set_state()`, then
    /// `br_port_state_selection()`.
    pub fn set_port_state(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        state: PortState,
        out: &mut dyn FnMut(Action),
    ) {
        self.set_state(ports, i, state, out);
        self.port_state_selection(now, ports, out);
    }

    /// C: `br_set_state()` (minus MRP and switchdev).
    fn set_state(
        &self,
        ports: &mut [StpPort],
        i: usize,
        state: PortState,
        out: &mut dyn FnMut(Action),
    ) {
        let Some(p) = ports.get_mut(i) else { return };
        p.state = state;
        out(Action::PortState { port: i, state });
        if self.stp_enabled == StpEnabled::Kernel {
            match state {
                PortState::Blocking => {
                    p.xstats.transition_blk = p.xstats.transition_blk.wrapping_add(1)
                }
                PortState::Forwarding => {
                    p.xstats.transition_fwd = p.xstats.transition_fwd.wrapping_add(1)
                }
                _ => {}
            }
        }
    }

    /// C: `br_should_become_root_port()`.
    fn should_become_root_port(&self, ports: &[StpPort], i: usize, root_port: u16) -> bool {
        let Some(p) = ports.get(i) else { return false };
        if p.state == PortState::Disabled || self.is_designated_port(p) {
            return false;
        }
        if self.bridge_id <= p.designated_root {
            return false;
        }
        if root_port == 0 {
            return true;
        }
        let Some(rp) = Self::find(ports, root_port).and_then(|r| ports.get(r)) else {
            return true;
        };
        if p.designated_root != rp.designated_root {
            return p.designated_root < rp.designated_root;
        }
        let pc = p.designated_cost.wrapping_add(p.path_cost);
        let rc = rp.designated_cost.wrapping_add(rp.path_cost);
        if pc != rc {
            return pc < rc;
        }
        if p.designated_bridge != rp.designated_bridge {
            return p.designated_bridge < rp.designated_bridge;
        }
        if p.designated_port != rp.designated_port {
            return p.designated_port < rp.designated_port;
        }
        p.port_id < rp.port_id
    }

    /// C: `br_root_port_block()`.
    fn root_port_block(
        &self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        out: &mut dyn FnMut(Action),
    ) {
        out(Action::Log(Event::RootBlocked { port: i }));
        self.set_state(ports, i, PortState::Listening, out);
        out(Action::Notify { port: i });
        if self.forward_delay > 0 {
            if let Some(p) = ports.get_mut(i) {
                p.forward_delay_timer = Some(now.saturating_add(self.forward_delay));
            }
        }
    }

    /// C: `br_root_selection()`.
    fn root_selection(&mut self, now: u64, ports: &mut [StpPort], out: &mut dyn FnMut(Action)) {
        let mut root_port = 0u16;
        for i in 0..ports.len() {
            if !self.should_become_root_port(ports, i, root_port) {
                continue;
            }
            let Some(p) = ports.get(i) else { continue };
            if p.root_block {
                self.root_port_block(now, ports, i, out);
            } else {
                root_port = p.port_no;
            }
        }
        self.root_port = root_port;
        let rp = match root_port {
            0 => None,
            n => Self::find(ports, n).and_then(|r| ports.get(r)),
        };
        match rp {
            None => {
                self.designated_root = self.bridge_id;
                self.root_path_cost = 0;
            }
            Some(p) => {
                self.designated_root = p.designated_root;
                self.root_path_cost = p.designated_cost.wrapping_add(p.path_cost);
            }
        }
    }

    /// C: `br_become_root_bridge()`.
    fn become_root_bridge(&mut self, now: u64, ports: &mut [StpPort], out: &mut dyn FnMut(Action)) {
        self.max_age = self.bridge_max_age;
        self.hello_time = self.bridge_hello_time;
        self.forward_delay = self.bridge_forward_delay;
        self.topology_change_detection(now, ports, out);
        self.tcn_timer = None;
        if self.up {
            self.config_bpdu_generation(now, ports, out);
            self.hello_timer = Some(now.saturating_add(self.hello_time));
        }
    }

    /// C: `br_send_config_bpdu()` (the frame itself is the driver's).
    fn send_config_bpdu(
        &self,
        ports: &mut [StpPort],
        i: usize,
        bpdu: &ConfigBpdu,
        out: &mut dyn FnMut(Action),
    ) {
        if self.stp_enabled != StpEnabled::Kernel {
            return;
        }
        let Some(p) = ports.get_mut(i) else { return };
        out(Action::SendConfig {
            port: i,
            dst: self.group_addr,
            src: p.mac,
            bpdu: *bpdu,
        });
        p.xstats.tx_bpdu = p.xstats.tx_bpdu.wrapping_add(1);
    }

    /// C: `br_send_tcn_bpdu()`.
    fn send_tcn_bpdu(&self, ports: &mut [StpPort], i: usize, out: &mut dyn FnMut(Action)) {
        if self.stp_enabled != StpEnabled::Kernel {
            return;
        }
        let Some(p) = ports.get_mut(i) else { return };
        out(Action::SendTcn {
            port: i,
            dst: self.group_addr,
            src: p.mac,
        });
        p.xstats.tx_tcn = p.xstats.tx_tcn.wrapping_add(1);
    }

    /// Sends a configuration BPDU on port `i`, or marks it pending while
    /// the hold timer runs (C: `br_transmit_config()`).
    pub fn transmit_config(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        out: &mut dyn FnMut(Action),
    ) {
        let Some(p) = ports.get_mut(i) else { return };
        if p.hold_timer.is_some() {
            p.config_pending = true;
            return;
        }
        let message_age = if self.is_root_bridge() {
            0
        } else {
            // The C dereferences the root port unconditionally; it always
            // exists when the bridge is not the root.
            let Some(root) = Self::find(ports, self.root_port).and_then(|r| ports.get(r)) else {
                return;
            };
            now.wrapping_sub(root.designated_age)
                .wrapping_add(MESSAGE_AGE_INCR_MS)
        };
        let Some(p) = ports.get(i) else { return };
        let bpdu = ConfigBpdu {
            topology_change: self.topology_change,
            topology_change_ack: p.topology_change_ack,
            root: self.designated_root,
            root_path_cost: self.root_path_cost,
            bridge_id: self.bridge_id,
            port_id: p.port_id,
            message_age,
            max_age: self.max_age,
            hello_time: self.hello_time,
            forward_delay: self.forward_delay,
        };
        if bpdu.message_age < self.max_age {
            self.send_config_bpdu(ports, i, &bpdu, out);
            let kernel = self.stp_enabled == StpEnabled::Kernel;
            let Some(p) = ports.get_mut(i) else { return };
            p.topology_change_ack = false;
            p.config_pending = false;
            if kernel {
                p.hold_timer = Some(round_jiffies(now.saturating_add(BR_HOLD_TIME_MS), now));
            }
        }
    }

    /// C: `br_record_config_information()`.
    fn record_config_information(&self, now: u64, p: &mut StpPort, bpdu: &ConfigBpdu) {
        p.designated_root = bpdu.root;
        p.designated_cost = bpdu.root_path_cost;
        p.designated_bridge = bpdu.bridge_id;
        p.designated_port = bpdu.port_id;
        p.designated_age = now.wrapping_sub(bpdu.message_age);
        p.message_age_timer =
            Some(now.saturating_add(bpdu.max_age.saturating_sub(bpdu.message_age)));
    }

    /// C: `br_record_config_timeout_values()`.
    fn record_config_timeout_values(&mut self, bpdu: &ConfigBpdu, out: &mut dyn FnMut(Action)) {
        self.max_age = bpdu.max_age;
        self.hello_time = bpdu.hello_time;
        self.forward_delay = bpdu.forward_delay;
        self.set_topology_change(bpdu.topology_change, out);
    }

    /// Sends a TCN on the root port (C: `br_transmit_tcn()`).
    pub fn transmit_tcn(&mut self, ports: &mut [StpPort], out: &mut dyn FnMut(Action)) {
        match Self::find(ports, self.root_port) {
            Some(i) => self.send_tcn_bpdu(ports, i, out),
            None => out(Action::Log(Event::RootPortNotFound {
                root_port: self.root_port,
            })),
        }
    }

    /// C: `br_should_become_designated_port()`.
    fn should_become_designated_port(&self, p: &StpPort) -> bool {
        if self.is_designated_port(p) {
            return true;
        }
        if p.designated_root != self.designated_root {
            return true;
        }
        if self.root_path_cost != p.designated_cost {
            return self.root_path_cost < p.designated_cost;
        }
        if self.bridge_id != p.designated_bridge {
            return self.bridge_id < p.designated_bridge;
        }
        p.port_id < p.designated_port
    }

    /// C: `br_designated_port_selection()`.
    fn designated_port_selection(&self, ports: &mut [StpPort]) {
        for i in 0..ports.len() {
            let Some(p) = ports.get(i) else { continue };
            if p.state != PortState::Disabled && self.should_become_designated_port(p) {
                self.become_designated_port(ports, i);
            }
        }
    }

    /// C: `br_supersedes_port_info()`.
    fn supersedes_port_info(&self, p: &StpPort, bpdu: &ConfigBpdu) -> bool {
        if bpdu.root != p.designated_root {
            return bpdu.root < p.designated_root;
        }
        if bpdu.root_path_cost != p.designated_cost {
            return bpdu.root_path_cost < p.designated_cost;
        }
        if bpdu.bridge_id != p.designated_bridge {
            return bpdu.bridge_id < p.designated_bridge;
        }
        if bpdu.bridge_id != self.bridge_id {
            return true;
        }
        bpdu.port_id <= p.designated_port
    }

    /// C: `br_topology_change_acknowledged()`.
    fn topology_change_acknowledged(&mut self) {
        self.topology_change_detected = false;
        self.tcn_timer = None;
    }

    /// C: `br_topology_change_detection()`.
    pub fn topology_change_detection(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        out: &mut dyn FnMut(Action),
    ) {
        let isroot = self.is_root_bridge();
        if self.stp_enabled != StpEnabled::Kernel || !self.up {
            return;
        }
        out(Action::Log(Event::TopologyChangeDetected {
            propagating: isroot,
        }));
        if isroot {
            self.set_topology_change(true, out);
            self.topology_change_timer = Some(
                now.saturating_add(self.bridge_forward_delay)
                    .saturating_add(self.bridge_max_age),
            );
        } else if !self.topology_change_detected {
            self.transmit_tcn(ports, out);
            self.tcn_timer = Some(now.saturating_add(self.bridge_hello_time));
        }
        self.topology_change_detected = true;
    }

    /// Sends configuration BPDUs on every designated port
    /// (C: `br_config_bpdu_generation()`).
    pub fn config_bpdu_generation(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        out: &mut dyn FnMut(Action),
    ) {
        for i in 0..ports.len() {
            let Some(p) = ports.get(i) else { continue };
            if p.state != PortState::Disabled && self.is_designated_port(p) {
                self.transmit_config(now, ports, i, out);
            }
        }
    }

    /// Root and designated port selection (C: `br_configuration_update()`).
    pub fn configuration_update(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        out: &mut dyn FnMut(Action),
    ) {
        self.root_selection(now, ports, out);
        self.designated_port_selection(ports);
    }

    /// Makes port `i` the designated port of its segment
    /// (C: `br_become_designated_port()`).
    pub fn become_designated_port(&self, ports: &mut [StpPort], i: usize) {
        let Some(p) = ports.get_mut(i) else { return };
        p.designated_root = self.designated_root;
        p.designated_cost = self.root_path_cost;
        p.designated_bridge = self.bridge_id;
        p.designated_port = p.port_id;
    }

    /// C: `br_make_blocking()`.
    fn make_blocking(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        out: &mut dyn FnMut(Action),
    ) {
        let Some(state) = ports.get(i).map(|p| p.state) else {
            return;
        };
        if state != PortState::Disabled && state != PortState::Blocking {
            if state == PortState::Forwarding || state == PortState::Learning {
                self.topology_change_detection(now, ports, out);
            }
            self.set_state(ports, i, PortState::Blocking, out);
            out(Action::Notify { port: i });
            if let Some(p) = ports.get_mut(i) {
                p.forward_delay_timer = None;
            }
        }
    }

    /// C: `br_make_forwarding()`.
    fn make_forwarding(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        out: &mut dyn FnMut(Action),
    ) {
        if ports.get(i).map(|p| p.state) != Some(PortState::Blocking) {
            return;
        }
        if self.stp_enabled == StpEnabled::No || self.forward_delay == 0 {
            self.set_state(ports, i, PortState::Forwarding, out);
            self.topology_change_detection(now, ports, out);
            if let Some(p) = ports.get_mut(i) {
                p.forward_delay_timer = None;
            }
        } else if self.stp_enabled == StpEnabled::Kernel {
            self.set_state(ports, i, PortState::Listening, out);
        } else {
            self.set_state(ports, i, PortState::Learning, out);
        }
        out(Action::Notify { port: i });
        if self.forward_delay != 0 {
            if let Some(p) = ports.get_mut(i) {
                p.forward_delay_timer = Some(now.saturating_add(self.forward_delay));
            }
        }
    }

    /// Moves every enabled port towards the state its role calls for, and
    /// sets the bridge's carrier (C: `br_port_state_selection()`).
    pub fn port_state_selection(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        out: &mut dyn FnMut(Action),
    ) {
        let mut liveports = 0u32;
        for i in 0..ports.len() {
            let Some(p) = ports.get(i) else { continue };
            if p.state == PortState::Disabled {
                continue;
            }
            if self.stp_enabled != StpEnabled::User {
                let is_root = p.port_no == self.root_port;
                let designated = self.is_designated_port(p);
                if is_root {
                    if let Some(p) = ports.get_mut(i) {
                        p.config_pending = false;
                        p.topology_change_ack = false;
                    }
                    self.make_forwarding(now, ports, i, out);
                } else if designated {
                    if let Some(p) = ports.get_mut(i) {
                        p.message_age_timer = None;
                    }
                    self.make_forwarding(now, ports, i, out);
                } else {
                    if let Some(p) = ports.get_mut(i) {
                        p.config_pending = false;
                        p.topology_change_ack = false;
                    }
                    self.make_blocking(now, ports, i, out);
                }
            }
            let Some(state) = ports.get(i).map(|p| p.state) else {
                continue;
            };
            if state != PortState::Blocking {
                out(Action::MulticastEnablePort { port: i });
            }
            if state == PortState::Forwarding {
                liveports = liveports.saturating_add(1);
            }
        }
        out(Action::Carrier(liveports != 0));
    }

    /// C: `br_topology_change_acknowledge()`.
    fn topology_change_acknowledge(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        out: &mut dyn FnMut(Action),
    ) {
        let Some(p) = ports.get_mut(i) else { return };
        p.topology_change_ack = true;
        self.transmit_config(now, ports, i, out);
    }

    /// Processes a configuration BPDU received on port `i`, after the
    /// checks of [`Stp::rcv`] (C: `br_received_config_bpdu()`).
    pub fn received_config_bpdu(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        bpdu: &ConfigBpdu,
        out: &mut dyn FnMut(Action),
    ) {
        let Some(p) = ports.get_mut(i) else { return };
        p.xstats.rx_bpdu = p.xstats.rx_bpdu.wrapping_add(1);
        let was_root = self.is_root_bridge();
        if self.supersedes_port_info(p, bpdu) {
            self.record_config_information(now, p, bpdu);
            self.configuration_update(now, ports, out);
            self.port_state_selection(now, ports, out);

            if !self.is_root_bridge() && was_root {
                self.hello_timer = None;
                if self.topology_change_detected {
                    self.topology_change_timer = None;
                    self.transmit_tcn(ports, out);
                    self.tcn_timer = Some(now.saturating_add(self.bridge_hello_time));
                }
            }

            if ports.get(i).map(|p| p.port_no) == Some(self.root_port) {
                self.record_config_timeout_values(bpdu, out);
                self.config_bpdu_generation(now, ports, out);
                if bpdu.topology_change_ack {
                    self.topology_change_acknowledged();
                }
            }
        } else if self.is_designated_port(p) {
            // C: br_reply()
            self.transmit_config(now, ports, i, out);
        }
    }

    /// Processes a TCN BPDU received on port `i`, after the checks of
    /// [`Stp::rcv`] (C: `br_received_tcn_bpdu()`).
    pub fn received_tcn_bpdu(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        out: &mut dyn FnMut(Action),
    ) {
        let Some(p) = ports.get_mut(i) else { return };
        p.xstats.rx_tcn = p.xstats.rx_tcn.wrapping_add(1);
        if self.is_designated_port(p) {
            out(Action::Log(Event::TcnReceived { port: i }));
            self.topology_change_detection(now, ports, out);
            self.topology_change_acknowledge(now, ports, i, out);
        }
    }

    /// Receives a frame on port `i`: the whole frame from the Ethernet
    /// header on, as it reaches the local stack for the STP address (the
    /// bridge's receive handler passes link-local frames to 01:80:c2:00:00:00
    /// up only with STP on; with STP off it forwards them). Parses it with
    /// [`bpdu::parse`] and goes on as [`Stp::rcv_bpdu`] (C: `br_stp_rcv()`).
    pub fn rcv(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        frame: &[u8],
        out: &mut dyn FnMut(Action),
    ) {
        if let Some(rx) = bpdu::parse(frame) {
            self.rcv_bpdu(now, ports, i, &rx, out);
        }
    }

    /// The bridge-dependent part of `br_stp_rcv()` for a parsed BPDU:
    /// ignored unless kernel STP runs, the bridge is up, the port is not
    /// disabled and the destination is [`Stp::group_addr`]; BPDU guard
    /// disables the port; a config BPDU whose message age exceeds its max
    /// age is dropped.
    pub fn rcv_bpdu(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        rx: &RxBpdu,
        out: &mut dyn FnMut(Action),
    ) {
        if self.stp_enabled != StpEnabled::Kernel || !self.up {
            return;
        }
        let Some(p) = ports.get(i) else { return };
        if p.state == PortState::Disabled {
            return;
        }
        if rx.dst != self.group_addr {
            return;
        }
        if p.bpdu_guard {
            out(Action::Log(Event::BpduGuard { port: i }));
            self.disable_port(now, ports, i, out);
            return;
        }
        match rx.bpdu {
            Bpdu::Config(b) => {
                if b.message_age > b.max_age {
                    out(Action::Log(Event::MessageAgeExceeded {
                        port: i,
                        src: rx.src,
                        message_age: b.message_age,
                        max_age: b.max_age,
                    }));
                    return;
                }
                self.received_config_bpdu(now, ports, i, &b, out);
            }
            Bpdu::Tcn => self.received_tcn_bpdu(now, ports, i, out),
            Bpdu::Other => {}
        }
    }

    /// Sets the hello time, in ms (C: `br_set_hello_time()`; the C takes
    /// `clock_t`, see [`clock_t_to_ms`]).
    pub fn set_hello_time(&mut self, ms: u64) -> Result<(), StpError> {
        if !(BR_MIN_HELLO_TIME_MS..=BR_MAX_HELLO_TIME_MS).contains(&ms) {
            return Err(StpError::Range);
        }
        self.bridge_hello_time = ms;
        if self.is_root_bridge() {
            self.hello_time = self.bridge_hello_time;
        }
        Ok(())
    }

    /// Sets the max age, in ms (C: `br_set_max_age()`).
    pub fn set_max_age(&mut self, ms: u64) -> Result<(), StpError> {
        if !(BR_MIN_MAX_AGE_MS..=BR_MAX_MAX_AGE_MS).contains(&ms) {
            return Err(StpError::Range);
        }
        self.bridge_max_age = ms;
        if self.is_root_bridge() {
            self.max_age = self.bridge_max_age;
        }
        Ok(())
    }

    /// C: `__br_set_forward_delay()`.
    fn set_forward_delay_raw(&mut self, ms: u64) {
        self.bridge_forward_delay = ms;
        if self.is_root_bridge() {
            self.forward_delay = self.bridge_forward_delay;
        }
    }

    /// Sets the forward delay, in ms; any value is accepted with STP off
    /// (C: `br_set_forward_delay()`).
    pub fn set_forward_delay(&mut self, ms: u64) -> Result<(), StpError> {
        if self.stp_enabled != StpEnabled::No
            && !(BR_MIN_FORWARD_DELAY_MS..=BR_MAX_FORWARD_DELAY_MS).contains(&ms)
        {
            return Err(StpError::Range);
        }
        self.set_forward_delay_raw(ms);
        Ok(())
    }

    /// Sets the topology change flag (C: `__br_set_topology_change()`).
    fn set_topology_change(&mut self, val: bool, out: &mut dyn FnMut(Action)) {
        if self.stp_enabled == StpEnabled::Kernel && self.topology_change != val {
            out(Action::AgeingTime(if val {
                AgeingTime::Ms(self.forward_delay.saturating_mul(2))
            } else {
                AgeingTime::BridgeDefault
            }));
        }
        if self.topology_change != val {
            out(Action::TopologyChange(val));
        }
        self.topology_change = val;
    }

    /// Sets up a new port `i` (C: `new_nbp()`): initialized by
    /// [`Self::init_port`], then disabled until [`Self::enable_port`].
    pub fn new_port(&mut self, ports: &mut [StpPort], i: usize, out: &mut dyn FnMut(Action)) {
        self.init_port(ports, i, out);
        self.set_state(ports, i, PortState::Disabled, out);
    }

    /// Initializes port `i` for STP: port identifier, designated for its
    /// segment, blocking (C: `br_init_port()`).
    pub fn init_port(&mut self, ports: &mut [StpPort], i: usize, out: &mut dyn FnMut(Action)) {
        let Some(p) = ports.get_mut(i) else { return };
        p.port_id = make_port_id(p.priority, p.port_no);
        self.become_designated_port(ports, i);
        self.set_state(ports, i, PortState::Blocking, out);
        if let Some(p) = ports.get_mut(i) {
            p.topology_change_ack = false;
            p.config_pending = false;
        }
    }

    /// The bridge device opens (C: `br_stp_enable_bridge()`, from
    /// `br_dev_open()`): hello timer, BPDUs, and every port whose
    /// [`StpPort::link_up`] is set is enabled. Runs with [`Stp::up`] still
    /// clear, as the C runs before `IFF_UP` is set, and sets it at the end.
    pub fn enable_bridge(&mut self, now: u64, ports: &mut [StpPort], out: &mut dyn FnMut(Action)) {
        if self.stp_enabled == StpEnabled::Kernel {
            self.hello_timer = Some(now.saturating_add(self.hello_time));
        }
        self.config_bpdu_generation(now, ports, out);
        for i in 0..ports.len() {
            if ports.get(i).is_some_and(|p| p.link_up) {
                self.enable_port(now, ports, i, out);
            }
        }
        self.up = true;
    }

    /// The bridge device stops (C: `br_stp_disable_bridge()`, from
    /// `br_dev_stop()`): every port is disabled, the topology change is
    /// over and the bridge timers stop. Runs with [`Stp::up`] still set, as
    /// the C runs before `IFF_UP` is cleared, and clears it at the end.
    pub fn disable_bridge(&mut self, now: u64, ports: &mut [StpPort], out: &mut dyn FnMut(Action)) {
        for i in 0..ports.len() {
            if ports.get(i).is_some_and(|p| p.state != PortState::Disabled) {
                self.disable_port(now, ports, i, out);
            }
        }
        self.set_topology_change(false, out);
        self.topology_change_detected = false;
        self.hello_timer = None;
        self.topology_change_timer = None;
        self.tcn_timer = None;
        self.up = false;
    }

    /// Enables port `i` (C: `br_stp_enable_port()`): blocking, then the
    /// state its role calls for (at once forwarding with STP off).
    pub fn enable_port(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        out: &mut dyn FnMut(Action),
    ) {
        if i >= ports.len() {
            return;
        }
        self.init_port(ports, i, out);
        self.port_state_selection(now, ports, out);
        out(Action::Notify { port: i });
    }

    /// Disables port `i` (C: `br_stp_disable_port()`), also the first step
    /// of removing it.
    pub fn disable_port(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        out: &mut dyn FnMut(Action),
    ) {
        if i >= ports.len() {
            return;
        }
        let wasroot = self.is_root_bridge();
        self.become_designated_port(ports, i);
        self.set_state(ports, i, PortState::Disabled, out);
        if let Some(p) = ports.get_mut(i) {
            p.topology_change_ack = false;
            p.config_pending = false;
        }
        out(Action::Notify { port: i });
        if let Some(p) = ports.get_mut(i) {
            p.message_age_timer = None;
            p.forward_delay_timer = None;
            p.hold_timer = None;
        }
        out(Action::FlushPort { port: i });
        out(Action::MulticastDisablePort { port: i });

        self.reselect(now, ports, wasroot, out);
    }

    /// The port's device changed carrier or speed (C:
    /// `br_port_carrier_check()`): update [`StpPort::link_up`] first. The
    /// path cost follows `speed_mbps` unless the user set it; the port is
    /// enabled or disabled to match its link if the bridge is up. Returns
    /// whether the port was enabled or disabled (C: `*notified`).
    pub fn port_carrier_check(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        speed_mbps: Option<u32>,
        out: &mut dyn FnMut(Action),
    ) -> bool {
        let Some(p) = ports.get_mut(i) else {
            return false;
        };
        if !p.admin_cost && p.link_up {
            p.path_cost = port_cost_for_speed(speed_mbps);
        }
        // C: netif_running(br->dev)
        if !self.up {
            return false;
        }
        if p.link_up {
            if p.state == PortState::Disabled {
                self.enable_port(now, ports, i, out);
                return true;
            }
        } else if p.state != PortState::Disabled {
            self.disable_port(now, ports, i, out);
            return true;
        }
        false
    }

    /// C: `br_stp_start()` for kernel STP (the user-space helper is not
    /// run: it "failed" with `-ENOENT`).
    fn stp_start(&mut self, now: u64, ports: &mut [StpPort], out: &mut dyn FnMut(Action)) {
        if self.bridge_forward_delay < BR_MIN_FORWARD_DELAY_MS {
            self.set_forward_delay_raw(BR_MIN_FORWARD_DELAY_MS);
        } else if self.bridge_forward_delay > BR_MAX_FORWARD_DELAY_MS {
            self.set_forward_delay_raw(BR_MAX_FORWARD_DELAY_MS);
        }
        self.stp_enabled = StpEnabled::Kernel;
        if self.up {
            self.hello_timer = Some(now.saturating_add(self.hello_time));
        }
        self.port_state_selection(now, ports, out);
    }

    /// C: `br_stp_stop()`. With kernel STP this only turns it off: port
    /// states stay as they are (running forward delay timers still move
    /// ports on to forwarding; blocking ports stay blocking until the next
    /// port state selection, e.g. a port enable).
    fn stp_stop(&mut self, now: u64, ports: &mut [StpPort], out: &mut dyn FnMut(Action)) {
        if self.stp_enabled == StpEnabled::User {
            self.port_state_selection(now, ports, out);
        }
        self.stp_enabled = StpEnabled::No;
    }

    /// Turns kernel STP on or off (C: `br_stp_set_enabled()`; any non-zero
    /// `stp_state` starts it, and deciding on a user-space daemon for 2 is
    /// the driver's business). Nothing happens if already in that state.
    pub fn set_enabled(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        enabled: bool,
        out: &mut dyn FnMut(Action),
    ) {
        if enabled {
            if self.stp_enabled == StpEnabled::No {
                self.stp_start(now, ports, out);
            }
        } else if self.stp_enabled != StpEnabled::No {
            self.stp_stop(now, ports, out);
        }
    }

    /// Changes the bridge's address, and so its identifier (C:
    /// `br_stp_change_bridge_id()`): emits [`Action::BridgeAddr`] first,
    /// renames this bridge in the ports' recorded information, reselects.
    pub fn change_bridge_id(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        addr: MacAddr,
        out: &mut dyn FnMut(Action),
    ) {
        let wasroot = self.is_root_bridge();
        out(Action::BridgeAddr(addr));
        let old = self.bridge_id.addr();
        self.bridge_id.set_addr(addr);
        for p in ports.iter_mut() {
            if p.designated_bridge.addr() == old {
                p.designated_bridge.set_addr(addr);
            }
            if p.designated_root.addr() == old {
                p.designated_root.set_addr(addr);
            }
        }
        self.reselect(now, ports, wasroot, out);
    }

    /// After a change of this bridge's or a port's identity: root and
    /// designated ports anew, port states anew, and if the bridge has just
    /// become the root, root duties (the tail the C repeats in
    /// `br_stp_disable_port()`, `br_stp_change_bridge_id()` and
    /// `br_stp_set_bridge_priority()`).
    fn reselect(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        wasroot: bool,
        out: &mut dyn FnMut(Action),
    ) {
        self.configuration_update(now, ports, out);
        self.port_state_selection(now, ports, out);
        if self.is_root_bridge() && !wasroot {
            self.become_root_bridge(now, ports, out);
        }
    }

    /// Recomputes the bridge address from the port addresses
    /// ([`lowest_port_addr`]) unless the user set it (C:
    /// `br_stp_recalculate_bridge_id()`, `addr_assign_type ==
    /// NET_ADDR_SET`). Returns whether it changed (then the driver sends
    /// `NETDEV_CHANGEADDR`).
    pub fn recalculate_bridge_id(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        addr_set_by_user: bool,
        out: &mut dyn FnMut(Action),
    ) -> bool {
        if addr_set_by_user {
            return false;
        }
        let addr = lowest_port_addr(ports.iter().map(|p| p.mac));
        if self.bridge_id.addr() == addr {
            return false;
        }
        self.change_bridge_id(now, ports, addr, out);
        true
    }

    /// Sets the bridge priority (C: `br_stp_set_bridge_priority()`).
    pub fn set_bridge_priority(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        prio: u16,
        out: &mut dyn FnMut(Action),
    ) {
        let wasroot = self.is_root_bridge();
        for i in 0..ports.len() {
            let Some(p) = ports.get(i) else { continue };
            if p.state != PortState::Disabled && self.is_designated_port(p) {
                if let Some(p) = ports.get_mut(i) {
                    p.designated_bridge.set_prio(prio);
                }
            }
        }
        self.bridge_id.set_prio(prio);
        self.reselect(now, ports, wasroot, out);
    }

    /// Sets port `i`'s priority, 0..=63 (C: `br_stp_set_port_priority()`).
    pub fn set_port_priority(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        newprio: u32,
        out: &mut dyn FnMut(Action),
    ) -> Result<(), StpError> {
        if newprio > BR_MAX_PORT_PRIORITY {
            return Err(StpError::Range);
        }
        let Ok(prio) = u8::try_from(newprio) else {
            return Err(StpError::Range);
        };
        let designated = match ports.get(i) {
            Some(p) => self.is_designated_port(p),
            None => return Err(StpError::NoPort),
        };
        let Some(p) = ports.get_mut(i) else {
            return Err(StpError::NoPort);
        };
        let new_port_id = make_port_id(prio, p.port_no);
        if designated {
            p.designated_port = new_port_id;
        }
        p.port_id = new_port_id;
        p.priority = prio;
        if p.designated_bridge == self.bridge_id && p.port_id < p.designated_port {
            self.become_designated_port(ports, i);
            self.port_state_selection(now, ports, out);
        }
        Ok(())
    }

    /// Sets port `i`'s path cost, 1..=65535, and marks it set by the user
    /// (C: `br_stp_set_path_cost()`).
    pub fn set_path_cost(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        path_cost: u32,
        out: &mut dyn FnMut(Action),
    ) -> Result<(), StpError> {
        if !(BR_MIN_PATH_COST..=BR_MAX_PATH_COST).contains(&path_cost) {
            return Err(StpError::Range);
        }
        let Some(p) = ports.get_mut(i) else {
            return Err(StpError::NoPort);
        };
        p.admin_cost = true;
        p.path_cost = path_cost;
        self.configuration_update(now, ports, out);
        self.port_state_selection(now, ports, out);
        Ok(())
    }

    /// The earliest pending timer deadline, bridge's and ports', if any.
    pub fn next_deadline(&self, ports: &[StpPort]) -> Option<u64> {
        self.earliest(ports).map(|(d, _)| d)
    }

    fn earliest(&self, ports: &[StpPort]) -> Option<(u64, Timer)> {
        let mut best: Option<(u64, Timer)> = None;
        let mut consider = |d: Option<u64>, t: Timer| {
            if let Some(d) = d {
                if best.is_none_or(|(b, _)| d < b) {
                    best = Some((d, t));
                }
            }
        };
        consider(self.hello_timer, Timer::Hello);
        consider(self.tcn_timer, Timer::Tcn);
        consider(self.topology_change_timer, Timer::TopologyChange);
        for (i, p) in ports.iter().enumerate() {
            consider(p.message_age_timer, Timer::MessageAge(i));
            consider(p.forward_delay_timer, Timer::ForwardDelay(i));
            consider(p.hold_timer, Timer::Hold(i));
        }
        best
    }

    /// Runs the callbacks of every timer due at `now`, earliest first (ties:
    /// bridge timers, then ports in slice order).
    pub fn tick(&mut self, now: u64, ports: &mut [StpPort], out: &mut dyn FnMut(Action)) {
        // Every callback re-arms at most its own timer, into the future
        // unless a delay is 0; bound the loop all the same.
        let mut budget = ports.len().saturating_mul(12).saturating_add(16);
        while budget > 0 {
            budget -= 1;
            let Some((d, t)) = self.earliest(ports) else {
                return;
            };
            if d > now {
                return;
            }
            match t {
                Timer::Hello => {
                    self.hello_timer = None;
                    self.hello_timer_expired(now, ports, out);
                }
                Timer::Tcn => {
                    self.tcn_timer = None;
                    self.tcn_timer_expired(now, ports, out);
                }
                Timer::TopologyChange => {
                    self.topology_change_timer = None;
                    self.topology_change_timer_expired(out);
                }
                Timer::MessageAge(i) => {
                    if let Some(p) = ports.get_mut(i) {
                        p.message_age_timer = None;
                    }
                    self.message_age_timer_expired(now, ports, i, out);
                }
                Timer::ForwardDelay(i) => {
                    if let Some(p) = ports.get_mut(i) {
                        p.forward_delay_timer = None;
                    }
                    self.forward_delay_timer_expired(now, ports, i, out);
                }
                Timer::Hold(i) => {
                    if let Some(p) = ports.get_mut(i) {
                        p.hold_timer = None;
                    }
                    self.hold_timer_expired(now, ports, i, out);
                }
            }
        }
    }

    /// C: `br_is_designated_for_some_port()`.
    fn is_designated_for_some_port(&self, ports: &[StpPort]) -> bool {
        ports
            .iter()
            .any(|p| p.state != PortState::Disabled && p.designated_bridge == self.bridge_id)
    }

    /// C: `br_hello_timer_expired()`.
    fn hello_timer_expired(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        out: &mut dyn FnMut(Action),
    ) {
        if self.up {
            self.config_bpdu_generation(now, ports, out);
            if self.stp_enabled == StpEnabled::Kernel {
                self.hello_timer = Some(round_jiffies(now.saturating_add(self.hello_time), now));
            }
        }
    }

    /// C: `br_message_age_timer_expired()`.
    fn message_age_timer_expired(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        out: &mut dyn FnMut(Action),
    ) {
        let Some(p) = ports.get(i) else { return };
        if p.state == PortState::Disabled {
            return;
        }
        out(Action::Log(Event::NeighborLost {
            port: i,
            bridge: p.designated_bridge,
        }));
        let was_root = self.is_root_bridge();
        self.become_designated_port(ports, i);
        self.configuration_update(now, ports, out);
        self.port_state_selection(now, ports, out);
        if self.is_root_bridge() && !was_root {
            self.become_root_bridge(now, ports, out);
        }
    }

    /// C: `br_forward_delay_timer_expired()`.
    fn forward_delay_timer_expired(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        out: &mut dyn FnMut(Action),
    ) {
        let Some(state) = ports.get(i).map(|p| p.state) else {
            return;
        };
        if state == PortState::Listening {
            self.set_state(ports, i, PortState::Learning, out);
            if let Some(p) = ports.get_mut(i) {
                p.forward_delay_timer = Some(now.saturating_add(self.forward_delay));
            }
        } else if state == PortState::Learning {
            self.set_state(ports, i, PortState::Forwarding, out);
            if self.is_designated_for_some_port(ports) {
                self.topology_change_detection(now, ports, out);
            }
            out(Action::Carrier(true));
        }
        out(Action::Notify { port: i });
    }

    /// C: `br_tcn_timer_expired()`.
    fn tcn_timer_expired(&mut self, now: u64, ports: &mut [StpPort], out: &mut dyn FnMut(Action)) {
        if !self.is_root_bridge() && self.up {
            self.transmit_tcn(ports, out);
            self.tcn_timer = Some(now.saturating_add(self.bridge_hello_time));
        }
    }

    /// C: `br_topology_change_timer_expired()`.
    fn topology_change_timer_expired(&mut self, out: &mut dyn FnMut(Action)) {
        self.topology_change_detected = false;
        self.set_topology_change(false, out);
    }

    /// C: `br_hold_timer_expired()`.
    fn hold_timer_expired(
        &mut self,
        now: u64,
        ports: &mut [StpPort],
        i: usize,
        out: &mut dyn FnMut(Action),
    ) {
        if ports.get(i).is_some_and(|p| p.config_pending) {
            self.transmit_config(now, ports, i, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::VecDeque;
    use std::vec;
    use std::vec::Vec;

    fn mac(b: u8, p: u8) -> MacAddr {
        MacAddr([0x02, 0, 0, 0, b, p])
    }

    /// One bridge: its STP state, ports and everything it asked for.
    struct Bridge {
        stp: Stp,
        ports: Vec<StpPort>,
        log: Vec<(u64, Action)>,
    }

    #[derive(Clone, Copy)]
    struct Link {
        a: (usize, usize),
        b: (usize, usize),
        up: bool,
    }

    /// Bridges connected by point-to-point links; BPDUs go through the
    /// frame builders and the parser.
    struct Net {
        now: u64,
        bridges: Vec<Bridge>,
        links: Vec<Link>,
        queue: VecDeque<(usize, usize, Vec<u8>)>,
        frames: usize,
    }

    impl Net {
        fn new() -> Net {
            Net {
                now: 0,
                bridges: Vec::new(),
                links: Vec::new(),
                queue: VecDeque::new(),
                frames: 0,
            }
        }

        /// Adds a bridge with kernel STP, priority `prio` and address
        /// `mac(id, 0)` set by the user.
        fn bridge(&mut self, prio: u16, id: u8) -> usize {
            let b = self.bridges.len();
            self.bridges.push(Bridge {
                stp: Stp::new(),
                ports: Vec::new(),
                log: Vec::new(),
            });
            let now = self.now;
            self.call(b, |s, p, o| {
                s.set_enabled(now, p, true, o);
                s.set_bridge_priority(now, p, prio, o);
                s.change_bridge_id(now, p, mac(id, 0), o);
            });
            b
        }

        /// C: br_add_if() of a port whose device is up.
        fn add_port(&mut self, b: usize) -> usize {
            let now = self.now;
            let br = &mut self.bridges[b];
            let no = find_port_no(&br.ports).unwrap();
            let m = mac(br.stp.bridge_id.addr().0[4], no as u8);
            let mut p = StpPort::new(no, m, port_cost_for_speed(Some(1000)));
            p.link_up = true;
            br.ports.push(p);
            let i = br.ports.len() - 1;
            self.call(b, |s, p, o| {
                s.init_port(p, i, o);
                s.recalculate_bridge_id(now, p, true, o);
                if s.up {
                    s.enable_port(now, p, i, o);
                }
            });
            i
        }

        fn link(&mut self, a: usize, b: usize) -> usize {
            let pa = self.add_port(a);
            let pb = self.add_port(b);
            self.links.push(Link {
                a: (a, pa),
                b: (b, pb),
                up: true,
            });
            self.links.len() - 1
        }

        fn up(&mut self, b: usize) {
            let now = self.now;
            self.call(b, |s, p, o| s.enable_bridge(now, p, o));
        }

        fn start(&mut self) {
            for b in 0..self.bridges.len() {
                self.up(b);
            }
        }

        fn call(
            &mut self,
            b: usize,
            f: impl FnOnce(&mut Stp, &mut [StpPort], &mut dyn FnMut(Action)),
        ) {
            let mut acts = Vec::new();
            {
                let br = &mut self.bridges[b];
                f(&mut br.stp, &mut br.ports, &mut |a| acts.push(a));
            }
            for a in acts {
                self.handle(b, a);
            }
        }

        fn peer(&self, b: usize, p: usize) -> Option<(usize, usize)> {
            self.links.iter().filter(|l| l.up).find_map(|l| {
                if l.a == (b, p) {
                    Some(l.b)
                } else if l.b == (b, p) {
                    Some(l.a)
                } else {
                    None
                }
            })
        }

        fn handle(&mut self, b: usize, a: Action) {
            self.bridges[b].log.push((self.now, a));
            let mut buf = [0u8; 64];
            let (port, len) = match a {
                Action::SendConfig {
                    port,
                    dst,
                    src,
                    bpdu,
                } => (
                    port,
                    bpdu::build_config_frame(&mut buf, dst, src, &bpdu).unwrap(),
                ),
                Action::SendTcn { port, dst, src } => {
                    (port, bpdu::build_tcn_frame(&mut buf, dst, src).unwrap())
                }
                _ => return,
            };
            if let Some((pb, pp)) = self.peer(b, port) {
                self.queue.push_back((pb, pp, buf[..len].to_vec()));
            }
        }

        fn deliver(&mut self) {
            let mut n = 0;
            while let Some((b, p, frame)) = self.queue.pop_front() {
                n += 1;
                assert!(n < 100_000, "BPDU storm");
                self.frames += 1;
                let now = self.now;
                self.call(b, |s, ports, o| s.rcv(now, ports, p, &frame, o));
            }
        }

        fn next(&self) -> Option<u64> {
            self.bridges
                .iter()
                .filter_map(|b| b.stp.next_deadline(&b.ports))
                .min()
        }

        fn run_until(&mut self, t: u64) {
            loop {
                self.deliver();
                match self.next() {
                    Some(d) if d <= t => {
                        self.now = self.now.max(d);
                        let now = self.now;
                        for b in 0..self.bridges.len() {
                            let due = {
                                let br = &self.bridges[b];
                                br.stp.next_deadline(&br.ports).is_some_and(|d| d <= now)
                            };
                            if due {
                                self.call(b, |s, p, o| s.tick(now, p, o));
                            }
                        }
                    }
                    _ => break,
                }
            }
            self.now = self.now.max(t);
        }

        fn run_for(&mut self, ms: u64) {
            let t = self.now + ms;
            self.run_until(t);
        }

        /// Cuts a link: both ends lose carrier.
        fn cut(&mut self, l: usize) {
            self.links[l].up = false;
            let now = self.now;
            for (b, p) in [self.links[l].a, self.links[l].b] {
                self.bridges[b].ports[p].link_up = false;
                self.call(b, |s, ports, o| {
                    s.port_carrier_check(now, ports, p, Some(1000), o);
                });
            }
        }

        fn state(&self, b: usize, p: usize) -> PortState {
            self.bridges[b].ports[p].state
        }

        /// Checks that every connected component (over links that are up,
        /// between bridges that are up) agrees on its lowest bridge as
        /// root and forwards over a spanning tree of it.
        fn check_tree(&self) {
            let n = self.bridges.len();
            let live = |l: &Link| l.up && self.bridges[l.a.0].stp.up && self.bridges[l.b.0].stp.up;
            // Components over physical links.
            let mut comp: Vec<usize> = (0..n).collect();
            fn find(c: &[usize], x: usize) -> usize {
                let mut x = x;
                while c[x] != x {
                    x = c[x];
                }
                x
            }
            for l in self.links.iter().filter(|l| live(l)) {
                let (ra, rb) = (find(&comp, l.a.0), find(&comp, l.b.0));
                comp[ra] = rb;
            }
            // Forwarding graph: both ends forwarding.
            let mut fwd: Vec<usize> = (0..n).collect();
            let mut edges = vec![0usize; n];
            for l in self.links.iter().filter(|l| live(l)) {
                let fa = self.state(l.a.0, l.a.1) == PortState::Forwarding;
                let fb = self.state(l.b.0, l.b.1) == PortState::Forwarding;
                assert!(
                    fa || fb,
                    "segment without designated port: {:?} {:?}",
                    l.a,
                    l.b
                );
                if fa && fb {
                    let (ra, rb) = (find(&fwd, l.a.0), find(&fwd, l.b.0));
                    assert_ne!(ra, rb, "forwarding loop via {:?} {:?}", l.a, l.b);
                    fwd[ra] = rb;
                    let c = find(&comp, l.a.0);
                    edges[c] += 1;
                }
            }
            for b in 0..n {
                if !self.bridges[b].stp.up {
                    continue;
                }
                let c = find(&comp, b);
                let members: Vec<usize> = (0..n)
                    .filter(|&x| self.bridges[x].stp.up && find(&comp, x) == c)
                    .collect();
                let root = members
                    .iter()
                    .map(|&x| self.bridges[x].stp.bridge_id)
                    .min()
                    .unwrap();
                assert_eq!(self.bridges[b].stp.designated_root, root, "bridge {b}");
                // Connected forwarding tree within the component.
                assert_eq!(find(&fwd, b), find(&fwd, members[0]), "bridge {b}");
                assert_eq!(edges[c], members.len() - 1);
                for p in &self.bridges[b].ports {
                    assert!(
                        matches!(
                            p.state,
                            PortState::Forwarding | PortState::Blocking | PortState::Disabled
                        ),
                        "bridge {b} port {} {:?}",
                        p.port_no,
                        p.state
                    );
                }
            }
        }

        fn states_of(&self, b: usize, p: usize) -> Vec<(u64, PortState)> {
            self.bridges[b]
                .log
                .iter()
                .filter_map(|(t, a)| match *a {
                    Action::PortState { port, state } if port == p => Some((*t, state)),
                    _ => None,
                })
                .collect()
        }
    }

    #[test]
    fn bridge_id_order_and_format() {
        let a = BridgeId::new(0x8000, mac(1, 0));
        let b = BridgeId::new(0x8000, mac(2, 0));
        let c = BridgeId::new(0x1000, mac(9, 0));
        assert!(c < a && a < b);
        assert_eq!(a.prio(), 0x8000);
        assert_eq!(a.addr(), mac(1, 0));
        assert_eq!(std::format!("{a}"), "8000.020000000100");
        assert_eq!(make_port_id(0x20, 1), 0x8001);
        assert_eq!(make_port_id(63, 1023), 0xffff);
        assert_eq!(make_port_id(0x20, 1024), 0x8000);
        assert_eq!(PortState::from_u8(4), Some(PortState::Blocking));
        assert_eq!(PortState::from_u8(5), None);
        assert_eq!(PortState::Learning.as_u8(), 2);
        assert_eq!(PortState::Forwarding.name(), "forwarding");
    }

    #[test]
    fn port_costs_and_numbers() {
        assert_eq!(port_cost_for_speed(Some(10)), 100);
        assert_eq!(port_cost_for_speed(Some(100)), 19);
        assert_eq!(port_cost_for_speed(Some(1000)), 5);
        assert_eq!(port_cost_for_speed(Some(2500)), 4);
        assert_eq!(port_cost_for_speed(Some(5000)), 3);
        assert_eq!(port_cost_for_speed(Some(10000)), 2);
        assert_eq!(port_cost_for_speed(Some(25000)), 1);
        assert_eq!(port_cost_for_speed(Some(u32::MAX)), 100);
        assert_eq!(port_cost_for_speed(Some(200)), 100);
        assert_eq!(port_cost_for_speed(None), 100);
        let mut ports = Vec::new();
        assert_eq!(find_port_no(&ports), Some(1));
        ports.push(StpPort::new(1, mac(1, 1), 5));
        ports.push(StpPort::new(3, mac(1, 3), 5));
        assert_eq!(find_port_no(&ports), Some(2));
        let full: Vec<StpPort> = (1..BR_MAX_PORTS)
            .map(|n| StpPort::new(n, mac(1, 1), 5))
            .collect();
        assert_eq!(find_port_no(&full), None);
    }

    #[test]
    fn bridge_address_selection() {
        assert_eq!(lowest_port_addr([]), MacAddr::ZERO);
        assert_eq!(
            lowest_port_addr([mac(3, 1), mac(2, 9), mac(2, 10)]),
            mac(2, 9)
        );
        let mut stp = Stp::new();
        let mut ports = vec![StpPort::new(1, mac(5, 1), 5), StpPort::new(2, mac(4, 1), 5)];
        let mut acts = Vec::new();
        assert!(!stp.recalculate_bridge_id(0, &mut ports, true, &mut |a| acts.push(a)));
        assert!(stp.recalculate_bridge_id(0, &mut ports, false, &mut |a| acts.push(a)));
        assert_eq!(acts[0], Action::BridgeAddr(mac(4, 1)));
        assert_eq!(stp.bridge_id, BridgeId::new(0x8000, mac(4, 1)));
        assert!(stp.is_root_bridge());
        assert!(!stp.recalculate_bridge_id(0, &mut ports, false, &mut |a| acts.push(a)));
        // The last port goes: the address becomes zero, as in the C.
        assert!(stp.recalculate_bridge_id(0, &mut [], false, &mut |a| acts.push(a)));
        assert_eq!(stp.bridge_id.addr(), MacAddr::ZERO);
    }

    #[test]
    fn option_ranges() {
        let mut stp = Stp::new();
        assert_eq!(stp.set_hello_time(999), Err(StpError::Range));
        assert_eq!(stp.set_hello_time(10_001), Err(StpError::Range));
        assert_eq!(stp.set_hello_time(1_000), Ok(()));
        assert_eq!((stp.bridge_hello_time, stp.hello_time), (1_000, 1_000));
        assert_eq!(stp.set_max_age(5_999).map_err(StpError::errno), Err(34));
        assert_eq!(stp.set_max_age(40_001), Err(StpError::Range));
        assert_eq!(stp.set_max_age(6_000), Ok(()));
        // STP off: any forward delay, even 0.
        assert_eq!(stp.set_forward_delay(0), Ok(()));
        assert_eq!(stp.set_forward_delay(31_000), Ok(()));
        let mut ports = vec![StpPort::new(1, mac(1, 1), 5)];
        let mut acts = Vec::new();
        // Starting STP clamps it.
        stp.set_enabled(0, &mut ports, true, &mut |a| acts.push(a));
        assert_eq!(stp.bridge_forward_delay, BR_MAX_FORWARD_DELAY_MS);
        assert_eq!(stp.set_forward_delay(1_999), Err(StpError::Range));
        assert_eq!(stp.set_forward_delay(30_001), Err(StpError::Range));
        assert_eq!(stp.set_forward_delay(2_000), Ok(()));
        let mut o = |a| acts.push(a);
        assert_eq!(
            stp.set_port_priority(0, &mut ports, 0, 64, &mut o),
            Err(StpError::Range)
        );
        assert_eq!(
            stp.set_port_priority(0, &mut ports, 1, 1, &mut o),
            Err(StpError::NoPort)
        );
        assert_eq!(stp.set_port_priority(0, &mut ports, 0, 63, &mut o), Ok(()));
        assert_eq!(ports[0].port_id, 0xfc01);
        assert_eq!(
            stp.set_path_cost(0, &mut ports, 0, 0, &mut o),
            Err(StpError::Range)
        );
        assert_eq!(
            stp.set_path_cost(0, &mut ports, 0, 65_536, &mut o),
            Err(StpError::Range)
        );
        assert_eq!(stp.set_path_cost(0, &mut ports, 0, 65_535, &mut o), Ok(()));
        assert!(ports[0].admin_cost);
        // An admin cost survives carrier checks.
        ports[0].link_up = true;
        stp.port_carrier_check(0, &mut ports, 0, Some(100), &mut o);
        assert_eq!(ports[0].path_cost, 65_535);
    }

    #[test]
    fn timer_values() {
        assert_eq!(timer_remaining(None, 5), 0);
        assert_eq!(timer_remaining(Some(3), 5), 0);
        assert_eq!(timer_remaining(Some(1_505), 5), 1_500);
        assert_eq!(br_timer_value(Some(1_509), 0), 150);
        assert_eq!(clock_t_to_ms(1500), 15_000);
        assert_eq!(round_jiffies(13_100, 12_100), 13_000);
        assert_eq!(round_jiffies(13_345, 12_345), 14_000);
        assert_eq!(round_jiffies(1_100, 1_050), 1_100);
    }

    #[test]
    fn stp_off_forwards_at_once() {
        let mut stp = Stp::new();
        let mut ports = vec![StpPort::new(1, mac(1, 1), 5)];
        ports[0].link_up = true;
        let mut acts = Vec::new();
        stp.recalculate_bridge_id(0, &mut ports, false, &mut |a| acts.push(a));
        stp.init_port(&mut ports, 0, &mut |a| acts.push(a));
        acts.clear();
        stp.enable_bridge(0, &mut ports, &mut |a| acts.push(a));
        assert!(stp.up);
        assert_eq!(ports[0].state, PortState::Forwarding);
        assert_eq!(
            acts,
            vec![
                Action::PortState {
                    port: 0,
                    state: PortState::Blocking
                },
                Action::PortState {
                    port: 0,
                    state: PortState::Forwarding
                },
                Action::Notify { port: 0 },
                Action::MulticastEnablePort { port: 0 },
                Action::Carrier(true),
                Action::Notify { port: 0 },
            ]
        );
        // No hello timer; the forward delay timer is armed all the same.
        assert_eq!(stp.hello_timer, None);
        assert_eq!(ports[0].forward_delay_timer, Some(15_000));
        acts.clear();
        stp.tick(15_000, &mut ports, &mut |a| acts.push(a));
        assert_eq!(acts, vec![Action::Notify { port: 0 }]);
        assert_eq!(stp.next_deadline(&ports), None);
        // BPDUs are ignored.
        let mut frame = [0u8; 64];
        let b = ConfigBpdu {
            root: BridgeId::new(0, mac(0, 1)),
            bridge_id: BridgeId::new(0, mac(0, 1)),
            max_age: 20_000,
            ..ConfigBpdu::default()
        };
        let n = bpdu::build_config_frame(&mut frame, STP_GROUP_ADDR, mac(0, 1), &b).unwrap();
        acts.clear();
        stp.rcv(16_000, &mut ports, 0, &frame[..n], &mut |a| acts.push(a));
        assert!(acts.is_empty());
        assert!(stp.is_root_bridge());
    }

    #[test]
    fn single_bridge_lifecycle() {
        let mut net = Net::new();
        let a = net.bridge(0x8000, 1);
        let p = net.add_port(a);
        net.start();
        assert_eq!(net.state(a, p), PortState::Listening);
        let root = net.bridges[a].stp;
        assert!(root.is_root_bridge());
        assert_eq!(root.hello_timer, Some(2_000));
        net.run_for(31_000);
        assert_eq!(
            net.states_of(a, p),
            vec![
                (0, PortState::Blocking),
                (0, PortState::Blocking),
                (0, PortState::Listening),
                (15_000, PortState::Learning),
                (30_000, PortState::Forwarding),
            ]
        );
        // Forwarding on a designated port: topology change at the root for
        // forward delay + max age, and FDB ageing shortened meanwhile.
        let s = net.bridges[a].stp;
        assert!(s.topology_change && s.topology_change_detected);
        assert_eq!(s.topology_change_timer, Some(65_000));
        assert!(net.bridges[a]
            .log
            .contains(&(30_000, Action::AgeingTime(AgeingTime::Ms(30_000)))));
        assert_eq!(s.fdb_hold_time(300_000), 15_000);
        net.run_for(40_000);
        let s = net.bridges[a].stp;
        assert!(!s.topology_change && !s.topology_change_detected);
        assert!(net.bridges[a]
            .log
            .contains(&(65_000, Action::AgeingTime(AgeingTime::BridgeDefault))));
        // Stopping the bridge disables the port and flushes it.
        let now = net.now;
        net.call(a, |s, p, o| s.disable_bridge(now, p, o));
        assert_eq!(net.state(a, p), PortState::Disabled);
        assert!(net.bridges[a]
            .log
            .contains(&(now, Action::FlushPort { port: p })));
        assert!(net.bridges[a].log.contains(&(now, Action::Carrier(false))));
        let br = &net.bridges[a];
        assert!(!br.stp.up);
        assert_eq!(br.stp.next_deadline(&br.ports), None);
    }

    #[test]
    fn two_bridges_parallel_links() {
        let mut net = Net::new();
        let a = net.bridge(0x8000, 1);
        let b = net.bridge(0x8000, 2);
        net.link(a, b);
        net.link(a, b);
        net.start();
        net.run_for(14_000);
        // Root port listening, the other one blocked at once.
        assert_eq!(net.state(b, 0), PortState::Listening);
        assert_eq!(net.state(b, 1), PortState::Blocking);
        net.run_for(60_000);
        net.check_tree();
        let root = net.bridges[a].stp.bridge_id;
        assert!(net.bridges[a].stp.is_root_bridge());
        assert_eq!(net.bridges[b].stp.designated_root, root);
        assert_eq!(net.bridges[b].stp.root_port, 1);
        assert_eq!(net.bridges[b].stp.root_path_cost, 5);
        assert_eq!(net.state(a, 0), PortState::Forwarding);
        assert_eq!(net.state(a, 1), PortState::Forwarding);
        assert_eq!(net.state(b, 0), PortState::Forwarding);
        assert_eq!(net.state(b, 1), PortState::Blocking);
        // Listening -> learning -> forwarding, forward delay apart.
        let st: Vec<PortState> = net.states_of(b, 0).iter().map(|s| s.1).collect();
        assert_eq!(
            st,
            vec![
                PortState::Blocking,
                PortState::Blocking,
                PortState::Listening,
                PortState::Learning,
                PortState::Forwarding
            ]
        );
        let times: Vec<u64> = net.states_of(b, 0).iter().map(|s| s.0).collect();
        assert_eq!(times[3], 15_000);
        assert_eq!(times[4], 30_000);
        // The non-root bridge stopped its hello timer.
        assert_eq!(net.bridges[b].stp.hello_timer, None);
        assert!(net.bridges[b].ports[0].message_age_timer.is_some());
        // Port priority decides between the parallel links: make b's
        // second port preferred... it is b's *designated* port id on a that
        // counts: raise a's port 1 priority (lower value).
        let now = net.now;
        net.call(a, |s, p, o| s.set_port_priority(now, p, 1, 0, o).unwrap());
        net.run_for(60_000);
        net.check_tree();
        assert_eq!(net.state(b, 1), PortState::Forwarding);
        assert_eq!(net.state(b, 0), PortState::Blocking);
        assert_eq!(net.bridges[b].stp.root_port, 2);
    }

    #[test]
    fn priority_beats_address() {
        let mut net = Net::new();
        let a = net.bridge(0x8000, 1);
        let b = net.bridge(0x1000, 9);
        net.link(a, b);
        net.start();
        net.run_for(40_000);
        net.check_tree();
        assert!(net.bridges[b].stp.is_root_bridge());
        assert_eq!(
            net.bridges[a].stp.designated_root,
            net.bridges[b].stp.bridge_id
        );
        // Priority change re-elects.
        let now = net.now;
        net.call(a, |s, p, o| s.set_bridge_priority(now, p, 0x0100, o));
        assert!(net.bridges[a].stp.is_root_bridge());
        net.run_for(60_000);
        net.check_tree();
        assert!(net.bridges[a].stp.is_root_bridge());
        assert!(!net.bridges[b].stp.is_root_bridge());
    }

    fn triangle() -> (Net, [usize; 3]) {
        let mut net = Net::new();
        let a = net.bridge(0x8000, 1);
        let b = net.bridge(0x8000, 2);
        let c = net.bridge(0x8000, 3);
        net.link(a, b); // a.0 - b.0
        net.link(b, c); // b.1 - c.0
        net.link(a, c); // a.1 - c.1
        net.start();
        net.run_for(60_000);
        (net, [a, b, c])
    }

    #[test]
    fn triangle_blocks_one_port() {
        let (net, [a, b, c]) = triangle();
        net.check_tree();
        let blocking: Vec<(usize, usize)> = (0..3)
            .flat_map(|x| (0..2).map(move |p| (x, p)))
            .filter(|&(x, p)| net.state(x, p) == PortState::Blocking)
            .collect();
        // b and c have equal root path costs on their link; b's lower id
        // makes it designated, so c blocks.
        assert_eq!(blocking, vec![(c, 0)]);
        assert_eq!(net.bridges[b].stp.root_port, 1);
        assert_eq!(net.bridges[c].stp.root_port, 2);
        assert!(net.bridges[a].stp.is_root_bridge());
    }

    #[test]
    fn root_failure_reelects_after_max_age() {
        let (mut net, [a, b, c]) = triangle();
        net.run_for(40_000);
        let t0 = net.now;
        // The root goes down; its links stay up, so only silence tells.
        net.call(a, |s, p, o| s.disable_bridge(t0, p, o));
        net.run_until(t0 + 17_000);
        assert_eq!(
            net.bridges[b].stp.designated_root,
            net.bridges[a].stp.bridge_id
        );
        assert_eq!(
            net.bridges[c].stp.designated_root,
            net.bridges[a].stp.bridge_id
        );
        net.run_until(t0 + 22_000);
        let bid = net.bridges[b].stp.bridge_id;
        assert!(net.bridges[b].stp.is_root_bridge());
        assert_eq!(net.bridges[c].stp.designated_root, bid);
        // c's port towards b becomes its root port and goes forwarding
        // after two forward delays.
        assert_eq!(net.bridges[c].stp.root_port, 1);
        net.run_until(t0 + 60_000);
        assert_eq!(net.state(c, 0), PortState::Forwarding);
        net.check_tree();
        let lost = net.bridges[b]
            .log
            .iter()
            .any(|(_, a)| matches!(a, Action::Log(Event::NeighborLost { .. })));
        assert!(lost);
        // The old root comes back and takes over again.
        net.up(a);
        net.run_for(70_000);
        net.check_tree();
        assert!(net.bridges[a].stp.is_root_bridge());
    }

    #[test]
    fn link_cut_reconverges() {
        let (mut net, [a, b, c]) = triangle();
        // Cut a-b: b must go through c.
        net.cut(0);
        net.run_for(70_000);
        net.check_tree();
        assert_eq!(net.state(c, 0), PortState::Forwarding);
        assert_eq!(net.bridges[b].stp.root_path_cost, 10);
        assert_eq!(net.bridges[a].ports[0].state, PortState::Disabled);
        assert!(net.bridges[a].stp.is_root_bridge());
        let _ = a;
    }

    #[test]
    fn topology_change_propagates() {
        let mut net = Net::new();
        let r = net.bridge(0x1000, 1);
        let b = net.bridge(0x8000, 2);
        let c = net.bridge(0x8000, 3);
        net.link(r, b);
        net.link(b, c);
        net.start();
        net.run_for(120_000);
        net.check_tree();
        for x in [r, b, c] {
            assert!(!net.bridges[x].stp.topology_change);
            assert!(!net.bridges[x].stp.topology_change_detected);
        }
        // A new edge port on c: forwarding after 30 s, then a TCN.
        let p = net.add_port(c);
        let t0 = net.now;
        assert_eq!(net.state(c, p), PortState::Listening);
        net.run_until(t0 + 29_000);
        assert!(!net.bridges[r].stp.topology_change);
        net.run_until(t0 + 30_000);
        assert_eq!(net.state(c, p), PortState::Forwarding);
        let t1 = net.now;
        // c sent a TCN, b relayed it to r and acknowledged c; r
        // acknowledged b and flags the topology change.
        assert!(net.bridges[c]
            .log
            .iter()
            .any(|(t, a)| *t == t1 && matches!(a, Action::SendTcn { port: 0, .. })));
        assert!(net.bridges[b]
            .log
            .iter()
            .any(|(t, a)| *t == t1 && matches!(a, Action::SendTcn { port: 0, .. })));
        let rs = net.bridges[r].stp;
        assert!(rs.topology_change);
        assert_eq!(rs.topology_change_timer, Some(t1 + 35_000));
        assert!(net.bridges[r]
            .log
            .contains(&(t1, Action::AgeingTime(AgeingTime::Ms(30_000)))));
        // Acknowledgements and relayed BPDUs may wait for hold timers (up
        // to 1.25 s per hop).
        assert!(net.bridges[b].stp.topology_change_detected);
        net.run_until(t1 + 3_000);
        for x in [b, c] {
            let s = net.bridges[x].stp;
            assert!(s.topology_change, "bridge {x}");
            assert!(!s.topology_change_detected, "bridge {x}");
            assert_eq!(s.tcn_timer, None);
            assert_eq!(s.fdb_hold_time(300_000), 15_000);
        }
        net.run_until(t1 + 34_000);
        assert!(net.bridges[c].stp.topology_change);
        net.run_until(t1 + 40_000);
        for x in [r, b, c] {
            assert!(!net.bridges[x].stp.topology_change, "bridge {x}");
        }
        assert!(net.bridges[c]
            .log
            .iter()
            .any(|(_, a)| *a == Action::AgeingTime(AgeingTime::BridgeDefault)));
    }

    #[test]
    fn unacknowledged_tcn_repeats() {
        let mut net = Net::new();
        let r = net.bridge(0x1000, 1);
        let b = net.bridge(0x8000, 2);
        let l = net.link(r, b);
        // b's information must outlive the 30 s of the new port's forward
        // delays once the link goes silent.
        net.bridges[r].stp.set_max_age(40_000).unwrap();
        net.start();
        net.run_for(100_000);
        assert_eq!(net.bridges[b].stp.max_age, 40_000);
        // Lose everything from now on, carrier staying up.
        net.links[l].up = false;
        let p = net.add_port(b);
        let t0 = net.now;
        net.run_until(t0 + 30_000);
        assert_eq!(net.state(b, p), PortState::Forwarding);
        let t1 = net.now;
        let s = net.bridges[b].stp;
        assert!(s.topology_change_detected);
        assert_eq!(s.tcn_timer, Some(t1 + 2_000));
        net.run_until(t1 + 6_500);
        let tcns = net.bridges[b]
            .log
            .iter()
            .filter(|(t, a)| *t >= t1 && matches!(a, Action::SendTcn { .. }))
            .count();
        assert_eq!(tcns, 4);
    }

    #[test]
    fn hold_timer_limits_config_rate() {
        let mut stp = Stp::new();
        let mut ports = vec![StpPort::new(1, mac(1, 1), 5)];
        ports[0].link_up = true;
        let mut acts = Vec::new();
        let mut o = |a| acts.push(a);
        stp.set_enabled(0, &mut ports, true, &mut o);
        stp.recalculate_bridge_id(0, &mut ports, false, &mut o);
        stp.init_port(&mut ports, 0, &mut o);
        stp.enable_bridge(0, &mut ports, &mut o);
        stp.transmit_config(100, &mut ports, 0, &mut o);
        stp.transmit_config(200, &mut ports, 0, &mut o);
        let sends = |acts: &Vec<Action>| {
            acts.iter()
                .filter(|a| matches!(a, Action::SendConfig { .. }))
                .count()
        };
        assert_eq!(sends(&acts), 1);
        assert!(ports[0].config_pending);
        assert_eq!(ports[0].hold_timer, Some(1_000));
        stp.tick(1_000, &mut ports, &mut |a| acts.push(a));
        assert_eq!(sends(&acts), 2);
        assert!(!ports[0].config_pending);
        assert_eq!(ports[0].xstats.tx_bpdu, 2);
    }

    fn config_from(prio: u16, id: u8, age: u64) -> ConfigBpdu {
        let bid = BridgeId::new(prio, mac(id, 0));
        ConfigBpdu {
            root: bid,
            bridge_id: bid,
            port_id: 0x8001,
            message_age: age,
            max_age: 20_000,
            hello_time: 2_000,
            forward_delay: 15_000,
            ..ConfigBpdu::default()
        }
    }

    fn one_port_bridge() -> (Stp, Vec<StpPort>) {
        let mut stp = Stp::new();
        let mut ports = vec![StpPort::new(1, mac(5, 1), 5)];
        ports[0].link_up = true;
        let mut o = |_| {};
        stp.set_enabled(0, &mut ports, true, &mut o);
        stp.recalculate_bridge_id(0, &mut ports, false, &mut o);
        stp.init_port(&mut ports, 0, &mut o);
        stp.enable_bridge(0, &mut ports, &mut o);
        (stp, ports)
    }

    fn frame_of(dst: MacAddr, b: &ConfigBpdu) -> Vec<u8> {
        let mut buf = [0u8; 64];
        let n = bpdu::build_config_frame(&mut buf, dst, mac(1, 1), b).unwrap();
        buf[..n].to_vec()
    }

    #[test]
    fn receive_checks() {
        let (mut stp, mut ports) = one_port_bridge();
        let mut acts = Vec::new();
        // Wrong group address: ignored.
        let f = frame_of(
            MacAddr([0x01, 0x80, 0xc2, 0, 0, 0x0e]),
            &config_from(0x1000, 1, 0),
        );
        stp.rcv(10, &mut ports, 0, &f, &mut |a| acts.push(a));
        assert!(stp.is_root_bridge());
        assert_eq!(ports[0].xstats.rx_bpdu, 0);
        // Message age beyond max age: dropped.
        let f = frame_of(STP_GROUP_ADDR, &config_from(0x1000, 1, 20_004));
        stp.rcv(10, &mut ports, 0, &f, &mut |a| acts.push(a));
        assert!(stp.is_root_bridge());
        assert!(matches!(
            acts.last(),
            Some(Action::Log(Event::MessageAgeExceeded { .. }))
        ));
        // Equal to max age: accepted, and ages out at once.
        let f = frame_of(STP_GROUP_ADDR, &config_from(0x1000, 1, 20_000));
        stp.rcv(10, &mut ports, 0, &f, &mut |a| acts.push(a));
        assert!(!stp.is_root_bridge());
        assert_eq!(stp.root_port, 1);
        assert_eq!(ports[0].message_age_timer, Some(10));
        // A root port does not send (the bridge is not designated there),
        // and with the root port's info as old as max age nothing goes out.
        stp.tick(10, &mut ports, &mut |a| acts.push(a));
        assert!(stp.is_root_bridge());
        // A fresh superior BPDU.
        let f = frame_of(STP_GROUP_ADDR, &config_from(0x1000, 1, 1_000));
        stp.rcv(20, &mut ports, 0, &f, &mut |a| acts.push(a));
        assert_eq!(ports[0].message_age_timer, Some(19_020));
        assert_eq!(ports[0].designated_age, 20u64.wrapping_sub(1_000));
        assert_eq!(stp.root_path_cost, 5);
        // BPDU guard: any BPDU disables the port.
        ports[0].bpdu_guard = true;
        acts.clear();
        let mut tcn = [0u8; 21];
        bpdu::build_tcn_frame(&mut tcn, STP_GROUP_ADDR, mac(1, 1)).unwrap();
        stp.rcv(30, &mut ports, 0, &tcn, &mut |a| acts.push(a));
        assert_eq!(ports[0].state, PortState::Disabled);
        assert_eq!(acts[0], Action::Log(Event::BpduGuard { port: 0 }));
        assert!(acts.contains(&Action::FlushPort { port: 0 }));
        assert!(stp.is_root_bridge());
    }

    #[test]
    fn inferior_bpdu_gets_a_reply() {
        let (mut stp, mut ports) = one_port_bridge();
        let mut acts = Vec::new();
        // The hold timer of the BPDU sent on open runs out first.
        assert_eq!(ports[0].hold_timer, Some(1_000));
        stp.tick(1_500, &mut ports, &mut |a| acts.push(a));
        acts.clear();
        let f = frame_of(STP_GROUP_ADDR, &config_from(0xf000, 9, 0));
        stp.rcv(1_500, &mut ports, 0, &f, &mut |a| acts.push(a));
        assert!(stp.is_root_bridge());
        let Some(Action::SendConfig {
            bpdu,
            src,
            dst,
            port: 0,
        }) = acts.last().copied()
        else {
            panic!("{acts:?}");
        };
        assert_eq!((src, dst), (mac(5, 1), STP_GROUP_ADDR));
        assert_eq!(bpdu.root, stp.bridge_id);
        assert_eq!(bpdu.port_id, 0x8001);
        assert_eq!(bpdu.message_age, 0);
        assert_eq!(ports[0].xstats.rx_bpdu, 1);
    }

    #[test]
    fn stp_off_keeps_states_and_stops_bpdus() {
        let mut net = Net::new();
        let a = net.bridge(0x8000, 1);
        let b = net.bridge(0x8000, 2);
        net.link(a, b);
        net.link(a, b);
        net.start();
        net.run_for(40_000);
        let t0 = net.now;
        net.call(b, |s, p, o| s.set_enabled(t0, p, false, o));
        assert_eq!(net.bridges[b].stp.stp_enabled, StpEnabled::No);
        // States stay; BPDUs are no longer sent nor received.
        net.run_until(t0 + 17_000);
        assert_eq!(net.state(b, 0), PortState::Forwarding);
        assert_eq!(net.state(b, 1), PortState::Blocking);
        let now = net.now;
        net.call(b, |s, p, o| s.port_state_selection(now, p, o));
        assert_eq!(net.state(b, 1), PortState::Blocking);
        // As in the C, the recorded information still ages out: b becomes
        // root, and without STP its blocked port forwards at once.
        net.run_until(t0 + 21_000);
        assert!(net.bridges[b].stp.is_root_bridge());
        assert_eq!(net.state(b, 0), PortState::Forwarding);
        assert_eq!(net.state(b, 1), PortState::Forwarding);
        let sent_after = net.bridges[b].log.iter().any(|(t, a)| {
            *t > t0 && matches!(a, Action::SendConfig { .. } | Action::SendTcn { .. })
        });
        assert!(!sent_after);
        net.run_until(t0 + 30_000);
        // The hello timer armed on becoming root is not re-armed without
        // STP (and, as in the C, the recorded topology change flag stays).
        assert_eq!(net.bridges[b].stp.hello_timer, None);
        // STP back on: selection from the current roles.
        let now = net.now;
        net.call(b, |s, p, o| s.set_enabled(now, p, true, o));
        net.run_for(60_000);
        net.check_tree();
        assert_eq!(net.state(b, 1), PortState::Blocking);
    }

    #[test]
    fn root_block_keeps_port_from_root() {
        let mut net = Net::new();
        let a = net.bridge(0x1000, 1);
        let b = net.bridge(0x8000, 2);
        net.link(a, b);
        net.bridges[b].ports[0].root_block = true;
        net.start();
        net.run_for(40_000);
        // b never takes the superior root: it stays root itself.
        assert!(net.bridges[b].stp.is_root_bridge());
        assert!(net.bridges[b]
            .log
            .iter()
            .any(|(_, a)| *a == Action::Log(Event::RootBlocked { port: 0 })));
    }

    #[test]
    #[should_panic(expected = "forwarding loop")]
    fn checker_sees_loops_without_stp() {
        let mut net = Net::new();
        for i in 0..3 {
            let b = net.bridge(0x8000, i + 1);
            let now = net.now;
            net.call(b, |s, p, o| s.set_enabled(now, p, false, o));
        }
        net.link(0, 1);
        net.link(1, 2);
        net.link(2, 0);
        net.start();
        net.run_for(1_000);
        net.check_tree();
    }

    #[derive(Clone, Debug)]
    struct Topo {
        prios: Vec<u16>,
        tree: Vec<usize>,
        extra: Vec<(usize, usize)>,
        cut: Option<usize>,
        fail: Option<usize>,
    }

    fn topo() -> impl Strategy<Value = Topo> {
        (2usize..6).prop_flat_map(|n| {
            (
                proptest::collection::vec(
                    prop_oneof![Just(0x8000u16), Just(0x1000), Just(0x9000)],
                    n,
                ),
                proptest::collection::vec(any::<prop::sample::Index>(), n - 1),
                proptest::collection::vec((0..n, 0..n), 0..5),
                proptest::option::of(0usize..10),
                proptest::option::of(0..n),
            )
                .prop_map(|(prios, tree, extra, cut, fail)| Topo {
                    tree: tree
                        .iter()
                        .enumerate()
                        .map(|(i, x)| x.index(i + 1))
                        .collect(),
                    prios,
                    extra: extra.into_iter().filter(|(a, b)| a != b).collect(),
                    cut,
                    fail,
                })
        })
    }

    fn build(t: &Topo) -> Net {
        let mut net = Net::new();
        for (i, &p) in t.prios.iter().enumerate() {
            net.bridge(p, i as u8 + 1);
        }
        for (i, &parent) in t.tree.iter().enumerate() {
            net.link(i + 1, parent);
        }
        for &(a, b) in &t.extra {
            net.link(a, b);
        }
        net.start();
        net
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn random_topologies_converge(t in topo()) {
            let mut net = build(&t);
            net.run_for(80_000);
            net.check_tree();
            // Every bridge agrees on the single lowest bridge.
            let root = net.bridges.iter().map(|b| b.stp.bridge_id).min().unwrap();
            for b in &net.bridges {
                prop_assert_eq!(b.stp.designated_root, root);
            }
            if let Some(c) = t.cut {
                if let Some(c) = c.checked_rem(net.links.len()) {
                    net.cut(c);
                }
            }
            if let Some(f) = t.fail {
                let now = net.now;
                net.call(f, |s, p, o| s.disable_bridge(now, p, o));
            }
            net.run_for(100_000);
            net.check_tree();
        }
    }
}
