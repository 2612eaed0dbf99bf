// SPDX-License-Identifier: GPL-2.0

//! The per-namespace tunnel table (`struct ip_tunnel_net` of
//! `ip_tunnel.c`): every tunnel whose link namespace it is, the collect_md
//! tunnel and the fallback device. Readers (receive) see it under RCU;
//! writers (RTNL) replace it whole.

use crate::glue::link::{Dev, DevRef, KindHandle, LinkOps};
use crate::glue::netdev::{Net, NetDevice, UnregisterQueue};
use crate::glue::pernet::{PernetId, PernetOps};
use crate::glue::rcu::{RcuBox, RcuSection};
use crate::glue::tunnel::{net_has_fallback_tunnels, Flow, LinkNet, Route, TunnelCells};
use crate::rvnet_core::tunnel::erspan::Settings;
use crate::rvnet_core::tunnel::lookup::{self, PacketKey};
use crate::rvnet_core::tunnel::mtu::{self, Underlay};
use crate::rvnet_core::tunnel::{prl::PrlEntry, sit};
use crate::rvnet_core::tunnel::{ErrState, Parms, DSCP_MASK};
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use kernel::alloc::{flags::GFP_KERNEL, KBox, KVec};
use kernel::prelude::*;

/// How a kind's table tells which tunnel has given parameters and which
/// receives a packet.
pub(crate) enum Matching {
    /// `ip_tunnel.c`'s (`ip_tunnel_find()`, `ip_tunnel_lookup()`).
    IpTunnel,
    /// sit's (`ipip6_tunnel_locate()`, `ipip6_tunnel_lookup()`).
    Sit,
}

/// One IPv4 tunnel kind on `ip_tunnel.c`'s rewrite: ipip, sit, gre,
/// gretap, erspan. Each has its own tables and fallback device per namespace.
pub(crate) trait TunnelKind: LinkOps<Device = Tunnel> {
    /// Its devices' link type (`dev->type`), which the tables match on.
    const LINK_TYPE: u16;
    /// The id of its per-namespace state.
    const NET_ID: &'static PernetId;
    /// Its fallback device's name (`tunl0`).
    const FALLBACK_NAME: &'static CStr;
    /// Where its ops are published, to create fallback devices and `ip
    /// tunnel add`'s.
    const HANDLE: &'static KindHandle<Self>;

    /// The Ethernet header its devices carry (gretap: `ETH_HLEN`; 0 for
    /// the `ARPHRD_ETHER`-less kinds), which the MTU rules subtract.
    const ETH_HLEN: u32 = 0;

    /// How its table matches tunnels.
    const MATCHING: Matching = Matching::IpTunnel;

    /// The bytes its header adds after the outer IPv4 header (`t->hlen`).
    fn hlen(_cfg: &Config) -> u32 {
        0
    }

    /// The flow of the route to the remote end that picks the underlay
    /// (`ip_tunnel_bind_dev()`'s).
    fn underlay_flow(c: &Config) -> Flow {
        let p = c.parms;
        Flow {
            proto: p.protocol,
            daddr: p.daddr,
            saddr: p.saddr,
            key: p.o_key,
            tos: p.tos & DSCP_MASK,
            oif: p.link,
            mark: c.fwmark,
            hash: 0,
        }
    }

    /// The MTU and `needed_headroom` of a device bound to `underlay`
    /// (whose MTU is `current` now).
    fn bind_mtu(underlay: Option<Underlay>, c: &Config, _current: u32) -> (u32, u32) {
        mtu::bind(underlay, Self::hlen(c), Self::ETH_HLEN)
    }

    /// Creates a namespace's fallback device (`ip_tunnel_init_net()`).
    fn create_fallback(net: &Net) -> Result;
}

/// A tunnel's configuration, replaced whole on changes.
#[derive(Clone, Copy)]
pub(crate) struct Config {
    /// The parameters.
    pub(crate) parms: Parms,
    /// Routing mark of the outer packets.
    pub(crate) fwmark: u32,
    /// `IFLA_IPTUN_ENCAP_TYPE`, `_FLAGS`, `_SPORT`, `_DPORT` (type 0 only:
    /// the test kernel has no FOU).
    pub(crate) encap: [u16; 4],
    /// The name the ioctls report (`parms.name`, set at registration).
    pub(crate) name: [u8; 16],
    /// `ignore-df`: the inner packet's DF is not copied (gre).
    pub(crate) ignore_df: bool,
    /// ERSPAN version and fields (erspan; all 0 for the other kinds).
    pub(crate) erspan: Settings,
}

