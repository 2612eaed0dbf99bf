// SPDX-License-Identifier: GPL-2.0

//! Link kinds: `struct rtnl_link_ops` (`ip link add|set|del ... type KIND`)
//! and the `struct net_device_ops` of the devices a kind creates.
//!
//! A kind implements [`DeviceOps`] (its devices' hooks, as a C driver's
//! `net_device_ops`, next to its datapath) and [`LinkOps`] (its rtnetlink
//! side, next to its netlink code); [`LinkRegistration`] turns the two into
//! the C tables. Each device's private area (`netdev_priv()`) holds a
//! C-visible header ([`DeviceOps::Header`]) followed by a pointer to the
//! kind's Rust state ([`DeviceOps::Device`]), which the device owns: it is
//! installed by [`NewLink::register`] and dropped by the device's
//! destructor.

use super::attr::{Attrs, ExtAck, NlMsg, Policy};
use super::bindings as b;
use super::bridge::{FdbDump, FdbRecord, FdbRequest, PortRequest};
use super::netdev::{LinkStats, Net, NetDevice, NetDeviceRef, UnregisterQueue};
use super::skb::SkBuff;
use super::tunnel::{prl_siocdevprivate, PrlCommand, PrlRequest, TunnelParm};
use crate::rvnet_core::ether::MacAddr;
use crate::rvnet_core::tunnel::prl::PrlEntry;
use crate::rvnet_core::vlan::VLAN_HLEN;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::alloc::{flags::GFP_KERNEL, KBox, KVec};
use kernel::error::{
    code::{EINVAL, EOPNOTSUPP},
    Result, VTABLE_DEFAULT_ERROR,
};
use kernel::ffi::{c_int, c_void, CStr};
use kernel::prelude::*;
use kernel::types::Opaque;

/// A C-visible header at the start of a device's private area, for kinds
/// whose devices the kernel's C code reads (zero-initialized).
pub trait CHeader: Send + Sync + 'static {}

impl CHeader for () {}

