// SPDX-License-Identifier: GPL-2.0

//! IEEE 802.3ad link aggregation (LACP), ported from
//! `drivers/net/bonding/bond_3ad.c`: the LACPDU and marker PDU formats, the
//! per-port receive, periodic, selection, mux, transmit and churn machines,
//! aggregator selection (`ad_select`) and the bond carrier (`min_links`).
//!
//! # Data model
//!
//! The driver keeps one [`AdSlave`] per enslaved device, in a slice in the
//! bond's slave order (C: the bond's slave list). Each `AdSlave` owns one
//! [`Port`] and one [`Aggregator`], as `struct ad_slave_info` does. The C
//! pointers become stable numbers, never slice indices:
//!
//! * a port names its aggregator by [`Aggregator::aggregator_identifier`]
//!   ([`Port::aggregator`]);
//! * an aggregator's port list ([`Aggregator::lag_ports`],
//!   [`Port::next_port_in_aggregator`]) names ports by
//!   [`Port::actor_port_number`], which is the slave's [`AdSlave::id`].
//!
//! So the driver may remove an element from the middle of its slice (after
//! [`Bond3ad::unbind_slave`]) and close the gap, keeping the others in
//! order: nothing here stores an index. The `slave` numbers in [`Action`]s
//! are indices into the slice passed to the call that emitted them.
//!
//! # Locking
//!
//! Nothing here locks. The driver calls every method of [`Bond3ad`] with
//! the bond's own lock held (C: `bond->mode_lock`), so ticks, received
//! PDUs, link changes and option changes never run concurrently.
//!
//! # Driver protocol
//!
//! * Enslave: set [`Bond3ad::dev_addr`] to the bond's address, append
//!   [`AdSlave::new`] to the slice and call [`Bond3ad::bind_slave`].
//! * Open: [`Bond3ad::initiate_agg_selection`]`(1)`, then
//!   [`Bond3ad::tick`] every [`AD_TIMER_INTERVAL_MS`] until the bond
//!   closes; join [`LACPDU_MCAST_ADDR`] on every slave.
//! * Receive handler: [`Bond3ad::rx_lacpdu`]; free the frame on
//!   [`RxResult::Consumed`].
//! * Link monitor: [`Bond3ad::link_changed`] on a link change,
//!   [`Bond3ad::speed_duplex_changed`] on a new speed or duplex alone.
//! * Release: [`Bond3ad::unbind_slave`], then remove the element.
//! * Options: change [`Bond3ad::params`], then the matching `update_*`.
//! * Every call reports [`Action`]s through its `out` callback, while the
//!   slice is borrowed: the driver records or performs them (transmits may
//!   be queued) and does the notifications outside its lock.

use super::super::ether::{MacAddr, ETH_ALEN};

/// EtherType of the IEEE Slow Protocols (LACP and marker): `ETH_P_SLOW`.
pub const ETH_P_SLOW: u16 = 0x8809;
/// Destination address of LACPDUs and marker PDUs (`lacpdu_mcast_addr`).
pub const LACPDU_MCAST_ADDR: MacAddr = MacAddr([0x01, 0x80, 0xC2, 0x00, 0x00, 0x02]);
/// Length of an Ethernet header.
const ETH_HLEN: usize = 14;
/// Length of a LACPDU after the Ethernet header (`sizeof(struct lacpdu)`).
pub const LACPDU_LEN: usize = 110;
/// Length of a whole LACPDU frame (`sizeof(struct lacpdu_header)`).
pub const LACPDU_FRAME_LEN: usize = ETH_HLEN + LACPDU_LEN;
/// Length of a marker PDU after the Ethernet header
/// (`sizeof(struct bond_marker)`).
pub const MARKER_LEN: usize = 110;
/// Length of a whole marker frame (`sizeof(struct bond_marker_header)`).
pub const MARKER_FRAME_LEN: usize = ETH_HLEN + MARKER_LEN;

/// Interval between two calls of [`Bond3ad::tick`], in milliseconds
/// (`AD_TIMER_INTERVAL`).
pub const AD_TIMER_INTERVAL_MS: u32 = 100;
/// Ticks per second (`ad_ticks_per_sec`).
pub const AD_TICKS_PER_SEC: u16 = 10;
/// Seconds to wait for LACP handshakes before the first aggregator
/// selection after the first slave is bound (`AD_AGGREGATOR_SELECTION_TIMER`).
pub const AD_AGGREGATOR_SELECTION_TIMER: u32 = 8;
/// `SPEED_UNKNOWN` of ethtool, for [`AdSlave::speed_mbps`].
pub const SPEED_UNKNOWN: u32 = u32::MAX;

/// Port state bit: LACP is active (sends periodically).
pub const LACP_STATE_LACP_ACTIVITY: u8 = 0x1;
/// Port state bit: short (fast) timeout.
pub const LACP_STATE_LACP_TIMEOUT: u8 = 0x2;
/// Port state bit: the link may be aggregated.
pub const LACP_STATE_AGGREGATION: u8 = 0x4;
/// Port state bit: in synchronization.
pub const LACP_STATE_SYNCHRONIZATION: u8 = 0x8;
/// Port state bit: collecting.
pub const LACP_STATE_COLLECTING: u8 = 0x10;
/// Port state bit: distributing.
pub const LACP_STATE_DISTRIBUTING: u8 = 0x20;
/// Port state bit: the partner information is the administrative default.
pub const LACP_STATE_DEFAULTED: u8 = 0x40;
/// Port state bit: the receive machine is in the EXPIRED state.
pub const LACP_STATE_EXPIRED: u8 = 0x80;

const AD_SHORT_TIMEOUT: bool = true;
const AD_MAX_TX_IN_SECOND: u16 = 3;
const AD_COLLECTOR_MAX_DELAY: u16 = 0;
const AD_FAST_PERIODIC_TIME: u16 = 1;
const AD_SLOW_PERIODIC_TIME: u16 = 30;
const AD_SHORT_TIMEOUT_TIME: u16 = 3 * AD_FAST_PERIODIC_TIME;
const AD_LONG_TIMEOUT_TIME: u16 = 3 * AD_SLOW_PERIODIC_TIME;
const AD_CHURN_DETECTION_TIME: u16 = 60;
const AD_AGGREGATE_WAIT_TIME: u16 = 2;

/// `sm_vars` bit: the port is (re)initialized.
pub const AD_PORT_BEGIN: u16 = 0x1;
/// `sm_vars` bit: LACP is enabled on the port (it is full duplex).
pub const AD_PORT_LACP_ENABLED: u16 = 0x2;
/// `sm_vars` bit: actor churn.
pub const AD_PORT_ACTOR_CHURN: u16 = 0x4;
/// `sm_vars` bit: partner churn.
pub const AD_PORT_PARTNER_CHURN: u16 = 0x8;
/// `sm_vars` bit: all ports of the aggregator are ready.
pub const AD_PORT_READY: u16 = 0x10;
/// `sm_vars` bit: this port's wait_while timer expired.
pub const AD_PORT_READY_N: u16 = 0x20;
/// `sm_vars` bit: the partner's view of this port matches ours.
pub const AD_PORT_MATCHED: u16 = 0x40;
/// `sm_vars` bit: standby.
pub const AD_PORT_STANDBY: u16 = 0x80;
/// `sm_vars` bit: the port is attached to a suitable aggregator.
pub const AD_PORT_SELECTED: u16 = 0x100;
/// `sm_vars` bit: moved.
pub const AD_PORT_MOVED: u16 = 0x200;
const AD_PORT_CHURNED: u16 = AD_PORT_ACTOR_CHURN | AD_PORT_PARTNER_CHURN;

/// Port key bit: full duplex.
pub const AD_DUPLEX_KEY_MASKS: u16 = 0x1;
/// Port key bits: the speed code (`ad_link_speed_type`) shifted left by 1.
pub const AD_SPEED_KEY_MASKS: u16 = 0x3E;
/// Port key bits: the user key (`ad_user_port_key`) shifted left by 6.
pub const AD_USER_KEY_MASKS: u16 = 0xFFC0;

/// Speed codes of the port key (`enum ad_link_speed_type`) and the speed in
/// Mbps they stand for; the code of a speed is its position plus 1.
const AD_LINK_SPEEDS: [u32; 19] = [
    1, 10, 100, 1000, 2500, 5000, 10000, 14000, 20000, 25000, 40000, 50000, 56000, 80000, 100000,
    200000, 400000, 800000, 1600000,
];

/// The aggregator selection policy (`ad_select`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum AdSelect {
    /// Largest bandwidth; reselect only when the active one fails (0).
    #[default]
    Stable,
    /// Largest bandwidth, reselected on every change (1).
    Bandwidth,
    /// Most ports, reselected on every change (2).
    Count,
    /// Largest sum of actor port priorities (3, `actor_port_prio`).
    Prio,
}

impl AdSelect {
    /// The policy of the numeric option value, if valid.
    pub fn from_u8(v: u8) -> Option<AdSelect> {
        match v {
            0 => Some(AdSelect::Stable),
            1 => Some(AdSelect::Bandwidth),
            2 => Some(AdSelect::Count),
            3 => Some(AdSelect::Prio),
            _ => None,
        }
    }
}

/// The bond options the 802.3ad code reads (`struct bond_params`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct AdParams {
    /// `lacp_rate fast`: ask the partner for a LACPDU every second.
    pub lacp_fast: bool,
    /// `lacp_active`: send LACPDUs periodically (default on).
    pub lacp_active: bool,
    /// `ad_select`.
    pub ad_select: AdSelect,
    /// `coupled_control` (default on): one COLLECTING_DISTRIBUTING state.
    pub coupled_control: bool,
    /// `min_links`: ports needed in the active aggregator for carrier.
    pub min_links: u32,
    /// `lacp_strict`: count only collecting+distributing ports for carrier.
    pub lacp_strict: bool,
    /// `all_slaves_active`: disabled ports still deliver received frames.
    pub all_slaves_active: bool,
    /// `broadcast_neighbor`: ask for a peer notification on enable.
    pub broadcast_neighbor: bool,
    /// `ad_actor_sys_prio` (default 65535).
    pub ad_actor_sys_prio: u16,
    /// `ad_actor_system`; zero means the bond's own address.
    pub ad_actor_system: MacAddr,
    /// `ad_user_port_key` (0..=1023).
    pub ad_user_port_key: u16,
}

impl Default for AdParams {
    fn default() -> Self {
        AdParams {
            lacp_fast: false,
            lacp_active: true,
            ad_select: AdSelect::Stable,
            coupled_control: true,
            min_links: 0,
            lacp_strict: false,
            all_slaves_active: false,
            broadcast_neighbor: false,
            ad_actor_sys_prio: 0xffff,
            ad_actor_system: MacAddr::ZERO,
            ad_user_port_key: 0,
        }
    }
}

/// One side's information in a LACPDU, and a port's partner parameters
/// (`struct port_params`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct PortParams {
    /// System id (MAC address).
    pub system: MacAddr,
    /// System priority.
    pub system_priority: u16,
    /// Port key.
    pub key: u16,
    /// Port number.
    pub port_number: u16,
    /// Port priority.
    pub port_priority: u16,
    /// Port state (`LACP_STATE_*` bits).
    pub port_state: u8,
}

/// The partner defaults of `ad_initialize_port()`.
const PARTNER_DEFAULTS: PortParams = PortParams {
    system: MacAddr::ZERO,
    system_priority: 0xffff,
    key: 1,
    port_number: 1,
    port_priority: 0xff,
    port_state: 0,
};

impl PortParams {
    /// The fields `__update_selected()` and `__update_default_selected()`
    /// compare: all but the state, of which only the aggregation bit.
    fn same_selection(&self, other: &PortParams) -> bool {
        self.port_number == other.port_number
            && self.port_priority == other.port_priority
            && self.system == other.system
            && self.system_priority == other.system_priority
            && self.key == other.key
            && (self.port_state & LACP_STATE_AGGREGATION)
                == (other.port_state & LACP_STATE_AGGREGATION)
    }
}

/// Sequential writer into a byte slice; remembers whether all fit.
struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
    ok: bool,
}

impl<'a> Writer<'a> {
    fn new(buf: &'a mut [u8]) -> Self {
        Writer {
            buf,
            pos: 0,
            ok: true,
        }
    }

    fn put(&mut self, bytes: &[u8]) {
        // The destination is cut to the source's length, so the copy has
        // no length-mismatch path.
        let dst = self
            .buf
            .get_mut(self.pos..)
            .and_then(|rest| rest.get_mut(..bytes.len()));
        match dst {
            Some(dst) => dst.copy_from_slice(bytes),
            None => self.ok = false,
        }
        self.pos = self.pos.saturating_add(bytes.len());
    }

    fn u8(&mut self, v: u8) {
        self.put(&[v]);
    }

    fn u16(&mut self, v: u16) {
        self.put(&v.to_be_bytes());
    }

    fn zeros(&mut self, n: usize) {
        for _ in 0..n {
            self.u8(0);
        }
    }

    fn done(self) -> Option<usize> {
        self.ok.then_some(self.pos)
    }
}

/// Sequential reader of a byte slice.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }

    fn mac(&mut self) -> Option<MacAddr> {
        MacAddr::from_slice(self.take(ETH_ALEN)?)
    }
}

/// A LACPDU (`struct lacpdu`): the fields that are not constant.
///
/// On the wire: subtype, version, actor TLV (type 1, length 20), partner
/// TLV (type 2, length 20), collector TLV (type 3, length 16), terminator
/// TLV and 50 reserved bytes, 110 bytes in all; multi-byte fields are big
/// endian.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Lacpdu {
    /// Slow protocol subtype: 1 for LACP.
    pub subtype: u8,
    /// Version number: 1.
    pub version_number: u8,
    /// The sender's own information.
    pub actor: PortParams,
    /// The sender's view of its partner.
    pub partner: PortParams,
    /// Collector max delay, in tens of microseconds.
    pub collector_max_delay: u16,
}

impl Lacpdu {
    /// Reads a LACPDU from the payload after the Ethernet header; `None` if
    /// it is shorter than [`LACPDU_LEN`]. Like bond_3ad, it checks neither
    /// the version nor the TLV types and lengths.
    pub fn parse(payload: &[u8]) -> Option<Lacpdu> {
        let mut r = Reader {
            buf: payload.get(..LACPDU_LEN)?,
            pos: 0,
        };
        let subtype = r.u8()?;
        let version_number = r.u8()?;
        r.take(2)?;
        let actor = Self::parse_info(&mut r)?;
        r.take(2)?;
        let partner = Self::parse_info(&mut r)?;
        r.take(2)?;
        let collector_max_delay = r.u16()?;
        Some(Lacpdu {
            subtype,
            version_number,
            actor,
            partner,
            collector_max_delay,
        })
    }

    fn parse_info(r: &mut Reader<'_>) -> Option<PortParams> {
        let system_priority = r.u16()?;
        let system = r.mac()?;
        let key = r.u16()?;
        let port_priority = r.u16()?;
        let port_number = r.u16()?;
        let port_state = r.u8()?;
        r.take(3)?;
        Some(PortParams {
            system,
            system_priority,
            key,
            port_number,
            port_priority,
            port_state,
        })
    }

    fn write_info(w: &mut Writer<'_>, tlv: u8, p: &PortParams) {
        w.u8(tlv);
        w.u8(0x14);
        w.u16(p.system_priority);
        w.put(&p.system.0);
        w.u16(p.key);
        w.u16(p.port_priority);
        w.u16(p.port_number);
        w.u8(p.port_state);
        w.zeros(3);
    }

    /// Writes the [`LACPDU_LEN`] bytes of the PDU (no Ethernet header) to
    /// the start of `buf`; `None` if it does not fit.
    pub fn write(&self, buf: &mut [u8]) -> Option<usize> {
        let mut w = Writer::new(buf.get_mut(..LACPDU_LEN)?);
        w.u8(self.subtype);
        w.u8(self.version_number);
        Self::write_info(&mut w, 0x01, &self.actor);
        Self::write_info(&mut w, 0x02, &self.partner);
        w.u8(0x03);
        w.u8(0x10);
        w.u16(self.collector_max_delay);
        w.zeros(12);
        w.u8(0);
        w.u8(0);
        w.zeros(50);
        w.done()
    }
}

