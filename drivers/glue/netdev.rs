// SPDX-License-Identifier: GPL-2.0

//! Network devices (`struct net_device`) and network namespaces.

use super::bindings as b;
use super::to_result;
use crate::rvnet_core::ether::{MacAddr, ETH_ALEN};
use core::ptr::NonNull;
use kernel::error::Result;
use kernel::ffi::CStr;
use kernel::str::CStrExt as _;
use kernel::types::Opaque;

pub use b::{
    ARPHRD_ETHER, ARPHRD_LOOPBACK, ETH_MAX_MTU, IFF_ALLMULTI, IFF_BONDING, IFF_BRIDGE_PORT,
    IFF_DONT_BRIDGE, IFF_EBRIDGE, IFF_LOOPBACK, IFF_MASTER, IFF_NOARP, IFF_NO_ADDRCONF,
    IFF_NO_QUEUE, IFF_NO_RX_HANDLER, IFF_PROMISC, IFF_SLAVE, IFF_TX_SKB_SHARING, IFF_UNICAST_FLT,
    IFF_UP, IFF_XMIT_DST_RELEASE, NET_ADDR_RANDOM, NET_ADDR_SET, NET_ADDR_STOLEN,
};

/// The statistics of a device, as `ndo_get_stats64` reports them.
pub type LinkStats = b::rtnl_link_stats64;

/// `netdev_intersect_features()`: the features two devices both have,
/// with checksum offloads reconciled.
pub fn intersect_features(a: u64, b: u64) -> u64 {
    // SAFETY: Pure computation.
    unsafe { b::rvnet_netdev_intersect_features(a, b) }
}

/// A network device, borrowed from the kernel.
///
/// Methods that change the device say so and must be called with the RTNL
/// held, which is the case in every rtnl and notifier callback.
#[repr(transparent)]
pub struct NetDevice(Opaque<b::net_device>);

// SAFETY: `struct net_device` is designed to be used from any thread; the
// methods of `NetDevice` follow the kernel's locking rules for each field.
unsafe impl Sync for NetDevice {}
// SAFETY: As above; a `NetDevice` is only ever reached through references.
unsafe impl Send for NetDevice {}

impl NetDevice {
    /// Borrows a `net_device`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `net_device` that stays valid for `'a`.
    pub unsafe fn from_raw<'a>(ptr: *const b::net_device) -> &'a NetDevice {
        // SAFETY: `NetDevice` is a transparent wrapper of `net_device`, and the
        // caller guarantees validity for `'a`.
        unsafe { &*ptr.cast() }
    }

    /// The raw pointer, for calls into C.
    pub fn as_raw(&self) -> *mut b::net_device {
        self.0.get()
    }

    /// The device's name.
    pub fn name(&self) -> &CStr {
        // SAFETY: `name` is a NUL-terminated array inside the device, valid
        // as long as `self` is; renames happen under RTNL.
        unsafe { CStr::from_char_ptr((*self.as_raw()).name.as_ptr()) }
    }

    /// The device's name as text, for formatting.
    pub fn name_str(&self) -> &str {
        self.name().to_str().unwrap_or("?")
    }

    /// The interface index.
    pub fn ifindex(&self) -> i32 {
        // SAFETY: `self` is valid; `ifindex` is fixed once registered.
        unsafe { (*self.as_raw()).ifindex }
    }

    /// The interface flags (`IFF_*`).
    pub fn flags(&self) -> u32 {
        // SAFETY: `self` is valid; a racy read of a word is fine here.
        unsafe { (*self.as_raw()).flags }
    }

    /// Whether the device is administratively up.
    pub fn is_up(&self) -> bool {
        self.flags() & b::IFF_UP != 0
    }

    /// Whether the device has carrier.
    pub fn carrier_ok(&self) -> bool {
        !self.state_bit(b::__LINK_STATE_NOCARRIER)
    }

    /// Bit `bit` of the device's `state` word (`test_bit`).
    fn state_bit(&self, bit: u32) -> bool {
        // SAFETY: `self` is valid. The kernel changes `state` with atomic
        // bit operations; a relaxed atomic load of the word reads it as
        // `test_bit()` does.
        let word = unsafe {
            &*core::ptr::addr_of!((*self.as_raw()).state).cast::<core::sync::atomic::AtomicUsize>()
        };
        word.load(core::sync::atomic::Ordering::Relaxed) & (1 << bit) != 0
    }

    /// Turns the carrier on or off.
    pub fn set_carrier(&self, on: bool) {
        // SAFETY: `self` is valid; both functions may be called from any
        // context.
        unsafe {
            if on {
                b::netif_carrier_on(self.as_raw())
            } else {
                b::netif_carrier_off(self.as_raw())
            }
        }
    }

    /// Copies the operational state of `lower` to `self`, as stacked
    /// devices do (`netif_stacked_transfer_operstate()`).
    pub fn transfer_operstate_from(&self, lower: &NetDevice) {
        // SAFETY: Both devices are valid.
        unsafe { b::netif_stacked_transfer_operstate(lower.as_raw(), self.as_raw()) }
    }

    /// The MTU.
    pub fn mtu(&self) -> u32 {
        // SAFETY: `self` is valid; racy reads of the MTU are normal.
        unsafe { (*self.as_raw()).mtu }
    }

    /// The largest MTU the device takes.
    pub fn max_mtu(&self) -> u32 {
        // SAFETY: `self` is valid; set up before registration.
        unsafe { (*self.as_raw()).max_mtu }
    }