/// A tunnel device's state (`struct ip_tunnel`).
pub(crate) struct Tunnel {
    /// The namespace its outer packets live in (`t->net`).
    pub(crate) net: LinkNet,
    /// Its configuration.
    pub(crate) cfg: RcuBox<Config>,
    /// `external`: metadata-based.
    pub(crate) collect_md: bool,
    /// Route cache and GRO cells.
    pub(crate) cells: TunnelCells,
    /// ICMP errors seen (`err_count`).
    pub(crate) err_count: AtomicU32,
    /// When the last came (`err_time`, ms).
    pub(crate) err_time: AtomicU64,
    /// The next GRE sequence number expected (`i_seqno`; 0: any).
    pub(crate) i_seqno: AtomicU32,
    /// The next GRE sequence number sent (`o_seqno`).
    pub(crate) o_seqno: AtomicU32,
    /// sit's potential router list (`prl`), newest first; empty for the
    /// other kinds.
    pub(crate) prl: RcuBox<KVec<PrlEntry>>,
}

impl Tunnel {
    /// A new tunnel's state.
    pub(crate) fn new(
        net: &Net,
        cfg: Config,
        collect_md: bool,
        cells: TunnelCells,
    ) -> Result<KBox<Tunnel>> {
        Ok(KBox::new(
            Tunnel {
                net: LinkNet::new(net),
                cfg: RcuBox::new(KBox::new(cfg, GFP_KERNEL)?),
                collect_md,
                cells,
                err_count: AtomicU32::new(0),
                err_time: AtomicU64::new(0),
                i_seqno: AtomicU32::new(0),
                o_seqno: AtomicU32::new(0),
                prl: RcuBox::new(KBox::new(KVec::new(), GFP_KERNEL)?),
            },
            GFP_KERNEL,
        )?)
    }

    /// The configuration, under RTNL (no concurrent writer).
    pub(crate) fn config(&self) -> Config {
        self.cfg.read(|c| *c)
    }

    /// The ICMP error state.
    pub(crate) fn errors(&self) -> ErrState {
        ErrState {
            count: self.err_count.load(Ordering::Relaxed),
            time: self.err_time.load(Ordering::Relaxed),
        }
    }

    /// Stores the ICMP error state (racy, as C's `WRITE_ONCE`s).
    pub(crate) fn set_errors(&self, s: ErrState) {
        self.err_count.store(s.count, Ordering::Relaxed);
        self.err_time.store(s.time, Ordering::Relaxed);
    }
}

/// One tunnel in a table.
pub(crate) struct Entry<K: TunnelKind> {
    parms: Parms,
    dev: DevRef<K>,
}

impl<K: TunnelKind> lookup::Entry for Entry<K> {
    fn parms(&self) -> &Parms {
        &self.parms
    }
    fn is_up(&self) -> bool {
        self.dev.device().is_up()
    }
    fn dev_type(&self) -> u16 {
        self.dev.device().link_type()
    }
}

impl<K: TunnelKind> Entry<K> {
    /// The tunnel's device.
    pub(crate) fn dev(&self) -> Option<Dev<'_, K>> {
        self.dev.get()
    }
}

/// A namespace's tunnels of kind `K`: the kernel's hash chains
/// ([`lookup::CHAINS`] of them), each newest first.
pub(crate) struct Table<K: TunnelKind> {
    chains: KVec<KVec<Entry<K>>>,
    collect_md: Option<DevRef<K>>,
    fallback: Option<DevRef<K>>,
}

fn clone_ref<K: TunnelKind>(r: &DevRef<K>) -> Result<DevRef<K>> {
    DevRef::new(r.get().ok_or(EINVAL)?)
}

/// The chain of a tunnel of kind `K` with parameters `p`.
fn chain_of<K: TunnelKind>(p: &Parms) -> usize {
    match K::MATCHING {
        Matching::IpTunnel => lookup::bucket(p),
        Matching::Sit => sit::chain(p),
    }
}

impl<K: TunnelKind> Table<K> {
    fn empty() -> Result<Table<K>> {
        let mut chains = KVec::with_capacity(lookup::CHAINS, GFP_KERNEL)?;
        for _ in 0..lookup::CHAINS {
            chains.push(KVec::new(), GFP_KERNEL)?;
        }
        Ok(Table {
            chains,
            collect_md: None,
            fallback: None,
        })
    }