fn write_eth_header(w: &mut Writer<'_>, src: MacAddr) {
    w.put(&LACPDU_MCAST_ADDR.0);
    w.put(&src.0);
    w.u16(ETH_P_SLOW);
}

/// Writes a whole LACPDU frame as `ad_lacpdu_send()` does: destination
/// [`LACPDU_MCAST_ADDR`], source `src` (the slave's permanent address,
/// which bond_3ad uses, not its current one), EtherType [`ETH_P_SLOW`].
/// Returns the length ([`LACPDU_FRAME_LEN`]) or `None` if `buf` is short.
pub fn build_lacpdu_frame(buf: &mut [u8], src: MacAddr, pdu: &Lacpdu) -> Option<usize> {
    let (hdr, rest) = buf.split_at_mut_checked(ETH_HLEN)?;
    let mut w = Writer::new(hdr);
    write_eth_header(&mut w, src);
    w.done()?;
    pdu.write(rest)?;
    Some(LACPDU_FRAME_LEN)
}

/// Marker TLV type: marker information (`AD_MARKER_INFORMATION_SUBTYPE`).
pub const AD_MARKER_INFORMATION_SUBTYPE: u8 = 1;
/// Marker TLV type: marker response (`AD_MARKER_RESPONSE_SUBTYPE`).
pub const AD_MARKER_RESPONSE_SUBTYPE: u8 = 2;
/// Slow protocol subtype of LACP (`AD_TYPE_LACPDU`).
pub const AD_TYPE_LACPDU: u8 = 1;
/// Slow protocol subtype of the marker protocol (`AD_TYPE_MARKER`).
pub const AD_TYPE_MARKER: u8 = 2;

/// A marker PDU (`struct bond_marker`), kept as its raw bytes: bond_3ad
/// answers a marker information PDU with a byte copy of it whose TLV type
/// is changed to response.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct MarkerPdu(pub [u8; MARKER_LEN]);

impl MarkerPdu {
    /// Takes the first [`MARKER_LEN`] bytes of `payload`.
    pub fn parse(payload: &[u8]) -> Option<MarkerPdu> {
        Some(MarkerPdu(payload.get(..MARKER_LEN)?.try_into().ok()?))
    }

    /// Slow protocol subtype (2).
    pub fn subtype(&self) -> u8 {
        let [subtype, ..] = self.0;
        subtype
    }

    /// TLV type: [`AD_MARKER_INFORMATION_SUBTYPE`] or
    /// [`AD_MARKER_RESPONSE_SUBTYPE`].
    pub fn tlv_type(&self) -> u8 {
        let [_, _, tlv_type, ..] = self.0;
        tlv_type
    }

    /// Requester port, as big endian on the wire.
    pub fn requester_port(&self) -> u16 {
        let [_, _, _, _, a, b, ..] = self.0;
        u16::from_be_bytes([a, b])
    }

    /// Requester system.
    pub fn requester_system(&self) -> MacAddr {
        let [_, _, _, _, _, _, a, b, c, d, e, f, ..] = self.0;
        MacAddr([a, b, c, d, e, f])
    }

    /// Requester transaction id, as big endian on the wire.
    pub fn requester_transaction_id(&self) -> u32 {
        let [_, _, _, _, _, _, _, _, _, _, _, _, a, b, c, d, ..] = self.0;
        u32::from_be_bytes([a, b, c, d])
    }

    /// The response to this marker (`ad_marker_info_received()`).
    pub fn response(&self) -> MarkerPdu {
        let mut r = *self;
        let [_, _, tlv_type, ..] = &mut r.0;
        *tlv_type = AD_MARKER_RESPONSE_SUBTYPE;
        r
    }
}

/// Writes a whole marker frame as `ad_marker_send()` does (source: the
/// slave's permanent address). Returns [`MARKER_FRAME_LEN`] or `None`.
pub fn build_marker_frame(buf: &mut [u8], src: MacAddr, pdu: &MarkerPdu) -> Option<usize> {
    let mut w = Writer::new(buf.get_mut(..MARKER_FRAME_LEN)?);
    write_eth_header(&mut w, src);
    w.put(&pdu.0);
    w.done()
}

/// Receive machine states (43.4.11, `rx_states_t`); `as u8` gives the C
/// value.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[repr(u8)]
pub enum RxState {
    /// Not yet run.
    #[default]
    Dummy,
    /// INITIALIZE.
    Initialize,
    /// PORT_DISABLED.
    PortDisabled,
    /// LACP_DISABLED.
    LacpDisabled,
    /// EXPIRED.
    Expired,
    /// DEFAULTED.
    Defaulted,
    /// CURRENT.
    Current,
}

/// Periodic transmission machine states (43.4.12, `periodic_states_t`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[repr(u8)]
pub enum PeriodicState {
    /// Not yet run.
    #[default]
    Dummy,
    /// NO_PERIODIC.
    NoPeriodic,
    /// FAST_PERIODIC.
    FastPeriodic,
    /// SLOW_PERIODIC.
    SlowPeriodic,
    /// PERIODIC_TX.
    PeriodicTx,
}

/// Mux machine states (43.4.13, `mux_states_t`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[repr(u8)]
pub enum MuxState {
    /// Not yet run.
    #[default]
    Dummy,
    /// DETACHED.
    Detached,
    /// WAITING.
    Waiting,
    /// ATTACHED.
    Attached,
    /// COLLECTING (independent control).
    Collecting,
    /// DISTRIBUTING (independent control).
    Distributing,
    /// COLLECTING_DISTRIBUTING (coupled control).
    CollectingDistributing,
}

/// Churn detection machine states (43.4.17, `churn_state_t`); `as u8`
/// gives the value netlink reports.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[repr(u8)]
pub enum ChurnState {
    /// Monitoring for churn.
    #[default]
    Monitor,
    /// Churn detected.
    Churn,
    /// No churn.
    NoChurn,
}

impl ChurnState {
    /// The text `/proc/net/bonding` shows (`bond_3ad_churn_desc()`).
    pub fn desc(self) -> &'static str {
        match self {
            ChurnState::Monitor => "monitoring",
            ChurnState::Churn => "churned",
            ChurnState::NoChurn => "none",
        }
    }
}

/// LACP counters (`struct bond_3ad_stats`), per slave and per bond.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct AdStats {
    /// LACPDUs received.
    pub lacpdu_rx: u64,
    /// LACPDUs sent.
    pub lacpdu_tx: u64,
    /// Slow protocol frames of an unknown subtype received.
    pub lacpdu_unknown_rx: u64,
    /// Too short slow protocol frames received.
    pub lacpdu_illegal_rx: u64,
    /// Marker information PDUs received.
    pub marker_rx: u64,
    /// Marker information PDUs sent.
    pub marker_tx: u64,
    /// Marker responses received.
    pub marker_resp_rx: u64,
    /// Marker responses sent.
    pub marker_resp_tx: u64,
    /// Marker PDUs of an unknown TLV type received.
    pub marker_unknown_rx: u64,
}

/// An 802.3ad port (43.4.6, `struct port`). The driver only reads it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Port {
    /// Port number: the slave's [`AdSlave::id`].
    pub actor_port_number: u16,
    /// Port priority (`actor_port_prio`).
    pub actor_port_priority: u16,
    /// Our system id.
    pub actor_system: MacAddr,
    /// Our system priority.
    pub actor_system_priority: u16,
    /// Identifier of the aggregator the port is attached to, or 0.
    pub actor_port_aggregator_identifier: u16,
    /// Need to transmit.
    pub ntt: bool,
    /// Administrative key.
    pub actor_admin_port_key: u16,
    /// Operational key: user key, speed code and duplex bit.
    pub actor_oper_port_key: u16,
    /// Administrative state.
    pub actor_admin_port_state: u8,
    /// Operational state (`LACP_STATE_*`), sent as the actor state.
    pub actor_oper_port_state: u8,
    /// Partner defaults.
    pub partner_admin: PortParams,
    /// Partner as last heard (or the defaults).
    pub partner_oper: PortParams,
    /// The port's link is up.
    pub is_enabled: bool,
    /// State machine variables (`AD_PORT_*` bits).
    pub sm_vars: u16,
    /// Receive machine state.
    pub sm_rx_state: RxState,
    /// current_while timer, in ticks.
    pub sm_rx_timer_counter: u16,
    /// Periodic machine state.
    pub sm_periodic_state: PeriodicState,
    /// Periodic timer, in ticks.
    pub sm_periodic_timer_counter: u16,
    /// Mux machine state.
    pub sm_mux_state: MuxState,
    /// wait_while timer, in ticks.
    pub sm_mux_timer_counter: u16,
    /// Transmit rate limit timer, in ticks.
    pub sm_tx_timer_counter: u16,
    /// Actor churn timer, in ticks.
    pub sm_churn_actor_timer_counter: u16,
    /// Partner churn timer, in ticks.
    pub sm_churn_partner_timer_counter: u16,
    /// Number of actor churns detected.
    pub churn_actor_count: u32,
    /// Number of partner churns detected.
    pub churn_partner_count: u32,
    /// Actor churn state.
    pub sm_churn_actor_state: ChurnState,
    /// Partner churn state.
    pub sm_churn_partner_state: ChurnState,
    /// The port is bound (C: `port->slave != NULL`).
    pub initialized: bool,
    /// The aggregator the port is attached to, by
    /// [`Aggregator::aggregator_identifier`].
    pub aggregator: Option<u16>,
    /// Next port of the aggregator's list, by port number.
    pub next_port_in_aggregator: Option<u16>,
    /// Marker transaction id (unused, as in bond_3ad).
    pub transaction_id: u32,
}

impl Default for Port {
    fn default() -> Self {
        Port {
            actor_port_number: 0,
            actor_port_priority: 0,
            actor_system: MacAddr::ZERO,
            actor_system_priority: 0,
            actor_port_aggregator_identifier: 0,
            ntt: false,
            actor_admin_port_key: 0,
            actor_oper_port_key: 0,
            actor_admin_port_state: 0,
            actor_oper_port_state: 0,
            partner_admin: PortParams::default(),
            partner_oper: PortParams::default(),
            is_enabled: false,
            sm_vars: 0,
            sm_rx_state: RxState::Dummy,
            sm_rx_timer_counter: 0,
            sm_periodic_state: PeriodicState::Dummy,
            sm_periodic_timer_counter: 0,
            sm_mux_state: MuxState::Dummy,
            sm_mux_timer_counter: 0,
            sm_tx_timer_counter: 0,
            sm_churn_actor_timer_counter: 0,
            sm_churn_partner_timer_counter: 0,
            churn_actor_count: 0,
            churn_partner_count: 0,
            sm_churn_actor_state: ChurnState::Monitor,
            sm_churn_partner_state: ChurnState::Monitor,
            initialized: false,
            aggregator: None,
            next_port_in_aggregator: None,
            transaction_id: 0,
        }
    }
}

impl Port {
    /// The LACPDU this port sends now (`__update_lacpdu_from_port()` on the
    /// template of `ad_initialize_port()`).
    pub fn lacpdu(&self) -> Lacpdu {
        Lacpdu {
            subtype: AD_TYPE_LACPDU,
            version_number: 0x01,
            actor: PortParams {
                system: self.actor_system,
                system_priority: self.actor_system_priority,
                key: self.actor_oper_port_key,
                port_number: self.actor_port_number,
                port_priority: self.actor_port_priority,
                port_state: self.actor_oper_port_state,
            },
            partner: self.partner_oper,
            collector_max_delay: AD_COLLECTOR_MAX_DELAY,
        }
    }

    fn vars(&self, bits: u16) -> bool {
        self.sm_vars & bits != 0
    }

    fn actor(&self, bits: u8) -> bool {
        self.actor_oper_port_state & bits != 0
    }

    fn partner(&self, bits: u8) -> bool {
        self.partner_oper.port_state & bits != 0
    }

    /// `__choose_matched()`.
    fn choose_matched(&mut self, pdu: &Lacpdu) {
        let p = &pdu.partner;
        if (p.port_number == self.actor_port_number
            && p.port_priority == self.actor_port_priority
            && p.system == self.actor_system
            && p.system_priority == self.actor_system_priority
            && p.key == self.actor_oper_port_key
            && (p.port_state & LACP_STATE_AGGREGATION)
                == (self.actor_oper_port_state & LACP_STATE_AGGREGATION))
            || pdu.actor.port_state & LACP_STATE_AGGREGATION == 0
        {
            self.sm_vars |= AD_PORT_MATCHED;
        } else {
            self.sm_vars &= !AD_PORT_MATCHED;
        }
    }

    /// `__record_pdu()`.
    fn record_pdu(&mut self, pdu: &Lacpdu) {
        self.choose_matched(pdu);
        self.partner_oper = pdu.actor;
        self.actor_oper_port_state &= !LACP_STATE_DEFAULTED;
        if self.vars(AD_PORT_MATCHED) && pdu.actor.port_state & LACP_STATE_SYNCHRONIZATION != 0 {
            self.partner_oper.port_state |= LACP_STATE_SYNCHRONIZATION;
        } else {
            self.partner_oper.port_state &= !LACP_STATE_SYNCHRONIZATION;
        }
    }

    /// `__record_default()`.
    fn record_default(&mut self) {
        self.partner_oper = self.partner_admin;
        self.actor_oper_port_state |= LACP_STATE_DEFAULTED;
    }

    /// `__update_selected()`.
    fn update_selected(&mut self, pdu: &Lacpdu) {
        if !pdu.actor.same_selection(&self.partner_oper) {
            self.sm_vars &= !AD_PORT_SELECTED;
        }
    }

    /// `__update_default_selected()`.
    fn update_default_selected(&mut self) {
        if !self.partner_admin.same_selection(&self.partner_oper) {
            self.sm_vars &= !AD_PORT_SELECTED;
        }
    }

    /// `__update_ntt()`.
    fn update_ntt(&mut self, pdu: &Lacpdu) {
        const BITS: u8 = LACP_STATE_LACP_ACTIVITY
            | LACP_STATE_LACP_TIMEOUT
            | LACP_STATE_SYNCHRONIZATION
            | LACP_STATE_AGGREGATION;
        let p = &pdu.partner;
        if p.port_number != self.actor_port_number
            || p.port_priority != self.actor_port_priority
            || p.system != self.actor_system
            || p.system_priority != self.actor_system_priority
            || p.key != self.actor_oper_port_key
            || (p.port_state & BITS) != (self.actor_oper_port_state & BITS)
        {
            self.ntt = true;
        }
    }
}

/// An aggregator (43.4.5, `struct aggregator`). The driver only reads it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Aggregator {
    /// The bond's address when the slave was bound.
    pub aggregator_mac_address: MacAddr,
    /// Identifier, unique in the bond (1, 2, ... in bind order).
    pub aggregator_identifier: u16,
    /// The aggregator holds an individual (half duplex) link.
    pub is_individual: bool,
    /// Administrative key.
    pub actor_admin_aggregator_key: u16,
    /// Operational key.
    pub actor_oper_aggregator_key: u16,
    /// Partner system id (zero: no partner answered).
    pub partner_system: MacAddr,
    /// Partner system priority.
    pub partner_system_priority: u16,
    /// Partner key.
    pub partner_oper_aggregator_key: u16,
    /// Receive state.
    pub receive_state: bool,
    /// Transmit state.
    pub transmit_state: bool,
    /// First port of the list, by port number.
    pub lag_ports: Option<u16>,
    /// The slave is bound (C: `aggregator->slave != NULL`).
    pub initialized: bool,
    /// This is the bond's active aggregator.
    pub is_active: bool,
    /// Number of ports on the list.
    pub num_of_ports: u16,
}

impl Aggregator {
    /// `__agg_has_partner()`.
    pub fn has_partner(&self) -> bool {
        !self.partner_system.is_zero()
    }

