// SPDX-License-Identifier: GPL-2.0

//! IPv4 tunnels: the kernel facilities rvnet's rewrite of
//! `net/ipv4/ip_tunnel.c` stands on, none of them from `ip_tunnel.ko`:
//!
//! - [`Tunnel4Handler`]: a receive and ICMP error handler for an IP
//!   protocol in tunnel4's chains (`xfrm4_tunnel_register`);
//! - [`TunnelCells`]: a tunnel's route cache (`dst_cache`) and GRO cells;
//! - [`TunnelParm`]: the argument of the `SIOC*TUNNEL` ioctls (see
//!   `LinkOps::tunnel_ctl`);
//! - [`TxPacket`], [`Route`], [`RxPacket`]: the datapath primitives of
//!   `ip_tunnel_core.c`, routing and ICMP.
//!
//! Addresses and keys are host order here; the glue converts.

use super::bindings as b;
use super::netdev::{Net, NetDevice};
use super::skb::SkBuff;
use crate::rvnet_core::tunnel::prl::{PrlEntry, PRL_ENTRY_SIZE};
use core::marker::PhantomData;
use core::ptr::NonNull;
use kernel::alloc::KVec;
use kernel::error::{
    code::{EFAULT, EINVAL, EMSGSIZE, ENOMEM},
    Result,
};
use kernel::ffi::{c_int, c_void};
use kernel::str::CStrExt as _;
use kernel::uaccess::{UserPtr, UserSlice};

/// `AF_INET`: the tunnel4 chain of a protocol's IPv4 payloads.
pub const AF_INET: u16 = 2;
/// `AF_INET6`: the tunnel4 chain of IPv6 payloads (IPv6 in IPv4, sit).
pub const AF_INET6: u16 = 10;

/// What a tunnel4 receive handler did with a packet.
pub enum RcvVerdict {
    /// Taken (delivered or dropped).
    Taken,
    /// Not ours: the next handler (or an ICMP port unreachable) gets it.
    NotOurs(SkBuff),
}

/// A receive and error handler in tunnel4's chain of one IP protocol.
pub trait Tunnel4Handler: 'static {
    /// A packet of the protocol arrived (its outer header pulled into the
    /// network header) in namespace `net`.
    fn rcv(skb: RxPacket, net: &Net) -> RcvVerdict;
    /// An ICMP error about a packet of the protocol we sent.
    fn err(skb: &IcmpError<'_>, info: u32) -> Result;
}

/// A handler registered in tunnel4's chain; deregistered on drop.
pub struct Tunnel4Registration<H: Tunnel4Handler> {
    raw: NonNull<b::xfrm_tunnel>,
    family: u16,
    _p: PhantomData<H>,
}

// SAFETY: The registration is only the handle to deregister it.
unsafe impl<H: Tunnel4Handler> Send for Tunnel4Registration<H> {}
// SAFETY: As above.
unsafe impl<H: Tunnel4Handler> Sync for Tunnel4Registration<H> {}

impl<H: Tunnel4Handler> Tunnel4Registration<H> {
    /// Registers `H` at `priority` in the chain of `family` (-EEXIST if
    /// that priority is taken, as by ipip.ko).
    pub fn new(priority: i32, family: u16) -> Result<Self> {
        let mut ret: c_int = 0;
        // SAFETY: The callbacks are valid for as long as the module is.
        let raw = unsafe {
            b::rvnet_tunnel4_register(
                Some(rcv_callback::<H>),
                Some(err_callback::<H>),
                priority,
                family,
                &mut ret,
            )
        };
        match NonNull::new(raw) {
            Some(raw) => Ok(Tunnel4Registration {
                raw,
                family,
                _p: PhantomData,
            }),
            None => Err(kernel::error::Error::from_errno(ret)),
        }
    }
}

impl<H: Tunnel4Handler> Drop for Tunnel4Registration<H> {
    fn drop(&mut self) {
        // SAFETY: Registered in `new`; deregistering waits for readers.
        unsafe { b::rvnet_tunnel4_deregister(self.raw.as_ptr(), self.family) }
    }
}

/// # Safety
///
/// Called by tunnel4 with an skb it hands over.
unsafe extern "C" fn rcv_callback<H: Tunnel4Handler>(skb: *mut b::sk_buff) -> c_int {
    // SAFETY: tunnel4 passes a valid skb, ours unless we return -1.
    let Some(skb) = (unsafe { SkBuff::from_raw(skb) }) else {
        return 0;
    };
    let mut outer = b::rvnet_tunnel_outer::default();
    // SAFETY: The skb is valid; its network header is the outer header.
    unsafe { b::rvnet_tunnel_outer(skb.as_raw(), &mut outer, false) };
    // SAFETY: The receiving device's namespace outlives the call.
    let net = unsafe { Net::from_raw(outer.net) };
    match H::rcv(RxPacket { skb, outer }, net) {
        RcvVerdict::Taken => 0,
        RcvVerdict::NotOurs(skb) => {
            // Handed back to tunnel4, which still owns it.
            skb.into_raw();
            -1
        }
    }
}

/// # Safety
///
/// Called by tunnel4's ICMP error path with the offending packet.
unsafe extern "C" fn err_callback<H: Tunnel4Handler>(skb: *mut b::sk_buff, info: u32) -> c_int {
    let mut outer = b::rvnet_tunnel_outer::default();
    // SAFETY: The skb is valid for the call; `data` is our own header.
    unsafe { b::rvnet_tunnel_outer(skb, &mut outer, true) };
    let e = IcmpError {
        skb,
        outer,
        _p: PhantomData,
    };
    match H::err(&e, info) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// The outer IPv4 header of a received packet (or of our packet an ICMP
/// error quotes).
pub struct Outer<'a>(&'a b::rvnet_tunnel_outer);

impl Outer<'_> {
    /// Source address.
    pub fn saddr(&self) -> u32 {
        u32::from_be(self.0.saddr)
    }
    /// Destination address.
    pub fn daddr(&self) -> u32 {
        u32::from_be(self.0.daddr)
    }
    /// TOS.
    pub fn tos(&self) -> u8 {
        self.0.tos
    }
    /// IP protocol.
    pub fn protocol(&self) -> u8 {
        self.0.protocol
    }
    /// The device it came in on.
    pub fn ifindex(&self) -> i32 {
        self.0.ifindex
    }
    /// When it came in on an L3 master (VRF), the slave's ifindex; else 0.
    pub fn sifindex(&self) -> i32 {
        self.0.sifindex
    }
    /// That device's namespace.
    pub fn net(&self) -> &Net {
        // SAFETY: The device's namespace outlives the packet's handling.
        unsafe { Net::from_raw(self.0.net) }
    }
}

/// A received tunnel packet, outer header still in front.
pub struct RxPacket {
    skb: SkBuff,
    outer: b::rvnet_tunnel_outer,
}