    /// The device's broadcast address.
    pub fn broadcast(&self) -> MacAddr {
        let mut mac = [0u8; ETH_ALEN];
        // SAFETY: `broadcast` is an array of at least `ETH_ALEN` bytes.
        unsafe {
            core::ptr::copy_nonoverlapping(
                (*self.as_raw()).broadcast.as_ptr(),
                mac.as_mut_ptr(),
                ETH_ALEN,
            )
        };
        MacAddr(mac)
    }

    /// Stores the MTU: in `ndo_change_mtu`, or before registration.
    pub fn store_mtu(&self, mtu: u32) {
        // SAFETY: Both contexts own the field (RTNL, or no one else sees
        // the device); racy readers are expected.
        unsafe { core::ptr::write_volatile(&mut (*self.as_raw()).mtu, mtu) }
    }

    /// Whether VLANs on this device lose header room from their MTU
    /// (`netif_reduces_vlan_mtu()`: MACsec devices).
    pub fn reduces_vlan_mtu(&self) -> bool {
        self.priv_flags() & b::IFF_MACSEC != 0
    }

    /// Changes the MTU the way userspace would (`netif_set_mtu()`). RTNL.
    pub fn set_mtu(&self, mtu: u32) -> Result {
        // SAFETY: `self` is valid and the caller holds RTNL.
        to_result(unsafe { b::netif_set_mtu(self.as_raw(), mtu as i32) })
    }

    /// The device's hardware address.
    pub fn mac(&self) -> MacAddr {
        let mut mac = [0u8; ETH_ALEN];
        // SAFETY: `dev_addr` of an Ethernet device holds `ETH_ALEN` bytes.
        unsafe {
            core::ptr::copy_nonoverlapping((*self.as_raw()).dev_addr, mac.as_mut_ptr(), ETH_ALEN)
        };
        MacAddr(mac)
    }