    /// `ad_clear_agg()`.
    fn clear(&mut self) {
        self.is_individual = false;
        self.actor_admin_aggregator_key = 0;
        self.actor_oper_aggregator_key = 0;
        self.partner_system = MacAddr::ZERO;
        self.partner_system_priority = 0;
        self.partner_oper_aggregator_key = 0;
        self.receive_state = false;
        self.transmit_state = false;
        self.lag_ports = None;
        self.is_active = false;
        self.num_of_ports = 0;
    }
}

/// The bond's flags of a slave that 802.3ad changes (`struct slave`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SlaveFlags {
    /// `slave->backup`: the slave may not transmit (not "active").
    pub backup: bool,
    /// `slave->inactive`: received frames are not delivered (unless
    /// `all_slaves_active`).
    pub inactive: bool,
    /// `slave->rx_disabled`: the slave does not collect.
    pub rx_disabled: bool,
}

/// The 802.3ad state of one slave (`struct ad_slave_info`) plus the slave
/// properties bond_3ad reads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct AdSlave {
    /// The port.
    pub port: Port,
    /// The slave's own aggregator.
    pub aggregator: Aggregator,
    /// The slave's 802.3ad id and port number (set by
    /// [`Bond3ad::bind_slave`]).
    pub id: u16,
    /// The port priority (`actor_port_prio`); set with
    /// [`Bond3ad::set_port_priority`].
    pub port_priority: u16,
    /// Counters.
    pub stats: AdStats,
    /// The slave's permanent address, the source of its PDUs.
    pub perm_hwaddr: MacAddr,
    /// `slave->link == BOND_LINK_UP`.
    pub link_up: bool,
    /// `netif_running() && netif_carrier_ok()` of the slave device.
    pub dev_up: bool,
    /// Speed in Mbps, or [`SPEED_UNKNOWN`].
    pub speed_mbps: u32,
    /// Full duplex.
    pub duplex_full: bool,
    /// The flags the bond uses for transmit and receive; every change is
    /// also reported as [`Action::SlaveFlags`].
    pub flags: SlaveFlags,
}

impl AdSlave {
    /// A slave about to be bound: its permanent address, its link state
    /// (`slave->link == BOND_LINK_UP`, taken as the device state too),
    /// speed and duplex. Its flags start clear; [`Bond3ad::bind_slave`]
    /// makes them inactive, as `bond_enslave()` does.
    pub fn new(perm_hwaddr: MacAddr, link_up: bool, speed_mbps: u32, duplex_full: bool) -> Self {
        AdSlave {
            port: Port::default(),
            aggregator: Aggregator::default(),
            id: 0,
            port_priority: 0,
            stats: AdStats::default(),
            perm_hwaddr,
            link_up,
            dev_up: link_up,
            speed_mbps,
            duplex_full,
            flags: SlaveFlags::default(),
        }
    }

    /// Identifier of the aggregator the port is attached to; the slave may
    /// transmit for the bond if it equals the active one's
    /// ([`AdInfo::aggregator_id`]) and it is not `backup`
    /// (`bond_update_slave_arr()`).
    pub fn aggregator_id(&self) -> Option<u16> {
        self.port.aggregator
    }

    /// `__get_link_speed()`: the speed code of the port key.
    fn link_speed(&self) -> u16 {
        if !self.link_up {
            return 0;
        }
        match AD_LINK_SPEEDS
            .iter()
            .skip(1)
            .position(|&s| s == self.speed_mbps)
        {
            Some(p) => (p + 2) as u16,
            None => 0,
        }
    }

    /// `__get_duplex()`.
    fn duplex(&self) -> u16 {
        u16::from(self.link_up && self.duplex_full)
    }

    /// `ad_update_actor_keys()`.
    fn update_actor_keys(&mut self, reset: bool) {
        let mut duplex = 0;
        let mut ospeed = 0;
        let mut speed = 0;
        let old_oper_key = self.port.actor_oper_port_key;
        self.port.actor_admin_port_key &= !(AD_SPEED_KEY_MASKS | AD_DUPLEX_KEY_MASKS);
        if !reset {
            speed = self.link_speed();
            ospeed = (old_oper_key & AD_SPEED_KEY_MASKS) >> 1;
            duplex = self.duplex();
            self.port.actor_admin_port_key |= (speed << 1) | duplex;
        }
        self.port.actor_oper_port_key = self.port.actor_admin_port_key;
        if old_oper_key != self.port.actor_oper_port_key {
            if duplex != 0 {
                self.port.sm_vars |= AD_PORT_LACP_ENABLED;
            } else {
                self.port.sm_vars &= !AD_PORT_LACP_ENABLED;
            }
            if !reset && speed != 0 && duplex != 0 && ospeed != speed {
                self.port.sm_vars |= AD_PORT_BEGIN;
            }
        }
    }
}

/// The bond's 802.3ad system (`struct ad_system`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct AdSystem {
    /// System priority.
    pub sys_priority: u16,
    /// System id.
    pub sys_mac_addr: MacAddr,
}

/// The active aggregator, for `/proc/net/bonding` and `ip -d link`
/// (`struct ad_info`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct AdInfo {
    /// Aggregator identifier.
    pub aggregator_id: u16,
    /// Number of its ports whose link is up.
    pub ports: u16,
    /// Its actor key.
    pub actor_key: u16,
    /// Its partner key.
    pub partner_key: u16,
    /// Its partner's system id.
    pub partner_system: MacAddr,
}

/// What the driver must do, reported while a [`Bond3ad`] method runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    /// Send `pdu` on slave `slave` (build it with [`build_lacpdu_frame`],
    /// source `src`, priority `TC_PRIO_CONTROL`, `dev_queue_xmit()`).
    SendLacpdu {
        /// Slave index.
        slave: usize,
        /// The slave's permanent address: the frame's source.
        src: MacAddr,
        /// The PDU.
        pdu: Lacpdu,
    },
    /// Send marker `pdu` on slave `slave` (see [`build_marker_frame`]).
    SendMarker {
        /// Slave index.
        slave: usize,
        /// The slave's permanent address: the frame's source.
        src: MacAddr,
        /// The PDU.
        pdu: MarkerPdu,
    },
    /// The slave's flags changed (C: `bond_set_slave_*_flags(...,
    /// BOND_SLAVE_NOTIFY_LATER)`): copy them to the slave and notify the
    /// lower state change later, outside the lock.
    SlaveFlags {
        /// Slave index.
        slave: usize,
        /// The new flags.
        flags: SlaveFlags,
    },
    /// Turn the bond's carrier on (`true`) or off.
    Carrier(bool),
    /// Rebuild the transmit slave array (`bond_slave_arr_work_rearm()` /
    /// `bond_update_slave_arr()`), outside the lock.
    UpdateSlaveArray,
    /// Schedule a peer notification (`broadcast_neighbor`).
    PeerNotify,
}

/// What the receive handler does with the frame (`RX_HANDLER_*`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RxResult {
    /// `RX_HANDLER_CONSUMED`: a slow protocol frame for us; free it.
    Consumed,
    /// `RX_HANDLER_ANOTHER`: not ours; go on with the bond's processing.
    Another,
}

/// Walks an aggregator's port list without borrowing the slaves, bounded
/// by the number of slaves in case the list is broken.
struct Lag {
    next: Option<u16>,
    left: usize,
}

impl Lag {
    fn of(slaves: &[AdSlave], agg: Option<usize>) -> Lag {
        Lag {
            next: agg
                .and_then(|a| slaves.get(a))
                .and_then(|s| s.aggregator.lag_ports),
            left: slaves.len(),
        }
    }

    fn next(&mut self, slaves: &[AdSlave]) -> Option<usize> {
        let pn = self.next.take()?;
        self.left = self.left.checked_sub(1)?;
        let i = port_index(slaves, pn)?;
        self.next = slaves.get(i)?.port.next_port_in_aggregator;
        Some(i)
    }
}

/// Index of the bound slave whose port number is `port_number`.
fn port_index(slaves: &[AdSlave], port_number: u16) -> Option<usize> {
    slaves
        .iter()
        .position(|s| s.port.initialized && s.port.actor_port_number == port_number)
}

/// Index of the slave whose aggregator is `id`.
fn agg_index(slaves: &[AdSlave], id: u16) -> Option<usize> {
    slaves
        .iter()
        .position(|s| s.aggregator.initialized && s.aggregator.aggregator_identifier == id)
}

/// Index of the slave owning the aggregator slave `i`'s port is attached to.
fn port_agg(slaves: &[AdSlave], i: usize) -> Option<usize> {
    agg_index(slaves, slaves.get(i)?.port.aggregator?)
}

fn agg(slaves: &[AdSlave], a: Option<usize>) -> Option<&Aggregator> {
    a.and_then(|a| slaves.get(a)).map(|s| &s.aggregator)
}

fn agg_is_active(slaves: &[AdSlave], a: Option<usize>) -> bool {
    agg(slaves, a).is_some_and(|g| g.is_active)
}

fn agg_has_partner(slaves: &[AdSlave], a: Option<usize>) -> bool {
    agg(slaves, a).is_some_and(Aggregator::has_partner)
}

/// Counts the ports of the list satisfying `f`.
fn agg_count(slaves: &[AdSlave], a: usize, f: impl Fn(&AdSlave) -> bool) -> u32 {
    let mut lag = Lag::of(slaves, Some(a));
    let mut n = 0u32;
    while let Some(i) = lag.next(slaves) {
        if slaves.get(i).is_some_and(&f) {
            n = n.saturating_add(1);
        }
    }
    n
}

/// `__agg_ports_are_ready()`.
fn agg_ports_are_ready(slaves: &[AdSlave], a: Option<usize>) -> bool {
    a.is_none_or(|a| {
        let total = agg_count(slaves, a, |_| true);
        agg_count(slaves, a, |s| s.port.vars(AD_PORT_READY_N)) == total
    })
}

/// `__set_agg_ports_ready()` with the result of `__agg_ports_are_ready()`.
fn update_agg_ports_ready(slaves: &mut [AdSlave], a: Option<usize>) {
    let ready = agg_ports_are_ready(slaves, a);
    let mut lag = Lag::of(slaves, a);
    while let Some(i) = lag.next(slaves) {
        if let Some(s) = slaves.get_mut(i) {
            if ready {
                s.port.sm_vars |= AD_PORT_READY;
            } else {
                s.port.sm_vars &= !AD_PORT_READY;
            }
        }
    }
}

/// `__agg_usable_ports()`.
fn agg_usable_ports(slaves: &[AdSlave], a: usize) -> u32 {
    agg_count(slaves, a, |s| {
        s.port.actor(LACP_STATE_COLLECTING) && s.port.actor(LACP_STATE_DISTRIBUTING)
    })
}

/// `__agg_active_ports()`.
fn agg_active_ports(slaves: &[AdSlave], a: usize) -> u32 {
    agg_count(slaves, a, |s| s.port.is_enabled)
}

/// `__agg_ports_priority()`.
fn agg_ports_priority(slaves: &[AdSlave], a: usize) -> u32 {
    let mut lag = Lag::of(slaves, Some(a));
    let mut prio = 0u32;
    while let Some(i) = lag.next(slaves) {
        if let Some(s) = slaves.get(i) {
            if s.port.is_enabled {
                prio = prio.saturating_add(u32::from(s.port.actor_port_priority));
            }
        }
    }
    prio
}

/// `__get_agg_bandwidth()`: active ports times the speed of the list's
/// first port.
fn agg_bandwidth(slaves: &[AdSlave], a: usize) -> u32 {
    let nports = agg_active_ports(slaves, a);
    if nports == 0 {
        return 0;
    }
    let first = Lag::of(slaves, Some(a)).next(slaves);
    let code = first
        .and_then(|i| slaves.get(i))
        .map_or(0, AdSlave::link_speed);
    let mbps = usize::from(code)
        .checked_sub(1)
        .and_then(|c| AD_LINK_SPEEDS.get(c))
        .copied()
        .unwrap_or(0);
    nports.wrapping_mul(mbps)
}

/// `agg_device_up()`.
fn agg_device_up(slaves: &[AdSlave], a: usize) -> bool {
    agg_count(slaves, a, |s| s.dev_up) > 0
}

/// `__get_active_agg()`.
fn active_agg(slaves: &[AdSlave]) -> Option<usize> {
    slaves.iter().position(|s| s.aggregator.is_active)
}

/// Removes port `pn` from aggregator `a`'s list; whether it was there.
fn unlink_port(slaves: &mut [AdSlave], a: usize, pn: u16) -> bool {
    let mut prev: Option<usize> = None;
    let mut lag = Lag::of(slaves, Some(a));
    while let Some(i) = lag.next(slaves) {
        let Some(s) = slaves.get(i) else { break };
        if s.port.actor_port_number == pn {
            let next = s.port.next_port_in_aggregator;
            let holder = match prev {
                Some(p) => slaves
                    .get_mut(p)
                    .map(|s| &mut s.port.next_port_in_aggregator),
                None => slaves.get_mut(a).map(|s| &mut s.aggregator.lag_ports),
            };
            if let Some(h) = holder {
                *h = next;
            }
            if let Some(g) = slaves.get_mut(a) {
                g.aggregator.num_of_ports = g.aggregator.num_of_ports.wrapping_sub(1);
            }
            return true;
        }
        prev = Some(i);
    }
    false
}

fn timer_current_while(short: bool) -> u16 {
    if short {
        AD_SHORT_TIMEOUT_TIME * AD_TICKS_PER_SEC
    } else {
        AD_LONG_TIMEOUT_TIME * AD_TICKS_PER_SEC
    }
}

/// Decrements a running timer; whether it just reached zero
/// (`timer && !--timer`).
fn timer_expires(t: &mut u16) -> bool {
    if *t == 0 {
        return false;
    }
    *t -= 1;
    *t == 0
}

/// The system-wide 802.3ad state of one bond (`struct ad_bond_info` plus
/// the options and carrier it reads).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Bond3ad {
    /// The options; after changing `lacp_fast`, `lacp_active` or the actor
    /// settings call the matching `update_*` method.
    pub params: AdParams,
    /// The bond device's address: the system id when `ad_actor_system` is
    /// zero, read when the first slave is bound.
    pub dev_addr: MacAddr,
    /// The system id and priority in use.
    pub system: AdSystem,
    /// Bond-wide counters.
    pub stats: AdStats,
    /// Ticks until the next forced aggregator selection; 0 when stopped.
    pub agg_select_timer: u32,
    /// Last aggregator identifier handed out.
    pub aggregator_identifier: u16,
    /// The bond's carrier as last set through [`Action::Carrier`]; keep it
    /// in sync if the driver changes the carrier itself.
    pub carrier: bool,
}

impl Bond3ad {
    /// A bond with options `params` and device address `dev_addr`.
    pub fn new(params: AdParams, dev_addr: MacAddr) -> Self {
        Bond3ad {
            params,
            dev_addr,
            system: AdSystem::default(),
            stats: AdStats::default(),
            agg_select_timer: 0,
            aggregator_identifier: 0,
            carrier: false,
        }
    }

    fn update_system(&mut self) {
        self.system.sys_priority = self.params.ad_actor_sys_prio;
        self.system.sys_mac_addr = if self.params.ad_actor_system.is_zero() {
            self.dev_addr
        } else {
            self.params.ad_actor_system
        };
    }

    /// `bond_3ad_initialize()`: called by [`Bond3ad::bind_slave`] for the
    /// first slave.
    fn initialize(&mut self) {
        self.aggregator_identifier = 0;
        self.update_system();
        self.initiate_agg_selection(AD_AGGREGATOR_SELECTION_TIMER * u32::from(AD_TICKS_PER_SEC));
    }

    /// `bond_3ad_initiate_agg_selection()`: select the active aggregator
    /// after `ticks` ticks. The driver calls it with 1 when the bond
    /// opens, when it starts calling [`Bond3ad::tick`].
    pub fn initiate_agg_selection(&mut self, ticks: u32) {
        self.agg_select_timer = ticks;
    }