    /// The entries of chain `index` (none past the last).
    fn chain(&self, index: usize) -> core::slice::Iter<'_, Entry<K>> {
        self.chains.get(index).map_or(&[][..], |c| &c[..]).iter()
    }

    /// Every entry.
    fn entries(&self) -> impl Iterator<Item = &Entry<K>> {
        self.chains.iter().flatten()
    }

    /// A copy without the entries of `skip`, with `first` in front of its
    /// chain.
    fn try_clone(&self, first: Option<Entry<K>>, skip: Option<&NetDevice>) -> Result<Table<K>> {
        let mut first = first.map(|e| (chain_of::<K>(&e.parms), e));
        let mut chains = KVec::with_capacity(self.chains.len(), GFP_KERNEL)?;
        for (i, chain) in self.chains.iter().enumerate() {
            let head = first.take_if(|(c, _)| *c == i).map(|(_, e)| e);
            let mut copy =
                KVec::with_capacity(chain.len() + usize::from(head.is_some()), GFP_KERNEL)?;
            if let Some(e) = head {
                copy.push(e, GFP_KERNEL)?;
            }
            for e in chain
                .iter()
                .filter(|e| skip.is_none_or(|d| !e.dev.device().ptr_eq(d)))
            {
                copy.push(
                    Entry {
                        parms: e.parms,
                        dev: clone_ref(&e.dev)?,
                    },
                    GFP_KERNEL,
                )?;
            }
            chains.push(copy, GFP_KERNEL)?;
        }
        Ok(Table {
            chains,
            collect_md: self.collect_md.as_ref().map(clone_ref).transpose()?,
            fallback: self.fallback.as_ref().map(clone_ref).transpose()?,
        })
    }

    /// `ip_tunnel_lookup()`: the tunnel receiving a packet.
    pub(crate) fn lookup(
        &self,
        link: i32,
        key: PacketKey,
        remote: u32,
        local: u32,
    ) -> Option<Dev<'_, K>> {
        if let Some(e) = lookup::lookup(|i| self.chain(i), link, key, remote, local) {
            return e.dev();
        }
        [&self.collect_md, &self.fallback]
            .into_iter()
            .flatten()
            .find(|r| r.device().is_up())
            .and_then(|r| r.get())
    }

    /// `ipip6_tunnel_lookup()`: the sit tunnel receiving a packet that
    /// came in on `ifindex` (`sifindex`: through an L3 master).
    pub(crate) fn sit_lookup(
        &self,
        ifindex: i32,
        sifindex: i32,
        remote: u32,
        local: u32,
    ) -> Option<Dev<'_, K>> {
        sit::lookup(|i| self.chain(i), ifindex, sifindex, remote, local).and_then(Entry::dev)
    }

    /// The tunnel with the parameters `p` (`ip_tunnel_find()`,
    /// `ipip6_tunnel_locate()`).
    pub(crate) fn find(&self, p: &Parms) -> Option<Dev<'_, K>> {
        match K::MATCHING {
            Matching::IpTunnel => lookup::find(|i| self.chain(i), p, K::LINK_TYPE),
            Matching::Sit => sit::find(|i| self.chain(i), p),
        }
        .and_then(Entry::dev)
    }

    /// Whether a collect_md tunnel exists.
    pub(crate) fn has_collect_md(&self) -> bool {
        self.collect_md.is_some()
    }

    /// Whether `dev` is the fallback device.
    pub(crate) fn is_fallback(&self, dev: &crate::glue::netdev::NetDevice) -> bool {
        self.fallback
            .as_ref()
            .is_some_and(|f| f.device().ptr_eq(dev))
    }
}

/// A namespace's tunnel state of kind `K` (`struct ip_tunnel_net`).
pub(crate) struct TunnelNet<K: TunnelKind> {
    table: RcuBox<Table<K>>,
}

impl<K: TunnelKind> PernetOps for TunnelNet<K> {
    const ID: &'static PernetId = K::NET_ID;
    const DEVICE: bool = true;
    const HAS_EXIT_RTNL: bool = true;

    fn init(_net: &Net) -> Result<Self> {
        Ok(TunnelNet {
            table: RcuBox::new(KBox::new(Table::empty()?, GFP_KERNEL)?),
        })
    }

    fn after_init(&self, net: &Net) -> Result {
        if !net_has_fallback_tunnels(net) {
            return Ok(());
        }
        K::create_fallback(net)
    }

    fn exit(self, _net: &Net) {}

