// SPDX-License-Identifier: GPL-2.0

//! rvnet tunnel: IPv4 tunnels, a drop-in for ipip.ko, sit.ko and ip_gre.ko
//! (gre, gretap, erspan) without ip_tunnel.ko (`net/ipv4/ipip.c`,
//! `net/ipv6/sit.c`, `net/ipv4/ip_gre.c`, `net/ipv4/ip_tunnel.c`).
//!
//! `ip link add NAME type ipip|sit|gre|gretap|erspan [local A] [remote A] [ttl
//! N|inherit] [tos T|inherit] [[no]pmtudisc] [dev DEV] [fwmark M]
//! [external]` (sit: `[isatap]`; gre, gretap: `[[i|o]key K] [[i|o]csum]
//! [[i|o]seq] [ignore-df]`; erspan: `seq key K [erspan_ver 0|1|2]
//! [erspan IDX] [erspan_dir D] [erspan_hwid H]`), `ip link set ...`, `ip tunnel
//! add|change|del|show` (ipip, sit, gre), and the fallback devices `tunl0`,
//! `sit0`, `gre0`, `gretap0` and `erspan0` of each namespace.
//!
//! The files, shaped as `net/ipv4`: `table.rs` (`ip_tunnel.c`'s
//! per-namespace tables, fallback devices and parameter updates),
//! `netlink.rs` (the rtnl kind and the ioctls), `xmit.rs` and `rcv.rs`
//! (the datapath of `ip_tunnel_xmit()` and `ip_tunnel_rcv()`, sit's
//! transmit), `ipip.rs` (`ipip.c`: the tunnel4 handler and ICMP errors),
//! `sit.rs` (`sit.c`: the kind, its handlers and ioctls), `gre.rs` and
//! `gre_netlink.rs` (`ip_gre.c`: the kinds, their `IFLA_GRE_*`
//! attributes, the handler in gre.ko's version 0 slot). The decisions are
//! the core crate's (`rvnet_core::tunnel`); `glue/tunnel.rs` binds the
//! kernel's built-in tunnel primitives.

#[allow(dead_code, unreachable_pub)]
#[path = "../../src/lib.rs"]
mod rvnet_core;

#[allow(dead_code, unreachable_pub, unused_imports)]
#[path = "../glue/mod.rs"]
mod glue;

mod gre;
mod gre_netlink;
mod ipip;
mod iptunnel;
mod netlink;
mod rcv;
mod sit;
mod table;
mod xmit;

use glue::link::LinkRegistration;
use glue::pernet::PernetRegistration;
use glue::tunnel::{GreRegistration, Tunnel4Registration, AF_INET, AF_INET6};
use kernel::prelude::*;

module! {
    type: RvnetTunnel,
    name: "rvnet_tunnel",
    authors: ["rvnet developers"],
    description: "rvnet IPv4 tunnels (ipip, sit, gre, gretap, erspan)",
    license: "GPL",
    alias: [
        "rtnl-link-ipip",
        "netdev-tunl0",
        "rtnl-link-sit",
        "netdev-sit0",
        "rtnl-link-gre",
        "rtnl-link-gretap",
        "netdev-gre0",
        "netdev-gretap0",
        "rtnl-link-erspan",
        "netdev-erspan0",
    ],
}

struct RvnetTunnel {
    // Fields drop in declaration order, per kind: the receive handlers
    // first, then the namespaces' tables (whose exit deletes every tunnel,
    // fallback devices included, as the C modules' pernet exits), then the
    // kinds.
    _rcv: Tunnel4Registration<ipip::IpipHandler>,
    _nets: PernetRegistration<ipip::IpipNet>,
    _link: LinkRegistration<ipip::IpipKind>,
    _sit_rcv6: Tunnel4Registration<sit::SitHandler>,
    _sit_rcv4: Tunnel4Registration<sit::SitIpipHandler>,
    _sit_nets: PernetRegistration<sit::SitNet>,
    _sit_link: LinkRegistration<sit::SitKind>,
    _gre_rcv: GreRegistration<gre::IpGreHandler>,
    _gre_nets: PernetRegistration<gre::GreNet>,
    _gretap_nets: PernetRegistration<gre::GreTapNet>,
    _erspan_nets: PernetRegistration<gre::ErspanNet>,
    _gre_link: LinkRegistration<gre::GreKind>,
    _gretap_link: LinkRegistration<gre::GreTapKind>,
    _erspan_link: LinkRegistration<gre::ErspanKind>,
}