    /// `bond_3ad_bind_slave()` (with the id assignment of
    /// `bond_enslave()`): `slaves[index]` is a new [`AdSlave::new`]
    /// appended at the end of the slice, `slaves[index - 1]` the previous
    /// last slave. The first slave also initializes the bond (system id
    /// from `ad_actor_system` or [`Bond3ad::dev_addr`], selection in 8 s).
    pub fn bind_slave(
        &mut self,
        slaves: &mut [AdSlave],
        index: usize,
        out: &mut dyn FnMut(Action),
    ) {
        let prev_id = match index.checked_sub(1) {
            None => {
                self.initialize();
                None
            }
            Some(p) => slaves.get(p).map(|s| s.id),
        };
        let system = self.system;
        let params = self.params;
        let dev_addr = self.dev_addr;
        let Some(s) = slaves.get_mut(index) else {
            return;
        };
        if s.port.initialized {
            return;
        }
        s.id = prev_id.map_or(1, |id| id.wrapping_add(1));
        let p = &mut s.port;
        *p = Port::default();
        // ad_initialize_port()
        p.actor_port_priority = 0xff;
        p.actor_admin_port_state = LACP_STATE_AGGREGATION;
        p.actor_oper_port_state = LACP_STATE_AGGREGATION;
        if params.lacp_active {
            p.actor_admin_port_state |= LACP_STATE_LACP_ACTIVITY;
            p.actor_oper_port_state |= LACP_STATE_LACP_ACTIVITY;
        }
        if params.lacp_fast {
            p.actor_oper_port_state |= LACP_STATE_LACP_TIMEOUT;
        }
        p.partner_admin = PARTNER_DEFAULTS;
        p.partner_oper = PARTNER_DEFAULTS;
        p.is_enabled = true;
        p.sm_vars = AD_PORT_BEGIN | AD_PORT_LACP_ENABLED;
        s.port_priority = s.port.actor_port_priority;
        s.port.initialized = true;
        s.port.actor_port_number = s.id;
        s.port.actor_admin_port_key = params.ad_user_port_key << 6;
        s.update_actor_keys(false);
        // __ad_actor_update_port()
        s.port.actor_system = system.sys_mac_addr;
        s.port.actor_system_priority = system.sys_priority;
        s.port.actor_port_priority = s.port_priority;
        s.port.sm_tx_timer_counter = AD_TICKS_PER_SEC / AD_MAX_TX_IN_SECOND;
        // ad_initialize_agg()
        s.aggregator = Aggregator::default();
        s.aggregator.aggregator_mac_address = dev_addr;
        self.aggregator_identifier = self.aggregator_identifier.wrapping_add(1);
        s.aggregator.aggregator_identifier = self.aggregator_identifier;
        s.aggregator.initialized = true;
        self.disable_port(slaves, index, out);
    }

    /// `bond_3ad_unbind_slave()`: call before removing `slaves[index]`.
    /// Sends a last LACPDU without aggregation, moves the other ports of
    /// its aggregator to a free one and reselects if the active aggregator
    /// goes. Afterwards nothing refers to the slave: remove it from the
    /// slice keeping the others' order, then rebuild the transmit array
    /// and set the carrier (off if no slave is left), as
    /// `__bond_release_one()` does.
    pub fn unbind_slave(
        &mut self,
        slaves: &mut [AdSlave],
        index: usize,
        out: &mut dyn FnMut(Action),
    ) {
        let mut dummy = false;
        let Some(s) = slaves.get_mut(index) else {
            return;
        };
        if !s.port.initialized {
            return;
        }
        let pn = s.port.actor_port_number;
        let my_agg_id = s.aggregator.aggregator_identifier;
        s.port.actor_oper_port_state &= !(LACP_STATE_SYNCHRONIZATION
            | LACP_STATE_COLLECTING
            | LACP_STATE_DISTRIBUTING
            | LACP_STATE_AGGREGATION);
        self.send_lacpdu(slaves, index, out);

        let head = slaves.get(index).and_then(|s| s.aggregator.lag_ports);
        if let Some(head) = head {
            let head_next = port_index(slaves, head)
                .and_then(|h| slaves.get(h))
                .and_then(|h| h.port.next_port_in_aggregator);
            if head != pn || head_next.is_some() {
                // Other ports use this aggregator: find them a new one,
                // empty or holding our port only.
                let new = (0..slaves.len()).find(|&j| {
                    let Some(g) = slaves.get(j).map(|s| &s.aggregator) else {
                        return false;
                    };
                    match g.lag_ports {
                        None => true,
                        Some(h) => {
                            h == pn
                                && port_index(slaves, h)
                                    .and_then(|h| slaves.get(h))
                                    .is_some_and(|h| h.port.next_port_in_aggregator.is_none())
                        }
                    }
                });
                if let Some(new) = new {
                    let old = slaves.get(index).map(|s| s.aggregator);
                    let mut select_new_active_agg = false;
                    if let (Some(old), Some(n)) = (old, slaves.get_mut(new)) {
                        let g = &mut n.aggregator;
                        if g.lag_ports == Some(pn) && g.is_active {
                            select_new_active_agg = true;
                        }
                        g.is_individual = old.is_individual;
                        g.actor_admin_aggregator_key = old.actor_admin_aggregator_key;
                        g.actor_oper_aggregator_key = old.actor_oper_aggregator_key;
                        g.partner_system = old.partner_system;
                        g.partner_system_priority = old.partner_system_priority;
                        g.partner_oper_aggregator_key = old.partner_oper_aggregator_key;
                        g.receive_state = old.receive_state;
                        g.transmit_state = old.transmit_state;
                        g.lag_ports = old.lag_ports;
                        g.is_active = old.is_active;
                        g.num_of_ports = old.num_of_ports;
                    }
                    let new_id = slaves
                        .get(new)
                        .map_or(0, |s| s.aggregator.aggregator_identifier);
                    let mut lag = Lag::of(slaves, Some(new));
                    while let Some(i) = lag.next(slaves) {
                        if let Some(s) = slaves.get_mut(i) {
                            s.port.aggregator = Some(new_id);
                            s.port.actor_port_aggregator_identifier = new_id;
                        }
                    }
                    if let Some(s) = slaves.get_mut(index) {
                        s.aggregator.clear();
                    }
                    if select_new_active_agg {
                        self.agg_selection_logic(slaves, &mut dummy, out);
                    }
                }
            } else {
                let mut select_new_active_agg = false;
                if let Some(s) = slaves.get_mut(index) {
                    select_new_active_agg = s.aggregator.is_active;
                    s.aggregator.clear();
                }
                if select_new_active_agg {
                    self.agg_selection_logic(slaves, &mut dummy, out);
                }
            }
        }

        // Detach the port from whichever aggregator holds it.
        for j in 0..slaves.len() {
            if unlink_port(slaves, j, pn) {
                if agg_active_ports(slaves, j) == 0 {
                    let mut select_new_active_agg = false;
                    if let Some(g) = slaves.get_mut(j).map(|s| &mut s.aggregator) {
                        select_new_active_agg = g.is_active;
                        if g.num_of_ports == 0 {
                            g.clear();
                        }
                    }
                    if select_new_active_agg {
                        self.agg_selection_logic(slaves, &mut dummy, out);
                    }
                }
                break;
            }
        }
        for (j, s) in slaves.iter_mut().enumerate() {
            if j == index {
                s.port.initialized = false;
                s.port.aggregator = None;
                s.port.next_port_in_aggregator = None;
                s.aggregator.initialized = false;
                s.aggregator.lag_ports = None;
                s.aggregator.is_active = false;
            } else if s.port.aggregator == Some(my_agg_id) {
                // Cannot happen (bond_3ad moved them all); never leave a
                // reference to the leaving aggregator behind.
                s.port.aggregator = None;
                s.port.next_port_in_aggregator = None;
                s.port.actor_port_aggregator_identifier = 0;
                s.port.sm_vars &= !AD_PORT_SELECTED;
            }
        }
    }

    /// `ad_lacpdu_send()`.
    fn send_lacpdu(&mut self, slaves: &mut [AdSlave], i: usize, out: &mut dyn FnMut(Action)) {
        let Some(s) = slaves.get_mut(i) else {
            return;
        };
        s.stats.lacpdu_tx = s.stats.lacpdu_tx.wrapping_add(1);
        self.stats.lacpdu_tx = self.stats.lacpdu_tx.wrapping_add(1);
        out(Action::SendLacpdu {
            slave: i,
            src: s.perm_hwaddr,
            pdu: s.port.lacpdu(),
        });
    }

    fn set_flags(
        slaves: &mut [AdSlave],
        i: usize,
        f: impl FnOnce(&mut AdSlave),
        out: &mut dyn FnMut(Action),
    ) {
        let Some(s) = slaves.get_mut(i) else {
            return;
        };
        let old = s.flags;
        f(s);
        if s.flags != old {
            out(Action::SlaveFlags {
                slave: i,
                flags: s.flags,
            });
        }
    }

    /// `__disable_port()`: `bond_set_slave_inactive_flags()`.
    fn disable_port(&self, slaves: &mut [AdSlave], i: usize, out: &mut dyn FnMut(Action)) {
        let all_active = self.params.all_slaves_active;
        Self::set_flags(
            slaves,
            i,
            |s| {
                s.flags.backup = true;
                if !all_active {
                    s.flags.inactive = true;
                }
                s.flags.rx_disabled = true;
            },
            out,
        );
    }

    /// `__enable_port()`: `bond_set_slave_active_flags()` if the link is up.
    fn enable_port(slaves: &mut [AdSlave], i: usize, out: &mut dyn FnMut(Action)) {
        Self::set_flags(
            slaves,
            i,
            |s| {
                if s.link_up && s.dev_up {
                    s.flags = SlaveFlags::default();
                }
            },
            out,
        );
    }

    /// `__disable_distributing_port()`.
    fn disable_distributing_port(slaves: &mut [AdSlave], i: usize, out: &mut dyn FnMut(Action)) {
        Self::set_flags(slaves, i, |s| s.flags.backup = true, out);
    }

    /// `__enable_collecting_port()`.
    fn enable_collecting_port(slaves: &mut [AdSlave], i: usize, out: &mut dyn FnMut(Action)) {
        Self::set_flags(
            slaves,
            i,
            |s| {
                if s.link_up && s.dev_up {
                    s.flags.rx_disabled = false;
                }
            },
            out,
        );
    }

    /// `ad_enable_collecting()`.
    fn ad_enable_collecting(slaves: &mut [AdSlave], i: usize, out: &mut dyn FnMut(Action)) {
        if agg_is_active(slaves, port_agg(slaves, i)) {
            Self::enable_collecting_port(slaves, i, out);
        }
    }

    /// `ad_disable_distributing()`.
    fn ad_disable_distributing(
        &mut self,
        slaves: &mut [AdSlave],
        i: usize,
        upd: &mut bool,
        out: &mut dyn FnMut(Action),
    ) {
        if agg_has_partner(slaves, port_agg(slaves, i)) {
            Self::disable_distributing_port(slaves, i, out);
            self.set_carrier(slaves, out);
            *upd = true;
        }
    }

    /// `ad_enable_collecting_distributing()`.
    fn ad_enable_collecting_distributing(
        &mut self,
        slaves: &mut [AdSlave],
        i: usize,
        upd: &mut bool,
        out: &mut dyn FnMut(Action),
    ) {
        if agg_is_active(slaves, port_agg(slaves, i)) {
            Self::enable_port(slaves, i, out);
            self.set_carrier(slaves, out);
            *upd = true;
            if self.params.broadcast_neighbor {
                out(Action::PeerNotify);
            }
        }
    }

    /// `ad_disable_collecting_distributing()`.
    fn ad_disable_collecting_distributing(
        &mut self,
        slaves: &mut [AdSlave],
        i: usize,
        upd: &mut bool,
        out: &mut dyn FnMut(Action),
    ) {
        if agg_has_partner(slaves, port_agg(slaves, i)) {
            self.disable_port(slaves, i, out);
            self.set_carrier(slaves, out);
            *upd = true;
        }
    }

    /// `ad_rx_machine()`; `pdu` is `Some` for a received LACPDU.
    fn rx_machine(&mut self, slaves: &mut [AdSlave], i: usize, pdu: Option<&Lacpdu>) {
        let Some(s) = slaves.get_mut(i) else {
            return;
        };
        if pdu.is_some() {
            s.stats.lacpdu_rx = s.stats.lacpdu_rx.wrapping_add(1);
            self.stats.lacpdu_rx = self.stats.lacpdu_rx.wrapping_add(1);
        }
        let p = &mut s.port;
        let last = p.sm_rx_state;
        if p.vars(AD_PORT_BEGIN) {
            p.sm_rx_state = RxState::Initialize;
            p.sm_vars |= AD_PORT_CHURNED;
        } else if !p.is_enabled {
            p.sm_rx_state = RxState::PortDisabled;
        } else if pdu.is_some()
            && matches!(
                p.sm_rx_state,
                RxState::Expired | RxState::Defaulted | RxState::Current
            )
        {
            if p.sm_rx_state != RxState::Current {
                p.sm_vars |= AD_PORT_CHURNED;
            }
            p.sm_rx_timer_counter = 0;
            p.sm_rx_state = RxState::Current;
        } else if timer_expires(&mut p.sm_rx_timer_counter) {
            match p.sm_rx_state {
                RxState::Expired => p.sm_rx_state = RxState::Defaulted,
                RxState::Current => p.sm_rx_state = RxState::Expired,
                _ => {}
            }
        } else if p.sm_rx_state == RxState::PortDisabled && p.is_enabled {
            p.sm_rx_state = if p.vars(AD_PORT_LACP_ENABLED) {
                RxState::Expired
            } else {
                RxState::LacpDisabled
            };
        }

        if p.sm_rx_state == last && pdu.is_none() {
            return;
        }
        match p.sm_rx_state {
            RxState::Initialize | RxState::PortDisabled => {
                if p.sm_rx_state == RxState::Initialize {
                    if p.actor_oper_port_key & AD_DUPLEX_KEY_MASKS == 0 {
                        p.sm_vars &= !AD_PORT_LACP_ENABLED;
                    } else {
                        p.sm_vars |= AD_PORT_LACP_ENABLED;
                    }
                    p.sm_vars &= !AD_PORT_SELECTED;
                    p.record_default();
                    p.actor_oper_port_state &= !LACP_STATE_EXPIRED;
                    p.sm_rx_state = RxState::PortDisabled;
                }
                p.sm_vars &= !AD_PORT_MATCHED;
                p.partner_oper.port_state &= !LACP_STATE_SYNCHRONIZATION;
            }
            RxState::LacpDisabled => {
                p.sm_vars &= !AD_PORT_SELECTED;
                p.record_default();
                p.partner_oper.port_state &= !LACP_STATE_AGGREGATION;
                p.sm_vars |= AD_PORT_MATCHED;
                p.actor_oper_port_state &= !LACP_STATE_EXPIRED;
            }
            RxState::Expired => {
                p.sm_vars &= !AD_PORT_MATCHED;
                p.partner_oper.port_state &= !LACP_STATE_SYNCHRONIZATION;
                p.partner_oper.port_state |= LACP_STATE_LACP_TIMEOUT;
                p.sm_rx_timer_counter = timer_current_while(AD_SHORT_TIMEOUT);
                p.actor_oper_port_state |= LACP_STATE_EXPIRED;
                p.sm_vars |= AD_PORT_CHURNED;
            }
            RxState::Defaulted => {
                p.update_default_selected();
                p.record_default();
                p.sm_vars |= AD_PORT_MATCHED;
                p.actor_oper_port_state &= !LACP_STATE_EXPIRED;
            }
            RxState::Current => {
                let Some(pdu) = pdu else {
                    return;
                };
                // An illegal loopback: our own PDU came back.
                if pdu.actor.system == p.actor_system {
                    return;
                }
                p.update_selected(pdu);
                p.update_ntt(pdu);
                p.record_pdu(pdu);
                p.sm_rx_timer_counter = timer_current_while(p.actor(LACP_STATE_LACP_TIMEOUT));
                p.actor_oper_port_state &= !LACP_STATE_EXPIRED;
            }
            RxState::Dummy => {}
        }
    }