    fn exit_rtnl(&self, net: &Net, queue: &mut UnregisterQueue) {
        // `ip_tunnel_delete_net()`: the namespace's tunnels, and those
        // elsewhere whose outer packets live here.
        net.for_each_device(|d| {
            if Dev::<K>::of(d).is_some() {
                d.unregister(Some(queue));
            }
        });
        self.table.read(|t| {
            for e in t.entries() {
                let d = e.dev.device();
                if !core::ptr::eq(d.net().as_raw(), net.as_raw()) {
                    d.unregister(Some(queue));
                }
            }
        });
    }
}

impl<K: TunnelKind> TunnelNet<K> {
    /// The table, in a read-side section.
    pub(crate) fn table<'a, S: RcuSection>(&'a self, ctx: &'a S) -> &'a Table<K> {
        self.table.get(ctx)
    }

    /// Reads the table under RTNL.
    pub(crate) fn with_table<R>(&self, f: impl FnOnce(&Table<K>) -> R) -> R {
        self.table.read(f)
    }

    fn update(&self, first: Option<Entry<K>>, f: impl FnOnce(&mut Table<K>) -> Result) -> Result {
        let mut next = self.table.read(|t| t.try_clone(first, None))?;
        f(&mut next)?;
        self.table.replace(KBox::new(next, GFP_KERNEL)?);
        Ok(())
    }

    /// `ip_tunnel_add()`: newest first.
    pub(crate) fn add(&self, dev: Dev<'_, K>, fallback: bool) -> Result {
        let parms = dev.state().config().parms;
        let entry = Entry {
            parms,
            dev: DevRef::new(dev)?,
        };
        self.update(Some(entry), |t| {
            if dev.state().collect_md {
                t.collect_md = Some(DevRef::new(dev)?);
            }
            if fallback {
                t.fallback = Some(DevRef::new(dev)?);
            }
            Ok(())
        })
    }

    /// Files `dev` anew under `parms` (`ip_tunnel_update()`'s unlink and
    /// add, newest first): the new table is built, every allocation made,
    /// before `commit` runs and the table is published, neither of which
    /// can fail; on an allocation failure nothing has changed.
    pub(crate) fn refile(&self, dev: Dev<'_, K>, parms: Parms, commit: impl FnOnce()) -> Result {
        let entry = Entry {
            parms,
            dev: DevRef::new(dev)?,
        };
        let next = self.table.read(|t| t.try_clone(Some(entry), Some(&dev)))?;
        let next = KBox::new(next, GFP_KERNEL)?;
        commit();
        self.table.replace(next);
        Ok(())
    }

    /// `ip_tunnel_del()` (and, from `ndo_uninit`, forgetting the fallback).
    pub(crate) fn remove(&self, dev: &NetDevice, uninit: bool) -> Result {
        self.update(None, |t| {
            for chain in t.chains.iter_mut() {
                chain.retain(|e| !e.dev.device().ptr_eq(dev));
            }
            if t.collect_md
                .as_ref()
                .is_some_and(|c| c.device().ptr_eq(dev))
            {
                t.collect_md = None;
            }
            if uninit && t.is_fallback(dev) {
                t.fallback = None;
            }
            Ok(())
        })
    }

    /// The tunnel state of `net`.
    pub(crate) fn of_net(net: &Net) -> &TunnelNet<K> {
        TunnelNet::<K>::of(net)
    }
}

/// `ip_tunnel_bind_dev()`, `ipip6_tunnel_bind_dev()`: the tunnel's MTU
/// after choosing its underlay (the route to the remote end, else the
/// `link` device), setting its `needed_headroom` and, with a remote,
/// `IFF_POINTOPOINT`.
pub(crate) fn bind_dev<K: TunnelKind>(dev: Dev<'_, K>) -> u32 {
    let t = dev.state();
    let c = t.config();
    let p = c.parms;
    let net = t.net.get();
    let mut underlay = None;
    if p.daddr != 0 {
        if let Some((rt, _)) = Route::output(net, &K::underlay_flow(&c)) {
            let d = rt.device();
            underlay = Some(Underlay {
                mtu: d.mtu(),
                headroom: d.lower_headroom(),
            });
        }
        if K::ETH_HLEN == 0 {
            dev.set_raw_flags(crate::glue::bindings::IFF_POINTOPOINT, 0);
        }
        t.cells.reset_route();
    }
    if underlay.is_none() && p.link != 0 {
        underlay = net.device_by_index(p.link).map(|d| Underlay {
            mtu: d.mtu(),
            headroom: d.lower_headroom(),
        });
    }
    let (mtu, headroom) = K::bind_mtu(underlay, &c, dev.mtu());
    dev.set_needed_headroom(headroom);
    mtu
}
