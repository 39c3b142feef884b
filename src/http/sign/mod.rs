//! Request signing for the auth types that sign the final request (pure functions of the
//! request's parts: method, URL, headers, body, time).

pub mod asap;
pub mod awsv4;
pub mod edgegrid;
pub mod hawk;
pub mod jwt;
pub mod oauth1;