    /// `ad_churn_machine()`.
    fn churn_machine(p: &mut Port) {
        if p.vars(AD_PORT_CHURNED) {
            p.sm_vars &= !AD_PORT_CHURNED;
            p.sm_churn_actor_state = ChurnState::Monitor;
            p.sm_churn_partner_state = ChurnState::Monitor;
            p.sm_churn_actor_timer_counter = AD_CHURN_DETECTION_TIME * AD_TICKS_PER_SEC;
            p.sm_churn_partner_timer_counter = AD_CHURN_DETECTION_TIME * AD_TICKS_PER_SEC;
            return;
        }
        if timer_expires(&mut p.sm_churn_actor_timer_counter)
            && p.sm_churn_actor_state == ChurnState::Monitor
        {
            if p.actor(LACP_STATE_SYNCHRONIZATION) {
                p.sm_churn_actor_state = ChurnState::NoChurn;
            } else {
                p.churn_actor_count = p.churn_actor_count.wrapping_add(1);
                p.sm_churn_actor_state = ChurnState::Churn;
            }
        }
        if timer_expires(&mut p.sm_churn_partner_timer_counter)
            && p.sm_churn_partner_state == ChurnState::Monitor
        {
            if p.partner(LACP_STATE_SYNCHRONIZATION) {
                p.sm_churn_partner_state = ChurnState::NoChurn;
            } else {
                p.churn_partner_count = p.churn_partner_count.wrapping_add(1);
                p.sm_churn_partner_state = ChurnState::Churn;
            }
        }
    }

    /// `ad_tx_machine()`: at most [`AD_MAX_TX_IN_SECOND`] PDUs a second.
    fn tx_machine(&mut self, slaves: &mut [AdSlave], i: usize, out: &mut dyn FnMut(Action)) {
        let Some(p) = slaves.get_mut(i).map(|s| &mut s.port) else {
            return;
        };
        if (p.sm_tx_timer_counter == 0 || timer_expires(&mut p.sm_tx_timer_counter))
            && p.ntt
            && p.vars(AD_PORT_LACP_ENABLED)
        {
            p.ntt = false;
            p.sm_tx_timer_counter = AD_TICKS_PER_SEC / AD_MAX_TX_IN_SECOND;
            self.send_lacpdu(slaves, i, out);
        }
    }

    /// `ad_periodic_machine()`.
    fn periodic_machine(p: &mut Port) {
        let last = p.sm_periodic_state;
        if p.vars(AD_PORT_BEGIN)
            || !p.vars(AD_PORT_LACP_ENABLED)
            || !p.is_enabled
            || (!p.actor(LACP_STATE_LACP_ACTIVITY) && !p.partner(LACP_STATE_LACP_ACTIVITY))
        {
            p.sm_periodic_state = PeriodicState::NoPeriodic;
        } else if p.sm_periodic_timer_counter != 0 {
            if timer_expires(&mut p.sm_periodic_timer_counter) {
                p.sm_periodic_state = PeriodicState::PeriodicTx;
            } else {
                // Check for a new timeout value of the partner.
                let fast = p.partner(LACP_STATE_LACP_TIMEOUT);
                match p.sm_periodic_state {
                    PeriodicState::FastPeriodic if !fast => {
                        p.sm_periodic_state = PeriodicState::SlowPeriodic;
                    }
                    PeriodicState::SlowPeriodic if fast => {
                        p.sm_periodic_timer_counter = 0;
                        p.sm_periodic_state = PeriodicState::PeriodicTx;
                    }
                    _ => {}
                }
            }
        } else {
            match p.sm_periodic_state {
                PeriodicState::NoPeriodic => p.sm_periodic_state = PeriodicState::FastPeriodic,
                PeriodicState::PeriodicTx => {
                    p.sm_periodic_state = if p.partner(LACP_STATE_LACP_TIMEOUT) {
                        PeriodicState::FastPeriodic
                    } else {
                        PeriodicState::SlowPeriodic
                    };
                }
                _ => {}
            }
        }
        if p.sm_periodic_state != last {
            match p.sm_periodic_state {
                PeriodicState::NoPeriodic => p.sm_periodic_timer_counter = 0,
                // One tick is lost in PERIODIC_TX.
                PeriodicState::FastPeriodic => {
                    p.sm_periodic_timer_counter = AD_FAST_PERIODIC_TIME * AD_TICKS_PER_SEC - 1;
                }
                PeriodicState::SlowPeriodic => {
                    p.sm_periodic_timer_counter = AD_SLOW_PERIODIC_TIME * AD_TICKS_PER_SEC - 1;
                }
                PeriodicState::PeriodicTx => p.ntt = true,
                PeriodicState::Dummy => {}
            }
        }
    }

    /// `ad_port_selection_logic()`.
    fn port_selection_logic(
        &mut self,
        slaves: &mut [AdSlave],
        i: usize,
        upd: &mut bool,
        out: &mut dyn FnMut(Action),
    ) {
        let Some(s) = slaves.get(i) else {
            return;
        };
        if s.port.vars(AD_PORT_SELECTED) {
            return;
        }
        let pn = s.port.actor_port_number;
        // Detach the port from its former aggregator.
        if let Some(old) = port_agg(slaves, i) {
            if unlink_port(slaves, old, pn) {
                if let Some(s) = slaves.get_mut(i) {
                    s.port.aggregator = None;
                    s.port.next_port_in_aggregator = None;
                    s.port.actor_port_aggregator_identifier = 0;
                }
                if let Some(g) = slaves.get_mut(old).map(|s| &mut s.aggregator) {
                    if g.lag_ports.is_none() {
                        g.clear();
                    }
                }
            }
        }
        let Some(port) = slaves.get(i).map(|s| s.port) else {
            return;
        };
        // Search all aggregators for a suitable one, keeping the first free
        // one in case none suits.
        let mut free = None;
        let mut found = None;
        for (j, s) in slaves.iter().enumerate() {
            let g = &s.aggregator;
            if g.lag_ports.is_none() {
                if free.is_none() && g.initialized {
                    free = Some(j);
                }
                continue;
            }
            if g.actor_oper_aggregator_key == port.actor_oper_port_key
                && g.partner_system == port.partner_oper.system
                && g.partner_system_priority == port.partner_oper.system_priority
                && g.partner_oper_aggregator_key == port.partner_oper.key
                && g.has_partner()
                && !g.is_individual
            {
                found = Some(j);
                break;
            }
        }
        let target = if let Some(j) = found {
            let Some(g) = slaves.get_mut(j).map(|s| &mut s.aggregator) else {
                return;
            };
            let old_head = g.lag_ports;
            g.num_of_ports = g.num_of_ports.wrapping_add(1);
            g.lag_ports = Some(pn);
            let id = g.aggregator_identifier;
            if let Some(p) = slaves.get_mut(i).map(|s| &mut s.port) {
                p.aggregator = Some(id);
                p.actor_port_aggregator_identifier = id;
                p.next_port_in_aggregator = old_head;
                p.sm_vars |= AD_PORT_SELECTED;
            }
            j
        } else if let Some(j) = free {
            let Some(g) = slaves.get_mut(j).map(|s| &mut s.aggregator) else {
                return;
            };
            g.is_individual = port.actor_oper_port_key & AD_DUPLEX_KEY_MASKS == 0;
            g.actor_admin_aggregator_key = port.actor_admin_port_key;
            g.actor_oper_aggregator_key = port.actor_oper_port_key;
            g.partner_system = port.partner_oper.system;
            g.partner_system_priority = port.partner_oper.system_priority;
            g.partner_oper_aggregator_key = port.partner_oper.key;
            g.receive_state = true;
            g.transmit_state = true;
            g.lag_ports = Some(pn);
            g.num_of_ports = g.num_of_ports.wrapping_add(1);
            let id = g.aggregator_identifier;
            if let Some(p) = slaves.get_mut(i).map(|s| &mut s.port) {
                p.aggregator = Some(id);
                p.actor_port_aggregator_identifier = id;
                p.next_port_in_aggregator = None;
                p.sm_vars |= AD_PORT_SELECTED;
            }
            j
        } else {
            // "Port did not find a suitable aggregator".
            return;
        };
        update_agg_ports_ready(slaves, Some(target));
        self.agg_selection_logic(slaves, upd, out);
        if !agg_is_active(slaves, Some(target)) {
            if let Some(s) = slaves.get_mut(i) {
                s.port.actor_oper_port_state &= !LACP_STATE_SYNCHRONIZATION;
            }
        }
    }

    /// `ad_agg_selection_test()`: whether `curr` is better than `best`.
    fn agg_selection_test(
        &self,
        slaves: &[AdSlave],
        best: Option<usize>,
        curr: usize,
    ) -> Option<usize> {
        let Some(b) = best else {
            return Some(curr);
        };
        let (Some(cg), Some(bg)) = (agg(slaves, Some(curr)), agg(slaves, Some(b))) else {
            return best;
        };
        if !cg.is_individual && bg.is_individual {
            return Some(curr);
        }
        if cg.is_individual && !bg.is_individual {
            return best;
        }
        if cg.has_partner() && !bg.has_partner() {
            return Some(curr);
        }
        if !cg.has_partner() && bg.has_partner() {
            return best;
        }
        let mode = self.params.ad_select;
        if mode == AdSelect::Prio {
            let (c, b) = (
                agg_ports_priority(slaves, curr),
                agg_ports_priority(slaves, b),
            );
            if c > b {
                return Some(curr);
            }
            if c < b {
                return best;
            }
        }
        if matches!(mode, AdSelect::Prio | AdSelect::Count) {
            let (c, b) = (agg_active_ports(slaves, curr), agg_active_ports(slaves, b));
            if c > b {
                return Some(curr);
            }
            if c < b {
                return best;
            }
        }
        if agg_bandwidth(slaves, curr) > agg_bandwidth(slaves, b) {
            return Some(curr);
        }
        best
    }

    /// `ad_agg_selection_logic()`: choose the active aggregator by
    /// `ad_select`, disable the ports of a replaced one, enable those of
    /// an active aggregator without partner, then set the carrier.
    fn agg_selection_logic(
        &mut self,
        slaves: &mut [AdSlave],
        upd: &mut bool,
        out: &mut dyn FnMut(Action),
    ) {
        if slaves.is_empty() {
            return;
        }
        let active = active_agg(slaves);
        let mut best = active.filter(|&a| agg_device_up(slaves, a));
        for j in 0..slaves.len() {
            if let Some(s) = slaves.get_mut(j) {
                s.aggregator.is_active = false;
            }
            if agg_active_ports(slaves, j) > 0 && agg_device_up(slaves, j) {
                best = self.agg_selection_test(slaves, best, j);
            }
        }
        if let (Some(b), Some(a), AdSelect::Stable) = (best, active, self.params.ad_select) {
            // Keep the old active aggregator while it has ports and an
            // answering partner, or when neither has a partner.
            let (ag, bg) = (agg(slaves, Some(a)), agg(slaves, Some(b)));
            if let (Some(ag), Some(bg)) = (ag, bg) {
                if ag.lag_ports.is_some()
                    && agg_active_ports(slaves, a) > 0
                    && (ag.has_partner() || !bg.has_partner())
                    && !(ag.actor_oper_aggregator_key == 0 && bg.actor_oper_aggregator_key != 0)
                {
                    best = None;
                    if let Some(s) = slaves.get_mut(a) {
                        s.aggregator.is_active = true;
                    }
                }
            }
        }
        if best.is_some() && best == active {
            best = None;
            if let Some(s) = active.and_then(|a| slaves.get_mut(a)) {
                s.aggregator.is_active = true;
            }
        }
        if let Some(b) = best {
            if let Some(s) = slaves.get_mut(b) {
                s.aggregator.is_active = true;
            }
            // Disable the ports of the former active aggregator.
            let mut lag = Lag::of(slaves, active);
            while let Some(i) = lag.next(slaves) {
                self.disable_port(slaves, i, out);
            }
            *upd = true;
        }
        // Ports of an active aggregator without partner (individuals) are
        // enabled.
        let active = active_agg(slaves);
        if active.is_some() && !agg_has_partner(slaves, active) {
            let mut lag = Lag::of(slaves, active);
            while let Some(i) = lag.next(slaves) {
                Self::enable_port(slaves, i, out);
            }
            *upd = true;
        }
        self.set_carrier(slaves, out);
    }

    /// `__port_move_to_attached_state()`.
    fn move_to_attached(p: &mut Port) -> bool {
        if !p.vars(AD_PORT_SELECTED)
            || p.vars(AD_PORT_STANDBY)
            || !p.partner(LACP_STATE_SYNCHRONIZATION)
            || !p.actor(LACP_STATE_SYNCHRONIZATION)
        {
            p.sm_mux_state = MuxState::Attached;
        }
        p.sm_mux_state == MuxState::Attached
    }

    /// `ad_mux_machine()`.
    fn mux_machine(
        &mut self,
        slaves: &mut [AdSlave],
        i: usize,
        upd: &mut bool,
        out: &mut dyn FnMut(Action),
    ) {
        let a = port_agg(slaves, i);
        let active = agg_is_active(slaves, a);
        let select_timer_running = self.agg_select_timer != 0;
        let coupled = self.params.coupled_control;
        let Some(s) = slaves.get_mut(i) else {
            return;
        };
        let collecting_distributing = !s.flags.backup;
        let rx_disabled = s.flags.rx_disabled;
        let p = &mut s.port;
        let last = p.sm_mux_state;
        let mut ready_update = false;
        let mut enable = false;
        let mut enable_collecting = false;
        if p.vars(AD_PORT_BEGIN) {
            p.sm_mux_state = MuxState::Detached;
        } else {
            match p.sm_mux_state {
                MuxState::Detached => {
                    if p.vars(AD_PORT_SELECTED | AD_PORT_STANDBY) {
                        p.sm_mux_state = MuxState::Waiting;
                    }
                }
                MuxState::Waiting => {
                    if !p.vars(AD_PORT_SELECTED) {
                        p.sm_vars &= !AD_PORT_READY_N;
                        p.sm_mux_state = MuxState::Detached;
                        ready_update = true;
                    } else {
                        if timer_expires(&mut p.sm_mux_timer_counter) {
                            p.sm_vars |= AD_PORT_READY_N;
                        }
                        // READY is recomputed below, then checked.
                        ready_update = true;
                    }
                }
                MuxState::Attached => {
                    if p.vars(AD_PORT_SELECTED)
                        && p.partner(LACP_STATE_SYNCHRONIZATION)
                        && !select_timer_running
                    {
                        if active {
                            p.sm_mux_state = if coupled {
                                MuxState::CollectingDistributing
                            } else {
                                MuxState::Collecting
                            };
                        }
                    } else if !p.vars(AD_PORT_SELECTED) || p.vars(AD_PORT_STANDBY) {
                        p.sm_vars &= !AD_PORT_READY_N;
                        ready_update = true;
                        p.sm_mux_state = MuxState::Detached;
                    } else if active {
                        p.actor_oper_port_state |= LACP_STATE_SYNCHRONIZATION;
                    }
                }
                MuxState::CollectingDistributing => {
                    if !Self::move_to_attached(p) && active && !collecting_distributing {
                        enable = true;
                    }
                }
                MuxState::Collecting => {
                    if !Self::move_to_attached(p) {
                        if p.vars(AD_PORT_SELECTED)
                            && p.partner(LACP_STATE_SYNCHRONIZATION)
                            && p.partner(LACP_STATE_COLLECTING)
                        {
                            p.sm_mux_state = MuxState::Distributing;
                        } else if active && rx_disabled {
                            enable_collecting = true;
                        }
                    }
                }
                MuxState::Distributing => {
                    if !p.vars(AD_PORT_SELECTED)
                        || p.vars(AD_PORT_STANDBY)
                        || !p.partner(LACP_STATE_COLLECTING)
                        || !p.partner(LACP_STATE_SYNCHRONIZATION)
                        || !p.actor(LACP_STATE_SYNCHRONIZATION)
                    {
                        p.sm_mux_state = MuxState::Collecting;
                    } else if active && !collecting_distributing {
                        enable = true;
                    }
                }
                MuxState::Dummy => {}
            }
        }
        let waiting = p.sm_mux_state == MuxState::Waiting && last == MuxState::Waiting;
        if ready_update {
            update_agg_ports_ready(slaves, a);
        }
        if waiting {
            if let Some(p) = slaves.get_mut(i).map(|s| &mut s.port) {
                if p.vars(AD_PORT_READY) && p.sm_mux_timer_counter == 0 {
                    p.sm_mux_state = MuxState::Attached;
                }
            }
        }
        if enable {
            Self::enable_port(slaves, i, out);
            *upd = true;
        }
        if enable_collecting {
            Self::ad_enable_collecting(slaves, i, out);
            *upd = true;
        }

        let Some(p) = slaves.get_mut(i).map(|s| &mut s.port) else {
            return;
        };
        if p.sm_mux_state == last {
            return;
        }
        const CD: u8 = LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING;
        match p.sm_mux_state {
            MuxState::Detached => {
                p.actor_oper_port_state &= !(LACP_STATE_SYNCHRONIZATION | CD);
                p.ntt = true;
                self.ad_disable_collecting_distributing(slaves, i, upd, out);
            }
            MuxState::Waiting => {
                p.sm_mux_timer_counter = AD_AGGREGATE_WAIT_TIME * AD_TICKS_PER_SEC;
            }
            MuxState::Attached => {
                if active {
                    p.actor_oper_port_state |= LACP_STATE_SYNCHRONIZATION;
                } else {
                    p.actor_oper_port_state &= !LACP_STATE_SYNCHRONIZATION;
                }
                p.actor_oper_port_state &= !CD;
                p.ntt = true;
                self.ad_disable_collecting_distributing(slaves, i, upd, out);
            }
            MuxState::CollectingDistributing => {
                p.actor_oper_port_state |= CD | LACP_STATE_SYNCHRONIZATION;
                p.ntt = true;
                self.ad_enable_collecting_distributing(slaves, i, upd, out);
            }
            MuxState::Collecting => {
                p.actor_oper_port_state |= LACP_STATE_COLLECTING | LACP_STATE_SYNCHRONIZATION;
                p.actor_oper_port_state &= !LACP_STATE_DISTRIBUTING;
                p.ntt = true;
                Self::ad_enable_collecting(slaves, i, out);
                self.ad_disable_distributing(slaves, i, upd, out);
            }
            MuxState::Distributing => {
                p.actor_oper_port_state |= LACP_STATE_DISTRIBUTING | LACP_STATE_SYNCHRONIZATION;
                self.ad_enable_collecting_distributing(slaves, i, upd, out);
            }
            MuxState::Dummy => {}
        }
    }

