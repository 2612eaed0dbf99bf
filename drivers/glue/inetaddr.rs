// SPDX-License-Identifier: GPL-2.0

//! IPv4 and IPv6 address notifiers: how a module hears of addresses added
//! to and removed from devices (`register_inetaddr_notifier()`,
//! `register_inet6addr_notifier()`), and how it vetoes an address before
//! it is added (the validator chains, with the request's extack).

use super::attr::ExtAck;
use super::bindings as b;
use super::netdev::NetDevice;
use super::notifier::notifier_from_errno;
use kernel::alloc::{flags::GFP_KERNEL, KBox};
use kernel::error::Result;
use kernel::ffi::{c_int, c_ulong, c_void};
use kernel::types::Opaque;

/// An interface address, as it appears in packets (network byte order).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InetAddr {
    /// An IPv4 address.
    V4([u8; 4]),
    /// An IPv6 address.
    V6([u8; 16]),
}

/// A 64-bit key of an IPv6 address for hash tables keyed by `u64`: keyed
/// SipHash with a secret chosen at first use, so that colliding addresses
/// cannot be chosen on purpose.
pub fn ipv6_key(addr: &[u8; 16]) -> u64 {
    // SAFETY: `addr` is 16 readable bytes.
    unsafe { b::rvnet_addr6_key(addr.as_ptr()) }
}

/// A handler of address events.
pub trait AddrEvents: Send + Sync + 'static {
    /// `addr` was added to (`up`) or removed from `dev`. IPv6 events come
    /// in atomic context (no sleeping, atomic allocations). An error on
    /// addition vetoes it (`NOTIFY_BAD`).
    fn address(&self, dev: &NetDevice, addr: InetAddr, up: bool) -> Result;

    /// Whether `addr` may be added to `dev`; an error refuses it, with
    /// the message set on `extack`. RTNL.
    fn validate(&self, dev: &NetDevice, addr: InetAddr, extack: &ExtAck) -> Result;
}

/// The four chains, in `enum rvnet_inetaddr_chain`'s order.
const CHAINS: [b::rvnet_inetaddr_chain; 4] = [
    b::RVNET_INETADDR,
    b::RVNET_INETADDR_VALIDATOR,
    b::RVNET_INET6ADDR,
    b::RVNET_INET6ADDR_VALIDATOR,
];

#[repr(C)]
struct Block<E> {
    nb: Opaque<b::notifier_block>,
    chain: b::rvnet_inetaddr_chain,
    events: *const E,
}

/// The four address notifiers of one handler, registered; unregistered on
/// drop.
pub struct AddrNotifiers<E: AddrEvents> {
    events: KBox<E>,
    blocks: KBox<[Block<E>; 4]>,
    registered: usize,
}

// SAFETY: The blocks are only touched by the notifier core, under its
// locks; `E` itself is `Send + Sync`.
unsafe impl<E: AddrEvents> Send for AddrNotifiers<E> {}
// SAFETY: As above.
unsafe impl<E: AddrEvents> Sync for AddrNotifiers<E> {}

impl<E: AddrEvents> AddrNotifiers<E> {
    /// Registers `events` on the IPv4 and IPv6 address chains and their
    /// validators.
    pub fn new(events: E) -> Result<Self> {
        let events = KBox::new(events, GFP_KERNEL)?;
        let ptr: *const E = &*events;
        let blocks = KBox::new(
            CHAINS.map(|chain| Block {
                nb: Opaque::zeroed(),
                chain,
                events: ptr,
            }),
            GFP_KERNEL,
        )?;
        let mut this = AddrNotifiers {
            events,
            blocks,
            registered: 0,
        };
        for block in this.blocks.iter() {
            // SAFETY: `nb` is zeroed and ours to fill before registering;
            // it stays valid (boxed) until `drop` unregisters it.
            let ret = unsafe {
                (*block.nb.get()).notifier_call = Some(callback::<E>);
                b::rvnet_inetaddr_notifier_register(block.chain, block.nb.get())
            };
            // On failure, `drop` unregisters the blocks registered so far.
            super::to_result(ret)?;
            this.registered += 1;
        }
        Ok(this)
    }

    /// The handler.
    pub fn events(&self) -> &E {
        &self.events
    }
}

impl<E: AddrEvents> Drop for AddrNotifiers<E> {
    fn drop(&mut self) {
        for block in self.blocks.iter().take(self.registered) {
            // SAFETY: Registered in `new`.
            unsafe { b::rvnet_inetaddr_notifier_unregister(block.chain, block.nb.get()) };
        }
    }
}

/// # Safety
///
/// Called by an address notifier chain with `nb` inside a `Block<E>` and
/// `ptr` the chain's notification data.
unsafe extern "C" fn callback<E: AddrEvents>(
    nb: *mut b::notifier_block,
    event: c_ulong,
    ptr: *mut c_void,
) -> c_int {
    // SAFETY: `nb` is the first field of a `#[repr(C)] Block<E>`, whose
    // handler outlives its registration.
    let (block, events) = unsafe {
        let block = &*nb.cast::<Block<E>>();
        (block, &*block.events)
    };
    let up = match event as u32 {
        b::NETDEV_UP => true,
        b::NETDEV_DOWN => false,
        _ => return b::NOTIFY_DONE as c_int,
    };
    let mut raw = [0u8; 16];
    let mut extack = core::ptr::null_mut();
    // SAFETY: `ptr` is the chain's data (see above); `raw` has room for
    // an IPv6 address.
    let dev = unsafe { b::rvnet_inetaddr_info(block.chain, ptr, raw.as_mut_ptr(), &mut extack) };
    if dev.is_null() {
        return b::NOTIFY_DONE as c_int;
    }
    // SAFETY: The notification's device is valid during the call.
    let dev = unsafe { NetDevice::from_raw(dev) };
    let v4 = [raw[0], raw[1], raw[2], raw[3]];
    let r = match block.chain {
        b::RVNET_INETADDR => events.address(dev, InetAddr::V4(v4), up),
        b::RVNET_INET6ADDR => events.address(dev, InetAddr::V6(raw), up),
        _ if !up => Ok(()),
        b::RVNET_INETADDR_VALIDATOR => {
            events.validate(dev, InetAddr::V4(v4), &ExtAck::from_raw(extack))
        }
        _ => events.validate(dev, InetAddr::V6(raw), &ExtAck::from_raw(extack)),
    };
    match r {
        Ok(()) => b::NOTIFY_OK as c_int,
        Err(_) if matches!(block.chain, b::RVNET_INETADDR | b::RVNET_INET6ADDR) => {
            b::NOTIFY_BAD as c_int
        }
        Err(e) => notifier_from_errno(e),
    }
}