impl RxPacket {
    /// The outer header.
    pub fn outer(&self) -> Outer<'_> {
        Outer(&self.outer)
    }

    /// Gives the packet back (not ours).
    pub fn into_skb(self) -> SkBuff {
        self.skb
    }

    /// The source and destination of the inner IPv6 header (IPv6 in
    /// IPv4: tunnel4 pulled that header in before calling the handler).
    pub fn inner_ipv6_addrs(&self) -> ([u8; 16], [u8; 16]) {
        let (mut saddr, mut daddr) = ([0u8; 16], [0u8; 16]);
        // SAFETY: We own the skb, whose first 40 bytes are the inner IPv6
        // header; both buffers hold 16 bytes.
        unsafe {
            b::rvnet_tunnel_rx_ipv6_addrs(self.skb.as_raw(), saddr.as_mut_ptr(), daddr.as_mut_ptr())
        };
        (saddr, daddr)
    }

    /// Copies the `buf.len()` bytes at `offset` after the packet's data
    /// start (the GRE header, for GRE handlers) into `buf`, pulling them
    /// into the linear part (`pskb_may_pull()`); `false` if the packet is
    /// shorter.
    pub fn peek(&mut self, offset: u32, buf: &mut [u8]) -> bool {
        // SAFETY: We own the skb; `buf` is writable for its length.
        unsafe {
            b::rvnet_skb_copy_front(
                self.skb.as_raw(),
                offset,
                buf.as_mut_ptr(),
                buf.len() as u32,
            )
        }
    }

    /// Tells neighbour discovery what sent the packet
    /// (`skb->ndisc_nodetype`, `NDISC_NODETYPE_*`).
    pub fn set_ndisc_nodetype(&mut self, nodetype: u8) {
        // SAFETY: We own the skb.
        unsafe { b::rvnet_skb_set_ndisc_nodetype(self.skb.as_raw(), nodetype) }
    }

    /// Pulls the outer header and `hdr_len` more bytes off
    /// (`__iptunnel_pull_header()`), the inner protocol being `inner_proto`
    /// (host order; `raw`: not looked into, as for collect_md gre's
    /// Ethernet), and with `md` attaches the outer header as metadata
    /// (GRE flags and key). On error the packet is dropped.
    pub fn decapsulate(
        self,
        hdr_len: u32,
        inner_proto: u16,
        raw: bool,
        md: Option<MdKey>,
    ) -> core::result::Result<Decapsulated, PullError> {
        let mut raw_md = core::ptr::null_mut();
        let skb = self.skb;
        let key = md.unwrap_or_default();
        let (ver, opts) = match &key.erspan {
            Some(e) => (e.version, &e.md[..]),
            None => (0, &[][..]),
        };
        // SAFETY: We own the skb; `opts` is readable for its length.
        let ret = unsafe {
            b::rvnet_tunnel_pull(
                skb.as_raw(),
                hdr_len,
                inner_proto.to_be(),
                raw,
                md.is_some(),
                key.flags.to_be(),
                key.key.to_be(),
                i32::from(ver),
                opts.as_ptr(),
                opts.len() as u32,
                &mut raw_md,
            )
        };
        let d = Decapsulated {
            skb: Some(skb),
            md: raw_md,
            outer: self.outer,
        };
        match ret {
            0 => Ok(d),
            _ => Err(PullError::Malformed),
        }
    }
}

/// The tunnel key and GRE flags receive metadata carries.
#[derive(Clone, Copy, Default)]
pub struct MdKey {
    /// GRE flags (host order of the be16 bits).
    pub flags: u16,
    /// The key.
    pub key: u32,
    /// ERSPAN options (`ERSPAN_OPT`), for erspan.
    pub erspan: Option<ErspanMd>,
}

/// The ERSPAN options of receive metadata (`struct erspan_metadata`).
#[derive(Clone, Copy)]
pub struct ErspanMd {
    /// The header's version.
    pub version: u8,
    /// The header's bytes after its base header: version 1's index word
    /// (4 bytes) or version 2's `struct erspan_md2` (8), as on the wire.
    pub md: [u8; 8],
}

/// Why decapsulation dropped a packet.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PullError {
    /// The outer header could not be pulled, or no metadata allocated.
    Malformed,
    /// The inner packet is shorter than its header (rx_length_errors).
    Truncated,
}

/// A decapsulated packet, about to be delivered on a tunnel device; it
/// is dropped (with its metadata) if not delivered.
pub struct Decapsulated {
    skb: Option<SkBuff>,
    md: *mut b::metadata_dst,
    outer: b::rvnet_tunnel_outer,
}

impl Decapsulated {
    /// The outer header it came in.
    pub fn outer(&self) -> Outer<'_> {
        Outer(&self.outer)
    }

    /// Points the link-layer header at the outer IPv4 header, for a device
    /// whose header ops parse it (`skb_pop_mac_header()`).
    pub fn pop_mac_header(&mut self) {
        if let Some(skb) = &self.skb {
            // SAFETY: We own the skb; its network header is still the
            // outer one.
            unsafe { b::rvnet_skb_pop_mac_header(skb.as_raw()) }
        }
    }

    /// Points the network header at the inner packet (after an Ethernet
    /// header with `ether`) and checks its header is there
    /// (`pskb_inet_may_pull()`; `Err`: rx_length_errors).
    pub fn pull_inner(&mut self, ether: bool) -> core::result::Result<(), PullError> {
        let Some(skb) = &self.skb else {
            return Err(PullError::Malformed);
        };
        // SAFETY: We own the skb.
        if unsafe { b::rvnet_tunnel_pull_inner(skb.as_raw(), ether) } {
            Ok(())
        } else {
            Err(PullError::Truncated)
        }
    }

    /// The inner packet's DS field, if it is IPv4 or IPv6.
    pub fn inner_dsfield(&self) -> Option<u8> {
        let skb = self.skb.as_ref()?;
        // SAFETY: We own the skb; its network header is the inner one.
        let ds = unsafe { b::rvnet_tunnel_inner_dsfield(skb.as_raw()) };
        u8::try_from(ds).ok()
    }

    /// Marks the inner packet CE (`ce`) or ECT(1).
    pub fn set_inner_ecn(&mut self, ce: bool) {
        if let Some(skb) = &self.skb {
            // SAFETY: We own the skb.
            unsafe { b::rvnet_tunnel_inner_ecn(skb.as_raw(), ce) }
        }
    }

    /// Counts it on `dev`, scrubs it (`xnet`: crossing namespaces) and
    /// hands it to `dev`'s GRO cells.
    pub fn deliver(mut self, dev: &NetDevice, cells: &TunnelCells, xnet: bool) {
        let md = core::mem::take(&mut self.md);
        if let Some(skb) = self.skb.take() {
            // SAFETY: We hand over the skb and the metadata; the cells
            // belong to `dev`.
            unsafe {
                b::rvnet_tunnel_deliver(skb.into_raw(), dev.as_raw(), cells.raw.as_ptr(), md, xnet)
            }
        }
    }
}

impl Drop for Decapsulated {
    fn drop(&mut self) {
        if let Some(skb) = self.skb.take() {
            // SAFETY: We own both.
            unsafe { b::rvnet_tunnel_drop(skb.into_raw(), self.md) }
        }
    }
}

/// Logs an ECN violation as `ip_tunnel_rcv()` does (rate limited).
pub fn log_non_ect(saddr: u32, tos: u8) {
    // SAFETY: Plain values.
    unsafe { b::rvnet_tunnel_log_non_ect(saddr.to_be(), tos) }
}