    /// Sets the hardware address (`eth_hw_addr_set()`). RTNL.
    pub fn set_mac(&self, mac: &MacAddr) {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::rvnet_eth_hw_addr_set(self.as_raw(), mac.0.as_ptr()) }
    }

    /// How the address was assigned (`NET_ADDR_*`).
    pub fn addr_assign_type(&self) -> u32 {
        // SAFETY: `self` is valid.
        unsafe { (*self.as_raw()).addr_assign_type }.into()
    }

    /// Records how the address was assigned. RTNL.
    pub fn set_addr_assign_type(&self, kind: u32) {
        // SAFETY: `self` is valid and the caller holds RTNL. `NET_ADDR_*`
        // values fit the C field.
        unsafe { (*self.as_raw()).addr_assign_type = kind as u8 }
    }

    /// Whether the device is being unregistered (not just moved to
    /// another namespace).
    pub fn is_unregistering(&self) -> bool {
        // SAFETY: `self` is valid.
        unsafe { b::rvnet_netdev_is_unregistering(self.as_raw()) }
    }

    /// The link-layer type (`ARPHRD_*`).
    pub fn link_type(&self) -> u16 {
        // SAFETY: `self` is valid.
        unsafe { (*self.as_raw()).type_ }
    }

    /// The active features (`NETIF_F_*`).
    pub fn features(&self) -> u64 {
        // SAFETY: `self` is valid.
        unsafe { (*self.as_raw()).features }
    }

    /// The private flags (`IFF_*` of `priv_flags`).
    pub fn priv_flags(&self) -> u32 {
        // SAFETY: `self` is valid.
        unsafe { b::rvnet_netdev_priv_flags(self.as_raw()) }
    }

    /// The device's network namespace.
    pub fn net(&self) -> &Net {
        // SAFETY: A device always belongs to a live namespace.
        unsafe { Net::from_raw(b::rvnet_dev_net(self.as_raw())) }
    }

    /// Adds a secondary unicast address to the device's filter.
    pub fn uc_add(&self, mac: &MacAddr) -> Result {
        // SAFETY: `self` is valid; the address is copied.
        to_result(unsafe { b::dev_uc_add(self.as_raw(), mac.0.as_ptr()) })
    }

    /// Adds a unicast address the device does not have yet
    /// (`dev_uc_add_excl`, `EEXIST` otherwise).
    pub fn uc_add_excl(&self, mac: &MacAddr) -> Result {
        // SAFETY: `self` is valid; the address is copied.
        to_result(unsafe { b::dev_uc_add_excl(self.as_raw(), mac.0.as_ptr()) })
    }

    /// Adds a multicast address the device does not have yet
    /// (`dev_mc_add_excl`, `EEXIST` otherwise).
    pub fn mc_add_excl(&self, mac: &MacAddr) -> Result {
        // SAFETY: `self` is valid; the address is copied.
        to_result(unsafe { b::dev_mc_add_excl(self.as_raw(), mac.0.as_ptr()) })
    }

    /// Removes a unicast or (for a group address) multicast address,
    /// `ENOENT` when the device does not have it.
    pub fn addr_del(&self, mac: &MacAddr) -> Result {
        // SAFETY: `self` is valid; the address is only compared.
        to_result(unsafe {
            if mac.is_multicast() {
                b::dev_mc_del(self.as_raw(), mac.0.as_ptr())
            } else {
                b::dev_uc_del(self.as_raw(), mac.0.as_ptr())
            }
        })
    }

    /// Removes a secondary unicast address added by [`Self::uc_add`].
    pub fn uc_del(&self, mac: &MacAddr) {
        // SAFETY: `self` is valid. Removing an absent address is harmless.
        unsafe { b::dev_uc_del(self.as_raw(), mac.0.as_ptr()) };
    }

    /// Syncs `upper`'s unicast and multicast lists into `self`.
    pub fn sync_addr_lists_from(&self, upper: &NetDevice) {
        // SAFETY: Both devices are valid; called from ndo_set_rx_mode with
        // the address lists locked as the functions expect.
        unsafe {
            b::dev_mc_sync(self.as_raw(), upper.as_raw());
            b::dev_uc_sync(self.as_raw(), upper.as_raw());
        }
    }

    /// Removes what [`Self::sync_addr_lists_from`] or
    /// [`Self::sync_addr_lists_multiple`] added (the functions lock
    /// `upper` themselves).
    pub fn unsync_addr_lists_from(&self, upper: &NetDevice) {
        // SAFETY: Both devices are valid.
        unsafe {
            b::dev_mc_unsync(self.as_raw(), upper.as_raw());
            b::dev_uc_unsync(self.as_raw(), upper.as_raw());
        }
    }

    /// Adjusts the allmulti count by `inc`. RTNL.
    pub fn adjust_allmulti(&self, inc: i32) {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::dev_set_allmulti(self.as_raw(), inc) };
    }

    /// Adjusts the promiscuity count by `inc`. RTNL.
    pub fn adjust_promiscuity(&self, inc: i32) {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::dev_set_promiscuity(self.as_raw(), inc) };
    }

    /// Brings the device up or down as `ip link set` would. RTNL.
    pub fn set_up(&self, up: bool) -> Result {
        // SAFETY: `self` is valid and the caller holds RTNL.
        let flags = unsafe { b::netif_get_flags(self.as_raw()) };
        let flags = if up {
            flags | b::IFF_UP
        } else {
            flags & !b::IFF_UP
        };
        // SAFETY: As above.
        to_result(unsafe { b::netif_change_flags(self.as_raw(), flags, core::ptr::null_mut()) })
    }

    /// Re-runs feature negotiation (`netdev_update_features()`). RTNL.
    pub fn update_features(&self) {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::netdev_update_features(self.as_raw()) }
    }

    /// Sends `event` to the netdevice notifier chain for this device. RTNL.
    pub fn notify(&self, event: u32) {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::call_netdevice_notifiers(event as usize, self.as_raw()) };
    }

    /// Schedules deferred work `events` for the device's `ndo_work`.
    pub fn schedule_work(&self, events: u64) {
        // SAFETY: `self` is valid; may be called from any context.
        unsafe { b::netdev_work_sched(self.as_raw(), events as kernel::ffi::c_ulong) }
    }

    /// Cancels deferred work scheduled by [`Self::schedule_work`].
    pub fn cancel_work(&self, events: u64) {
        // SAFETY: `self` is valid.
        unsafe { b::netdev_work_cancel(self.as_raw(), events as kernel::ffi::c_ulong) };
    }

    /// Fires a link watch event so that the operstate is recomputed.
    pub fn fire_linkwatch(&self) {
        // SAFETY: `self` is valid.
        unsafe { b::linkwatch_fire_event(self.as_raw()) }
    }

    /// Makes `self` an upper device of `lower`. RTNL.
    pub fn link_upper_of(&self, lower: &NetDevice, extack: &super::attr::ExtAck) -> Result {
        // SAFETY: Both devices are valid and the caller holds RTNL.
        to_result(unsafe {
            b::netdev_upper_dev_link(lower.as_raw(), self.as_raw(), extack.as_raw())
        })
    }

    /// Undoes [`Self::link_upper_of`]. RTNL.
    pub fn unlink_upper_of(&self, lower: &NetDevice) {
        // SAFETY: Both devices are valid and the caller holds RTNL.
        unsafe { b::netdev_upper_dev_unlink(lower.as_raw(), self.as_raw()) }
    }

    /// Opens the device (`dev_open`), as `ip link set up` does. RTNL.
    pub fn open(&self, extack: &super::attr::ExtAck) -> Result {
        // SAFETY: `self` is valid and the caller holds RTNL.
        to_result(unsafe { b::dev_open(self.as_raw(), extack.as_raw()) })
    }

    /// Closes the device (`dev_close`). RTNL.
    pub fn close(&self) {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::dev_close(self.as_raw()) }
    }

    /// Whether the device is up (`netif_running`).
    pub fn is_running(&self) -> bool {
        self.state_bit(b::__LINK_STATE_START)
    }

    /// Changes the device's MTU through its driver (`dev_set_mtu`). RTNL.
    pub fn change_mtu(&self, mtu: u32) -> Result {
        // SAFETY: `self` is valid and the caller holds RTNL.
        to_result(unsafe { b::dev_set_mtu(self.as_raw(), mtu as i32) })
    }

    /// Changes the device's hardware address through its driver
    /// (`dev_set_mac_address`), notifying the stack. RTNL.
    pub fn change_mac(&self, mac: &MacAddr, extack: &super::attr::ExtAck) -> Result {
        // SAFETY: `self` is valid, the caller holds RTNL; the address is
        // copied.
        to_result(unsafe { b::rvnet_dev_set_mac(self.as_raw(), mac.0.as_ptr(), extack.as_raw()) })
    }

    /// Sets and clears `IFF_*` bits in `flags` directly, as drivers do for
    /// `IFF_MASTER` and `IFF_SLAVE`. RTNL.
    pub fn change_flags_raw(&self, set: u32, clear: u32) {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::rvnet_netdev_change_flags_raw(self.as_raw(), set, clear) }
    }

    /// Whether the device's single receive handler slot is taken.
    pub fn rx_handler_busy(&self) -> bool {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::netdev_is_rx_handler_busy(self.as_raw()) }
    }

    /// Whether VLAN devices sit on this device (`vlan_uses_dev`). RTNL.
    pub fn has_vlans(&self) -> bool {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::vlan_uses_dev(self.as_raw()) }
    }

    /// Adds every VLAN id `upper` has to `self` (`vlan_vids_add_by_dev`).
    /// RTNL.
    pub fn add_vids_of(&self, upper: &NetDevice) -> Result {
        // SAFETY: Both devices are valid and the caller holds RTNL.
        to_result(unsafe { b::vlan_vids_add_by_dev(self.as_raw(), upper.as_raw()) })
    }

    /// Undoes [`Self::add_vids_of`]. RTNL.
    pub fn del_vids_of(&self, upper: &NetDevice) {
        // SAFETY: Both devices are valid and the caller holds RTNL.
        unsafe { b::vlan_vids_del_by_dev(self.as_raw(), upper.as_raw()) }
    }

    /// Syncs `upper`'s address lists into `self`, one of several lowers
    /// (`dev_{mc,uc}_sync_multiple`, with `upper`'s address lock taken).
    pub fn sync_addr_lists_multiple(&self, upper: &NetDevice) {
        // SAFETY: Both devices are valid; the helper takes the lock.
        unsafe { b::rvnet_sync_addr_lists_multiple(self.as_raw(), upper.as_raw()) }
    }

    /// Adds a multicast address to the device's filter.
    pub fn mc_add(&self, mac: &MacAddr) -> Result {
        // SAFETY: `self` is valid; the address is copied.
        to_result(unsafe { b::dev_mc_add(self.as_raw(), mac.0.as_ptr()) })
    }

    /// Removes a multicast address added by [`Self::mc_add`].
    pub fn mc_del(&self, mac: &MacAddr) {
        // SAFETY: `self` is valid. Removing an absent address is harmless.
        unsafe { b::dev_mc_del(self.as_raw(), mac.0.as_ptr()) };
    }

    /// Turns large receive offload off (`dev_disable_lro`). RTNL.
    pub fn disable_lro(&self) {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::dev_disable_lro(self.as_raw()) }
    }

    /// Recomputes a master's features from its lowers
    /// (`netdev_compute_master_upper_features`). RTNL.
    pub fn compute_upper_features(&self, update_header: bool) {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::netdev_compute_master_upper_features(self.as_raw(), update_header) }
    }

    /// Tells the stack a port's link and transmit state changed
    /// (`netdev_lower_state_changed`). RTNL.
    pub fn lower_state_changed(&self, link_up: bool, tx_enabled: bool) {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::rvnet_lower_state_changed(self.as_raw(), link_up, tx_enabled) }
    }

    /// The link speed (Mb/s) and duplex (`DUPLEX_*`) the driver reports,
    /// if it reports any. Takes the device's instance lock unless
    /// `in_notifier` (a netdevice notifier runs with it held).
    pub fn speed_duplex(&self, in_notifier: bool) -> Option<(u32, u8)> {
        let (mut speed, mut duplex) = (0, 0);
        // SAFETY: `self` is valid; the outputs are writable.
        let ret = unsafe {
            b::rvnet_link_speed_duplex(self.as_raw(), !in_notifier, &mut speed, &mut duplex)
        };
        (ret == 0).then_some((speed, duplex))
    }

    /// The number of transmit queues in use.
    pub fn tx_queues(&self) -> u32 {
        // SAFETY: `self` is valid.
        unsafe { (*self.as_raw()).real_num_tx_queues }
    }

    /// Sends an ARP request for `dest` from `src` (IPv4 addresses in
    /// network order) out of the device (`arp_create` + `arp_xmit`).
    pub fn send_arp_request(&self, dest: u32, src: u32) {
        // SAFETY: `self` is valid; the packet is built and sent by the
        // kernel.
        unsafe { b::rvnet_arp_send_request(self.as_raw(), dest, src) }
    }

    /// The IPv4 address of the device in the subnet of `dst` (or any, for
    /// 0) that is `local` or, for 0, any (`inet_confirm_addr` with host
    /// scope); 0 when there is none.
    pub fn confirm_addr(&self, dst: u32, local: u32) -> u32 {
        // SAFETY: `self` is valid; the helper holds RCU.
        unsafe { b::rvnet_confirm_addr(self.as_raw(), dst, local) }
    }

    /// Whether the device is the one the IPv4 route to `dst` (network
    /// order) leaves through. `None` when there is no route. RTNL.
    pub fn routes_to(&self, dst: u32) -> Option<bool> {
        // SAFETY: `self` is valid; the returned pointer is only compared.
        let dev = unsafe { b::rvnet_route_output_dev(self.net().as_raw(), dst) };
        (!dev.is_null()).then(|| core::ptr::eq(dev, self.as_raw()))
    }

    /// Milliseconds since the device last transmitted (`dev_trans_start`).
    pub fn trans_age_ms(&self) -> u64 {
        // SAFETY: `self` is valid.
        unsafe { b::rvnet_dev_trans_age_ms(self.as_raw()) }
    }

    /// Whether the device is operationally up (`netif_oper_up()`: up or
    /// unknown).
    pub fn oper_up(&self) -> bool {
        // SAFETY: The device is valid.
        unsafe { b::rvnet_netif_oper_up(self.as_raw()) }
    }

    /// The length of the device's hardware address.
    pub fn addr_len(&self) -> u8 {
        // SAFETY: The device is valid; `addr_len` is set up before
        // registration and stays.
        unsafe { (*self.as_raw()).addr_len }
    }

    /// Whether the device is registered (`NETREG_REGISTERED`).
    pub fn is_registered(&self) -> bool {
        // SAFETY: The device is valid; its registration state changes
        // under RTNL, which the control paths calling this hold.
        unsafe { u32::from((*self.as_raw()).reg_state) == b::NETREG_REGISTERED }
    }

    /// Counts a frame the device received but dropped
    /// (`dev_core_stats_rx_dropped_inc`).
    pub fn count_rx_dropped(&self) {
        // SAFETY: `self` is valid; the counters are per-CPU.
        unsafe { b::rvnet_dev_core_stats_rx_dropped_inc(self.as_raw()) }
    }

    /// Calls `f` with each multicast address of the device and its
    /// `synced` count (the number of upper devices that subscribed it).
    /// With the device's address lock held, or RTNL.
    pub fn for_each_mc_addr(&self, mut f: impl FnMut(MacAddr, i32)) {
        let mut f: &mut dyn FnMut(MacAddr, i32) = &mut f;
        // SAFETY: `self` is valid; the context points at `f`, which
        // outlives the walk and is only called from it.
        unsafe {
            b::rvnet_dev_mc_walk(
                self.as_raw(),
                Some(mc_addr_callback),
                core::ptr::from_mut(&mut f).cast(),
            )
        }
    }

    /// Whether the caller may change this device's link settings from
    /// its own namespace, `rtnl_dev_link_net_capable(self, net)`:
    /// `CAP_NET_ADMIN` in `net`'s user namespace.
    pub fn link_net_capable(&self, net: &Net) -> bool {
        // SAFETY: Both are valid.
        unsafe { b::rvnet_dev_link_net_capable(self.as_raw(), net.as_raw()) }
    }

    /// Gives a bridge device bridge.ko's features (`br_dev_setup()`).
    pub fn set_bridge_features(&self) {
        // SAFETY: `self` is a device being set up.
        unsafe { b::rvnet_netdev_set_bridge_features(self.as_raw()) }
    }

    /// Makes the core keep per-CPU packet counters for the device
    /// (`NETDEV_PCPU_STAT_TSTATS`); call in setup.
    pub fn use_tstats(&self) {
        // SAFETY: The device is valid and not yet registered.
        unsafe { b::rvnet_netdev_use_tstats(self.as_raw()) }
    }

    /// Counts a received frame of `len` bytes in the per-CPU counters.
    pub fn count_rx(&self, len: u32) {
        // SAFETY: The device is valid and uses per-CPU counters.
        unsafe { b::rvnet_dev_sw_netstats_rx_add(self.as_raw(), len) }
    }

    /// Counts a sent frame of `len` bytes in the per-CPU counters.
    pub fn count_tx(&self, len: u32) {
        // SAFETY: The device is valid and uses per-CPU counters.
        unsafe { b::rvnet_dev_sw_netstats_tx_add(self.as_raw(), len) }
    }

    /// The device's counters from its per-CPU ones (`dev_get_tstats64()`).
    pub fn tstats(&self, stats: &mut LinkStats) {
        // SAFETY: The device is valid; `stats` is ours.
        unsafe { b::rvnet_dev_get_tstats64(self.as_raw(), stats) }
    }

    /// The master above the device, if any. RTNL.
    pub fn master(&self) -> Option<&NetDevice> {
        // SAFETY: The device is valid; under RTNL its master stays.
        let m = unsafe { b::rvnet_master_upper(self.as_raw()) };
        // SAFETY: A non-null master is a valid device.
        (!m.is_null()).then(|| unsafe { NetDevice::from_raw(m) })
    }

    /// Whether `self` and `other` are the same device.
    pub fn ptr_eq(&self, other: &NetDevice) -> bool {
        self == other
    }

    /// Counts a frame the device dropped on transmit
    /// (`dev_core_stats_tx_dropped_inc`).
    pub fn count_tx_dropped(&self) {
        // SAFETY: `self` is valid; the counters are per-CPU.
        unsafe { b::rvnet_dev_core_stats_tx_dropped_inc(self.as_raw()) }
    }

    /// Gives the device a random address (`eth_hw_addr_random`). RTNL.
    pub fn set_random_mac(&self) {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::rvnet_eth_hw_addr_random(self.as_raw()) }
    }

    /// Syncs `upper`'s address lists into `self`, one of several lowers
    /// sharing them, from `upper`'s `ndo_set_rx_mode` (which holds the
    /// address lock).
    pub fn sync_addr_lists_from_shared(&self, upper: &NetDevice) {
        // SAFETY: Both devices are valid; the caller holds `upper`'s
        // address lock, as the functions expect.
        unsafe {
            b::dev_mc_sync_multiple(self.as_raw(), upper.as_raw());
            b::dev_uc_sync_multiple(self.as_raw(), upper.as_raw());
        }
    }

    /// Queues the device for unregistration (`unregister_netdevice_queue`).
    /// Without a queue it is unregistered at once. RTNL.
    pub fn unregister(&self, queue: Option<&mut UnregisterQueue>) {
        let head = queue.map_or(core::ptr::null_mut(), |q| q.0);
        // SAFETY: The device is registered and the caller holds RTNL.
        unsafe { b::unregister_netdevice_queue(self.as_raw(), head) }
    }

    /// Adds `vid` of `proto` (host order TPID) to the device's VLAN filter.
    pub fn vlan_vid_add(&self, proto: u16, vid: u16) -> Result {
        // SAFETY: `self` is valid and the caller holds RTNL.
        to_result(unsafe { b::vlan_vid_add(self.as_raw(), proto.to_be(), vid) })
    }

    /// Removes what [`Self::vlan_vid_add`] added.
    pub fn vlan_vid_del(&self, proto: u16, vid: u16) {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::vlan_vid_del(self.as_raw(), proto.to_be(), vid) }
    }

    /// Asks the stack whether the device may take `addr`
    /// (`netif_pre_changeaddr_notify()`); an error vetoes it. RTNL.
    pub fn pre_changeaddr_notify(&self, addr: &MacAddr, extack: &super::attr::ExtAck) -> Result {
        // SAFETY: `self` is valid, the caller holds RTNL; the address is
        // read during the call only.
        to_result(unsafe {
            b::rvnet_pre_changeaddr_notify(self.as_raw(), addr.0.as_ptr(), extack.as_raw())
        })
    }

    /// Sets or clears `IFF_NOARP` as `dev_change_flags()` does, notifying
    /// the stack. RTNL.
    pub fn set_noarp(&self, on: bool, extack: &super::attr::ExtAck) -> Result {
        // SAFETY: `self` is valid and the caller holds RTNL.
        let flags = unsafe { b::netif_get_flags(self.as_raw()) };
        let flags = if on {
            flags | b::IFF_NOARP
        } else {
            flags & !b::IFF_NOARP
        };
        // SAFETY: As above.
        to_result(unsafe { b::netif_change_flags(self.as_raw(), flags, extack.as_raw()) })
    }

    /// Logs `msg` as an error of the device (`netdev_err()`).
    pub fn log_err(&self, msg: &CStr) {
        // SAFETY: `self` is valid; `msg` is a NUL-terminated string read
        // during the call.
        unsafe { b::rvnet_netdev_err(self.as_raw(), msg.as_char_ptr()) }
    }

    /// The device's `dev_id` (told apart from others sharing its address).
    pub fn dev_id(&self) -> u16 {
        // SAFETY: `self` is valid.
        unsafe { b::rvnet_netdev_dev_id(self.as_raw()) }
    }

    /// Sets the device's `dev_id`. RTNL.
    pub fn set_dev_id(&self, id: u16) {
        // SAFETY: `self` is valid and the caller holds RTNL.
        unsafe { b::rvnet_netdev_set_dev_id(self.as_raw(), id) }
    }

    /// The device's statistics (`dev_get_stats()`).
    pub fn stats(&self) -> LinkStats {
        let mut storage = LinkStats::default();
        // SAFETY: `self` is valid and `storage` is writable.
        unsafe { b::dev_get_stats(self.as_raw(), &mut storage) };
        storage
    }
}