    /// `bond_3ad_state_machine_handler()`: call every
    /// [`AD_TIMER_INTERVAL_MS`] while the bond is up, with the bond's lock.
    /// Runs, for each port in slave order, the receive, periodic,
    /// selection, mux, transmit and churn machines; the active aggregator
    /// is first selected when [`Bond3ad::agg_select_timer`] runs out.
    pub fn tick(&mut self, slaves: &mut [AdSlave], out: &mut dyn FnMut(Action)) {
        if slaves.is_empty() {
            return;
        }
        let mut upd = false;
        if self.agg_timer_advance() {
            if !slaves.first().is_some_and(|s| s.port.initialized) {
                return;
            }
            self.agg_selection_logic(slaves, &mut upd, out);
            self.set_carrier(slaves, out);
        }
        for i in 0..slaves.len() {
            if !slaves.get(i).is_some_and(|s| s.port.initialized) {
                break;
            }
            self.rx_machine(slaves, i, None);
            if let Some(s) = slaves.get_mut(i) {
                Self::periodic_machine(&mut s.port);
            }
            self.port_selection_logic(slaves, i, &mut upd, out);
            self.mux_machine(slaves, i, &mut upd, out);
            self.tx_machine(slaves, i, out);
            if let Some(s) = slaves.get_mut(i) {
                Self::churn_machine(&mut s.port);
                s.port.sm_vars &= !AD_PORT_BEGIN;
            }
        }
        if upd {
            out(Action::UpdateSlaveArray);
        }
    }

    /// `bond_agg_timer_advance()`: whether the timer just ran out.
    fn agg_timer_advance(&mut self) -> bool {
        if self.agg_select_timer == 0 {
            return false;
        }
        self.agg_select_timer -= 1;
        self.agg_select_timer == 0
    }

    /// `bond_3ad_lacpdu_recv()`: a frame received on `slaves[index]`, with
    /// destination `dest`, protocol (`skb->protocol`) and the bytes after
    /// the Ethernet header. Runs the receive machine on a LACPDU; answers
    /// a marker information PDU with [`Action::SendMarker`].
    pub fn rx_lacpdu(
        &mut self,
        slaves: &mut [AdSlave],
        index: usize,
        dest: &MacAddr,
        protocol: u16,
        payload: &[u8],
        out: &mut dyn FnMut(Action),
    ) -> RxResult {
        if protocol != ETH_P_SLOW || *dest != LACPDU_MCAST_ADDR {
            return RxResult::Another;
        }
        let Some(s) = slaves.get_mut(index) else {
            return RxResult::Another;
        };
        let Some(pdu) = Lacpdu::parse(payload) else {
            s.stats.lacpdu_illegal_rx = s.stats.lacpdu_illegal_rx.wrapping_add(1);
            self.stats.lacpdu_illegal_rx = self.stats.lacpdu_illegal_rx.wrapping_add(1);
            return RxResult::Another;
        };
        if !s.port.initialized {
            return RxResult::Another;
        }
        match pdu.subtype {
            AD_TYPE_LACPDU => {
                self.rx_machine(slaves, index, Some(&pdu));
                RxResult::Consumed
            }
            AD_TYPE_MARKER => {
                let Some(marker) = MarkerPdu::parse(payload) else {
                    return RxResult::Consumed;
                };
                let st = &mut s.stats;
                match marker.tlv_type() {
                    AD_MARKER_INFORMATION_SUBTYPE => {
                        st.marker_rx = st.marker_rx.wrapping_add(1);
                        self.stats.marker_rx = self.stats.marker_rx.wrapping_add(1);
                        st.marker_resp_tx = st.marker_resp_tx.wrapping_add(1);
                        self.stats.marker_resp_tx = self.stats.marker_resp_tx.wrapping_add(1);
                        out(Action::SendMarker {
                            slave: index,
                            src: s.perm_hwaddr,
                            pdu: marker.response(),
                        });
                    }
                    AD_MARKER_RESPONSE_SUBTYPE => {
                        st.marker_resp_rx = st.marker_resp_rx.wrapping_add(1);
                        self.stats.marker_resp_rx = self.stats.marker_resp_rx.wrapping_add(1);
                    }
                    _ => {
                        st.marker_unknown_rx = st.marker_unknown_rx.wrapping_add(1);
                        self.stats.marker_unknown_rx = self.stats.marker_unknown_rx.wrapping_add(1);
                    }
                }
                RxResult::Consumed
            }
            _ => {
                s.stats.lacpdu_unknown_rx = s.stats.lacpdu_unknown_rx.wrapping_add(1);
                self.stats.lacpdu_unknown_rx = self.stats.lacpdu_unknown_rx.wrapping_add(1);
                RxResult::Another
            }
        }
    }

    /// [`Bond3ad::rx_lacpdu`] on a whole untagged Ethernet frame.
    pub fn rx_frame(
        &mut self,
        slaves: &mut [AdSlave],
        index: usize,
        frame: &[u8],
        out: &mut dyn FnMut(Action),
    ) -> RxResult {
        let mut r = Reader { buf: frame, pos: 0 };
        let (Some(dest), Some(_), Some(proto)) = (r.mac(), r.mac(), r.u16()) else {
            return RxResult::Another;
        };
        let payload = frame.get(ETH_HLEN..).unwrap_or(&[]);
        self.rx_lacpdu(slaves, index, &dest, proto, payload, out)
    }

    /// `bond_3ad_handle_link_change()` with what `bond_miimon_commit()`
    /// does around it: the link of `slaves[index]` went up (with `speed_mbps`
    /// and duplex) or down. Recomputes the port key (a new speed restarts
    /// the port), reselects the active aggregator, and asks for a new
    /// transmit array.
    pub fn link_changed(
        &mut self,
        slaves: &mut [AdSlave],
        index: usize,
        up: bool,
        speed_mbps: u32,
        duplex_full: bool,
        out: &mut dyn FnMut(Action),
    ) {
        if !slaves.get(index).is_some_and(|s| s.port.initialized) {
            return;
        }
        if up {
            Self::set_flags(slaves, index, |s| s.flags.backup = true, out);
        } else {
            self.disable_port(slaves, index, out);
        }
        if let Some(s) = slaves.get_mut(index) {
            s.link_up = up;
            s.dev_up = up;
            s.speed_mbps = speed_mbps;
            s.duplex_full = duplex_full;
            s.port.is_enabled = up;
            s.update_actor_keys(!up);
        }
        let mut dummy = false;
        self.agg_selection_logic(slaves, &mut dummy, out);
        out(Action::UpdateSlaveArray);
    }

    /// `bond_3ad_adapter_speed_duplex_changed()`: new speed or duplex of
    /// `slaves[index]` without a link change.
    pub fn speed_duplex_changed(
        &mut self,
        slaves: &mut [AdSlave],
        index: usize,
        speed_mbps: u32,
        duplex_full: bool,
    ) {
        if let Some(s) = slaves.get_mut(index) {
            if !s.port.initialized {
                return;
            }
            s.speed_mbps = speed_mbps;
            s.duplex_full = duplex_full;
            s.update_actor_keys(false);
        }
    }

    /// `bond_3ad_set_carrier()`: carrier on while the active aggregator
    /// has at least `min_links` ports up (collecting and distributing with
    /// `lacp_strict`). Reports a change as [`Action::Carrier`]; returns
    /// false if there are no slaves (the carrier is left alone).
    pub fn set_carrier(&mut self, slaves: &[AdSlave], out: &mut dyn FnMut(Action)) -> bool {
        if slaves.is_empty() {
            return false;
        }
        let on = match active_agg(slaves) {
            Some(a) => {
                let n = if self.params.lacp_strict {
                    agg_usable_ports(slaves, a)
                } else {
                    agg_active_ports(slaves, a)
                };
                n >= self.params.min_links
            }
            None => false,
        };
        if on != self.carrier {
            self.carrier = on;
            out(Action::Carrier(on));
        }
        true
    }

    /// `bond_3ad_get_active_agg_info()`: the active aggregator, if any.
    pub fn active_agg_info(&self, slaves: &[AdSlave]) -> Option<AdInfo> {
        let a = (0..slaves.len())
            .find_map(|i| port_agg(slaves, i).filter(|&a| agg_is_active(slaves, Some(a))))?;
        let g = agg(slaves, Some(a))?;
        Some(AdInfo {
            aggregator_id: g.aggregator_identifier,
            ports: u16::try_from(agg_active_ports(slaves, a)).unwrap_or(u16::MAX),
            actor_key: g.actor_oper_aggregator_key,
            partner_key: g.partner_oper_aggregator_key,
            partner_system: g.partner_system,
        })
    }

    /// `bond_3ad_update_lacp_rate()`: apply [`AdParams::lacp_fast`].
    pub fn update_lacp_rate(&mut self, slaves: &mut [AdSlave]) {
        for s in slaves.iter_mut() {
            if self.params.lacp_fast {
                s.port.actor_oper_port_state |= LACP_STATE_LACP_TIMEOUT;
            } else {
                s.port.actor_oper_port_state &= !LACP_STATE_LACP_TIMEOUT;
            }
        }
    }

    /// `bond_3ad_update_lacp_active()`: apply [`AdParams::lacp_active`].
    pub fn update_lacp_active(&mut self, slaves: &mut [AdSlave]) {
        for s in slaves.iter_mut() {
            if self.params.lacp_active {
                s.port.actor_oper_port_state |= LACP_STATE_LACP_ACTIVITY;
            } else {
                s.port.actor_oper_port_state &= !LACP_STATE_LACP_ACTIVITY;
            }
        }
    }

    /// `bond_3ad_update_ad_actor_settings()`: apply `ad_actor_sys_prio`,
    /// `ad_actor_system` (or a new [`Bond3ad::dev_addr`]) and the slaves'
    /// port priorities; every port sends a LACPDU.
    pub fn update_ad_actor_settings(&mut self, slaves: &mut [AdSlave]) {
        self.update_system();
        for s in slaves.iter_mut() {
            s.port.actor_system = self.system.sys_mac_addr;
            s.port.actor_system_priority = self.system.sys_priority;
            s.port.actor_port_priority = s.port_priority;
            s.port.ntt = true;
        }
    }

