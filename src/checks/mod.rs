//! Checks of single values that several formats share: cron, time zones, names,
//! quantities, image references.

pub mod cron;
pub mod image;
pub mod metadata;
pub mod names;
pub mod quantity;
pub mod timezone;