/// Set-up of a device being created (in `setup`, `newlink` or `ndo_init`,
/// before anyone else can see it, or under RTNL).
impl NetDevice {
    /// Gives a new macvlan its lower's link state, features and layout
    /// (`macvlan_init()`).
    pub fn init_macvlan_features(&self, lower: &NetDevice) {
        // SAFETY: `self` is being registered; `lower` is valid.
        unsafe { b::rvnet_macvlan_init_features(self.as_raw(), lower.as_raw()) }
    }

    /// `macvlan_fix_features()`: `features` reconciled with the lower's.
    pub fn fix_macvlan_features(&self, lower: &NetDevice, features: u64) -> u64 {
        // SAFETY: Both are valid; pure computation on their features.
        unsafe { b::rvnet_macvlan_fix_features(self.as_raw(), lower.as_raw(), features) }
    }

    /// Copies the lower's TSO limits, headroom and tailroom, as macvlan
    /// does when the lower's features change. RTNL.
    pub fn inherit_macvlan_layout(&self, lower: &NetDevice) {
        // SAFETY: Both are valid and the caller holds RTNL.
        unsafe { b::rvnet_macvlan_inherit_lower_layout(self.as_raw(), lower.as_raw()) }
    }

    /// Gives a new ipvlan its lower's link state, features and layout
    /// (`ipvlan_init()`).
    pub fn init_ipvlan_features(&self, lower: &NetDevice) {
        // SAFETY: `self` is being registered; `lower` is valid.
        unsafe { b::rvnet_ipvlan_init_features(self.as_raw(), lower.as_raw()) }
    }