/// Logs a received IPv6-in-IPv4 packet whose 6to4 source (`source`) or
/// destination does not match its outer header, as sit.ko does (rate
/// limited).
pub fn log_sit_spoofed(source: bool, saddr: u32, saddr6: &[u8; 16], daddr: u32, daddr6: &[u8; 16]) {
    // SAFETY: Plain values and two 16-byte addresses, read during the call.
    unsafe {
        b::rvnet_sit_log_spoofed(
            source,
            saddr.to_be(),
            saddr6.as_ptr(),
            daddr.to_be(),
            daddr6.as_ptr(),
        )
    }
}

/// An ICMP error about one of our packets.
pub struct IcmpError<'a> {
    skb: *mut b::sk_buff,
    outer: b::rvnet_tunnel_outer,
    _p: PhantomData<&'a b::sk_buff>,
}

impl IcmpError<'_> {
    /// Our outer header, as quoted.
    pub fn outer(&self) -> Outer<'_> {
        Outer(&self.outer)
    }
    /// The ICMP type.
    pub fn icmp_type(&self) -> u8 {
        self.outer.icmp_type
    }
    /// The ICMP code.
    pub fn icmp_code(&self) -> u8 {
        self.outer.icmp_code
    }
    /// `ipv4_update_pmtu()` for our packets on `link`.
    pub fn update_pmtu(&self, mtu: u32, link: i32) {
        // SAFETY: The skb is valid for the handler's call.
        unsafe {
            b::rvnet_ipv4_update_pmtu(self.skb, self.outer.net, mtu, link, self.outer.protocol)
        }
    }
    /// The RFC 4884 length field of the ICMP header (`un.reserved[1]`).
    pub fn icmp_length(&self) -> u8 {
        self.outer.icmp_length
    }
    /// Translates the error into an ICMPv6 one to the inner sender
    /// (`ip6_err_gen_icmpv6_unreach()`, when the receiving device has
    /// IPv6), our tunnel header after the outer one being `hdr_len` bytes
    /// (GRE's) and the original datagram `data_len` bytes; whether it was
    /// sent.
    pub fn translate_to_icmpv6(&self, hdr_len: u32, data_len: u32) -> bool {
        // SAFETY: The skb is valid for the handler's call; `data` is our
        // own outer header.
        unsafe {
            b::rvnet_ip6_err_gen_icmpv6_unreach(self.skb, self.outer.icmp_type, hdr_len, data_len)
        }
    }
    /// `ipv4_redirect()` for our packets on `link`.
    pub fn redirect(&self, link: i32) {
        // SAFETY: As above.
        unsafe { b::rvnet_ipv4_redirect(self.skb, self.outer.net, link, self.outer.protocol) }
    }
    /// What the error quotes after our outer header, at most `buf`'s
    /// length.
    pub fn quote<'b>(&self, buf: &'b mut [u8]) -> &'b [u8] {
        // SAFETY: The skb is valid for the call; `buf` is writable for its
        // length.
        let n = unsafe { b::rvnet_tunnel_err_quote(self.skb, buf.as_mut_ptr(), buf.len() as u32) };
        &buf[..(n as usize).min(buf.len())]
    }
}

/// A tunnel's route cache and GRO cells (`dst_cache`, `gro_cells`).
pub struct TunnelCells {
    raw: NonNull<b::rvnet_tunnel_cells>,
}

// SAFETY: dst_cache is per-CPU and gro_cells per-CPU; both are made for
// concurrent use.
unsafe impl Send for TunnelCells {}
// SAFETY: As above.
unsafe impl Sync for TunnelCells {}

impl TunnelCells {
    /// Sets them up for `dev` (not yet registered).
    pub fn new(dev: &NetDevice) -> Result<TunnelCells> {
        // SAFETY: `dev` is valid.
        let raw = unsafe { b::rvnet_tunnel_cells_new(dev.as_raw()) };
        NonNull::new(raw)
            .map(|raw| TunnelCells { raw })
            .ok_or(ENOMEM)
    }

    /// Forgets the cached route.
    pub fn reset_route(&self) {
        // SAFETY: Valid until drop.
        unsafe { b::rvnet_tunnel_cache_reset(self.raw.as_ptr()) }
    }
}

impl Drop for TunnelCells {
    fn drop(&mut self) {
        // SAFETY: Dropped with the device (its destructor), after its
        // NAPI instances stopped.
        unsafe { b::rvnet_tunnel_cells_free(self.raw.as_ptr()) }
    }
}

/// A tunnel's link namespace (`t->net`), kept without a reference: the
/// tunnel is deleted when that namespace goes away (its table's
/// `exit_rtnl`), so the namespace outlives it.
pub struct LinkNet(*mut b::net);

// SAFETY: A namespace pointer, valid for the tunnel's life (see above).
unsafe impl Send for LinkNet {}
// SAFETY: As above.
unsafe impl Sync for LinkNet {}

impl LinkNet {
    /// Remembers `net`, which must outlive the tunnel (see the type).
    pub fn new(net: &Net) -> LinkNet {
        LinkNet(net.as_raw())
    }
    /// The namespace.
    pub fn get(&self) -> &Net {
        // SAFETY: See the type's documentation.
        unsafe { Net::from_raw(self.0) }
    }
}

/// The `SIOC*TUNNEL` commands.
pub mod cmd {
    use super::b;
    /// `ip tunnel show`.
    pub const GET: u32 = b::SIOCGETTUNNEL;
    /// `ip tunnel add`.
    pub const ADD: u32 = b::SIOCADDTUNNEL;
    /// `ip tunnel del`.
    pub const DEL: u32 = b::SIOCDELTUNNEL;
    /// `ip tunnel change`.
    pub const CHG: u32 = b::SIOCCHGTUNNEL;
}

/// sit's potential router list ioctls that change it (`ip tunnel prl`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrlCommand {
    /// `SIOCADDPRL`.
    Add,
    /// `SIOCCHGPRL`.
    Change,
    /// `SIOCDELPRL`.
    Delete,
}

impl PrlCommand {
    /// The command for an ioctl number, if it is one of these.
    pub fn from_ioctl(cmd: u32) -> Option<PrlCommand> {
        match cmd {
            b::SIOCADDPRL => Some(PrlCommand::Add),
            b::SIOCCHGPRL => Some(PrlCommand::Change),
            b::SIOCDELPRL => Some(PrlCommand::Delete),
            _ => None,
        }
    }
}

/// The user's argument of a `SIOC*PRL` ioctl (`struct ip_tunnel_prl`,
/// followed for `SIOCGETPRL` by room for the answer), copied in only when
/// the device asks, so its checks come first as in sit.ko.
pub struct PrlRequest {
    data: UserPtr,
}

