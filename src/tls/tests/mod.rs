mod cert_list;
mod explain;
mod live;
mod loading;
mod pki;
mod server;
