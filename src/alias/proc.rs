// SPDX-License-Identifier: GPL-2.0

//! The text of `/proc/net/alias/LOWER`: rvnet's read-only list of the
//! macvlans and ipvlans on the lower device `LOWER` (macvlan.ko and
//! ipvlan.ko have none). One line per virtual interface:
//!
//! ```text
//! mv0 kind macvlan mode bridge flags - mac 02:00:00:00:00:01
//! mv1 kind macvlan mode passthru flags nopromisc mac 52:54:00:12:34:56
//! mv2 kind macvlan mode source flags nodst mac 02:00:00:00:00:02 sources 02:00:00:00:00:0a,02:00:00:00:00:0b
//! mv3 kind macvlan mode source flags - mac 02:00:00:00:00:03 sources -
//! ipv0 kind ipvlan mode l3 flags bridge mac 52:54:00:12:34:56
//! ```
//!
//! Mode and flag words are iproute2's: macvlan modes `private`, `vepa`,
//! `bridge`, `passthru`, `source` and flags `nopromisc`, `nodst` (joined
//! by commas, `-` for none); ipvlan modes `l2`, `l3`, `l3s` and flags
//! `bridge`, `private` or `vepa` (the port's, shared by all its ipvlans).
//! Addresses are lowercase. Only source-mode macvlans have `sources`:
//! their source addresses, comma-separated, or `-` for none.

use super::super::ether::MacAddr;
use super::{ipvlan, macvlan};
use core::fmt::{self, Write};

/// Writes `addr` as `xx:xx:xx:xx:xx:xx`.
fn write_mac(w: &mut dyn Write, addr: MacAddr) -> fmt::Result {
    let a = addr.0;
    write!(
        w,
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        a[0], a[1], a[2], a[3], a[4], a[5]
    )
}

/// Writes `items` joined by commas, or `-` when there are none.
fn write_list<T>(
    w: &mut dyn Write,
    items: impl IntoIterator<Item = T>,
    mut write_item: impl FnMut(&mut dyn Write, T) -> fmt::Result,
) -> fmt::Result {
    let mut first = true;
    for item in items {
        if !first {
            w.write_char(',')?;
        }
        write_item(w, item)?;
        first = false;
    }
    if first {
        w.write_char('-')?;
    }
    Ok(())
}

/// Writes a macvlan's line: `sources` is read only in source mode.
pub fn write_macvlan(
    w: &mut dyn Write,
    name: &str,
    mode: macvlan::Mode,
    flags: macvlan::Flags,
    mac: MacAddr,
    sources: impl IntoIterator<Item = MacAddr>,
) -> fmt::Result {
    write!(w, "{name} kind macvlan mode {} flags ", mode.name())?;
    let names = macvlan::Flags::NAMES.into_iter();
    write_list(w, names.filter(|(f, _)| flags.contains(*f)), |w, (_, n)| {
        w.write_str(n)
    })?;
    w.write_str(" mac ")?;
    write_mac(w, mac)?;
    if mode == macvlan::Mode::Source {
        w.write_str(" sources ")?;
        write_list(w, sources, write_mac)?;
    }
    w.write_char('\n')
}