impl PrlRequest {
    /// Copies the request in: the entry (address and flags) and `datalen`,
    /// the answer's room in bytes. `EFAULT` if the memory is not readable.
    pub fn read(&self) -> Result<(PrlEntry, u32)> {
        let mut raw = [0u8; PRL_ENTRY_SIZE as usize];
        UserSlice::new(self.data, raw.len())
            .reader()
            .read_slice(&mut raw)?;
        let entry = PrlEntry {
            addr: u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]),
            flags: u16::from_ne_bytes([raw[4], raw[5]]),
        };
        Ok((
            entry,
            u32::from_ne_bytes([raw[8], raw[9], raw[10], raw[11]]),
        ))
    }

    /// `ipip6_tunnel_get_prl()`'s reply: `entries` after the request, then
    /// their length in bytes as `datalen`.
    fn answer(&self, entries: &[PrlEntry]) -> Result {
        let size = PRL_ENTRY_SIZE as usize;
        let after = self.data.wrapping_byte_add(size);
        let mut out = UserSlice::new(after, size * entries.len()).writer();
        for e in entries {
            let mut raw = [0u8; PRL_ENTRY_SIZE as usize];
            raw[..4].copy_from_slice(&e.addr.to_be_bytes());
            raw[4..6].copy_from_slice(&e.flags.to_ne_bytes());
            out.write_slice(&raw)?;
        }
        let len = (size * entries.len()) as u32;
        // `datalen`, after the address, the flags and a reserved word.
        UserSlice::new(self.data.wrapping_byte_add(8), 4)
            .writer()
            .write_slice(&len.to_ne_bytes())
    }
}

