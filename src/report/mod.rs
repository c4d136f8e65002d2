//! Reporters: one file per output format, each a function over a plain data type.

pub mod refs;
