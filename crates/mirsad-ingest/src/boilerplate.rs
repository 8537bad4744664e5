//! Boilerplate rules.