/// `ndo_siocdevprivate` of a kind with a potential router list: the
/// `SIOC*TUNNEL` ioctls go to `ndo_tunnel_ctl` as for the other tunnels,
/// `SIOCGETPRL` to `get` (whose entries are copied out), the other
/// `SIOC*PRL` to `ctl`, anything else is `EINVAL`.
///
/// # Safety
///
/// The arguments are `ndo_siocdevprivate`'s, under RTNL.
pub(crate) unsafe fn prl_siocdevprivate(
    dev: *mut b::net_device,
    ifr: *mut b::ifreq,
    data: *mut c_void,
    cmd: c_int,
    get: impl FnOnce(&PrlRequest) -> Result<KVec<PrlEntry>>,
    ctl: impl FnOnce(PrlCommand, &PrlRequest) -> Result,
) -> c_int {
    let req = PrlRequest {
        data: UserPtr::from_ptr(data),
    };
    let cmd_u = cmd as u32;
    let r = if cmd_u == b::SIOCGETPRL {
        get(&req).and_then(|entries| req.answer(&entries).map_err(|_| EFAULT))
    } else if let Some(c) = PrlCommand::from_ioctl(cmd_u) {
        ctl(c, &req)
    } else if [cmd::GET, cmd::ADD, cmd::CHG, cmd::DEL].contains(&cmd_u) {
        // SAFETY: The caller passes `ndo_siocdevprivate`'s arguments.
        return unsafe { b::rvnet_tunnel_siocdevprivate(dev, ifr, data, cmd) };
    } else {
        Err(EINVAL)
    };
    match r {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// The argument of the `SIOC*TUNNEL` ioctls (`struct ip_tunnel_parm`),
/// host order; GRE flags as the be16 bits.
#[derive(Clone, Copy, Default)]
pub struct TunnelParm {
    /// The device name (NUL-padded).
    pub name: [u8; 16],
    /// Underlay ifindex.
    pub link: i32,
    /// Receive GRE flags.
    pub i_flags: u16,
    /// Transmit GRE flags.
    pub o_flags: u16,
    /// Receive key.
    pub i_key: u32,
    /// Transmit key.
    pub o_key: u32,
    /// IP version of the template.
    pub version: u8,
    /// Header length of the template.
    pub ihl: u8,
    /// TOS.
    pub tos: u8,
    /// TTL.
    pub ttl: u8,
    /// Protocol.
    pub protocol: u8,
    /// `frag_off`.
    pub frag_off: u16,
    /// Local address.
    pub saddr: u32,
    /// Remote address.
    pub daddr: u32,
}

impl TunnelParm {
    /// Reads the kernel's parameter block; `None` if its flags do not fit
    /// in 16 bits.
    ///
    /// # Safety
    ///
    /// `kp` must be valid.
    pub(crate) unsafe fn from_kern(kp: *const b::ip_tunnel_parm_kern) -> Option<TunnelParm> {
        let mut p = b::rvnet_tunnel_parm::default();
        // SAFETY: See the function's safety section.
        if !unsafe { b::rvnet_tunnel_parm_from_kern(kp, &mut p) } {
            return None;
        }
        let mut name = [0u8; 16];
        for (d, s) in name.iter_mut().zip(p.name.iter()) {
            *d = *s;
        }
        Some(TunnelParm {
            name,
            link: p.link,
            i_flags: u16::from_be(p.i_flags),
            o_flags: u16::from_be(p.o_flags),
            i_key: u32::from_be(p.i_key),
            o_key: u32::from_be(p.o_key),
            version: p.version,
            ihl: p.ihl,
            tos: p.tos,
            ttl: p.ttl,
            protocol: p.protocol,
            frag_off: u16::from_be(p.frag_off),
            saddr: u32::from_be(p.saddr),
            daddr: u32::from_be(p.daddr),
        })
    }

    /// Writes it back into the kernel's parameter block.
    ///
    /// # Safety
    ///
    /// `kp` must be valid and writable.
    pub(crate) unsafe fn write_kern(self, kp: *mut b::ip_tunnel_parm_kern) {
        let mut p = b::rvnet_tunnel_parm::default();
        for (d, s) in p.name.iter_mut().zip(self.name.iter()) {
            *d = *s;
        }
        p.link = self.link;
        p.i_flags = self.i_flags.to_be();
        p.o_flags = self.o_flags.to_be();
        p.i_key = self.i_key.to_be();
        p.o_key = self.o_key.to_be();
        p.version = self.version;
        p.ihl = self.ihl;
        p.tos = self.tos;
        p.ttl = self.ttl;
        p.protocol = self.protocol;
        p.frag_off = self.frag_off.to_be();
        p.saddr = self.saddr.to_be();
        p.daddr = self.daddr.to_be();
        // SAFETY: See the function's safety section.
        unsafe { b::rvnet_tunnel_parm_to_kern(&p, kp) }
    }

    /// The name as a C string, if it has one (an empty name is none).
    pub fn name(&self) -> Option<&kernel::ffi::CStr> {
        if self.name[0] == 0 {
            return None;
        }
        kernel::ffi::CStr::from_bytes_until_nul(&self.name).ok()
    }

    /// Whether the name is one a device may have (`dev_valid_name()`).
    pub fn name_valid(&self) -> bool {
        match self.name() {
            // SAFETY: A NUL-terminated string.
            Some(n) => unsafe { b::rvnet_dev_valid_name(n.as_char_ptr()) },
            None => false,
        }
    }
}

/// Whether `net` gets fallback tunnel devices
/// (`net.core.fb_tunnels_only_for_init_net`).
pub fn net_has_fallback_tunnels(net: &Net) -> bool {
    // SAFETY: `net` is valid.
    unsafe { b::rvnet_net_has_fallback_tunnels(net.as_raw()) }
}

/// Per-device error counters (`DEV_STATS_INC`).
#[derive(Clone, Copy)]
pub enum DevStat {
    /// `tx_errors`.
    TxErrors,
    /// `tx_dropped`.
    TxDropped,
    /// `tx_carrier_errors`.
    TxCarrierErrors,
    /// `tx_fifo_errors`.
    TxFifoErrors,
    /// `collisions`.
    Collisions,
    /// `rx_errors`.
    RxErrors,
    /// `rx_frame_errors`.
    RxFrameErrors,
    /// `rx_length_errors`.
    RxLengthErrors,
    /// `rx_crc_errors`.
    RxCrcErrors,
    /// `rx_fifo_errors`.
    RxFifoErrors,
}

/// IPv4 tunnel devices' setup and fields.
impl NetDevice {
    /// Increments one of the device's error counters.
    pub fn count(&self, stat: DevStat) {
        let which = match stat {
            DevStat::TxErrors => b::RVNET_TX_ERRORS,
            DevStat::TxDropped => b::RVNET_TX_DROPPED,
            DevStat::TxCarrierErrors => b::RVNET_TX_CARRIER_ERRORS,
            DevStat::TxFifoErrors => b::RVNET_TX_FIFO_ERRORS,
            DevStat::Collisions => b::RVNET_COLLISIONS,
            DevStat::RxErrors => b::RVNET_RX_ERRORS,
            DevStat::RxFrameErrors => b::RVNET_RX_FRAME_ERRORS,
            DevStat::RxLengthErrors => b::RVNET_RX_LENGTH_ERRORS,
            DevStat::RxCrcErrors => b::RVNET_RX_CRC_ERRORS,
            DevStat::RxFifoErrors => b::RVNET_RX_FIFO_ERRORS,
        };
        // SAFETY: The device is valid; the counters are atomic.
        unsafe { b::rvnet_dev_stats_inc(self.as_raw(), which) }
    }

    /// Sets a new device up as an IPv4 tunnel of link type `link_type`
    /// (`ip_tunnel_header_ops`, NOARP, 4-byte addresses, lltx, the tunnel
    /// features).
    pub fn setup_ip_tunnel(&self, link_type: u16) {
        // SAFETY: A device being set up, ours alone.
        unsafe { b::rvnet_netdev_setup_ip_tunnel(self.as_raw(), link_type) }
    }

    /// Sets a new device up as a GRE tunnel (`ipgre_tunnel_setup()`, or
    /// with `ether` `ipgre_tap_setup()`), with GRE's features but GSO
    /// (see [`NetDevice::set_gso_software`]) and no header ops.
    pub fn setup_gre(&self, link_type: u16, ether: bool) {
        // SAFETY: A device being set up, ours alone.
        unsafe { b::rvnet_netdev_setup_gre(self.as_raw(), link_type, ether) }
    }

    /// Turns software GSO on or off (in `features` and `hw_features`).
    /// Before registration or under RTNL.
    pub fn set_gso_software(&self, on: bool) {
        // SAFETY: The device is valid; callers hold RTNL or own it.
        unsafe { b::rvnet_netdev_set_gso_software(self.as_raw(), on) }
    }

    /// Changes the link type of a device not yet registered.
    pub fn set_link_type(&self, link_type: u16) {
        // SAFETY: The device is valid and not yet visible.
        unsafe { b::rvnet_netdev_set_link_type(self.as_raw(), link_type) }
    }

    /// Marks the device an ISATAP interface (`IFF_ISATAP`), before it is
    /// registered.
    pub fn set_isatap(&self) {
        // SAFETY: The device is valid and not yet registered.
        unsafe { b::rvnet_netdev_set_isatap(self.as_raw()) }
    }

    /// Whether the prefix of one of the device's IPv6 addresses covers
    /// `addr` (`ipv6_chk_prefix()`).
    pub fn ipv6_has_prefix_of(&self, addr: &[u8; 16]) -> bool {
        // SAFETY: The device is valid; `addr` holds 16 bytes.
        unsafe { b::rvnet_ipv6_chk_prefix(addr.as_ptr(), self.as_raw()) }
    }

    /// Whether one of the device's IPv6 addresses shares the first `len`
    /// bits with `addr` (`ipv6_chk_custom_prefix()`).
    pub fn ipv6_shares_prefix(&self, addr: &[u8; 16], len: u8) -> bool {
        // SAFETY: The device is valid; `addr` holds 16 bytes.
        unsafe { b::rvnet_ipv6_chk_custom_prefix(addr.as_ptr(), u32::from(len), self.as_raw()) }
    }

    /// Sets the device's address and broadcast address to the tunnel's
    /// endpoints.
    pub fn set_tunnel_addrs(&self, local: u32, remote: u32) {
        // SAFETY: The device is valid; callers hold RTNL.
        unsafe { b::rvnet_netdev_set_tunnel_addrs(self.as_raw(), local.to_be(), remote.to_be()) }
    }

    /// `needed_headroom`.
    pub fn needed_headroom(&self) -> u32 {
        // SAFETY: The device is valid.
        unsafe { b::rvnet_netdev_needed_headroom(self.as_raw()) }
    }

    /// Sets `needed_headroom`.
    pub fn set_needed_headroom(&self, headroom: u32) {
        // SAFETY: The device is valid; a racy update is what C does too.
        unsafe { b::rvnet_netdev_set_needed_headroom(self.as_raw(), headroom) }
    }

    /// Sets `hard_header_len` (the link-layer header of a device with
    /// header ops). Before registration or under RTNL.
    pub fn set_hard_header_len(&self, len: u32) {
        // SAFETY: The device is valid; callers hold RTNL or own it.
        unsafe { b::rvnet_netdev_set_hard_header_len(self.as_raw(), len) }
    }

    /// Whether the device has header ops (builds link-layer headers).
    pub fn has_header_ops(&self) -> bool {
        // SAFETY: The device is valid.
        unsafe { !(*self.as_raw()).header_ops.is_null() }
    }

    /// What a device on top of this one reserves for it
    /// (`hard_header_len + needed_headroom`).
    pub fn lower_headroom(&self) -> u32 {
        // SAFETY: The device is valid.
        unsafe { b::rvnet_netdev_lower_headroom(self.as_raw()) }
    }

    /// Sends `NETDEV_CHANGE` listeners a state change
    /// (`netdev_state_change()`).
    pub fn state_change(&self) {
        // SAFETY: The device is valid; callers hold RTNL.
        unsafe { b::rvnet_netdev_state_change(self.as_raw()) }
    }

    /// Sets or clears flags without notifications (setup and parameter
    /// changes, as `ip_tunnel_bind_dev()` sets `IFF_POINTOPOINT`).
    pub fn set_raw_flags(&self, set: u32, clear: u32) {
        // SAFETY: The device is valid; callers hold RTNL.
        unsafe { (*self.as_raw()).flags = ((*self.as_raw()).flags & !clear) | set }
    }
}

/// A route to a tunnel's remote end (`struct rtable`), released on drop.
pub struct Route(NonNull<b::rtable>);

/// The flow a tunnel routes its outer packets with (`ip_tunnel_init_flow()`).
pub struct Flow {
    /// Outer protocol.
    pub proto: u8,
    /// Destination.
    pub daddr: u32,
    /// Source (0: any).
    pub saddr: u32,
    /// GRE key.
    pub key: u32,
    /// TOS (DSCP bits).
    pub tos: u8,
    /// Output interface.
    pub oif: i32,
    /// Firewall mark.
    pub mark: u32,
    /// Flow hash.
    pub hash: u32,
}

impl Route {
    /// Looks the route up in `net` (`ip_route_output_key()`); on success
    /// also returns the source address chosen.
    pub fn output(net: &Net, f: &Flow) -> Option<(Route, u32)> {
        let mut saddr = f.saddr.to_be();
        // SAFETY: `net` is valid.
        let rt = unsafe {
            b::rvnet_tunnel_route(
                net.as_raw(),
                c_int::from(f.proto),
                f.daddr.to_be(),
                &mut saddr,
                f.key.to_be(),
                f.tos,
                f.oif,
                f.mark,
                f.hash,
            )
        };
        NonNull::new(rt).map(|rt| (Route(rt), u32::from_be(saddr)))
    }

    /// The cached route of `cells`, with its source address.
    pub fn cached(cells: &TunnelCells) -> Option<(Route, u32)> {
        let mut saddr = 0;
        // SAFETY: The cells are valid; the cache hands out a reference.
        let rt = unsafe { b::rvnet_tunnel_cache_get(cells.raw.as_ptr(), &mut saddr) };
        NonNull::new(rt).map(|rt| (Route(rt), u32::from_be(saddr)))
    }

    /// Caches this route in `cells`.
    pub fn cache_in(&self, cells: &TunnelCells, saddr: u32) {
        // SAFETY: Both valid; the cache takes its own reference.
        unsafe { b::rvnet_tunnel_cache_set(cells.raw.as_ptr(), self.0.as_ptr(), saddr.to_be()) }
    }

    /// The device it goes out of.
    pub fn device(&self) -> &NetDevice {
        // SAFETY: The route holds its device.
        unsafe { NetDevice::from_raw(b::rvnet_rt_dev(self.0.as_ptr())) }
    }

    /// Its MTU.
    pub fn mtu(&self) -> u32 {
        // SAFETY: Valid route.
        unsafe { b::rvnet_rt_mtu(self.0.as_ptr()) }
    }

    /// Its hop limit.
    pub fn hoplimit(&self) -> u8 {
        // SAFETY: Valid route.
        unsafe { b::rvnet_rt_hoplimit(self.0.as_ptr()) }
    }

    /// Whether it is a unicast or local route (`RTN_UNICAST`, `RTN_LOCAL`).
    pub fn is_unicast_or_local(&self) -> bool {
        // SAFETY: Valid route.
        unsafe { b::rvnet_rt_unicast_or_local(self.0.as_ptr()) }
    }

    /// The headroom its device and transforms need.
    pub fn headroom(&self) -> u32 {
        // SAFETY: Valid route.
        unsafe { b::rvnet_rt_headroom(self.0.as_ptr()) }
    }
}

impl Drop for Route {
    fn drop(&mut self) {
        // SAFETY: We hold one reference.
        unsafe { b::rvnet_rt_put(self.0.as_ptr()) }
    }
}

/// What transmit reads of the packet to encapsulate.
#[derive(Clone, Copy)]
pub struct InnerInfo {
    /// `skb->protocol` (host order).
    pub protocol: u16,
    /// IPv4 TOS or IPv6 traffic class.
    pub tos: u8,
    /// IPv4 TTL or IPv6 hop limit.
    pub ttl: u8,
    /// IPv4 DF.
    pub df: bool,
    /// Whether it has a route.
    pub has_dst: bool,
    /// Whether it is GSO.
    pub gso: bool,
    /// IPv4 destination.
    pub daddr: u32,
    /// Length.
    pub len: u32,
    /// The inner route's MTU, or the device's.
    pub mtu: u32,
    /// Flow hash.
    pub hash: u32,
}

/// A packet being encapsulated by a tunnel's transmit.
pub struct TxPacket {
    skb: SkBuff,
}

impl TxPacket {
    /// Prepares `skb` for encapsulation in protocol `ipproto` with GSO type
    /// `gso_type` (`pskb_inet_may_pull`, `iptunnel_handle_offloads`);
    /// `Err` gives it back to be dropped.
    pub fn new(skb: SkBuff, ipproto: u8, gso_type: i32) -> core::result::Result<TxPacket, SkBuff> {
        // SAFETY: We own the skb.
        if unsafe { b::rvnet_tunnel_xmit_prepare(skb.as_raw(), ipproto, gso_type) } {
            Ok(TxPacket { skb })
        } else {
            Err(skb)
        }
    }

    /// The inner packet's fields, `dev` being the tunnel.
    pub fn inner(&self, dev: &NetDevice) -> InnerInfo {
        let mut i = b::rvnet_tunnel_inner::default();
        // SAFETY: We own the skb; `dev` is valid.
        unsafe { b::rvnet_tunnel_inner(self.skb.as_raw(), dev.as_raw(), &mut i) };
        InnerInfo {
            protocol: i.protocol,
            tos: i.tos,
            ttl: i.ttl,
            df: i.df,
            has_dst: i.has_dst,
            gso: i.gso,
            daddr: u32::from_be(i.daddr),
            len: i.len,
            mtu: i.mtu,
            hash: i.hash,
        }
    }

    /// The next hop of an IPv4 payload towards `daddr` (`rt_nexthop()`);
    /// the packet must have a route.
    pub fn ipv4_nexthop(&self, daddr: u32) -> u32 {
        // SAFETY: We own the skb; callers checked it has a route.
        u32::from_be(unsafe { b::rvnet_tunnel_nexthop(self.skb.as_raw(), daddr.to_be()) })
    }

    /// The IPv4 address in an IPv6 payload's IPv4-compatible next hop:
    /// `Ok(addr)`, `Err(true)` (not IPv4-compatible: report a link
    /// failure), `Err(false)` (no neighbour).
    pub fn ipv6_nexthop(&self) -> core::result::Result<u32, bool> {
        let mut daddr = 0;
        // SAFETY: We own the skb; callers checked it has a route.
        match unsafe { b::rvnet_tunnel_nexthop6(self.skb.as_raw(), &mut daddr) } {
            0 => Ok(u32::from_be(daddr)),
            1 => Err(true),
            _ => Err(false),
        }
    }

    /// The destination of an IPv6 payload.
    pub fn inner_ipv6_daddr(&self) -> [u8; 16] {
        let mut daddr = [0u8; 16];
        // SAFETY: We own the skb, an IPv6 packet (`pskb_inet_may_pull`
        // made its header linear); the buffer holds 16 bytes.
        unsafe { b::rvnet_tunnel_tx_ipv6_daddr(self.skb.as_raw(), daddr.as_mut_ptr()) };
        daddr
    }

    /// The address of an IPv6 payload's next hop (its route's neighbour
    /// for the destination, created if need be); `None` without a route
    /// or neighbour.
    pub fn ipv6_neighbour(&self) -> Option<[u8; 16]> {
        let mut addr = [0u8; 16];
        // SAFETY: We own the skb, an IPv6 packet; the buffer holds 16
        // bytes.
        unsafe { b::rvnet_tunnel_neigh6(self.skb.as_raw(), addr.as_mut_ptr()) }.then_some(addr)
    }

    /// Updates the inner route's PMTU (`skb_dst_update_pmtu_no_confirm`).
    pub fn update_pmtu(&self, mtu: u32) {
        // SAFETY: We own the skb.
        unsafe { b::rvnet_tunnel_update_pmtu(self.skb.as_raw(), mtu) }
    }

    /// Lowers an IPv6 payload's route MTU as `tnl_update_pmtu()` does
    /// (`unicast_dst`: the tunnel's destination is a unicast address).
    pub fn update_pmtu6(&self, mtu: u32, unicast_dst: bool) {
        // SAFETY: We own the skb.
        unsafe { b::rvnet_tunnel_update_pmtu6(self.skb.as_raw(), mtu, unicast_dst) }
    }

    /// Answers with ICMP fragmentation needed (MTU `mtu`).
    pub fn icmp_frag_needed(&self, mtu: u32) {
        // SAFETY: We own the skb.
        unsafe { b::rvnet_icmp_frag_needed(self.skb.as_raw(), mtu) }
    }

    /// Answers with ICMPv6 packet too big (MTU `mtu`).
    pub fn icmpv6_too_big(&self, mtu: u32) {
        // SAFETY: We own the skb.
        unsafe { b::rvnet_icmpv6_too_big(self.skb.as_raw(), mtu) }
    }

    /// Reports a link failure to the sender (`dst_link_failure()`).
    pub fn link_failure(&self) {
        // SAFETY: We own the skb.
        unsafe { b::rvnet_dst_link_failure(self.skb.as_raw()) }
    }

    /// Makes `headroom` bytes of writable headroom; `Err` gives the skb
    /// back to be dropped.
    pub fn reserve(self, headroom: u32) -> core::result::Result<TxPacket, SkBuff> {
        // SAFETY: We own the skb.
        if unsafe { b::rvnet_skb_cow_head(self.skb.as_raw(), headroom) } {
            Ok(self)
        } else {
            Err(self.skb)
        }
    }

    /// Sends it in an outer IPv4 header over `rt` (`iptunnel_xmit()`,
    /// which counts it on the tunnel).
    #[allow(clippy::too_many_arguments)]
    pub fn send(
        self,
        rt: Route,
        src: u32,
        dst: u32,
        proto: u8,
        tos: u8,
        ttl: u8,
        df: bool,
        xnet: bool,
    ) {
        let rt_raw = rt.0.as_ptr();
        core::mem::forget(rt);
        // SAFETY: `iptunnel_xmit` takes over the skb and the route's
        // reference.
        unsafe {
            b::rvnet_iptunnel_xmit(
                rt_raw,
                self.skb.into_raw(),
                src.to_be(),
                dst.to_be(),
                proto,
                tos,
                ttl,
                df,
                xnet,
            )
        }
    }

    /// Pushes a GRE header built as `hdr` in front of a payload of
    /// protocol `proto` (host order), the checksum word filled in or left
    /// to the offload when `csum` (`gre_build_header()`). The headroom
    /// must be there.
    pub fn push_gre(&mut self, hdr: &[u8], proto: u16, csum: bool) {
        // SAFETY: We own the skb; callers made the headroom.
        unsafe {
            b::rvnet_gre_push(
                self.skb.as_raw(),
                hdr.as_ptr(),
                hdr.len() as u32,
                proto.to_be(),
                csum,
            )
        }
    }

    /// What an ERSPAN header takes from the Ethernet frame being sent:
    /// `ip_hdr(skb)->tos`, its EtherType and the TCI after it, its length.
    pub fn erspan_frame(&self) -> ErspanFrame {
        let mut f = b::rvnet_erspan_frame::default();
        // SAFETY: We own the skb; `f` is writable.
        unsafe { b::rvnet_erspan_frame(self.skb.as_raw(), &mut f) };
        ErspanFrame {
            tos: f.tos,
            eth_proto: f.eth_proto,
            tci: f.tci,
            len: f.len,
        }
    }

    /// Cuts the packet to `len` bytes (`pskb_trim()`); `Err` gives it back
    /// to be dropped.
    pub fn trim(self, len: u32) -> core::result::Result<TxPacket, SkBuff> {
        // SAFETY: We own the skb.
        if unsafe { b::rvnet_skb_trim(self.skb.as_raw(), len) } {
            Ok(self)
        } else {
            Err(self.skb)
        }
    }

    /// The skb's IPv4 transmit metadata (`skb_tunnel_info()` from a
    /// metadata dst or a lightweight tunnel route), if it has some.
    pub fn tunnel_key(&self) -> Option<TxTunnelKey> {
        let mut md = b::rvnet_tunnel_md::default();
        // SAFETY: We own the skb; `md` is writable.
        if !unsafe { b::rvnet_tunnel_md_info(self.skb.as_raw(), &mut md) } {
            return None;
        }
        Some(TxTunnelKey {
            dst: u32::from_be(md.dst),
            src: u32::from_be(md.src),
            id: u64::from_be(md.tun_id),
            tos: md.tos,
            ttl: md.ttl,
            gre_flags: u16::from_be(md.gre_flags),
            df: md.df,
            encap_hlen: md.encap_hlen,
            erspan: md.erspan.then_some(TxErspan {
                ver: md.erspan_ver,
                index: md.erspan_index,
                dir: md.erspan_dir,
                hwid: md.erspan_hwid,
            }),
        })
    }

    /// Whether the IPv4 or IPv6 packet in the frame is longer than what
    /// the frame holds of it (`erspan_fb_xmit()`'s truncation test).
    pub fn inner_truncated(&self) -> bool {
        // SAFETY: We own the skb (`pskb_inet_may_pull` made its network
        // header linear).
        unsafe { b::rvnet_erspan_inner_truncated(self.skb.as_raw()) }
    }

    /// `ip_md_tunnel_xmit()`'s route in `net` for outer protocol `proto`
    /// (which the metadata's encapsulation may change) and TOS `tos`
    /// (DSCP bits): the flow from the skb's tunnel key, the key's route
    /// cache when usable. Returns the route with the source and
    /// destination addresses.
    pub fn route_md(
        &self,
        net: &Net,
        proto: &mut u8,
        tos: u8,
    ) -> core::result::Result<(Route, u32, u32), MdRouteError> {
        let (mut saddr, mut daddr, mut err) = (0, 0, 0);
        // SAFETY: We own the skb (the helper checks its metadata again);
        // `net` is valid; the outputs are writable.
        let rt = unsafe {
            b::rvnet_tunnel_md_route(
                self.skb.as_raw(),
                net.as_raw(),
                proto,
                tos,
                &mut saddr,
                &mut daddr,
                &mut err,
            )
        };
        match NonNull::new(rt) {
            Some(rt) => Ok((Route(rt), u32::from_be(saddr), u32::from_be(daddr))),
            None if err == 2 => Err(MdRouteError::NoRoute),
            None => Err(MdRouteError::Encap),
        }
    }

    /// Takes the link-layer header a device's header ops built off the
    /// front into `buf` (`ipgre_xmit()` with header ops: `skb_cow_head`,
    /// `pskb_may_pull`, `skb_pull`, the mac header reset); `false` if the
    /// packet is shorter, or its checksum would start inside the header.
    pub fn pull_link_header(&mut self, buf: &mut [u8]) -> bool {
        // SAFETY: We own the skb; `buf` is writable for its length.
        unsafe {
            b::rvnet_tunnel_pull_link_header(self.skb.as_raw(), buf.as_mut_ptr(), buf.len() as u32)
        }
    }

    /// Gives the skb back (to be dropped).
    pub fn into_skb(self) -> SkBuff {
        self.skb
    }
}

/// The tunnel key of an skb's IPv4 transmit metadata.
#[derive(Clone, Copy)]
pub struct TxTunnelKey {
    /// Outer destination.
    pub dst: u32,
    /// Outer source (0: any).
    pub src: u32,
    /// Tunnel id (host order).
    pub id: u64,
    /// Outer TOS (1: inherit).
    pub tos: u8,
    /// Outer TTL (0: inherit).
    pub ttl: u8,
    /// The key's checksum, key and sequence flags as GRE bits (host order).
    pub gre_flags: u16,
    /// `IP_TUNNEL_DONT_FRAGMENT_BIT`.
    pub df: bool,
    /// The length of its encapsulation header (`ip_encap_hlen()`, negative
    /// if it has none that this kernel knows).
    pub encap_hlen: i32,
    /// Its ERSPAN options, if it has them (`ERSPAN_OPT`).
    pub erspan: Option<TxErspan>,
}

/// The ERSPAN options of transmit metadata (`struct erspan_metadata`).
#[derive(Clone, Copy)]
pub struct TxErspan {
    /// The version (1 or 2 are sent).
    pub ver: u8,
    /// Version 1's index.
    pub index: u32,
    /// Version 2's direction.
    pub dir: u8,
    /// Version 2's hardware id (`get_hwid()`).
    pub hwid: u8,
}

/// Why [`TxPacket::route_md`] gave no route.
pub enum MdRouteError {
    /// The metadata's encapsulation failed (`ip_tunnel_encap()`).
    Encap,
    /// No route to the destination.
    NoRoute,
}

/// What an ERSPAN header takes from a mirrored Ethernet frame.
#[derive(Clone, Copy)]
pub struct ErspanFrame {
    /// `ip_hdr(skb)->tos`.
    pub tos: u8,
    /// The frame's EtherType (host order).
    pub eth_proto: u16,
    /// The 16 bits after it (an 802.1Q TCI when tagged).
    pub tci: u16,
    /// The frame's length.
    pub len: u32,
}

/// The wall clock in nanoseconds (`ktime_get_real_ns()`).
pub fn real_time_ns() -> u64 {
    // SAFETY: No arguments.
    unsafe { b::rvnet_real_time_ns() }
}

/// A GRE packet's header as `gre_parse_header()` read it.
#[derive(Clone, Copy)]
pub struct GreInfo {
    /// The flags (host order of the be16 bits).
    pub flags: u16,
    /// The payload's protocol.
    pub proto: u16,
    /// The key (0 without).
    pub key: u32,
    /// The sequence number (0 without).
    pub seq: u32,
    /// The header's length.
    pub hdr_len: u32,
}

/// What a GRE receive handler did with a packet.
pub enum GreVerdict {
    /// Taken (delivered or dropped).
    Taken,
    /// No tunnel: answered with ICMP port unreachable and dropped.
    Reject(RxPacket),
}

/// The receive and error handler of GRE version 0 (gre.ko's
/// `GREPROTO_CISCO` slot, ip_gre.ko's).
pub trait GreHandler: 'static {
    /// A valid GRE packet arrived in `net` (its outer header is the
    /// network header, `gre` its parsed GRE header).
    fn rcv(pkt: RxPacket, gre: GreInfo, net: &Net) -> GreVerdict;
    /// An ICMP error about a GRE packet we sent.
    fn err(e: &IcmpError<'_>, info: u32);
}

/// A handler in gre.ko's version 0 slot; released on drop.
pub struct GreRegistration<H: GreHandler> {
    raw: NonNull<b::gre_protocol>,
    _p: PhantomData<H>,
}

// SAFETY: The registration is only the handle to release the slot.
unsafe impl<H: GreHandler> Send for GreRegistration<H> {}
// SAFETY: As above.
unsafe impl<H: GreHandler> Sync for GreRegistration<H> {}

impl<H: GreHandler> GreRegistration<H> {
    /// Takes the slot (`EBUSY` if ip_gre.ko or another holds it).
    pub fn new() -> Result<Self> {
        let mut ret: c_int = 0;
        // SAFETY: The callbacks are valid for as long as the module is.
        let raw = unsafe {
            b::rvnet_gre_register(
                Some(gre_rcv_callback::<H>),
                Some(gre_err_callback::<H>),
                &mut ret,
            )
        };
        match NonNull::new(raw) {
            Some(raw) => Ok(GreRegistration {
                raw,
                _p: PhantomData,
            }),
            None => Err(kernel::error::Error::from_errno(ret)),
        }
    }
}

impl<H: GreHandler> Drop for GreRegistration<H> {
    fn drop(&mut self) {
        // SAFETY: Registered in `new`; releasing waits for readers.
        unsafe { b::rvnet_gre_deregister(self.raw.as_ptr()) }
    }
}

/// # Safety
///
/// Called by gre.ko with an skb it hands over.
unsafe extern "C" fn gre_rcv_callback<H: GreHandler>(skb: *mut b::sk_buff) -> c_int {
    let mut tpi = b::rvnet_gre_tpi::default();
    // SAFETY: gre.ko passes a valid skb, ours from now on.
    let hdr_len = unsafe { b::rvnet_gre_parse(skb, &mut tpi) };
    if hdr_len < 0 {
        // SAFETY: As above: counted on the receiving device and freed.
        unsafe { b::rvnet_gre_rx_drop(skb) };
        return 0;
    }
    // SAFETY: As above.
    let Some(skb) = (unsafe { SkBuff::from_raw(skb) }) else {
        return 0;
    };
    let mut outer = b::rvnet_tunnel_outer::default();
    // SAFETY: The skb is valid; its network header is the outer header.
    unsafe { b::rvnet_tunnel_outer(skb.as_raw(), &mut outer, false) };
    // SAFETY: The receiving device's namespace outlives the call.
    let net = unsafe { Net::from_raw(outer.net) };
    let gre = GreInfo {
        flags: u16::from_be(tpi.flags),
        proto: u16::from_be(tpi.proto),
        key: u32::from_be(tpi.key),
        seq: u32::from_be(tpi.seq),
        hdr_len: hdr_len as u32,
    };
    if let GreVerdict::Reject(pkt) = H::rcv(RxPacket { skb, outer }, gre, net) {
        // SAFETY: We own the skb; this frees it.
        unsafe { b::rvnet_gre_reject(pkt.skb.into_raw()) };
    }
    0
}

/// # Safety
///
/// Called by gre.ko's ICMP error path with the offending packet.
unsafe extern "C" fn gre_err_callback<H: GreHandler>(skb: *mut b::sk_buff, info: u32) {
    let mut outer = b::rvnet_tunnel_outer::default();
    // SAFETY: The skb is valid for the call; `data` is our own header.
    unsafe { b::rvnet_tunnel_outer(skb, &mut outer, true) };
    let e = IcmpError {
        skb,
        outer,
        _p: PhantomData,
    };
    H::err(&e, info)
}

/// The `log_ecn_error` module parameter (0644, as ipip.ko's).
pub fn log_ecn_error() -> bool {
    // SAFETY: Reads a module parameter.
    unsafe { b::rvnet_tunnel_log_ecn_error() }
}
