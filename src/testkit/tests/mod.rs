//! The testkit's own tests: the echo API and the recording proxy against raw sockets and a
//! plain client.

mod echo;
mod proxy;
mod support;