impl kernel::Module for RvnetTunnel {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let mut link = LinkRegistration::<ipip::IpipKind>::new()?;
        link.publish(&ipip::IPIP_KIND);
        let nets = PernetRegistration::new()?;
        // ipip.ko's priority in the chain of IPv4-in-IPv4.
        let rcv = Tunnel4Registration::new(1, AF_INET)?;
        let mut sit_link = LinkRegistration::<sit::SitKind>::new()?;
        sit_link.publish(&sit::SIT_KIND);
        let sit_nets = PernetRegistration::new()?;
        // sit.ko's priorities: first for IPv6 in IPv4, after ipip for IPv4.
        let sit_rcv6 = Tunnel4Registration::new(1, AF_INET6)?;
        let sit_rcv4 = Tunnel4Registration::new(2, AF_INET)?;
        let mut gre_link = LinkRegistration::<gre::GreKind>::new()?;
        gre_link.publish(&gre::GRE_KIND);
        let mut gretap_link = LinkRegistration::<gre::GreTapKind>::new()?;
        gretap_link.publish(&gre::GRETAP_KIND);
        let mut erspan_link = LinkRegistration::<gre::ErspanKind>::new()?;
        erspan_link.publish(&gre::ERSPAN_KIND);
        let gre_nets = PernetRegistration::new()?;
        let gretap_nets = PernetRegistration::new()?;
        let erspan_nets = PernetRegistration::new()?;
        // ip_gre.ko's slot: GRE version 0.
        let gre_rcv = GreRegistration::new()?;
        Ok(RvnetTunnel {
            _rcv: rcv,
            _nets: nets,
            _link: link,
            _sit_rcv6: sit_rcv6,
            _sit_rcv4: sit_rcv4,
            _sit_nets: sit_nets,
            _sit_link: sit_link,
            _gre_rcv: gre_rcv,
            _gre_nets: gre_nets,
            _gretap_nets: gretap_nets,
            _erspan_nets: erspan_nets,
            _gre_link: gre_link,
            _gretap_link: gretap_link,
            _erspan_link: erspan_link,
        })
    }
}

#[kunit_tests(rvnet_tunnel_core)]
mod tests {
    use crate::glue::tunnel::TunnelParm;
    use crate::rvnet_core::tunnel::ecn::{self, Decap};
    use crate::rvnet_core::tunnel::erspan;
    use crate::rvnet_core::tunnel::gre::{self, Header, RxCheck};
    use crate::rvnet_core::tunnel::lookup::{self, Entry, PacketKey};
    use crate::rvnet_core::tunnel::{mtu, sit, Parms};
    use kernel::prelude::*;

    struct T(Parms, bool);

    impl Entry for T {
        fn parms(&self) -> &Parms {
            &self.0
        }
        fn is_up(&self) -> bool {
            self.1
        }
        fn dev_type(&self) -> u16 {
            768
        }
    }

    /// Chain `index` of the tunnels `v` (newest first) by `chain_of`.
    fn chain(v: &[T], index: usize, chain_of: fn(&Parms) -> usize) -> impl Iterator<Item = &T> {
        v.iter().filter(move |t| chain_of(&t.0) == index)
    }

    fn tunnel(saddr: u32, daddr: u32, link: i32) -> T {
        T(
            Parms {
                saddr,
                daddr,
                link,
                ..Parms::default()
            },
            true,
        )
    }

