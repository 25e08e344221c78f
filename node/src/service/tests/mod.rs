//! Service-level tests.
