//! MES unit tests.