    /// `bond_option_actor_port_prio_set()`: the slave's `actor_port_prio`.
    pub fn set_port_priority(&mut self, slaves: &mut [AdSlave], index: usize, prio: u16) {
        if let Some(s) = slaves.get_mut(index) {
            s.port_priority = prio;
        }
        self.update_ad_actor_settings(slaves);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::VecDeque;
    use std::format;
    use std::string::String;
    use std::vec::Vec;

    fn mac(b: u8) -> MacAddr {
        MacAddr([0x02, 0, 0, 0, 0, b])
    }

    /// One bond: its 802.3ad state and slaves.
    struct Side {
        bond: Bond3ad,
        slaves: Vec<AdSlave>,
    }

    impl Side {
        fn new(sys: u8, params: AdParams, ports: &[(u8, u32)]) -> Side {
            let mut side = Side {
                bond: Bond3ad::new(params, mac(sys)),
                slaves: Vec::new(),
            };
            for &(m, speed) in ports {
                side.add(m, speed);
            }
            // bond_open()
            side.bond.initiate_agg_selection(1);
            side
        }

        fn add(&mut self, m: u8, speed: u32) {
            self.slaves.push(AdSlave::new(mac(m), true, speed, true));
            let i = self.slaves.len() - 1;
            self.bond.bind_slave(&mut self.slaves, i, &mut |_| {});
        }

        fn index_of(&self, m: MacAddr) -> Option<usize> {
            self.slaves.iter().position(|s| s.perm_hwaddr == m)
        }

        fn system(&self) -> MacAddr {
            self.bond.system.sys_mac_addr
        }
    }

    /// A cable between two slaves, named by bond and permanent address.
    #[derive(Clone, Copy)]
    struct Link {
        a: (usize, MacAddr),
        b: (usize, MacAddr),
        up: bool,
        silent: bool,
    }

    /// A link end: bond and last byte of the slave's address.
    type End = (usize, u8);

    /// Bonds wired back to back.
    struct Sim {
        sides: Vec<Side>,
        links: Vec<Link>,
        now: u64,
        /// (tick, side ticking, receiving side, receiving slave address).
        log: Vec<(u64, usize, usize, MacAddr)>,
        /// LACPDUs sent: (tick, side, slave address).
        sent: Vec<(u64, usize, MacAddr)>,
        phase: usize,
    }

    impl Sim {
        fn new(sides: Vec<Side>, links: &[(End, End)]) -> Sim {
            Sim {
                sides,
                links: links
                    .iter()
                    .map(|&((sa, ma), (sb, mb))| Link {
                        a: (sa, mac(ma)),
                        b: (sb, mac(mb)),
                        up: true,
                        silent: false,
                    })
                    .collect(),
                now: 0,
                log: Vec::new(),
                sent: Vec::new(),
                phase: 0,
            }
        }

        fn tick(&mut self) {
            for k in 0..self.sides.len() {
                self.phase = k;
                let mut acts = Vec::new();
                let side = &mut self.sides[k];
                side.bond.tick(&mut side.slaves, &mut |a| acts.push(a));
                self.route(k, acts);
            }
            self.now += 1;
        }

        fn run(&mut self, seconds: u64) {
            for _ in 0..seconds * 10 {
                self.tick();
            }
        }

        fn route(&mut self, k: usize, acts: Vec<Action>) {
            let mut queue: VecDeque<(usize, Action)> = acts.into_iter().map(|a| (k, a)).collect();
            while let Some((k, a)) = queue.pop_front() {
                let mut buf = [0u8; 128];
                let (src, len) = match a {
                    Action::SendLacpdu { src, pdu, .. } => {
                        self.sent.push((self.now, k, src));
                        (src, build_lacpdu_frame(&mut buf, src, &pdu).unwrap())
                    }
                    Action::SendMarker { src, pdu, .. } => {
                        (src, build_marker_frame(&mut buf, src, &pdu).unwrap())
                    }
                    _ => continue,
                };
                let Some(link) = self
                    .links
                    .iter()
                    .find(|l| l.a == (k, src) || l.b == (k, src))
                else {
                    continue;
                };
                if !link.up || link.silent {
                    continue;
                }
                let (dk, dmac) = if link.a == (k, src) { link.b } else { link.a };
                let Some(di) = self.sides[dk].index_of(dmac) else {
                    continue;
                };
                let mut more = Vec::new();
                let side = &mut self.sides[dk];
                let r = side
                    .bond
                    .rx_frame(&mut side.slaves, di, &buf[..len], &mut |a| more.push(a));
                assert_eq!(r, RxResult::Consumed);
                self.log.push((self.now, self.phase, dk, dmac));
                queue.extend(more.into_iter().map(|a| (dk, a)));
            }
        }

        /// Link `l` goes up or down, seen by both ends.
        fn set_link(&mut self, l: usize, up: bool) {
            self.links[l].up = up;
            let link = self.links[l];
            for (k, m) in [link.a, link.b] {
                let side = &mut self.sides[k];
                let Some(i) = side.index_of(m) else { continue };
                let speed = side.slaves[i].speed_mbps;
                let mut acts = Vec::new();
                side.bond
                    .link_changed(&mut side.slaves, i, up, speed, true, &mut |a| acts.push(a));
                self.route(k, acts);
            }
        }

        /// Ticks of side `k` between the last PDU it received on slave `m`
        /// and tick `t` (which ran on it).
        fn ticks_since_rx(&self, k: usize, m: MacAddr, t: u64) -> u64 {
            let &(tl, phase, _, _) = self
                .log
                .iter()
                .rev()
                .find(|e| e.2 == k && e.3 == m)
                .unwrap();
            // Received before this side's tick of the same round: that
            // tick counts.
            t - tl + u64::from(k > phase)
        }
    }

    /// The list and count invariants of the aggregators.
    fn invariants(slaves: &[AdSlave]) -> Result<(), String> {
        let mut active = 0;
        for (j, s) in slaves.iter().enumerate() {
            let g = &s.aggregator;
            active += usize::from(g.is_active);
            let mut lag = Lag::of(slaves, Some(j));
            let mut n = 0;
            while let Some(i) = lag.next(slaves) {
                n += 1;
                if slaves[i].port.aggregator != Some(g.aggregator_identifier) {
                    return Err(format!("port {i} on list of agg {j} points elsewhere"));
                }
                if slaves[i].port.actor_port_aggregator_identifier != g.aggregator_identifier {
                    return Err(format!("port {i}: stale actor_port_aggregator_identifier"));
                }
            }
            if lag.next.is_some() {
                return Err(format!("list of agg {j} is broken or cyclic"));
            }
            if n != usize::from(g.num_of_ports) {
                return Err(format!(
                    "agg {j}: {n} ports listed, num_of_ports {}",
                    g.num_of_ports
                ));
            }
        }
        if active > 1 {
            return Err(format!("{active} active aggregators"));
        }
        for (i, s) in slaves.iter().enumerate() {
            if let Some(id) = s.port.aggregator {
                let Some(a) = agg_index(slaves, id) else {
                    return Err(format!("port {i}: aggregator {id} does not exist"));
                };
                let mut lag = Lag::of(slaves, Some(a));
                let mut on = 0;
                while let Some(k) = lag.next(slaves) {
                    on += usize::from(k == i);
                }
                if on != 1 {
                    return Err(format!("port {i} is {on} times on its aggregator's list"));
                }
            }
        }
        Ok(())
    }

    /// `side` aggregates `ports` with `other`'s `other_ports`, all in
    /// collecting+distributing.
    fn assert_aggregated(side: &Side, other: &Side, ports: &[usize]) {
        invariants(&side.slaves).unwrap();
        let info = side
            .bond
            .active_agg_info(&side.slaves)
            .expect("active aggregator");
        assert_eq!(usize::from(info.ports), ports.len());
        assert_eq!(info.partner_system, other.system());
        assert!(side.bond.carrier);
        for &i in ports {
            let s = &side.slaves[i];
            assert_eq!(s.port.aggregator, Some(info.aggregator_id), "port {i}");
            assert_eq!(
                s.port.sm_mux_state,
                MuxState::CollectingDistributing,
                "port {i}"
            );
            assert_eq!(s.port.sm_rx_state, RxState::Current, "port {i}");
            assert_eq!(s.flags, SlaveFlags::default(), "port {i}");
            let cd = LACP_STATE_SYNCHRONIZATION | LACP_STATE_COLLECTING | LACP_STATE_DISTRIBUTING;
            assert_eq!(s.port.actor_oper_port_state & cd, cd);
            assert_eq!(s.port.partner_oper.port_state & cd, cd);
            assert_eq!(s.port.partner_oper.system, other.system());
            assert_eq!(s.port.partner_oper.key, info.partner_key);
            assert!(other
                .slaves
                .iter()
                .any(|o| o.port.actor_oper_port_key == info.partner_key));
        }
        for (i, s) in side.slaves.iter().enumerate() {
            if !ports.contains(&i) {
                assert!(s.flags.backup, "port {i} should not distribute");
            }
        }
    }

    fn pair(pa: AdParams, pb: AdParams) -> Sim {
        let a = Side::new(0xa0, pa, &[(0x11, 1000), (0x12, 1000)]);
        let b = Side::new(0xb0, pb, &[(0x21, 1000), (0x22, 1000)]);
        Sim::new(
            std::vec![a, b],
            &[((0, 0x11), (1, 0x21)), ((0, 0x12), (1, 0x22))],
        )
    }

    #[test]
    fn lacpdu_byte_vector() {
        let pdu = Lacpdu {
            subtype: 1,
            version_number: 1,
            actor: PortParams {
                system: MacAddr([0x02, 0, 0, 0, 0, 0xaa]),
                system_priority: 0xffff,
                key: 0x0009,
                port_number: 1,
                port_priority: 0xff,
                port_state: 0x3d,
            },
            partner: PortParams {
                system: MacAddr([0x02, 0, 0, 0, 0, 0xbb]),
                system_priority: 0x8000,
                key: 0x0109,
                port_number: 0x0203,
                port_priority: 0x0080,
                port_state: 0x3f,
            },
            collector_max_delay: 0,
        };
        let mut expect = Vec::new();
        // struct ethhdr
        expect.extend_from_slice(&[0x01, 0x80, 0xc2, 0, 0, 0x02]);
        expect.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x11]);
        expect.extend_from_slice(&[0x88, 0x09]);
        // subtype, version, actor TLV
        expect.extend_from_slice(&[0x01, 0x01, 0x01, 0x14]);
        expect.extend_from_slice(&[0xff, 0xff, 0x02, 0, 0, 0, 0, 0xaa]);
        expect.extend_from_slice(&[0x00, 0x09, 0x00, 0xff, 0x00, 0x01, 0x3d, 0, 0, 0]);
        // partner TLV
        expect.extend_from_slice(&[0x02, 0x14]);
        expect.extend_from_slice(&[0x80, 0x00, 0x02, 0, 0, 0, 0, 0xbb]);
        expect.extend_from_slice(&[0x01, 0x09, 0x00, 0x80, 0x02, 0x03, 0x3f, 0, 0, 0]);
        // collector TLV: max delay and 12 reserved bytes
        expect.extend_from_slice(&[0x03, 0x10, 0x00, 0x00]);
        expect.extend_from_slice(&[0; 12]);
        // terminator and 50 reserved bytes
        expect.extend_from_slice(&[0x00, 0x00]);
        expect.extend_from_slice(&[0; 50]);
        assert_eq!(expect.len(), LACPDU_FRAME_LEN);

