// SPDX-License-Identifier: GPL-2.0

//! MTU and headroom arithmetic of IPv4 tunnels (`ip_tunnel_bind_dev()`,
//! `ip_tunnel_change_mtu()`, `ip_tunnel_newlink()`, `tnl_update_pmtu()`).

/// `sizeof(struct iphdr)`.
pub const IPV4_HLEN: u32 = 20;
/// `IP_MAX_MTU`.
pub const IP_MAX_MTU: u32 = 0xffff;
/// `IPV4_MIN_MTU` and `ETH_MIN_MTU`.
pub const MIN_MTU: u32 = 68;
/// `IPV6_MIN_MTU`.
pub const IPV6_MIN_MTU: u32 = 1280;
/// `ETH_DATA_LEN`: the MTU assumed without an underlay.
pub const ETH_DATA_LEN: u32 = 1500;
/// `LL_MAX_HEADER` of the test kernel (96), the headroom assumed without
/// an underlay.
pub const LL_MAX_HEADER: u32 = 96;
/// `ip_tunnel_limit_headroom()`'s cap (`MAX_HEADER`-free bound, 512).
pub const MAX_HEADROOM: u32 = 512;

/// The underlay a tunnel's MTU is computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Underlay {
    /// Its MTU.
    pub mtu: u32,
    /// Its `hard_header_len + needed_headroom`.
    pub headroom: u32,
}

/// `ip_tunnel_bind_dev()`'s result: the MTU and `needed_headroom` of a
/// tunnel whose own header (after the outer IPv4 header) is `hlen` bytes
/// and whose Ethernet header (gretap) is `eth_hlen` bytes.
pub fn bind(underlay: Option<Underlay>, hlen: u32, eth_hlen: u32) -> (u32, u32) {
    let t_hlen = hlen + IPV4_HLEN;
    let (mtu, headroom) = match underlay {
        Some(u) => (u.mtu.min(IP_MAX_MTU), u.headroom),
        None => (ETH_DATA_LEN, LL_MAX_HEADER),
    };
    let needed = (t_hlen + headroom).min(MAX_HEADROOM);
    let mtu = mtu.saturating_sub(t_hlen + eth_hlen).max(MIN_MTU);
    (mtu, needed)
}

/// The largest MTU a tunnel takes (`IP_MAX_MTU - t_hlen`).
pub fn max_mtu(hlen: u32, eth_hlen: u32) -> u32 {
    IP_MAX_MTU - (hlen + IPV4_HLEN) - eth_hlen
}

/// `ip_tunnel_change_mtu()`'s check.
pub fn change_mtu_ok(mtu: u32, hlen: u32, eth_hlen: u32) -> bool {
    (MIN_MTU..=max_mtu(hlen, eth_hlen)).contains(&mtu)
}

/// `ip_tunnel_newlink()` with `IFLA_MTU`: the requested MTU clamped.
pub fn clamp_requested(mtu: u32, hlen: u32, eth_hlen: u32) -> u32 {
    mtu.clamp(MIN_MTU, max_mtu(hlen, eth_hlen))
}

/// `tnl_update_pmtu()`: the path MTU for the inner packet. `route_mtu`
/// is the outer route's; `inner_mtu` the inner route's (or the device's).
pub fn path_mtu(df: bool, route_mtu: u32, hlen: u32, eth_hlen: u32, inner_mtu: u32) -> u32 {
    if df {
        route_mtu.saturating_sub(IPV4_HLEN + hlen + eth_hlen)
    } else {
        inner_mtu
    }
}

/// The growth `ip_tunnel_adj_headroom()` applies: the new
/// `needed_headroom` if `wanted` exceeds `current` (capped).
pub fn grown_headroom(current: u32, wanted: u32) -> Option<u32> {
    let wanted = wanted.min(MAX_HEADROOM);
    (wanted > current).then_some(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let eth = Underlay {
            mtu: 1500,
            headroom: 14,
        };
        assert_eq!(bind(Some(eth), 0, 0), (1480, 34));
        assert_eq!(bind(None, 0, 0), (1480, 116));
        assert_eq!(bind(Some(eth), 4, 0).0, 1476);
        assert_eq!(bind(Some(eth), 4, 14).0, 1462);
        let small = Underlay {
            mtu: 80,
            headroom: 14,
        };
        assert_eq!(bind(Some(small), 0, 0).0, MIN_MTU);
        assert!(change_mtu_ok(65515, 0, 0));
        assert!(!change_mtu_ok(65516, 0, 0));
        assert!(!change_mtu_ok(67, 0, 0));
        assert_eq!(clamp_requested(9000, 0, 0), 9000);
        assert_eq!(clamp_requested(10, 0, 0), 68);
        assert_eq!(path_mtu(true, 1400, 0, 0, 0), 1380);
        assert_eq!(grown_headroom(34, 50), Some(50));
        assert_eq!(grown_headroom(34, 20), None);
    }
}
