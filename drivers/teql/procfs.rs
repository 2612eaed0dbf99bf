// SPDX-License-Identifier: GPL-2.0

//! rvnet's `/proc/net/teql` (sch_teql has no `/proc` file; the format is
//! the core's, documented in the README).

use crate::dev::Equalizer;
use crate::glue::procfs::{SeqWriter, ShowData};
use crate::rvnet_core::teql::proc::write_master;
use core::fmt;
use kernel::prelude::*;

/// The module's equalizers, in creation order.
pub(crate) struct Equalizers(pub(crate) KVec<Equalizer>);

impl ShowData for Equalizers {
    fn show(&self, w: &mut SeqWriter) -> fmt::Result {
        for e in self.0.iter() {
            let master = e.master();
            let report = e.report();
            let ring = master.state().ring.lock();
            write_master(
                w,
                master.name_str(),
                &report,
                ring.iter().map(|q| q.device().name_str()),
            )?;
        }
        Ok(())
    }
}