    #[test]
    fn lookup_order_in_a_kernel_vector() -> Result {
        let mut v = KVec::new();
        // Newest first: tunl0's wildcard, then (local, *), (*, remote),
        // (local, remote).
        v.push(tunnel(0x0a00_0001, 0x0a00_0002, 0), GFP_KERNEL)?;
        v.push(tunnel(0, 0x0a00_0002, 0), GFP_KERNEL)?;
        v.push(tunnel(0x0a00_0001, 0, 0), GFP_KERNEL)?;
        v.push(tunnel(0, 0, 0), GFP_KERNEL)?;
        let find = |remote, local| {
            lookup::lookup(
                |i| chain(&v, i, lookup::bucket),
                0,
                PacketKey::None,
                remote,
                local,
            )
            .map(|t| (t.0.saddr, t.0.daddr))
        };
        assert_eq!(
            find(0x0a00_0002, 0x0a00_0001),
            Some((0x0a00_0001, 0x0a00_0002))
        );
        assert_eq!(find(0x0a00_0002, 0x0a00_0009), Some((0, 0x0a00_0002)));
        assert_eq!(find(0x0a00_0009, 0x0a00_0001), Some((0x0a00_0001, 0)));
        assert_eq!(find(0x0a00_0009, 0x0a00_0009), Some((0, 0)));
        Ok(())
    }

    #[test]
    fn sit_lookup_and_6to4_in_a_kernel_vector() -> Result {
        let mut v = KVec::new();
        // Newest first: a tunnel bound to link 7, then sit0's wildcard.
        v.push(tunnel(0x0a00_0001, 0x0a00_0002, 7), GFP_KERNEL)?;
        v.push(tunnel(0, 0, 0), GFP_KERNEL)?;
        let find = |ifindex| {
            sit::lookup(
                |i| chain(&v, i, sit::chain),
                ifindex,
                0,
                0x0a00_0002,
                0x0a00_0001,
            )
            .map(|t| (t.0.saddr, t.0.link))
        };
        assert_eq!(find(7), Some((0x0a00_0001, 7)));
        // Another link: sit0 takes it.
        assert_eq!(find(3), Some((0, 0)));
        let mut daddr = [0u8; 16];
        daddr[..6].copy_from_slice(&[0x20, 0x02, 10, 0, 0, 2]);
        assert_eq!(
            sit::xmit_destination(0, false, &daddr, || None),
            Some(0x0a00_0002)
        );
        Ok(())
    }

    #[test]
    fn ecn_and_mtu_rules() {
        assert_eq!(ecn::decapsulate(ecn::CE, Some(ecn::NOT_ECT)), Decap::Drop);
        assert_eq!(ecn::encapsulate(0, Some(ecn::CE)), ecn::ECT_0);
        assert_eq!(mtu::bind(None, 0, 0), (1480, 116));
    }

    #[test]
    fn gre_header_and_checks() {
        let h = Header {
            flags: gre::KEY | gre::SEQ,
            proto: 0x0800,
            key: 42,
            seq: 3,
        };
        let mut buf = [0u8; gre::MAX_HLEN];
        let len = h.build(&mut buf);
        assert_eq!(buf[..len], [0x30, 0, 8, 0, 0, 0, 0, 42, 0, 0, 0, 3]);
        assert_eq!(Header::parse(&buf[..len]), Some((h, len)));
        assert_eq!(
            gre::rx_check(gre::SEQ, 4, gre::SEQ, 3),
            RxCheck::BadSequence
        );
        let eth = Some(mtu::Underlay {
            mtu: 1500,
            headroom: 14,
        });
        assert_eq!(mtu::bind(eth, gre::hlen(h.flags), 0).0, 1468);
        assert_eq!(mtu::bind(eth, gre::hlen(0), 14).0, 1462);
    }

    #[test]
    fn erspan_header() {
        let s = erspan::Settings {
            ver: 2,
            index: 0,
            dir: 1,
            hwid: 7,
        };
        let f = erspan::Frame {
            tos: 0,
            eth_proto: 0x0800,
            tci: 0,
            len: 98,
        };
        let h = erspan::Header::for_frame(&s, 200, &f, false, 0);
        let mut buf = [0u8; erspan::MAX_HLEN];
        assert_eq!(h.build(&mut buf), 12);
        assert_eq!(buf[..4], [0x20, 0, 0, 200]);
        assert_eq!(buf[10..], [0x80, 0x78]);
        assert_eq!(erspan::Header::parse(&buf), Some(h));
    }

    #[test]
    fn ioctl_name() {
        let mut p = TunnelParm::default();
        assert!(p.name().is_none());
        p.name[..5].copy_from_slice(b"tun1\0");
        assert_eq!(p.name().map(|n| n.to_bytes()), Some(&b"tun1"[..]));
    }
}