    /// `ipvlan_fix_features()`: `features` reconciled with the lower's.
    pub fn fix_ipvlan_features(lower: &NetDevice, features: u64) -> u64 {
        // SAFETY: `lower` is valid; pure computation on its features.
        unsafe { b::rvnet_ipvlan_fix_features(lower.as_raw(), features) }
    }

    /// Lets userspace set the device's protodown (`change_proto_down`).
    pub fn allow_proto_down(&self) {
        // SAFETY: `self` is a device being set up.
        unsafe { b::rvnet_netdev_set_change_proto_down(self.as_raw()) }
    }

    /// Forbids moving the device to another namespace.
    pub fn set_netns_immutable(&self) {
        // SAFETY: `self` is a device being set up.
        unsafe { (*self.as_raw()).set_netns_immutable(1) }
    }

    /// Gives a link aggregation master the features bonding declares
    /// (`bond_setup()`): everything its lowers may offload, VLAN
    /// acceleration included.
    pub fn set_bond_features(&self) {
        // SAFETY: `self` is a device being set up.
        unsafe { b::rvnet_netdev_set_master_features(self.as_raw()) }
    }

    /// Makes the device an Ethernet device (`ether_setup()`).
    pub fn setup_ethernet(&self) {
        // SAFETY: `self` is a device being set up.
        unsafe { b::ether_setup(self.as_raw()) }
    }

