//! A render's files set against what DIR holds, file by file as the render makes them: what
//! writing a folder (`transaction::Sink`) and comparing it (`compare::Comparison`) share.

// A Diagnostic is the shell's error type; boxing it buys nothing on I/O paths.
#![allow(clippy::result_large_err)]

use super::folder::{Folder, Lookup};
use crate::diagnostics::Diagnostic;
use crate::outdir::{self, Claim, Entry, Owner, Snapshot, WritePlan, INVENTORY};
use std::collections::BTreeSet;

/// The paths a render wants in DIR and what each holds there now, read without following
/// links; only a differing file's bytes are ever kept, and only when asked.
pub struct Wanted<'f> {
    /// `None` when DIR does not exist: every path is missing.
    lookup: Option<Lookup<'f>>,
    owner: Owner,
    /// What the inventory holds now, compared once the new one is known.
    inventory: Entry,
    /// Files the old inventory owns, which the render may prune.
    pub owned: Vec<String>,
    /// Files the old inventory lists, which the render may replace.
    listed: BTreeSet<String>,
    /// Every file the render wants (the inventory added last).
    pub paths: BTreeSet<String>,
    /// What each wanted (or owned) path holds now, compared with what the render wants.
    pub snapshot: Snapshot,
}

impl<'f> Wanted<'f> {
    /// Reads DIR's inventory: whose folder it is (another owner's is refused unless the
    /// claim takes it over) and which files it owns.
    pub fn open(folder: Option<&'f Folder>, claim: &Claim) -> Result<Wanted<'f>, Diagnostic> {
        let mut lookup = folder.map(Lookup::new);
        let inventory = match &mut lookup {
            Some(lookup) => lookup.entry(INVENTORY)?,
            None => Entry::Missing,
        };
        let claimed = outdir::plan::claim(Some(&inventory), claim).map_err(|r| r.diagnostic(folder.map_or("", |f| f.shown.as_str())))?;
        Ok(Wanted { lookup, owner: claim.owner.clone(), inventory, owned: claimed.owned, listed: claimed.listed, paths: BTreeSet::new(), snapshot: Snapshot::new() })
    }

    /// Records one file of the render, compared with what its path holds as it is read
    /// (`keep`: a differing file's bytes are kept, for a diff). Returns whether it differs.
    /// A path the folder cannot take is not looked up: the plan refuses it.
    pub fn add(&mut self, path: String, content: &[u8], keep: bool) -> Result<bool, Diagnostic> {
        let entry = match (&mut self.lookup, outdir::plan::check_name(&path)) {
            (Some(lookup), None) => lookup.compare(&path, content, keep)?,
            _ => Entry::Missing,
        };
        let differs = entry != Entry::Unchanged;
        self.snapshot.insert(path.clone(), entry);
        self.paths.insert(path);
        Ok(differs)
    }

    /// After the last file: the inventory of the wanted paths, compared with DIR's (whose
    /// bytes are kept when it differs). Returns its text and whether it differs.
    pub fn inventory(&mut self) -> (String, bool) {
        let text = outdir::inventory(&self.paths, &self.owner);
        let entry = match std::mem::replace(&mut self.inventory, Entry::Missing) {
            Entry::File(bytes) if bytes == text.as_bytes() => Entry::Unchanged,
            other => other,
        };
        let differs = entry != Entry::Unchanged;
        self.snapshot.insert(INVENTORY.to_string(), entry);
        self.paths.insert(INVENTORY.to_string());
        (text, differs)
    }

    /// The plan of the render (after [`Wanted::inventory`]): the owned files (and `pending`,
    /// an interrupted render's prunes) read too, their bytes when `keep`; every path
    /// checked, every refusal reported (`shown` is DIR as the user wrote it).
    pub fn plan(&mut self, shown: &str, keep: bool, pending: &[String]) -> Result<WritePlan, Vec<Diagnostic>> {
        self.owned.extend(pending.iter().cloned());
        self.owned.sort();
        self.owned.dedup();
        if let Some(lookup) = &mut self.lookup {
            for path in &self.owned {
                if !self.snapshot.contains_key(path) && outdir::plan::check_name(path).is_none() {
                    let entry = if keep { lookup.entry(path) } else { lookup.compare(path, b"", false) };
                    self.snapshot.insert(path.clone(), entry.map_err(|d| vec![d])?);
                }
            }
        }
        outdir::plan(&self.paths, &self.owned, &self.listed, &self.snapshot).map_err(|refusals| refusals.iter().map(|r| r.diagnostic(shown)).collect())
    }
}