        let mut buf = [0xeeu8; 200];
        let n = build_lacpdu_frame(&mut buf, mac(0x11), &pdu).unwrap();
        assert_eq!(n, 124);
        assert_eq!(&buf[..n], &expect[..]);
        assert_eq!(Lacpdu::parse(&buf[14..n]), Some(pdu));
        assert_eq!(Lacpdu::parse(&buf[14..n - 1]), None);
        assert_eq!(build_lacpdu_frame(&mut buf[..123], mac(0x11), &pdu), None);
    }

    #[test]
    fn port_lacpdu_template() {
        let mut side = Side::new(0xa0, AdParams::default(), &[(0x11, 1000)]);
        let p = side.slaves[0].port.lacpdu();
        assert_eq!(p.actor.key, 9); // 1000 Mbps (4 << 1) | full duplex
        assert_eq!(p.actor.system, mac(0xa0));
        assert_eq!(p.actor.system_priority, 0xffff);
        assert_eq!(p.actor.port_number, 1);
        assert_eq!(p.actor.port_priority, 0xff);
        assert_eq!(
            p.actor.port_state,
            LACP_STATE_AGGREGATION | LACP_STATE_LACP_ACTIVITY
        );
        assert_eq!(p.partner, PARTNER_DEFAULTS);
        side.bond.params.ad_user_port_key = 0x3ff;
        side.add(0x12, 100_000);
        assert_eq!(side.slaves[1].id, 2);
        assert_eq!(
            side.slaves[1].port.actor_oper_port_key,
            (0x3ff << 6) | (15 << 1) | 1
        );
        assert_eq!(side.slaves[1].aggregator.aggregator_identifier, 2);
        assert!(side.slaves[1].flags.backup && side.slaves[1].flags.inactive);
    }

    proptest! {
        #[test]
        fn lacpdu_round_trip(
            sysa in any::<[u8; 6]>(), sysb in any::<[u8; 6]>(),
            w in any::<[u16; 8]>(), sa in any::<u8>(), sb in any::<u8>(),
            delay in any::<u16>(), src in any::<[u8; 6]>(),
        ) {
            let pdu = Lacpdu {
                subtype: 1,
                version_number: 1,
                actor: PortParams {
                    system: MacAddr(sysa), system_priority: w[0], key: w[1],
                    port_number: w[2], port_priority: w[3], port_state: sa,
                },
                partner: PortParams {
                    system: MacAddr(sysb), system_priority: w[4], key: w[5],
                    port_number: w[6], port_priority: w[7], port_state: sb,
                },
                collector_max_delay: delay,
            };
            let mut buf = [0u8; LACPDU_FRAME_LEN];
            prop_assert_eq!(build_lacpdu_frame(&mut buf, MacAddr(src), &pdu), Some(124));
            prop_assert_eq!(&buf[..6], &LACPDU_MCAST_ADDR.0[..]);
            prop_assert_eq!(&buf[6..12], &src[..]);
            prop_assert_eq!(Lacpdu::parse(&buf[14..]), Some(pdu));
        }
    }

    #[test]
    fn rx_classification_and_marker() {
        let mut side = Side::new(0xa0, AdParams::default(), &[(0x11, 1000)]);
        let s = &mut side.slaves;
        let b = &mut side.bond;
        let mut acts: Vec<Action> = Vec::new();
        let payload = [0u8; 110];
        let mut out = |a| acts.push(a);
        // Not slow protocols, or not to the LACP group address.
        assert_eq!(
            b.rx_lacpdu(s, 0, &LACPDU_MCAST_ADDR, 0x0800, &payload, &mut out),
            RxResult::Another
        );
        assert_eq!(
            b.rx_lacpdu(s, 0, &mac(1), ETH_P_SLOW, &payload, &mut out),
            RxResult::Another
        );
        // Too short: illegal.
        assert_eq!(
            b.rx_lacpdu(
                s,
                0,
                &LACPDU_MCAST_ADDR,
                ETH_P_SLOW,
                &payload[..60],
                &mut out
            ),
            RxResult::Another
        );
        assert_eq!(s[0].stats.lacpdu_illegal_rx, 1);
        // Unknown subtype.
        let mut p = payload;
        p[0] = 9;
        assert_eq!(
            b.rx_lacpdu(s, 0, &LACPDU_MCAST_ADDR, ETH_P_SLOW, &p, &mut out),
            RxResult::Another
        );
        assert_eq!(b.stats.lacpdu_unknown_rx, 1);
        // Marker information: answered with a response.
        p[0] = AD_TYPE_MARKER;
        p[1] = 1;
        p[2] = AD_MARKER_INFORMATION_SUBTYPE;
        p[3] = 0x16;
        p[4..6].copy_from_slice(&7u16.to_be_bytes());
        p[6..12].copy_from_slice(&mac(0x77).0);
        p[12..16].copy_from_slice(&0xdeadbeefu32.to_be_bytes());
        assert_eq!(
            b.rx_lacpdu(s, 0, &LACPDU_MCAST_ADDR, ETH_P_SLOW, &p, &mut out),
            RxResult::Consumed
        );
        // Marker response: consumed, nothing sent.
        let mut r = p;
        r[2] = AD_MARKER_RESPONSE_SUBTYPE;
        assert_eq!(
            b.rx_lacpdu(s, 0, &LACPDU_MCAST_ADDR, ETH_P_SLOW, &r, &mut out),
            RxResult::Consumed
        );
        assert_eq!(s[0].stats.marker_rx, 1);
        assert_eq!(s[0].stats.marker_resp_tx, 1);
        assert_eq!(s[0].stats.marker_resp_rx, 1);
        assert_eq!(acts.len(), 1);
        let Action::SendMarker { slave, src, pdu } = acts[0] else {
            panic!("{:?}", acts[0]);
        };
        assert_eq!((slave, src), (0, mac(0x11)));
        assert_eq!(pdu.tlv_type(), AD_MARKER_RESPONSE_SUBTYPE);
        assert_eq!(pdu.requester_port(), 7);
        assert_eq!(pdu.requester_system(), mac(0x77));
        assert_eq!(pdu.requester_transaction_id(), 0xdeadbeef);
        assert_eq!(&pdu.0[3..], &p[3..]);
        let mut f = [0u8; MARKER_FRAME_LEN];
        assert_eq!(build_marker_frame(&mut f, src, &pdu), Some(124));
        assert_eq!(&f[12..14], &[0x88, 0x09]);
        assert_eq!(&f[14..], &pdu.0[..]);
    }

    #[test]
    fn loopback_is_ignored() {
        let mut side = Side::new(0xa0, AdParams::default(), &[(0x11, 1000), (0x12, 1000)]);
        for _ in 0..5 {
            side.bond.tick(&mut side.slaves, &mut |_| {});
        }
        let pdu = side.slaves[0].port.lacpdu();
        let before = side.slaves[1].port.partner_oper;
        let mut buf = [0u8; 124];
        build_lacpdu_frame(&mut buf, mac(0x11), &pdu).unwrap();
        let r = side.bond.rx_frame(&mut side.slaves, 1, &buf, &mut |_| {});
        assert_eq!(r, RxResult::Consumed);
        assert_eq!(side.slaves[1].port.partner_oper, before);
    }

    #[test]
    fn two_bonds_aggregate_and_survive_a_link_cut() {
        let mut sim = pair(AdParams::default(), AdParams::default());
        sim.run(10);
        assert_aggregated(&sim.sides[0], &sim.sides[1], &[0, 1]);
        assert_aggregated(&sim.sides[1], &sim.sides[0], &[0, 1]);
        let agg_a = sim.sides[0]
            .bond
            .active_agg_info(&sim.sides[0].slaves)
            .unwrap();
        assert_eq!(agg_a.actor_key, 9);
        assert_eq!(agg_a.partner_key, 9);
        assert_eq!(sim.sides[0].slaves[0].port.partner_oper.port_number, 1);
        assert_eq!(sim.sides[0].slaves[1].port.partner_oper.port_number, 2);

        // Cut link 1.
        sim.set_link(1, false);
        sim.run(5);
        for k in 0..2 {
            let (side, other) = (&sim.sides[k], &sim.sides[1 - k]);
            assert_aggregated(side, other, &[0]);
            let s1 = &side.slaves[1];
            assert!(!s1.port.is_enabled);
            assert_eq!(s1.port.sm_rx_state, RxState::PortDisabled);
            assert_ne!(s1.port.sm_mux_state, MuxState::CollectingDistributing);
            assert!(s1.flags.backup && s1.flags.inactive && s1.flags.rx_disabled);
            assert!(side.bond.carrier);
        }

        // Restore it: the port rejoins the aggregator.
        sim.set_link(1, true);
        sim.run(10);
        assert_aggregated(&sim.sides[0], &sim.sides[1], &[0, 1]);
        assert_aggregated(&sim.sides[1], &sim.sides[0], &[0, 1]);

        // Both links down: no active aggregator, carrier off.
        sim.set_link(0, false);
        sim.set_link(1, false);
        sim.run(1);
        for side in &sim.sides {
            assert!(side.bond.active_agg_info(&side.slaves).is_none());
            assert!(!side.bond.carrier);
            invariants(&side.slaves).unwrap();
        }
        sim.set_link(0, true);
        sim.set_link(1, true);
        sim.run(10);
        assert_aggregated(&sim.sides[0], &sim.sides[1], &[0, 1]);
        assert_aggregated(&sim.sides[1], &sim.sides[0], &[0, 1]);
    }

    #[test]
    fn min_links_holds_the_carrier() {
        let params = AdParams {
            min_links: 2,
            ..AdParams::default()
        };
        let mut sim = pair(params, AdParams::default());
        sim.run(10);
        assert!(sim.sides[0].bond.carrier);
        let mut carrier = Vec::new();
        let side = &mut sim.sides[0];
        side.bond
            .link_changed(&mut side.slaves, 1, false, 1000, true, &mut |a| {
                if let Action::Carrier(on) = a {
                    carrier.push(on)
                }
            });
        assert_eq!(carrier, [false]);
        assert!(!sim.sides[0].bond.carrier);
        sim.links[1].up = false;
        sim.run(2);
        assert!(!sim.sides[0].bond.carrier);
        // lacp_strict counts collecting+distributing ports only.
        sim.set_link(1, true);
        sim.run(10);
        assert!(sim.sides[0].bond.carrier);
        sim.sides[0].bond.params.lacp_strict = true;
        sim.sides[0].bond.params.min_links = 3;
        let side = &mut sim.sides[0];
        side.bond.set_carrier(&side.slaves, &mut |_| {});
        assert!(!side.bond.carrier);
    }

    #[test]
    fn lacp_rate_fast_and_slow_timeouts() {
        let fast = AdParams {
            lacp_fast: true,
            ..AdParams::default()
        };
        // Side 0 asks for fast LACPDUs, side 1 for slow ones.
        let mut sim = pair(fast, AdParams::default());
        sim.run(10);
        assert_aggregated(&sim.sides[0], &sim.sides[1], &[0, 1]);
        let a = &sim.sides[0].slaves[0].port;
        assert!(a.actor(LACP_STATE_LACP_TIMEOUT));
        assert!(!a.partner(LACP_STATE_LACP_TIMEOUT));
        assert_eq!(a.sm_periodic_state, PeriodicState::SlowPeriodic);
        assert_eq!(
            sim.sides[1].slaves[0].port.sm_periodic_state,
            PeriodicState::FastPeriodic
        );

        // Transmit rates: side 1 answers the fast request with one LACPDU
        // a second per port; side 0 sends one every 30 seconds.
        let t0 = sim.now;
        sim.run(60);
        let count = |k: usize, m: u8| {
            sim.sent
                .iter()
                .filter(|e| e.0 >= t0 && e.1 == k && e.2 == mac(m))
                .count()
        };
        assert!((59..=61).contains(&count(1, 0x21)), "{}", count(1, 0x21));
        assert!((2..=3).contains(&count(0, 0x11)), "{}", count(0, 0x11));

        // Silence link 0 (the link stays up): side 0 expires after 3 s,
        // side 1 after 90 s.
        sim.links[0].silent = true;
        let mut expired = [None, None];
        let mut defaulted = None;
        for _ in 0..1000 {
            sim.tick();
            let t = sim.now - 1;
            for (e, side) in expired.iter_mut().zip(&sim.sides) {
                if side.slaves[0].port.sm_rx_state == RxState::Expired && e.is_none() {
                    *e = Some(t);
                }
            }
            if sim.sides[0].slaves[0].port.sm_rx_state == RxState::Defaulted && defaulted.is_none()
            {
                defaulted = Some(t);
            }
        }
        let (ea, eb) = (expired[0].unwrap(), expired[1].unwrap());
        assert_eq!(sim.ticks_since_rx(0, mac(0x11), ea), 30);
        assert_eq!(sim.ticks_since_rx(1, mac(0x21), eb), 900);
        // EXPIRED waits the short timeout before DEFAULTED.
        assert_eq!(defaulted.unwrap() - ea, 30);
        // Meanwhile the other link carries the aggregate.
        let side = &sim.sides[0];
        let info = side.bond.active_agg_info(&side.slaves).unwrap();
        assert_eq!(side.slaves[1].port.aggregator, Some(info.aggregator_id));
        assert_eq!(
            side.slaves[1].port.sm_mux_state,
            MuxState::CollectingDistributing
        );
        assert!(side.slaves[0].flags.backup);
    }

    #[test]
    fn lacp_passive_side_still_aggregates() {
        let passive = AdParams {
            lacp_active: false,
            ..AdParams::default()
        };
        let mut sim = pair(passive, AdParams::default());
        sim.run(10);
        assert_aggregated(&sim.sides[0], &sim.sides[1], &[0, 1]);
        assert_aggregated(&sim.sides[1], &sim.sides[0], &[0, 1]);
        assert!(!sim.sides[0].slaves[0].port.actor(LACP_STATE_LACP_ACTIVITY));
        // Turning lacp_active on takes effect on the actor state.
        sim.sides[0].bond.params.lacp_active = true;
        let side = &mut sim.sides[0];
        side.bond.update_lacp_active(&mut side.slaves);
        assert!(side.slaves[0].port.actor(LACP_STATE_LACP_ACTIVITY));
    }

    /// Bond 0 has a 10G link to bond 1 and two 1G links to bond 2.
    fn three_bonds(select: AdSelect) -> Sim {
        let p = AdParams {
            ad_select: select,
            ..AdParams::default()
        };
        let a = Side::new(0xa0, p, &[(0x11, 10000), (0x12, 1000), (0x13, 1000)]);
        let b = Side::new(0xb0, AdParams::default(), &[(0x21, 10000)]);
        let c = Side::new(0xc0, AdParams::default(), &[(0x31, 1000), (0x32, 1000)]);
        Sim::new(
            std::vec![a, b, c],
            &[
                ((0, 0x11), (1, 0x21)),
                ((0, 0x12), (2, 0x31)),
                ((0, 0x13), (2, 0x32)),
            ],
        )
    }

    #[test]
    fn ad_select_bandwidth_and_count() {
        let mut sim = three_bonds(AdSelect::Bandwidth);
        sim.run(15);
        assert_aggregated(&sim.sides[0], &sim.sides[1], &[0]);
        let info = sim.sides[0]
            .bond
            .active_agg_info(&sim.sides[0].slaves)
            .unwrap();
        assert_eq!(info.actor_key, (7 << 1) | 1);

        let mut sim = three_bonds(AdSelect::Count);
        sim.run(15);
        assert_aggregated(&sim.sides[0], &sim.sides[2], &[1, 2]);
        // The ports to bond 1 are in their own, inactive aggregator.
        let s0 = &sim.sides[0].slaves[0];
        assert_eq!(s0.port.sm_mux_state, MuxState::Attached);
        assert!(!s0.port.actor(LACP_STATE_SYNCHRONIZATION));
        // Losing one of the two 1G links makes the 10G aggregator win the
        // count tie on bandwidth.
        sim.set_link(2, false);
        sim.run(10);
        assert_aggregated(&sim.sides[0], &sim.sides[1], &[0]);

        // prio: the sum of the port priorities decides.
        let mut sim = three_bonds(AdSelect::Prio);
        let side = &mut sim.sides[0];
        side.bond.set_port_priority(&mut side.slaves, 0, 1000);
        sim.run(15);
        assert_aggregated(&sim.sides[0], &sim.sides[1], &[0]);
    }

    #[test]
    fn first_bind_delays_distributing_by_the_selection_timer() {
        let mut sim = pair(AdParams::default(), AdParams::default());
        // Slaves enslaved to a bond that is already up: bond_3ad_initialize()
        // waits 8 s before the first selection.
        sim.sides[0].bond.initiate_agg_selection(80);
        sim.run(7);
        let s = &sim.sides[0].slaves[0];
        assert_eq!(s.port.sm_mux_state, MuxState::Attached);
        assert!(s.flags.backup);
        sim.run(2);
        assert_aggregated(&sim.sides[0], &sim.sides[1], &[0, 1]);
        assert_aggregated(&sim.sides[1], &sim.sides[0], &[0, 1]);
    }

    #[test]
    fn independent_control_collects_then_distributes() {
        let p = AdParams {
            coupled_control: false,
            ..AdParams::default()
        };
        let mut sim = pair(p, p);
        sim.run(10);
        for side in &sim.sides {
            for s in &side.slaves {
                assert_eq!(s.port.sm_mux_state, MuxState::Distributing);
                assert_eq!(s.flags, SlaveFlags::default());
            }
            assert_eq!(side.bond.active_agg_info(&side.slaves).unwrap().ports, 2);
        }
    }

    #[test]
    fn unbind_moves_ports_and_leaves_no_reference() {
        let mut sim = pair(AdParams::default(), AdParams::default());
        sim.run(10);
        // Remove side 0's first slave, whose aggregator holds both ports.
        let side = &mut sim.sides[0];
        let agg0 = side.slaves[0].aggregator.aggregator_identifier;
        assert_eq!(side.slaves[1].port.aggregator, Some(agg0));
        let mut acts = Vec::new();
        side.bond
            .unbind_slave(&mut side.slaves, 0, &mut |a| acts.push(a));
        // A last LACPDU without aggregation.
        let last = acts.iter().find_map(|a| match a {
            Action::SendLacpdu { slave: 0, pdu, .. } => Some(*pdu),
            _ => None,
        });
        assert_eq!(last.unwrap().actor.port_state & LACP_STATE_AGGREGATION, 0);
        side.slaves.remove(0);
        invariants(&side.slaves).unwrap();
        let s = &side.slaves[0];
        assert_ne!(s.port.aggregator, Some(agg0));
        assert_eq!(s.aggregator.num_of_ports, 1);
        assert!(s.aggregator.is_active);
        sim.links[0].up = false;
        sim.run(5);
        assert_aggregated(&sim.sides[0], &sim.sides[1], &[0]);
        // Enslave it again: it gets id 3 and joins.
        sim.sides[0].add(0x11, 1000);
        assert_eq!(sim.sides[0].slaves[1].id, 3);
        sim.links[0].up = true;
        sim.run(10);
        assert_aggregated(&sim.sides[0], &sim.sides[1], &[0, 1]);
        // Remove everything.
        let side = &mut sim.sides[0];
        while !side.slaves.is_empty() {
            let n = side.slaves.len() - 1;
            side.bond.unbind_slave(&mut side.slaves, n, &mut |_| {});
            side.slaves.pop();
            invariants(&side.slaves).unwrap();
        }
    }

    #[test]
    fn speed_change_restarts_the_port() {
        let mut sim = pair(AdParams::default(), AdParams::default());
        sim.run(10);
        for k in 0..2 {
            let side = &mut sim.sides[k];
            side.bond
                .speed_duplex_changed(&mut side.slaves, 1, 10000, true);
            assert!(side.slaves[1].port.vars(AD_PORT_BEGIN));
        }
        sim.run(10);
        // Different keys: two aggregators, one active.
        for k in 0..2 {
            let side = &sim.sides[k];
            invariants(&side.slaves).unwrap();
            assert_ne!(
                side.slaves[0].port.aggregator,
                side.slaves[1].port.aggregator
            );
            assert_eq!(side.bond.active_agg_info(&side.slaves).unwrap().ports, 1);
        }
    }

    #[derive(Clone, Debug)]
    enum Op {
        Link(usize, bool),
        Silent(usize, bool),
        Speed(usize, usize, bool),
        Rebind(usize, usize),
        Ticks(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0..2usize, any::<bool>()).prop_map(|(l, up)| Op::Link(l, up)),
            (0..2usize, any::<bool>()).prop_map(|(l, s)| Op::Silent(l, s)),
            (0..2usize, 0..2usize, any::<bool>()).prop_map(|(k, i, f)| Op::Speed(k, i, f)),
            (0..2usize, 0..2usize).prop_map(|(k, i)| Op::Rebind(k, i)),
            any::<u8>().prop_map(Op::Ticks),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn link_flaps_keep_invariants(ops in proptest::collection::vec(op(), 1..30)) {
            let mut sim = pair(AdParams::default(), AdParams::default());
            for op in ops {
                match op {
                    Op::Link(l, up) => sim.set_link(l, up),
                    Op::Silent(l, s) => sim.links[l].silent = s,
                    Op::Speed(k, i, fast) => {
                        let side = &mut sim.sides[k];
                        let speed = if fast { 10000 } else { 1000 };
                        side.bond.speed_duplex_changed(&mut side.slaves, i, speed, true);
                    }
                    Op::Rebind(k, i) => {
                        let side = &mut sim.sides[k];
                        let m = side.slaves[i].perm_hwaddr;
                        let speed = side.slaves[i].speed_mbps;
                        let up = side.slaves[i].link_up;
                        side.bond.unbind_slave(&mut side.slaves, i, &mut |_| {});
                        side.slaves.remove(i);
                        prop_assert_eq!(invariants(&side.slaves), Ok(()));
                        side.slaves.push(AdSlave::new(m, up, speed, true));
                        let n = side.slaves.len() - 1;
                        side.bond.bind_slave(&mut side.slaves, n, &mut |_| {});
                        if !up {
                            side.bond.link_changed(&mut side.slaves, n, false, speed, true, &mut |_| {});
                        }
                    }
                    Op::Ticks(n) => {
                        for _ in 0..n {
                            sim.tick();
                            for side in &sim.sides {
                                prop_assert_eq!(invariants(&side.slaves), Ok(()));
                            }
                        }
                    }
                }
                for side in &sim.sides {
                    prop_assert_eq!(invariants(&side.slaves), Ok(()));
                    prop_assert_eq!(side.slaves.len(), 2);
                }
            }
            // Heal everything: the bonds aggregate again.
            for l in 0..2 {
                sim.links[l].silent = false;
            }
            for k in 0..2 {
                for i in 0..2 {
                    let side = &mut sim.sides[k];
                    side.bond.speed_duplex_changed(&mut side.slaves, i, 1000, true);
                }
            }
            for l in 0..2 {
                if !sim.links[l].up {
                    sim.set_link(l, true);
                }
            }
            sim.run(40);
            for k in 0..2 {
                let (side, other) = (&sim.sides[k], &sim.sides[1 - k]);
                invariants(&side.slaves).unwrap();
                let info = side.bond.active_agg_info(&side.slaves).unwrap();
                prop_assert_eq!(info.ports, 2);
                prop_assert_eq!(info.partner_system, other.system());
                for s in &side.slaves {
                    prop_assert_eq!(s.port.sm_mux_state, MuxState::CollectingDistributing);
                    prop_assert_eq!(s.flags, SlaveFlags::default());
                }
            }
        }
    }
}