/// Hooks of the devices of one kind: their `struct net_device_ops`, header
/// ops and ethtool ops, and their private area.
#[vtable]
pub trait DeviceOps: Sized + 'static {
    /// The Rust state of each device of this kind.
    type Device: Send + Sync;
    /// The C-visible header of each device; `()` for none.
    type Header: CHeader;
    /// The driver name `ethtool -i` reports.
    const DRIVER_NAME: &'static CStr;
    /// The driver version `ethtool -i` reports.
    const DRIVER_VERSION: &'static CStr;
    /// The firmware version `ethtool -i` reports (empty: none).
    const FIRMWARE_VERSION: &'static CStr = c"N/A";

    /// Sets up a freshly allocated device (after the glue installed its
    /// ops tables).
    fn setup(dev: &NetDevice);

    /// `ndo_get_iflink` when it is not [`Self::lower`]'s index (a tunnel's
    /// `link`, 0 for none).
    fn iflink(_dev: Dev<'_, Self>) -> i32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The device this one sits on, if any: gives `ip link`'s `@lower`
    /// (`ndo_get_iflink`), the link namespace, and the link settings and
    /// timestamping abilities `ethtool` reports.
    fn lower<'a>(dev: Dev<'a, Self>) -> Option<&'a NetDevice>;

    /// `ndo_init`: first step of registration.
    fn init(_dev: Dev<'_, Self>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_uninit`: last step of unregistration.
    fn uninit(_dev: Dev<'_, Self>) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_open`.
    fn open(_dev: Dev<'_, Self>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_stop`.
    fn stop(_dev: Dev<'_, Self>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_start_xmit`: sends or frees `skb`.
    fn start_xmit(dev: Dev<'_, Self>, skb: SkBuff, ctx: &TxContext);

    /// `ndo_change_mtu`.
    fn change_mtu(_dev: Dev<'_, Self>, _mtu: u32) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_set_mac_address`.
    fn set_mac_address(_dev: Dev<'_, Self>, _mac: MacAddr) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_set_rx_mode`.
    fn set_rx_mode(_dev: Dev<'_, Self>) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_change_rx_flags`: `IFF_PROMISC`/`IFF_ALLMULTI` changed.
    fn change_rx_flags(_dev: Dev<'_, Self>, _change: u32) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_fix_features`.
    fn fix_features(_dev: Dev<'_, Self>, _features: u64) -> u64 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `header_ops->create`: builds the link-layer header of a frame the
    /// stack sends through the device. With this hook the device gets
    /// header ops of its own: `create` from here, `parse` from Ethernet and
    /// `parse_protocol` from [`Self::parse_protocol`].
    fn create_header(_dev: Dev<'_, Self>, _header: HardHeader<'_>) -> i32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `header_ops->parse_protocol`: the network protocol of a frame built
    /// by [`Self::create_header`] (host order).
    fn parse_protocol(_skb: &SkBuffRef) -> u16 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `header_ops->parse`: the source link-layer address of a received
    /// frame, written to `haddr`; returns its length. Without this hook
    /// the header ops parse as Ethernet.
    fn parse_header(
        _dev: Dev<'_, Self>,
        _skb: &SkBuffRef,
        _haddr: &mut [u8; MAX_ADDR_LEN],
    ) -> usize {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Whether a device keeps the kind's header ops (those of
    /// [`Self::create_header`]): asked once [`Self::init`] succeeded, as a
    /// C driver's `ndo_init` chooses `dev->header_ops`; without this hook
    /// every device of the kind keeps them.
    fn keeps_header_ops(_dev: Dev<'_, Self>) -> bool {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_get_stats64`: adds the device's counters to `stats` (zeroed).
    fn get_stats64(_dev: Dev<'_, Self>, _stats: &mut LinkStats) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_work`: deferred work scheduled with
    /// [`NetDevice::schedule_work`].
    fn work(_dev: Dev<'_, Self>, _events: u64) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Whether the devices get the glue's ethtool ops (driver name and
    /// version, link settings of the lower); without them the core
    /// answers as for a driver with none (the kind as the driver, the
    /// kernel release as its version, no link settings), as for tunnels.
    const OWN_ETHTOOL_OPS: bool = true;

    /// Whether opening a device checks its address as an Ethernet one
    /// (`ndo_validate_addr = eth_validate_addr`); kinds without link-layer
    /// addresses of that form (tunnels) say no.
    const VALIDATE_ETHER_ADDR: bool = true;

    /// Whether `ndo_set_mac_address` is the kernel's `eth_mac_addr()`
    /// (rather than [`DeviceOps::set_mac_address`]).
    const ETH_MAC_ADDR: bool = false;

    /// `ndo_add_slave`: `ip link set PORT master DEV`.
    fn add_slave(_dev: Dev<'_, Self>, _port: &NetDevice, _extack: &ExtAck) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_del_slave`: `ip link set PORT nomaster`.
    fn del_slave(_dev: Dev<'_, Self>, _port: &NetDevice) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_vlan_rx_add_vid`: a VLAN on top wants `vid` (TPID `proto`,
    /// host order) received.
    fn vlan_rx_add_vid(_dev: Dev<'_, Self>, _proto: u16, _vid: u16) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_vlan_rx_kill_vid`: undoes [`Self::vlan_rx_add_vid`].
    fn vlan_rx_kill_vid(_dev: Dev<'_, Self>, _proto: u16, _vid: u16) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_fdb_add` of a bridge master: `bridge fdb add ... dev TARGET
    /// master`, where `target` is one of its ports or the master itself.
    fn fdb_add(
        _dev: Dev<'_, Self>,
        _target: &NetDevice,
        _req: &FdbRequest,
        _extack: &ExtAck,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Whether [`Self::fdb_add`] and [`Self::fdb_del`] send their own
    /// notifications (a bridge's); if not, rtnl sends its generic one.
    const FDB_NOTIFIES: bool = true;

    /// `ndo_fdb_del` of a bridge master: `bridge fdb del ADDR [vlan VID]
    /// dev TARGET master`.
    fn fdb_del(_dev: Dev<'_, Self>, _target: &NetDevice, _addr: MacAddr, _vid: u16) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_fdb_get` of a bridge master: `bridge fdb get ADDR br DEV` (or
    /// `dev PORT`): the entry, or `ENOENT` with a message.
    fn fdb_get(
        _dev: Dev<'_, Self>,
        _addr: MacAddr,
        _vid: u16,
        _extack: &ExtAck,
    ) -> Result<FdbRecord> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_fdb_dump` of a bridge master: its entries, only those on
    /// `filter` (a port, or the master itself) if given.
    fn fdb_dump(_dev: Dev<'_, Self>, _filter: Option<&NetDevice>, _dump: &mut FdbDump) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_bridge_getlink` of a bridge master for one of its ports
    /// (`bridge link show`): writes the port's `IFLA_PROTINFO` after the
    /// common head.
    fn bridge_getlink(_dev: Dev<'_, Self>, _port: &NetDevice, _msg: &mut NlMsg) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_bridge_setlink` of a bridge master for one of its ports
    /// (`bridge link set dev PORT ...`); the caller sends the
    /// notification.
    fn bridge_setlink(
        _dev: Dev<'_, Self>,
        _port: &NetDevice,
        _req: PortRequest<'_>,
        _extack: &ExtAck,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// ethtool's message level (`ethtool DEV`, `ethtool -s DEV msglvl`).
    fn get_msglevel(_dev: Dev<'_, Self>) -> u32 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Sets what [`Self::get_msglevel`] reports.
    fn set_msglevel(_dev: Dev<'_, Self>, _level: u32) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// sit's `SIOCGETPRL`: the potential router list's entries `req`
    /// asks for (copied out by the glue).
    fn prl_get(_dev: Dev<'_, Self>, _req: &PrlRequest) -> Result<KVec<PrlEntry>> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// sit's `SIOCADDPRL`, `SIOCCHGPRL` and `SIOCDELPRL`.
    fn prl_ctl(_dev: Dev<'_, Self>, _cmd: PrlCommand, _req: &PrlRequest) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_tunnel_ctl` (with `ndo_siocdevprivate` copying the argument in
    /// and out): `ip tunnel add|change|del|show` on a device of the kind.
    fn tunnel_ctl(_dev: Dev<'_, Self>, _parm: &mut TunnelParm, _cmd: u32) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// ethtool's link settings of a device without a lower (with one, the
    /// lower's are reported): speed in Mb/s and duplex, as ethtool's
    /// `SPEED_*` and `DUPLEX_*` codes.
    fn link_settings(_dev: Dev<'_, Self>) -> (u32, u8) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// Hooks of one link kind (`struct rtnl_link_ops`): `ip link add|set|del
/// ... type KIND` on top of its devices' [`DeviceOps`].
#[vtable]
pub trait LinkOps: DeviceOps {
    /// The kind's name, as in `ip link add ... type KIND`.
    const KIND: &'static CStr;
    /// Policy of the kind's `IFLA_INFO_DATA` attributes, indexed by type.
    const POLICY: &'static [Policy];

    /// Checks the attributes of a new or changed device.
    fn validate(tb: Attrs<'_>, data: Option<Attrs<'_>>, extack: &ExtAck) -> Result;

    /// Creates a device: fills it in and calls [`NewLink::register`].
    fn newlink(link: NewLink<'_, Self>, extack: &ExtAck) -> Result;

    /// Applies `ip link set ... type KIND ...`.
    fn changelink(_dev: Dev<'_, Self>, _data: Option<Attrs<'_>>, _extack: &ExtAck) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Applies `ip link set ... type KIND ...` seeing the generic link
    /// attributes too (`tb`); replaces [`Self::changelink`].
    fn changelink_full(
        _dev: Dev<'_, Self>,
        _tb: Option<Attrs<'_>>,
        _data: Option<Attrs<'_>>,
        _extack: &ExtAck,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The namespace the device's underlay lives in, when it is not the
    /// lower's (`rtnl_link_ops->get_link_net`; tunnels report theirs).
    fn link_net<'a>(_dev: Dev<'a, Self>) -> &'a Net {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Deletes a device (queues its unregistration).
    fn dellink(dev: Dev<'_, Self>, queue: &mut UnregisterQueue);

    /// Upper bound of what [`Self::fill_info`] writes.
    fn info_size(dev: Dev<'_, Self>) -> usize;

    /// Writes the kind's attributes for `ip -d link show`.
    fn fill_info(dev: Dev<'_, Self>, msg: &mut NlMsg) -> Result;

    /// Number of transmit and receive queues of a new device; 0 for
    /// rtnl's default (one, unless userspace asks).
    const NUM_QUEUES: u32 = 0;

    /// Policy of the `IFLA_INFO_SLAVE_DATA` attributes of this kind's
    /// ports (`ip link set PORT type KIND_slave ...`), indexed by type.
    const SLAVE_POLICY: &'static [Policy] = &[];

    /// Upper bound of what [`Self::fill_slave_info`] writes.
    fn slave_info_size(_dev: Dev<'_, Self>, _port: &NetDevice) -> usize {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Writes a port's attributes (`ip -d link show PORT`).
    fn fill_slave_info(_dev: Dev<'_, Self>, _port: &NetDevice, _msg: &mut NlMsg) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Applies `ip link set PORT type KIND_slave ...`.
    fn slave_changelink(
        _dev: Dev<'_, Self>,
        _port: &NetDevice,
        _data: Option<Attrs<'_>>,
        _extack: &ExtAck,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// `netdev_priv()`: the private area of a device of kind `T`.
///
/// # Safety
///
/// `dev` must point to a valid device of kind `T`.
unsafe fn priv_area<T: DeviceOps>(dev: *const b::net_device) -> *mut PrivArea<T> {
    // SAFETY: The private area is the flexible array `priv` at the end of
    // `struct net_device`, as `netdev_priv()` returns it.
    unsafe {
        core::ptr::addr_of!((*dev).priv_)
            .cast::<PrivArea<T>>()
            .cast_mut()
    }
}

#[repr(C)]
struct PrivArea<T: DeviceOps> {
    header: T::Header,
    state: *const T::Device,
}

/// Proof that the code holding it runs in `ndo_start_xmit`, which the core
/// calls with bottom halves disabled: an RCU read-side section.
pub struct TxContext(PhantomData<*const ()>);

impl super::rcu::RcuSection for TxContext {}

impl TxContext {
    /// The proof, for the glue's `ndo_start_xmit` trampolines.
    pub(super) fn new() -> TxContext {
        TxContext(PhantomData)
    }
}

/// A registered device of kind `T` with its state.
pub struct Dev<'a, T: DeviceOps> {
    dev: &'a NetDevice,
    area: &'a PrivArea<T>,
}

impl<T: DeviceOps> Clone for Dev<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: DeviceOps> Copy for Dev<'_, T> {}

impl<'a, T: DeviceOps> Dev<'a, T> {
    /// The device of kind `T` behind `dev`, or `None` when it has no state
    /// (being torn down after a failed registration).
    ///
    /// # Safety
    ///
    /// `dev` must be a valid device of kind `T` for `'a`.
    pub(crate) unsafe fn from_raw(dev: *const b::net_device) -> Option<Dev<'a, T>> {
        // SAFETY: Devices of kind `T` have a `PrivArea<T>` private area.
        let area = unsafe { &*priv_area::<T>(dev) };
        if area.state.is_null() {
            return None;
        }
        // SAFETY: The caller guarantees `dev` is valid.
        let dev = unsafe { NetDevice::from_raw(dev) };
        Some(Dev { dev, area })
    }

    /// The device, for as long as this handle is valid.
    pub fn net_device(self) -> &'a NetDevice {
        self.dev
    }

    /// The kind's state of this device.
    pub fn state(&self) -> &'a T::Device {
        // SAFETY: `state` is non-null (checked at construction) and owned
        // by the device, which outlives `'a`.
        unsafe { &*self.area.state }
    }

    /// The C-visible header.
    pub fn header(&self) -> &'a T::Header {
        &self.area.header
    }
}

impl<'a, T: LinkOps> Dev<'a, T> {
    /// The device of kind `T` behind `dev`, if `dev` is one.
    pub fn of(dev: &'a NetDevice) -> Option<Dev<'a, T>> {
        // SAFETY: `dev` is valid; its `rtnl_link_ops` tells its kind, and
        // kind names are unique among registered kinds.
        let ours = unsafe {
            let ops = (*dev.as_raw()).rtnl_link_ops;
            !ops.is_null() && CStr::from_char_ptr((*ops).kind) == T::KIND
        };
        // SAFETY: Checked that `dev` is of kind `T` just above.
        ours.then(|| unsafe { Dev::from_raw(dev.as_raw()) })
            .flatten()
    }
}

impl<T: DeviceOps> core::ops::Deref for Dev<'_, T> {
    type Target = NetDevice;

    fn deref(&self) -> &NetDevice {
        self.dev
    }
}

/// A counted reference to a registered device of kind `T`
/// (`netdev_hold()`): how tables the datapath reads hold the kind's
/// devices. Released on drop.
pub struct DevRef<T: DeviceOps> {
    dev: KBox<NetDeviceRef>,
    _p: PhantomData<T>,
}

impl<T: DeviceOps> DevRef<T> {
    /// Takes a reference to `dev`.
    pub fn new(dev: Dev<'_, T>) -> Result<DevRef<T>> {
        Ok(DevRef {
            dev: NetDeviceRef::new(dev.dev)?,
            _p: PhantomData,
        })
    }

    /// The device with its state.
    pub fn get(&self) -> Option<Dev<'_, T>> {
        // SAFETY: The reference keeps the device (and so its state, which
        // only its destructor drops) alive; it was made from a `Dev<T>`,
        // so the device is of kind `T`.
        unsafe { Dev::from_raw(self.dev.as_raw()) }
    }

    /// The device.
    pub fn device(&self) -> &NetDevice {
        &self.dev
    }
}

/// A device being created by `ip link add`, not yet registered.
pub struct NewLink<'a, T: LinkOps> {
    dev: &'a NetDevice,
    params: &'a b::rtnl_newlink_params,
    _p: PhantomData<T>,
}

impl<'a, T: LinkOps> NewLink<'a, T> {
    /// The device.
    pub fn device(&self) -> &'a NetDevice {
        self.dev
    }

    /// The generic link attributes (`IFLA_*`); the core always passes
    /// them, so `None` does not happen in practice.
    pub fn tb(&self) -> Option<Attrs<'a>> {
        Attrs::from_raw(self.params.tb, b::__IFLA_MAX - 1)
    }

    /// The kind's attributes (`IFLA_INFO_DATA`), if given.
    pub fn data(&self) -> Option<Attrs<'a>> {
        Attrs::from_raw(self.params.data, T::POLICY.len() as u32 - 1)
    }

    /// The namespace `IFLA_LINK_NETNSID` named, if given.
    pub fn explicit_link_net(&self) -> Option<&'a Net> {
        // SAFETY: The core keeps the namespace alive during newlink.
        (!self.params.link_net.is_null()).then(|| unsafe { Net::from_raw(self.params.link_net) })
    }

    /// The namespace in which `IFLA_LINK` is looked up.
    pub fn link_net(&self) -> &'a Net {
        let net = if self.params.link_net.is_null() {
            self.params.src_net
        } else {
            self.params.link_net
        };
        // SAFETY: The core keeps both namespaces alive during newlink.
        unsafe { Net::from_raw(net) }
    }

    /// The C-visible header, to fill in before registering.
    pub fn header(&self) -> &'a T::Header {
        // SAFETY: Devices of kind `T` have a `PrivArea<T>` private area.
        unsafe { &(*priv_area::<T>(self.dev.as_raw())).header }
    }

    /// Hands `state` to the device and registers it.
    pub fn register(self, state: KBox<T::Device>) -> Result<Dev<'a, T>> {
        // SAFETY: The private area is ours until the device is registered.
        let area = unsafe { &mut *priv_area::<T>(self.dev.as_raw()) };
        area.state = KBox::into_raw(state);
        // SAFETY: The caller (rtnl newlink) holds RTNL.
        let ret = unsafe { b::register_netdevice(self.dev.as_raw()) };
        if ret < 0 {
            // The destructor runs on some failure paths only; whoever runs
            // first frees the state.
            drop_state::<T>(area);
            return Err(kernel::error::Error::from_errno(ret));
        }
        // SAFETY: Registered, with its state installed.
        unsafe { Dev::from_raw(self.dev.as_raw()) }.ok_or(EINVAL)
    }
}

fn drop_state<T: DeviceOps>(area: &mut PrivArea<T>) {
    let state = core::mem::take(&mut area.state);
    if !state.is_null() {
        // SAFETY: Installed by `NewLink::register` from `KBox::into_raw`.
        drop(unsafe { KBox::from_raw(state.cast_mut()) });
    }
}

/// A registered link kind; unregistering it deletes all its devices.
pub struct LinkRegistration<T: LinkOps> {
    ops: KBox<Opaque<b::rtnl_link_ops>>,
    handle: Option<&'static KindHandle<T>>,
    _p: PhantomData<T>,
}

// SAFETY: The registration only holds the ops table, used under RTNL.
unsafe impl<T: LinkOps> Send for LinkRegistration<T> {}
// SAFETY: As above.
unsafe impl<T: LinkOps> Sync for LinkRegistration<T> {}

impl<T: LinkOps> LinkRegistration<T> {
    /// Registers kind `T` with rtnetlink.
    pub fn new() -> Result<Self> {
        let ops = KBox::new(Opaque::<b::rtnl_link_ops>::zeroed(), GFP_KERNEL)?;
        // SAFETY: The table is ours to fill before registering.
        unsafe {
            let o = &mut *ops.get();
            o.kind = T::KIND.as_char_ptr();
            o.priv_size = core::mem::size_of::<PrivArea<T>>();
            o.setup = Some(setup_callback::<T>);
            o.maxtype = T::POLICY.len() as u32 - 1;
            o.policy = Policy::table_ptr(T::POLICY);
            o.validate = Some(validate_callback::<T>);
            o.newlink = Some(newlink_callback::<T>);
            if T::HAS_CHANGELINK || T::HAS_CHANGELINK_FULL {
                o.changelink = Some(changelink_callback::<T>);
            }
            o.dellink = Some(dellink_callback::<T>);
            o.get_size = Some(get_size_callback::<T>);
            o.fill_info = Some(fill_info_callback::<T>);
            o.get_link_net = Some(get_link_net_callback::<T>);
            if T::NUM_QUEUES != 0 {
                o.get_num_tx_queues = Some(num_queues_callback::<T>);
                o.get_num_rx_queues = Some(num_queues_callback::<T>);
            }
            if T::HAS_FILL_SLAVE_INFO {
                o.slave_maxtype = T::SLAVE_POLICY.len().saturating_sub(1) as u32;
                o.slave_policy = Policy::table_ptr(T::SLAVE_POLICY);
                o.get_slave_size = Some(get_slave_size_callback::<T>);
                o.fill_slave_info = Some(fill_slave_info_callback::<T>);
            }
            if T::HAS_SLAVE_CHANGELINK {
                o.slave_changelink = Some(slave_changelink_callback::<T>);
            }
        }
        // SAFETY: `ops` stays valid (boxed) until `drop` unregisters it.
        super::to_result(unsafe { b::rtnl_link_register(ops.get()) })?;
        Ok(LinkRegistration {
            ops,
            handle: None,
            _p: PhantomData,
        })
    }
}

impl<T: LinkOps> LinkRegistration<T> {
    /// Creates a device of kind `T` named after `name` (which may hold a
    /// `%d`) in the initial namespace, as a driver does at load time
    /// (bonding's `max_bonds`): [`LinkOps::newlink`] runs without
    /// attributes. Takes RTNL.
    pub fn create_in_init_net(&self, name: &CStr) -> Result {
        // SAFETY: `init_net` lives forever.
        let net = unsafe { Net::from_raw(core::ptr::addr_of_mut!(b::init_net)) };
        // SAFETY: The ops are registered and outlive every device of the
        // kind (unregistering deletes them).
        unsafe {
            create_device::<T>(self.ops.get(), net, name, true, |l| {
                T::newlink(l, &ExtAck::none())
            })
        }
    }

    /// Makes the kind's ops reachable through `handle` (for code that
    /// creates devices without the registration at hand, such as a
    /// namespace's fallback device) until the registration is dropped.
    pub fn publish(&mut self, handle: &'static KindHandle<T>) {
        handle.ops.store(self.ops.get(), Ordering::Release);
        self.handle = Some(handle);
    }
}

/// Where a registered kind's ops can be found by code that creates its
/// devices outside rtnl's newlink (`static`, one per kind).
pub struct KindHandle<T: LinkOps> {
    ops: AtomicPtr<b::rtnl_link_ops>,
    _p: PhantomData<T>,
}

// SAFETY: Only an atomic pointer to the ops table.
unsafe impl<T: LinkOps> Sync for KindHandle<T> {}

impl<T: LinkOps> KindHandle<T> {
    /// An unpublished handle.
    pub const fn new() -> Self {
        KindHandle {
            ops: AtomicPtr::new(core::ptr::null_mut()),
            _p: PhantomData,
        }
    }

    /// Creates a device of the kind in `net` named after `name` (which may
    /// hold a `%d`), filled in and registered by `f`. Takes RTNL unless
    /// `rtnl_held`.
    pub fn create(
        &self,
        net: &Net,
        name: &CStr,
        rtnl_held: bool,
        f: impl FnOnce(NewLink<'_, T>) -> Result,
    ) -> Result {
        let ops = self.ops.load(Ordering::Acquire);
        if ops.is_null() {
            return Err(kernel::error::code::ENODEV);
        }
        // SAFETY: Published ops stay registered until the registration is
        // dropped, which unpublishes them first.
        unsafe { create_device::<T>(ops, net, name, !rtnl_held, f) }
    }
}

impl<T: LinkOps> Default for KindHandle<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Allocates a device of kind `T` in `net` and lets `f` register it; frees
/// or unregisters it if `f` fails.
///
/// # Safety
///
/// `ops` must be kind `T`'s registered ops; without `lock`, the caller
/// holds RTNL.
unsafe fn create_device<T: LinkOps>(
    ops: *mut b::rtnl_link_ops,
    net: &Net,
    name: &CStr,
    lock: bool,
    f: impl FnOnce(NewLink<'_, T>) -> Result,
) -> Result {
    let queues = if T::NUM_QUEUES == 0 { 1 } else { T::NUM_QUEUES };
    // SAFETY: Allocates a device with our private area and setup.
    let dev = unsafe {
        b::alloc_netdev_mqs(
            core::mem::size_of::<PrivArea<T>>() as c_int,
            name.as_char_ptr(),
            b::rvnet_net_name_unknown,
            Some(setup_callback::<T>),
            queues,
            queues,
        )
    };
    if dev.is_null() {
        return Err(kernel::error::code::ENOMEM);
    }
    // SAFETY: All-zero rtnl_newlink_params describe a link without
    // attributes; only the namespace is set, which the caller keeps alive.
    let mut params: b::rtnl_newlink_params = unsafe { core::mem::zeroed() };
    params.src_net = net.as_raw();
    // SAFETY: `dev` is new and ours; the ops outlive it (see the safety
    // section).
    unsafe {
        b::rvnet_dev_net_set(dev, params.src_net);
        (*dev).rtnl_link_ops = ops;
        if lock {
            b::rtnl_lock();
        }
    }
    let link = NewLink::<T> {
        // SAFETY: `dev` is valid until freed below or registered.
        dev: unsafe { NetDevice::from_raw(dev) },
        params: &params,
        _p: PhantomData,
    };
    let ret = f(link);
    // SAFETY: We hold RTNL. A device that did not get registered is still
    // ours to free.
    unsafe {
        if ret.is_err() {
            if (*dev).reg_state == b::NETREG_UNINITIALIZED as u8 {
                b::free_netdev(dev);
            } else {
                b::unregister_netdevice_queue(dev, core::ptr::null_mut());
            }
        }
        if lock {
            b::rtnl_unlock();
        }
    }
    ret
}

impl<T: LinkOps> Drop for LinkRegistration<T> {
    fn drop(&mut self) {
        if let Some(h) = self.handle {
            h.ops.store(core::ptr::null_mut(), Ordering::Release);
        }
        // SAFETY: Registered in `new`. This deletes every device of the
        // kind, so no device outlives the ops tables.
        unsafe { b::rtnl_link_unregister(self.ops.get()) }
    }
}

struct Adapter<T: LinkOps>(PhantomData<T>);

impl<T: LinkOps> Adapter<T> {
    const NETDEV_OPS: b::net_device_ops = {
        // SAFETY: All-zero is a valid, empty ops table.
        let mut o: b::net_device_ops = unsafe { core::mem::zeroed() };
        if T::HAS_INIT {
            o.ndo_init = Some(ndo_init::<T>);
        }
        if T::HAS_UNINIT {
            o.ndo_uninit = Some(ndo_uninit::<T>);
        }
        if T::HAS_OPEN {
            o.ndo_open = Some(ndo_open::<T>);
        }
        if T::HAS_STOP {
            o.ndo_stop = Some(ndo_stop::<T>);
        }
        o.ndo_start_xmit = Some(ndo_start_xmit::<T>);
        if T::VALIDATE_ETHER_ADDR {
            o.ndo_validate_addr = Some(b::eth_validate_addr);
        }
        if T::HAS_CHANGE_MTU {
            o.ndo_change_mtu = Some(ndo_change_mtu::<T>);
        }
        if T::HAS_SET_MAC_ADDRESS {
            o.ndo_set_mac_address = Some(ndo_set_mac_address::<T>);
        } else if T::ETH_MAC_ADDR {
            o.ndo_set_mac_address = Some(b::eth_mac_addr);
        }
        if T::HAS_SET_RX_MODE {
            o.ndo_set_rx_mode = Some(ndo_set_rx_mode::<T>);
        }
        if T::HAS_CHANGE_RX_FLAGS {
            o.ndo_change_rx_flags = Some(ndo_change_rx_flags::<T>);
        }
        if T::HAS_FIX_FEATURES {
            o.ndo_fix_features = Some(ndo_fix_features::<T>);
        }
        if T::HAS_WORK {
            o.ndo_work = Some(ndo_work::<T>);
        }
        if T::HAS_GET_STATS64 {
            o.ndo_get_stats64 = Some(ndo_get_stats64::<T>);
        }
        o.ndo_get_iflink = Some(ndo_get_iflink::<T>);
        if T::HAS_TUNNEL_CTL {
            o.ndo_siocdevprivate = if T::HAS_PRL_CTL {
                Some(ndo_prl_siocdevprivate::<T>)
            } else {
                Some(b::rvnet_tunnel_siocdevprivate)
            };
            o.ndo_tunnel_ctl = Some(ndo_tunnel_ctl::<T>);
        }
        if T::HAS_ADD_SLAVE {
            o.ndo_add_slave = Some(ndo_add_slave::<T>);
        }
        if T::HAS_DEL_SLAVE {
            o.ndo_del_slave = Some(ndo_del_slave::<T>);
        }
        if T::HAS_VLAN_RX_ADD_VID {
            o.ndo_vlan_rx_add_vid = Some(ndo_vlan_rx_add_vid::<T>);
        }
        if T::HAS_VLAN_RX_KILL_VID {
            o.ndo_vlan_rx_kill_vid = Some(ndo_vlan_rx_kill_vid::<T>);
        }
        if T::HAS_FDB_ADD {
            o.ndo_fdb_add = Some(ndo_fdb_add::<T>);
        }
        if T::HAS_FDB_DEL {
            o.ndo_fdb_del = Some(ndo_fdb_del::<T>);
        }
        if T::HAS_FDB_GET {
            o.ndo_fdb_get = Some(ndo_fdb_get::<T>);
        }
        if T::HAS_FDB_DUMP {
            o.ndo_fdb_dump = Some(ndo_fdb_dump::<T>);
        }
        if T::HAS_BRIDGE_GETLINK {
            o.ndo_bridge_getlink = Some(ndo_bridge_getlink::<T>);
        }
        if T::HAS_BRIDGE_SETLINK {
            o.ndo_bridge_setlink = Some(ndo_bridge_setlink::<T>);
        }
        o
    };

    const HEADER_OPS: b::header_ops = {
        // SAFETY: All-zero is a valid, empty ops table.
        let mut o: b::header_ops = unsafe { core::mem::zeroed() };
        o.create = Some(create_header::<T>);
        o.parse = if T::HAS_PARSE_HEADER {
            Some(parse_header::<T>)
        } else {
            Some(b::eth_header_parse)
        };
        if T::HAS_PARSE_PROTOCOL {
            o.parse_protocol = Some(parse_protocol::<T>);
        }
        o
    };

    const ETHTOOL_OPS: b::ethtool_ops = {
        // SAFETY: All-zero is a valid, empty ops table.
        let mut o: b::ethtool_ops = unsafe { core::mem::zeroed() };
        o.get_drvinfo = Some(get_drvinfo::<T>);
        o.get_link = Some(b::ethtool_op_get_link);
        o.get_link_ksettings = Some(get_link_ksettings::<T>);
        o.get_ts_info = Some(get_ts_info::<T>);
        if T::HAS_GET_MSGLEVEL {
            o.get_msglevel = Some(get_msglevel::<T>);
        }
        if T::HAS_SET_MSGLEVEL {
            o.set_msglevel = Some(set_msglevel::<T>);
        }
        o
    };
}

/// Runs `f` on the device behind a C callback's `dev`, or returns `none`.
///
/// # Safety
///
/// `dev` must be a valid device of kind `T` for the duration of the call.
unsafe fn with_dev<T: DeviceOps, R>(
    dev: *const b::net_device,
    none: R,
    f: impl FnOnce(Dev<'_, T>) -> R,
) -> R {
    // SAFETY: See the function's safety section.
    match unsafe { Dev::<T>::from_raw(dev) } {
        Some(d) => f(d),
        None => none,
    }
}

fn errno(r: Result) -> c_int {
    match r {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

// The callbacks below are called by the kernel on devices of kind `T`
// (their ops tables are only ever installed on such devices), under the
// locks their C contracts name; that is the safety argument of each.

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn setup_callback<T: LinkOps>(dev: *mut b::net_device) {
    // SAFETY: `dev` was just allocated with our private area, zeroed.
    let d = unsafe { NetDevice::from_raw(dev) };
    // SAFETY: As above; nobody else sees the device yet.
    unsafe {
        (*dev).netdev_ops = &Adapter::<T>::NETDEV_OPS;
        if T::OWN_ETHTOOL_OPS {
            (*dev).ethtool_ops = &Adapter::<T>::ETHTOOL_OPS;
        }
        (*dev).needs_free_netdev = true;
        (*dev).priv_destructor = Some(destructor_callback::<T>);
    }
    T::setup(d);
    if T::HAS_CREATE_HEADER {
        // SAFETY: As above.
        unsafe { (*dev).header_ops = &Adapter::<T>::HEADER_OPS };
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn destructor_callback<T: DeviceOps>(dev: *mut b::net_device) {
    // SAFETY: `dev` is ours and unused by anyone else at this point.
    let area = unsafe { &mut *priv_area::<T>(dev) };
    drop_state::<T>(area);
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn validate_callback<T: LinkOps>(
    tb: *mut *mut b::nlattr,
    data: *mut *mut b::nlattr,
    extack: *mut b::netlink_ext_ack,
) -> c_int {
    let Some(tb) = Attrs::from_raw(tb, b::__IFLA_MAX - 1) else {
        return EINVAL.to_errno();
    };
    let data = Attrs::from_raw(data, T::POLICY.len() as u32 - 1);
    errno(T::validate(tb, data, &ExtAck::from_raw(extack)))
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn newlink_callback<T: LinkOps>(
    dev: *mut b::net_device,
    params: *mut b::rtnl_newlink_params,
    extack: *mut b::netlink_ext_ack,
) -> c_int {
    let link = NewLink::<T> {
        // SAFETY: rtnl passes a valid new device and parameters.
        dev: unsafe { NetDevice::from_raw(dev) },
        // SAFETY: As above.
        params: unsafe { &*params },
        _p: PhantomData,
    };
    let ret = T::newlink(link, &ExtAck::from_raw(extack));
    // rtnl frees the device when `newlink` fails, and may free a device
    // registered by then only once it is unregistering: a kind that failed
    // after registering leaves that to us, as `create_device` does (and as
    // C drivers unregister on their late error paths).
    // SAFETY: rtnl holds RTNL and passes a valid device.
    unsafe {
        if ret.is_err() && (*dev).reg_state == b::NETREG_REGISTERED as u8 {
            b::unregister_netdevice_queue(dev, core::ptr::null_mut());
        }
    }
    errno(ret)
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn changelink_callback<T: LinkOps>(
    dev: *mut b::net_device,
    tb: *mut *mut b::nlattr,
    data: *mut *mut b::nlattr,
    extack: *mut b::netlink_ext_ack,
) -> c_int {
    let data = Attrs::from_raw(data, T::POLICY.len() as u32 - 1);
    let extack = ExtAck::from_raw(extack);
    // SAFETY: See the note above the callbacks.
    unsafe {
        with_dev::<T, _>(dev, EINVAL.to_errno(), |d| {
            if T::HAS_CHANGELINK_FULL {
                let tb = Attrs::from_raw(tb, b::__IFLA_MAX - 1);
                errno(T::changelink_full(d, tb, data, &extack))
            } else {
                errno(T::changelink(d, data, &extack))
            }
        })
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn dellink_callback<T: LinkOps>(
    dev: *mut b::net_device,
    head: *mut b::list_head,
) {
    let mut queue = UnregisterQueue(head);
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, (), |d| T::dellink(d, &mut queue)) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn get_size_callback<T: LinkOps>(dev: *const b::net_device) -> usize {
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, 0, |d| T::info_size(d)) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn fill_info_callback<T: LinkOps>(
    skb: *mut b::sk_buff,
    dev: *const b::net_device,
) -> c_int {
    let mut msg = NlMsg::from_raw(skb);
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, 0, |d| errno(T::fill_info(d, &mut msg))) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn get_link_net_callback<T: LinkOps>(dev: *const b::net_device) -> *mut b::net {
    // SAFETY: See the note above the callbacks.
    unsafe {
        with_dev::<T, _>(dev, b::rvnet_dev_net(dev), |d| {
            if T::HAS_LINK_NET {
                return T::link_net(d).as_raw();
            }
            T::lower(d).map_or(b::rvnet_dev_net(dev), |l| l.net().as_raw())
        })
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_get_iflink<T: DeviceOps>(dev: *const b::net_device) -> c_int {
    // SAFETY: See the note above the callbacks.
    unsafe {
        with_dev::<T, _>(dev, (*dev).ifindex, |d| {
            if T::HAS_IFLINK {
                return T::iflink(d);
            }
            T::lower(d).map_or(d.ifindex(), |l| l.ifindex())
        })
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_tunnel_ctl<T: DeviceOps>(
    dev: *mut b::net_device,
    kp: *mut b::ip_tunnel_parm_kern,
    cmd: c_int,
) -> c_int {
    // SAFETY: The core (or our siocdevprivate) passes a valid parameter
    // block, under RTNL.
    let Some(mut parm) = (unsafe { TunnelParm::from_kern(kp) }) else {
        return EINVAL.to_errno();
    };
    // SAFETY: See the note above the callbacks.
    let r = unsafe {
        with_dev::<T, _>(dev, EINVAL.to_errno(), |d| {
            errno(T::tunnel_ctl(d, &mut parm, cmd as u32))
        })
    };
    // SAFETY: As above; the caller copies it back out.
    unsafe { parm.write_kern(kp) };
    r
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_prl_siocdevprivate<T: DeviceOps>(
    dev: *mut b::net_device,
    ifr: *mut b::ifreq,
    data: *mut c_void,
    cmd: c_int,
) -> c_int {
    // SAFETY: See the note above the callbacks; the arguments are the
    // core's, under RTNL.
    unsafe {
        with_dev::<T, _>(dev, EINVAL.to_errno(), |d| {
            prl_siocdevprivate(
                dev,
                ifr,
                data,
                cmd,
                |req| T::prl_get(d, req),
                |c, req| T::prl_ctl(d, c, req),
            )
        })
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_init<T: DeviceOps>(dev: *mut b::net_device) -> c_int {
    // SAFETY: See the note above the callbacks.
    unsafe {
        with_dev::<T, _>(dev, EINVAL.to_errno(), |d| {
            let r = T::init(d);
            if r.is_ok()
                && T::HAS_CREATE_HEADER
                && T::HAS_KEEPS_HEADER_OPS
                && !T::keeps_header_ops(d)
            {
                // SAFETY: `ndo_init` runs in `register_netdevice()` under
                // RTNL, before anything can see the device.
                (*dev).header_ops = core::ptr::null();
            }
            errno(r)
        })
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_uninit<T: DeviceOps>(dev: *mut b::net_device) {
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, (), |d| T::uninit(d)) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_open<T: DeviceOps>(dev: *mut b::net_device) -> c_int {
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, EINVAL.to_errno(), |d| errno(T::open(d))) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_stop<T: DeviceOps>(dev: *mut b::net_device) -> c_int {
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, 0, |d| errno(T::stop(d))) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_start_xmit<T: DeviceOps>(
    skb: *mut b::sk_buff,
    dev: *mut b::net_device,
) -> b::netdev_tx_t {
    // SAFETY: The stack hands us ownership of a valid skb.
    if let Some(skb) = unsafe { SkBuff::from_raw(skb) } {
        // SAFETY: See the note above the callbacks. Without state the skb
        // is dropped with the closure's argument.
        unsafe { with_dev::<T, _>(dev, (), |d| T::start_xmit(d, skb, &TxContext(PhantomData))) }
    }
    b::NETDEV_TX_OK
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_change_mtu<T: DeviceOps>(dev: *mut b::net_device, mtu: c_int) -> c_int {
    // SAFETY: See the note above the callbacks.
    unsafe {
        with_dev::<T, _>(dev, EINVAL.to_errno(), |d| {
            errno(T::change_mtu(d, mtu as u32))
        })
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_set_mac_address<T: DeviceOps>(
    dev: *mut b::net_device,
    addr: *mut c_void,
) -> c_int {
    // SAFETY: The core passes a `struct sockaddr` whose `sa_data` holds
    // the Ethernet address.
    let sa_data = unsafe { &(*addr.cast::<b::sockaddr>()).sa_data };
    let mac = MacAddr::from_slice(sa_data);
    let Some(mac) = mac else {
        return EINVAL.to_errno();
    };
    // SAFETY: See the note above the callbacks.
    unsafe {
        with_dev::<T, _>(dev, EINVAL.to_errno(), |d| {
            errno(T::set_mac_address(d, mac))
        })
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_set_rx_mode<T: DeviceOps>(dev: *mut b::net_device) {
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, (), |d| T::set_rx_mode(d)) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_change_rx_flags<T: DeviceOps>(dev: *mut b::net_device, change: c_int) {
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, (), |d| T::change_rx_flags(d, change as u32)) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_fix_features<T: DeviceOps>(
    dev: *mut b::net_device,
    features: b::netdev_features_t,
) -> b::netdev_features_t {
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, features, |d| T::fix_features(d, features)) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_work<T: DeviceOps>(dev: *mut b::net_device, events: kernel::ffi::c_ulong) {
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, (), |d| T::work(d, events as u64)) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_get_stats64<T: DeviceOps>(dev: *mut b::net_device, stats: *mut LinkStats) {
    // SAFETY: See the note above the callbacks; `stats` is the caller's
    // zeroed buffer.
    unsafe { with_dev::<T, _>(dev, (), |d| T::get_stats64(d, &mut *stats)) }
}

extern "C" fn num_queues_callback<T: LinkOps>() -> kernel::ffi::c_uint {
    T::NUM_QUEUES
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_add_slave<T: DeviceOps>(
    dev: *mut b::net_device,
    port: *mut b::net_device,
    extack: *mut b::netlink_ext_ack,
) -> c_int {
    // SAFETY: rtnl passes a valid port device, under RTNL.
    let port = unsafe { NetDevice::from_raw(port) };
    // SAFETY: See the note above the callbacks.
    unsafe {
        with_dev::<T, _>(dev, EINVAL.to_errno(), |d| {
            errno(T::add_slave(d, port, &ExtAck::from_raw(extack)))
        })
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_del_slave<T: DeviceOps>(
    dev: *mut b::net_device,
    port: *mut b::net_device,
) -> c_int {
    // SAFETY: rtnl passes a valid port device, under RTNL.
    let port = unsafe { NetDevice::from_raw(port) };
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, EINVAL.to_errno(), |d| errno(T::del_slave(d, port))) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn get_slave_size_callback<T: LinkOps>(
    dev: *const b::net_device,
    port: *const b::net_device,
) -> usize {
    // SAFETY: rtnl passes a valid port of `dev`, under RTNL.
    let port = unsafe { NetDevice::from_raw(port) };
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, 0, |d| T::slave_info_size(d, port)) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn fill_slave_info_callback<T: LinkOps>(
    skb: *mut b::sk_buff,
    dev: *const b::net_device,
    port: *const b::net_device,
) -> c_int {
    let mut msg = NlMsg::from_raw(skb);
    // SAFETY: rtnl passes a valid port of `dev`, under RTNL.
    let port = unsafe { NetDevice::from_raw(port) };
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, 0, |d| errno(T::fill_slave_info(d, port, &mut msg))) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn slave_changelink_callback<T: LinkOps>(
    dev: *mut b::net_device,
    port: *mut b::net_device,
    _tb: *mut *mut b::nlattr,
    data: *mut *mut b::nlattr,
    extack: *mut b::netlink_ext_ack,
) -> c_int {
    let data = Attrs::from_raw(data, T::SLAVE_POLICY.len().saturating_sub(1) as u32);
    // SAFETY: rtnl passes a valid port of `dev`, under RTNL.
    let port = unsafe { NetDevice::from_raw(port) };
    // SAFETY: See the note above the callbacks.
    unsafe {
        with_dev::<T, _>(dev, EINVAL.to_errno(), |d| {
            errno(T::slave_changelink(
                d,
                port,
                data,
                &ExtAck::from_raw(extack),
            ))
        })
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_vlan_rx_add_vid<T: DeviceOps>(
    dev: *mut b::net_device,
    proto: u16,
    vid: u16,
) -> c_int {
    // SAFETY: See the note above the callbacks.
    unsafe {
        with_dev::<T, _>(dev, EINVAL.to_errno(), |d| {
            errno(T::vlan_rx_add_vid(d, u16::from_be(proto), vid))
        })
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_vlan_rx_kill_vid<T: DeviceOps>(
    dev: *mut b::net_device,
    proto: u16,
    vid: u16,
) -> c_int {
    // SAFETY: See the note above the callbacks.
    unsafe {
        with_dev::<T, _>(dev, EINVAL.to_errno(), |d| {
            errno(T::vlan_rx_kill_vid(d, u16::from_be(proto), vid))
        })
    }
}

/// The bridge master of kind `T` a bridge netlink request is for: the
/// target itself, or the master above it.
///
/// # Safety
///
/// `dev` must be valid, under RTNL (or the RCU-protected dump).
unsafe fn bridge_of<'a, T: LinkOps>(dev: &'a NetDevice) -> Option<Dev<'a, T>> {
    Dev::<T>::of(dev).or_else(|| {
        // SAFETY: See the function's safety section; an upper stays valid
        // while its lower is linked to it.
        let upper = unsafe { b::rvnet_master_upper(dev.as_raw()) };
        // SAFETY: `Dev::from_raw` checks the kind of a valid device.
        (!upper.is_null())
            .then(|| unsafe { Dev::<T>::from_raw(upper) })
            .flatten()
    })
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn ndo_fdb_add<T: LinkOps>(
    ndm: *mut b::ndmsg,
    tb: *mut *mut b::nlattr,
    dev: *mut b::net_device,
    addr: *const u8,
    vid: u16,
    flags: u16,
    notified: *mut bool,
    extack: *mut b::netlink_ext_ack,
) -> c_int {
    // SAFETY: rtnl passes a valid device, address and message, under RTNL.
    let (target, ndm, addr) =
        unsafe { (NetDevice::from_raw(dev), &*ndm, &*addr.cast::<[u8; 6]>()) };
    // SAFETY: As above.
    let Some(br) = (unsafe { bridge_of::<T>(target) }) else {
        return EINVAL.to_errno();
    };
    let ext_flags = Attrs::from_raw(tb, b::__NDA_MAX - 1)
        .and_then(|tb| tb.get(b::NDA_FLAGS_EXT))
        .map_or(0, |a| a.u32());
    let req = FdbRequest {
        addr: MacAddr(*addr),
        vid,
        state: ndm.ndm_state,
        ndm_flags: ndm.ndm_flags,
        nlh_flags: flags,
        ext_flags,
    };
    let r = T::fdb_add(br, target, &req, &ExtAck::from_raw(extack));
    if r.is_ok() && T::FDB_NOTIFIES {
        // SAFETY: rtnl's flag, ours to set: the kind notifies itself.
        unsafe { *notified = true };
    }
    errno(r)
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_fdb_del<T: LinkOps>(
    _ndm: *mut b::ndmsg,
    _tb: *mut *mut b::nlattr,
    dev: *mut b::net_device,
    addr: *const u8,
    vid: u16,
    notified: *mut bool,
    _extack: *mut b::netlink_ext_ack,
) -> c_int {
    // SAFETY: rtnl passes a valid device and address, under RTNL.
    let (target, addr) = unsafe { (NetDevice::from_raw(dev), &*addr.cast::<[u8; 6]>()) };
    // SAFETY: As above.
    let Some(br) = (unsafe { bridge_of::<T>(target) }) else {
        return EINVAL.to_errno();
    };
    let r = T::fdb_del(br, target, MacAddr(*addr), vid);
    if r.is_ok() && T::FDB_NOTIFIES {
        // SAFETY: rtnl's flag, ours to set: the kind notifies itself.
        unsafe { *notified = true };
    }
    errno(r)
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
#[allow(clippy::too_many_arguments)]
unsafe extern "C" fn ndo_fdb_get<T: LinkOps>(
    skb: *mut b::sk_buff,
    _tb: *mut *mut b::nlattr,
    dev: *mut b::net_device,
    addr: *const u8,
    vid: u16,
    portid: u32,
    seq: u32,
    extack: *mut b::netlink_ext_ack,
) -> c_int {
    // SAFETY: rtnl passes a valid address, under RTNL.
    let addr = MacAddr(unsafe { *addr.cast::<[u8; 6]>() });
    let extack = ExtAck::from_raw(extack);
    // SAFETY: See the note above the callbacks; `skb` is the reply.
    unsafe {
        with_dev::<T, _>(dev, EINVAL.to_errno(), |d| {
            errno(T::fdb_get(d, addr, vid, &extack).and_then(|r| r.fill_reply(skb, portid, seq)))
        })
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn ndo_fdb_dump<T: LinkOps>(
    skb: *mut b::sk_buff,
    cb: *mut b::netlink_callback,
    dev: *mut b::net_device,
    filter: *mut b::net_device,
    idx: *mut c_int,
) -> c_int {
    // SAFETY: rtnl passes valid devices (filter may be NULL) during the
    // dump, and the dump's message and state.
    unsafe {
        let filter = (!filter.is_null()).then(|| NetDevice::from_raw(filter));
        let mut dump = FdbDump::from_raw(skb, cb, idx);
        with_dev::<T, _>(dev, 0, |d| errno(T::fdb_dump(d, filter, &mut dump)))
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T` (for `dev`, its port or
/// itself), as its C contract says.
unsafe extern "C" fn ndo_bridge_getlink<T: LinkOps>(
    skb: *mut b::sk_buff,
    pid: u32,
    seq: u32,
    dev: *mut b::net_device,
    _filter_mask: u32,
    nlflags: c_int,
) -> c_int {
    // SAFETY: rtnl passes a valid device, under RTNL.
    let port = unsafe { NetDevice::from_raw(dev) };
    if Dev::<T>::of(port).is_some() {
        // The master itself has no port information.
        return 0;
    }
    // SAFETY: As above.
    let Some(br) = (unsafe { bridge_of::<T>(port) }) else {
        return 0;
    };
    let head = super::bridge::MsgHead {
        pid,
        seq,
        flags: nlflags as u32,
        event: b::RTM_NEWLINK,
    };
    // SAFETY: `skb` is the dump's message.
    errno(unsafe {
        super::bridge::fill_port_info(skb, head, port, &br, |msg| T::bridge_getlink(br, port, msg))
    })
}

/// # Safety
///
/// Called by the kernel on a device of kind `T` (for `dev`, its port or
/// itself), as its C contract says.
unsafe extern "C" fn ndo_bridge_setlink<T: LinkOps>(
    dev: *mut b::net_device,
    nlh: *mut b::nlmsghdr,
    _flags: u16,
    extack: *mut b::netlink_ext_ack,
) -> c_int {
    // SAFETY: rtnl passes a valid device, under RTNL.
    let port = unsafe { NetDevice::from_raw(dev) };
    let mut tb = [core::ptr::null_mut::<b::nlattr>(); 64];
    let max = T::SLAVE_POLICY.len().saturating_sub(1).min(tb.len() - 1) as u32;
    let (mut what, mut state, mut afspec, mut afspec_other) = (0, 0u8, false, false);
    // SAFETY: `nlh` is the request; `tb` has room for `max + 1` entries
    // and the policy has as many.
    let ret = unsafe {
        b::rvnet_bridge_setlink_parse(
            nlh,
            tb.as_mut_ptr(),
            max as c_int,
            Policy::table_ptr(T::SLAVE_POLICY),
            &mut what,
            &mut state,
            &mut afspec,
            &mut afspec_other,
        )
    };
    if ret != 0 {
        return ret;
    }
    if what == 0 && !afspec {
        return 0;
    }
    // SAFETY: As above.
    let Some(br) = (unsafe { bridge_of::<T>(port) }).filter(|br| !br.ptr_eq(port)) else {
        // The bridge itself: only VLAN information is for it.
        return if afspec {
            EOPNOTSUPP.to_errno()
        } else {
            EINVAL.to_errno()
        };
    };
    if afspec_other {
        return EOPNOTSUPP.to_errno();
    }
    let req = match what {
        1 => match Attrs::from_raw(tb.as_mut_ptr(), max) {
            Some(a) => PortRequest::Attrs(a),
            None => return EINVAL.to_errno(),
        },
        2 => PortRequest::State(state),
        _ => return 0,
    };
    errno(T::bridge_setlink(br, port, req, &ExtAck::from_raw(extack)))
}

/// The room for a link-layer address (`MAX_ADDR_LEN`).
pub const MAX_ADDR_LEN: usize = 32;

/// A link-layer header to build (the arguments of `header_ops->create`).
pub struct HardHeader<'a> {
    skb: *mut b::sk_buff,
    ethertype: u16,
    daddr: *const c_void,
    saddr: *const c_void,
    len: u32,
    addr_len: usize,
    _p: PhantomData<&'a mut b::sk_buff>,
}

impl HardHeader<'_> {
    /// The protocol of the payload (host order).
    pub fn ethertype(&self) -> u16 {
        self.ethertype
    }

    /// The first `N` bytes of the destination address, if one was given
    /// and the device's addresses are that long.
    pub fn daddr<const N: usize>(&self) -> Option<[u8; N]> {
        self.addr::<N>(self.daddr)
    }

    /// The first `N` bytes of the source address, as [`Self::daddr`].
    pub fn saddr<const N: usize>(&self) -> Option<[u8; N]> {
        self.addr::<N>(self.saddr)
    }

    fn addr<const N: usize>(&self, a: *const c_void) -> Option<[u8; N]> {
        if a.is_null() || N > self.addr_len {
            return None;
        }
        let mut out = [0u8; N];
        // SAFETY: The stack passes addresses of the device's `addr_len`
        // bytes (a neighbour's `ha`, a packet socket's checked
        // `sll_addr`), and `N` is no more.
        unsafe { core::ptr::copy_nonoverlapping(a.cast::<u8>(), out.as_mut_ptr(), N) };
        Some(out)
    }

    /// Pushes `len` bytes of header in front of the payload, growing the
    /// headroom if it is short, and gives them to be filled; `None`
    /// without memory.
    pub fn push(&mut self, len: usize) -> Option<&mut [u8]> {
        // SAFETY: `skb` is the frame being built, ours for the call.
        let p = unsafe { b::rvnet_skb_push_room(self.skb, len as u32) };
        if p.is_null() {
            return None;
        }
        // SAFETY: The helper pushed `len` writable bytes at `p`, which stay
        // valid while the header is borrowed.
        Some(unsafe { core::slice::from_raw_parts_mut(p, len) })
    }

    /// The queueing priority of the frame.
    pub fn priority(&self) -> u32 {
        // SAFETY: `skb` is the frame being built, valid for the call.
        unsafe { b::rvnet_skb_priority(self.skb) }
    }

    /// Pushes an 802.1Q/802.1ad tag (`proto` and `tci` in host order) in
    /// front of the payload, so that the frame carries it in-band; the
    /// header built on top then has EtherType `proto`.
    pub fn push_vlan_tag(&mut self, proto: u16, tci: u16) {
        // SAFETY: `skb` is the frame being built; the device's headroom
        // covers the tag (its `needed_headroom`).
        unsafe {
            b::rvnet_push_vlan_header(self.skb, proto.to_be(), tci, self.ethertype, self.len)
        };
        self.ethertype = proto;
        self.len += VLAN_HLEN as u32;
    }

    /// Builds the rest as `lower`'s header, with `upper`'s address as the
    /// default source (`dev_hard_header()`). Returns the header length, or
    /// a negative value as `header_ops->create` does.
    pub fn create_on(self, lower: &NetDevice, upper: &NetDevice, pushed: u32) -> i32 {
        let saddr = if self.saddr.is_null() {
            // SAFETY: `upper` is valid; its address outlives the call.
            unsafe { (*upper.as_raw()).dev_addr.cast() }
        } else {
            self.saddr
        };
        // SAFETY: All pointers come from the stack's call and are valid for
        // it.
        let rc = unsafe {
            b::rvnet_dev_hard_header(
                self.skb,
                lower.as_raw(),
                self.ethertype,
                self.daddr,
                saddr,
                self.len,
            )
        };
        if rc > 0 {
            rc + pushed as i32
        } else {
            rc
        }
    }
}

/// A borrowed socket buffer, for read-only hooks.
pub struct SkBuffRef(*const b::sk_buff);

impl SkBuffRef {
    /// The bytes from the link-layer header to the end of the linear
    /// part (empty if no link-layer header was set).
    pub fn mac_header(&self) -> &[u8] {
        let mut len = 0;
        // SAFETY: The skb is valid for the hook's call.
        let p = unsafe { b::rvnet_skb_mac_bytes(self.0, &mut len) };
        if p.is_null() {
            return &[];
        }
        // SAFETY: The helper found `len` bytes of the linear buffer at `p`.
        unsafe { core::slice::from_raw_parts(p, len as usize) }
    }

    /// The linear part of the data.
    pub fn linear(&self) -> &[u8] {
        // SAFETY: The skb is valid for the hook's call; `headlen` bytes of
        // linear data start at `data`.
        unsafe {
            core::slice::from_raw_parts((*self.0).data, b::rvnet_skb_headlen(self.0) as usize)
        }
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn create_header<T: DeviceOps>(
    skb: *mut b::sk_buff,
    dev: *mut b::net_device,
    ethertype: u16,
    daddr: *const c_void,
    saddr: *const c_void,
    len: kernel::ffi::c_uint,
) -> c_int {
    let header = HardHeader {
        skb,
        ethertype,
        daddr,
        saddr,
        len,
        // SAFETY: `dev` is valid for the call.
        addr_len: usize::from(unsafe { (*dev).addr_len }),
        _p: PhantomData,
    };
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, EINVAL.to_errno(), |d| T::create_header(d, header)) }
}

/// # Safety
///
/// Called by the kernel with a valid skb on a device of kind `T`.
unsafe extern "C" fn parse_protocol<T: DeviceOps>(skb: *const b::sk_buff) -> u16 {
    T::parse_protocol(&SkBuffRef(skb)).to_be()
}

/// # Safety
///
/// Called by the kernel with a valid skb on a device of kind `T`, `haddr`
/// holding `MAX_ADDR_LEN` bytes.
unsafe extern "C" fn parse_header<T: DeviceOps>(
    skb: *const b::sk_buff,
    dev: *const b::net_device,
    haddr: *mut u8,
) -> c_int {
    // SAFETY: See the function's safety section.
    let haddr = unsafe { &mut *haddr.cast::<[u8; MAX_ADDR_LEN]>() };
    // SAFETY: See the note above the callbacks.
    unsafe {
        with_dev::<T, _>(dev, 0, |d| {
            T::parse_header(d, &SkBuffRef(skb), haddr).min(MAX_ADDR_LEN) as c_int
        })
    }
}

/// Copies `src` into the C string buffer `dst`, truncating, NUL-terminated.
fn copy_c_string(dst: &mut [kernel::ffi::c_char], src: &CStr) {
    let bytes = src.to_bytes();
    let n = bytes.len().min(dst.len().saturating_sub(1));
    dst[..n].copy_from_slice(&bytes[..n]);
    if let Some(end) = dst.get_mut(n) {
        *end = 0;
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn get_drvinfo<T: DeviceOps>(
    _dev: *mut b::net_device,
    info: *mut b::ethtool_drvinfo,
) {
    // SAFETY: ethtool passes a writable, zeroed `ethtool_drvinfo`.
    let info = unsafe { &mut *info };
    copy_c_string(&mut info.driver, T::DRIVER_NAME);
    copy_c_string(&mut info.version, T::DRIVER_VERSION);
    copy_c_string(&mut info.fw_version, T::FIRMWARE_VERSION);
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn get_link_ksettings<T: DeviceOps>(
    dev: *mut b::net_device,
    cmd: *mut b::ethtool_link_ksettings,
) -> c_int {
    // SAFETY: See the note above the callbacks; `cmd` is ethtool's buffer.
    unsafe {
        with_dev::<T, _>(dev, EOPNOTSUPP.to_errno(), |d| match T::lower(d) {
            Some(l) => b::__ethtool_get_link_ksettings(l.as_raw(), cmd),
            None if T::HAS_LINK_SETTINGS => {
                let (speed, duplex) = T::link_settings(d);
                (*cmd).base.speed = speed;
                (*cmd).base.duplex = duplex;
                (*cmd).base.port = b::PORT_OTHER as u8;
                0
            }
            None => EOPNOTSUPP.to_errno(),
        })
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn get_ts_info<T: DeviceOps>(
    dev: *mut b::net_device,
    info: *mut b::kernel_ethtool_ts_info,
) -> c_int {
    // SAFETY: See the note above the callbacks; `info` is ethtool's buffer.
    unsafe {
        with_dev::<T, _>(dev, EOPNOTSUPP.to_errno(), |d| match T::lower(d) {
            Some(l) => b::ethtool_get_ts_info_by_layer(l.as_raw(), info),
            None => EOPNOTSUPP.to_errno(),
        })
    }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn get_msglevel<T: DeviceOps>(dev: *mut b::net_device) -> u32 {
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, 0, |d| T::get_msglevel(d)) }
}

/// # Safety
///
/// Called by the kernel on a device of kind `T`, as its C contract says.
unsafe extern "C" fn set_msglevel<T: DeviceOps>(dev: *mut b::net_device, level: u32) {
    // SAFETY: See the note above the callbacks.
    unsafe { with_dev::<T, _>(dev, (), |d| T::set_msglevel(d, level)) }
}