    /// Sets and clears private flags (`IFF_*`).
    pub fn change_priv_flags(&self, set: u32, clear: u32) {
        // SAFETY: `self` is a device being set up, or RTNL is held.
        unsafe { b::rvnet_netdev_change_priv_flags(self.as_raw(), set, clear) }
    }

    /// Marks transmit as lockless (`dev->lltx`).
    pub fn set_lltx(&self) {
        // SAFETY: `self` is a device being set up.
        unsafe { b::rvnet_netdev_set_lltx(self.as_raw()) }
    }

    /// Keeps the dst of transmitted skbs (`netif_keep_dst()`).
    pub fn keep_dst(&self) {
        // SAFETY: `self` is a device being set up.
        unsafe { b::rvnet_netdev_keep_dst(self.as_raw()) }
    }

    /// Sets the MTU range userspace may choose from.
    pub fn set_mtu_range(&self, min: u32, max: u32) {
        // SAFETY: `self` is a device being set up.
        unsafe {
            (*self.as_raw()).min_mtu = min;
            (*self.as_raw()).max_mtu = max;
        }
    }

    /// Zeroes the broadcast address, so that `ndo_init` can inherit one.
    pub fn clear_broadcast(&self) {
        // SAFETY: `self` is a device being set up; `broadcast` is an array.
        unsafe { (*self.as_raw()).broadcast.fill(0) }
    }

