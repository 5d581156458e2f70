//! Issue 19: see the module's tests.