/// Writes an ipvlan's line (`mode` and `flags` are its port's).
pub fn write_ipvlan(
    w: &mut dyn Write,
    name: &str,
    mode: ipvlan::Mode,
    flags: ipvlan::PortFlags,
    mac: MacAddr,
) -> fmt::Result {
    write!(
        w,
        "{name} kind ipvlan mode {} flags {} mac ",
        mode.name(),
        flags.name()
    )?;
    write_mac(w, mac)?;
    w.write_char('\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use macvlan::{Flags, Mode};
    use proptest::prelude::*;
    use std::string::String;

    const LOWER: MacAddr = MacAddr([0x52, 0x54, 0, 0x12, 0x34, 0x56]);

    #[test]
    fn the_documented_example() {
        let mut s = String::new();
        let none: [MacAddr; 0] = [];
        let mac = |x| MacAddr([2, 0, 0, 0, 0, x]);
        write_macvlan(&mut s, "mv0", Mode::Bridge, Flags::NONE, mac(1), none).unwrap();
        // Sources of a macvlan not in source mode are not shown.
        write_macvlan(
            &mut s,
            "mv1",
            Mode::Passthru,
            Flags::NOPROMISC,
            LOWER,
            [mac(9)],
        )
        .unwrap();
        write_macvlan(
            &mut s,
            "mv2",
            Mode::Source,
            Flags::NODST,
            mac(2),
            [mac(0x0a), mac(0x0b)],
        )
        .unwrap();
        write_macvlan(&mut s, "mv3", Mode::Source, Flags::NONE, mac(3), none).unwrap();
        write_ipvlan(
            &mut s,
            "ipv0",
            ipvlan::Mode::L3,
            ipvlan::PortFlags::Bridge,
            LOWER,
        )
        .unwrap();
        let doc = "mv0 kind macvlan mode bridge flags - mac 02:00:00:00:00:01\n\
             mv1 kind macvlan mode passthru flags nopromisc mac 52:54:00:12:34:56\n\
             mv2 kind macvlan mode source flags nodst mac 02:00:00:00:00:02 sources 02:00:00:00:00:0a,02:00:00:00:00:0b\n\
             mv3 kind macvlan mode source flags - mac 02:00:00:00:00:03 sources -\n\
             ipv0 kind ipvlan mode l3 flags bridge mac 52:54:00:12:34:56\n";
        assert_eq!(s, doc);
    }

    #[test]
    fn all_words() {
        let mut s = String::new();
        let both = Flags::from_u16(3).unwrap();
        let none: [MacAddr; 0] = [];
        write_macvlan(&mut s, "a", Mode::Private, both, LOWER, none).unwrap();
        write_macvlan(&mut s, "b", Mode::Vepa, Flags::NONE, LOWER, none).unwrap();
        let (l2, l3s) = (ipvlan::Mode::L2, ipvlan::Mode::L3s);
        write_ipvlan(&mut s, "c", l2, ipvlan::PortFlags::Private, LOWER).unwrap();
        write_ipvlan(&mut s, "d", l3s, ipvlan::PortFlags::Vepa, LOWER).unwrap();
        assert_eq!(
            s,
            "a kind macvlan mode private flags nopromisc,nodst mac 52:54:00:12:34:56\n\
             b kind macvlan mode vepa flags - mac 52:54:00:12:34:56\n\
             c kind ipvlan mode l2 flags private mac 52:54:00:12:34:56\n\
             d kind ipvlan mode l3s flags vepa mac 52:54:00:12:34:56\n"
        );
    }

    proptest! {
        /// Every line is one line of space-separated `key value` pairs
        /// after the name, in the documented order.
        #[test]
        fn macvlan_lines_parse_back(mode in 0usize..5, flags in 0u16..4, n in 0usize..5) {
            let mode = Mode::ALL[mode];
            let sources = (0..n).map(|i| MacAddr([2, 0, 0, 0, 1, i as u8]));
            let mut s = String::new();
            write_macvlan(&mut s, "mv", mode, Flags::from_u16(flags).unwrap(), LOWER, sources).unwrap();
            prop_assert_eq!(s.matches('\n').count(), 1);
            let words: std::vec::Vec<&str> = s.trim_end().split(' ').collect();
            prop_assert_eq!(&words[1..6], &["kind", "macvlan", "mode", mode.name(), "flags"][..]);
            prop_assert_eq!(words[7], "mac");
            if mode == Mode::Source {
                prop_assert_eq!(words.len(), 11);
                let want = if n == 0 { 1 } else { n };
                prop_assert_eq!(words[10].split(',').count(), want);
            } else {
                prop_assert_eq!(words.len(), 9);
            }
        }
    }
}