    /// Copies the broadcast address of `other` when ours is still zero.
    pub fn inherit_broadcast(&self, other: &NetDevice) {
        // SAFETY: Both are valid; `self` is being set up.
        unsafe {
            let me = &mut *self.as_raw();
            if me.broadcast.iter().all(|b| *b == 0) {
                me.broadcast = (*other.as_raw()).broadcast;
            }
        }
    }

    /// Sets the interface flags field directly (before registration).
    pub fn init_flags(&self, flags: u32) {
        // SAFETY: `self` is a device being set up.
        unsafe { (*self.as_raw()).flags = flags }
    }

    /// The feature sets: (features, hw_features, vlan_features).
    pub fn feature_sets(&self) -> (u64, u64, u64) {
        // SAFETY: `self` is valid.
        unsafe {
            let d = &*self.as_raw();
            (d.features, d.hw_features, d.vlan_features)
        }
    }

    /// Sets the feature sets (features, hw_features, vlan_features).
    pub fn set_feature_sets(&self, features: u64, hw_features: u64, vlan_features: u64) {
        // SAFETY: `self` is being set up, or RTNL is held.
        unsafe {
            let d = &mut *self.as_raw();
            d.features = features;
            d.hw_features = hw_features;
            d.vlan_features = vlan_features;
        }
    }

    /// Copies the header room, tailroom and header length of `lower`, plus
    /// `extra_headroom`, and its TSO limits, as stacked devices do.
    pub fn inherit_layout(&self, lower: &NetDevice, extra_headroom: u16) {
        // SAFETY: Both are valid; `self` is being set up or RTNL is held.
        unsafe {
            let (me, lo) = (&mut *self.as_raw(), &*lower.as_raw());
            me.needed_headroom = lo.needed_headroom + extra_headroom;
            me.needed_tailroom = lo.needed_tailroom;
            me.hard_header_len = lo.hard_header_len;
            me.mpls_features = lo.mpls_features;
            me.dev_id = lo.dev_id;
            b::netif_inherit_tso_max(self.as_raw(), lower.as_raw());
        }
    }
}

impl PartialEq for NetDevice {
    fn eq(&self, other: &Self) -> bool {
        core::ptr::eq(self, other)
    }
}

/// A counted reference to a network device (`netdev_hold()`), released on
/// drop.
pub struct NetDeviceRef {
    dev: NonNull<b::net_device>,
    tracker: Opaque<b::netdevice_tracker>,
}

// SAFETY: The reference count may be dropped from any thread.
unsafe impl Send for NetDeviceRef {}
// SAFETY: Shared access only reads the device through `NetDevice`.
unsafe impl Sync for NetDeviceRef {}

impl NetDeviceRef {
    /// Takes a reference to `dev`.
    pub fn new(dev: &NetDevice) -> kernel::error::Result<kernel::alloc::KBox<NetDeviceRef>> {
        // The box first, the reference in it after: a `NetDeviceRef` that
        // `KBox::new` dropped on an allocation failure would release a
        // reference never taken.
        let slot = kernel::alloc::KBox::new_uninit(kernel::alloc::flags::GFP_KERNEL)?;
        let r = kernel::alloc::KBox::write(
            slot,
            NetDeviceRef {
                // SAFETY: `as_raw` is never null.
                dev: unsafe { NonNull::new_unchecked(dev.as_raw()) },
                tracker: Opaque::zeroed(),
            },
        );
        // SAFETY: `dev` is valid; the tracker lives in a box that does not
        // move until `drop` releases it.
        unsafe { b::rvnet_netdev_hold(dev.as_raw(), r.tracker.get()) };
        Ok(r)
    }
}

impl core::ops::Deref for NetDeviceRef {
    type Target = NetDevice;

    fn deref(&self) -> &NetDevice {
        // SAFETY: The reference we hold keeps the device alive.
        unsafe { NetDevice::from_raw(self.dev.as_ptr()) }
    }
}

impl Drop for NetDeviceRef {
    fn drop(&mut self) {
        // SAFETY: Releases the reference taken in `new` with its tracker.
        unsafe { b::rvnet_netdev_put(self.dev.as_ptr(), self.tracker.get()) }
    }
}

/// A network namespace.
#[repr(transparent)]
pub struct Net(Opaque<b::net>);

impl Net {
    /// Borrows a `struct net`.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a live namespace that outlives `'a`.
    pub unsafe fn from_raw<'a>(ptr: *const b::net) -> &'a Net {
        // SAFETY: Transparent wrapper; validity is the caller's guarantee.
        unsafe { &*ptr.cast() }
    }

    /// The raw pointer.
    pub fn as_raw(&self) -> *mut b::net {
        self.0.get()
    }

    /// Whether the caller has `CAP_NET_ADMIN` in the user namespace that
    /// owns this network namespace (`ns_capable()`).
    pub fn capable_net_admin(&self) -> bool {
        // SAFETY: `self` is valid.
        unsafe { b::rvnet_net_capable(self.as_raw()) }
    }

    /// The device with `ifindex` in this namespace. RTNL.
    pub fn device_by_index(&self, ifindex: i32) -> Option<&NetDevice> {
        // SAFETY: The caller holds RTNL, which keeps the device registered
        // while the borrow of `self` lasts.
        let dev = unsafe { b::__dev_get_by_index(self.as_raw(), ifindex) };
        // SAFETY: Non-null results are valid devices (see above).
        (!dev.is_null()).then(|| unsafe { NetDevice::from_raw(dev) })
    }

    /// Calls `f` on every device of the namespace, in list order, under RCU.
    pub fn for_each_device(&self, mut f: impl FnMut(&NetDevice)) {
        // SAFETY: The list is walked under `rcu_read_lock()`, which keeps
        // every device we reach valid until the unlock.
        unsafe {
            b::rvnet_rcu_read_lock();
            let mut dev = b::rvnet_first_netdev_rcu(self.as_raw());
            while !dev.is_null() {
                f(NetDevice::from_raw(dev));
                dev = b::rvnet_next_netdev_rcu(self.as_raw(), dev);
            }
            b::rvnet_rcu_read_unlock();
        }
    }

    /// The namespace's `/proc/net` directory.
    pub fn proc_net(&self) -> *mut b::proc_dir_entry {
        // SAFETY: `self` is a live namespace.
        unsafe { (*self.as_raw()).proc_net }
    }
}

/// A batch of devices to unregister together (`unregister_netdevice_many`).
pub struct UnregisterQueue(pub(crate) *mut b::list_head);

impl UnregisterQueue {
    /// Runs `f` with an empty queue, then unregisters what it queued. RTNL.
    pub fn run(f: impl FnOnce(&mut UnregisterQueue)) {
        let head = Opaque::<b::list_head>::uninit();
        // SAFETY: Initializes the list head in place (`INIT_LIST_HEAD`).
        unsafe { b::rvnet_init_list_head(head.get()) };
        f(&mut UnregisterQueue(head.get()));
        // SAFETY: The caller holds RTNL; the list holds queued devices.
        unsafe { b::unregister_netdevice_many(head.get()) };
    }
}

/// # Safety
///
/// Called by `rvnet_dev_mc_walk` with the context
/// [`NetDevice::for_each_mc_addr`] passed and a valid address.
unsafe extern "C" fn mc_addr_callback(ctx: *mut core::ffi::c_void, addr: *const u8, synced: i32) {
    // SAFETY: See the function's safety section: `ctx` points at the
    // caller's `&mut dyn FnMut`, `addr` at `ETH_ALEN` bytes.
    unsafe {
        let f = &mut *ctx.cast::<&mut dyn FnMut(MacAddr, i32)>();
        f(MacAddr(*addr.cast::<[u8; ETH_ALEN]>()), synced)
    }
}

/// Whether the caller has `CAP_NET_ADMIN` in the initial user namespace
/// (`capable(CAP_NET_ADMIN)`).
pub fn capable_net_admin() -> bool {
    // SAFETY: No preconditions.
    unsafe { b::rvnet_capable_net_admin() }
}

/// Feature masks (`NETIF_F_*`), read from C where they are defined.
pub fn feature_masks() -> &'static b::rvnet_feature_masks {
    // SAFETY: A constant initialized at compile time.
    unsafe { &b::rvnet_features }
}

/// Waits for every CPU to leave the datapath sections that may still see an
/// object just unpublished (`synchronize_net()`).
pub fn synchronize_net() {
    // SAFETY: Sleeps; called from process context only.
    unsafe { b::rvnet_synchronize_net() }
}

/// A random 32-bit number (`get_random_u32`).
pub fn random_u32() -> u32 {
    // SAFETY: No preconditions.
    unsafe { b::rvnet_get_random_u32() }
}

/// A random, locally administered unicast address (`eth_random_addr`).
pub fn random_mac() -> MacAddr {
    let mut mac = MacAddr([0; ETH_ALEN]);
    // SAFETY: `mac` holds `ETH_ALEN` writable bytes.
    unsafe { b::rvnet_eth_random_addr(mac.0.as_mut_ptr()) };
    mac
}

/// `rtnl_link_stats64` as the array of `u64` counters it is.
pub fn counters(stats: &LinkStats) -> &[u64; core::mem::size_of::<LinkStats>() / 8] {
    // SAFETY: `rtnl_link_stats64` is a `repr(C)` struct of `u64` counters
    // only, so it can be viewed as a `u64` array of its size.
    unsafe { &*core::ptr::from_ref(stats).cast() }
}

/// [`counters`], mutable.
pub fn counters_mut(stats: &mut LinkStats) -> &mut [u64; core::mem::size_of::<LinkStats>() / 8] {
    // SAFETY: As in `counters`.
    unsafe { &mut *core::ptr::from_mut(stats).cast() }
}
