//! TEMPORARY stand-in for `crate::socket` until the engine lands. Same signatures; it only
//! ACKs, answers dumps with NLMSG_DONE and records RTM_NEWLINK names so transports can be tested.
#![allow(dead_code, clippy::all)]

use std::collections::{HashMap, VecDeque};

pub type SockId = u32;
pub enum Outgoing {
    Datagram(Vec<u8>),
    Overrun,
}
#[derive(Clone, Copy, Debug)]
pub struct Credentials {
    pub pid: u32,
    pub uid: u32,
    pub gid: u32,
    pub admin: bool,
}
pub struct SockAddr {
    pub port_id: u32,
    pub groups: u32,
}
struct Sock {
    pid: u32,
    port: u32,
    groups: u32,
    q: VecDeque<Vec<u8>>,
}
#[derive(Default)]
pub struct Host {
    socks: HashMap<SockId, Sock>,
    next: SockId,
    generation: u64,
    names: Vec<String>,
    woken: Vec<SockId>,
}
fn msg(ty: u16, flags: u16, seq: u32, pid: u32, body: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&((16 + body.len()) as u32).to_ne_bytes());
    v.extend_from_slice(&ty.to_ne_bytes());
    v.extend_from_slice(&flags.to_ne_bytes());
    v.extend_from_slice(&seq.to_ne_bytes());
    v.extend_from_slice(&pid.to_ne_bytes());
    v.extend_from_slice(body);
    v
}
impl Host {
    pub fn new() -> Host {
        Host::default()
    }
    pub fn open(&mut self, pid: u32, sock_type: i32, protocol: i32) -> Result<SockId, i32> {
        if protocol != 0 {
            return Err(libc::EPROTONOSUPPORT);
        }
        if sock_type != libc::SOCK_RAW && sock_type != libc::SOCK_DGRAM {
            return Err(libc::ESOCKTNOSUPPORT);
        }
        self.next += 1;
        self.socks.insert(
            self.next,
            Sock {
                pid,
                port: 0,
                groups: 0,
                q: VecDeque::new(),
            },
        );
        Ok(self.next)
    }
    pub fn close(&mut self, s: SockId) {
        self.socks.remove(&s);
    }
    fn autobind(&mut self, s: SockId) {
        let used: Vec<u32> = self.socks.values().map(|x| x.port).collect();
        if let Some(k) = self.socks.get_mut(&s)
            && k.port == 0
        {
            k.port = if used.contains(&k.pid) {
                0x8000_0000 | s
            } else {
                k.pid
            };
        }
    }
    pub fn bind(&mut self, s: SockId, port_id: u32, groups: u32) -> Result<(), i32> {
        if port_id == 0 {
            self.autobind(s);
        }
        let k = self.socks.get_mut(&s).ok_or(libc::EBADF)?;
        if port_id != 0 {
            k.port = port_id;
        }
        k.groups = groups;
        Ok(())
    }
    pub fn connect(&mut self, s: SockId, _port_id: u32, _groups: u32) -> Result<(), i32> {
        self.autobind(s);
        Ok(())
    }
    pub fn local_addr(&self, s: SockId) -> SockAddr {
        let k = &self.socks[&s];
        SockAddr {
            port_id: k.port,
            groups: k.groups,
        }
    }
    pub fn peer_addr(&self, _s: SockId) -> SockAddr {
        SockAddr {
            port_id: 0,
            groups: 0,
        }
    }
    pub fn set_option(&mut self, _s: SockId, _l: i32, _n: i32, _v: &[u8]) -> Result<(), i32> {
        Ok(())
    }
    pub fn get_option(&self, _s: SockId, _l: i32, _n: i32) -> Result<Vec<u8>, i32> {
        Ok(1i32.to_ne_bytes().to_vec())
    }
    pub fn send(&mut self, s: SockId, d: &[u8], cred: &Credentials) -> Result<usize, i32> {
        self.autobind(s);
        let port = self.socks[&s].port;
        let mut off = 0;
        while off + 16 <= d.len() {
            let len = u32::from_ne_bytes(d[off..off + 4].try_into().unwrap_or([0; 4])) as usize;
            if len < 16 || off + len > d.len() {
                break;
            }
            let ty = u16::from_ne_bytes([d[off + 4], d[off + 5]]);
            let flags = u16::from_ne_bytes([d[off + 6], d[off + 7]]);
            let seq = u32::from_ne_bytes(d[off + 8..off + 12].try_into().unwrap_or([0; 4]));
            let mut err = 0i32;
            if flags & 0x300 == 0x300 {
                let done = msg(3, 2, seq, port, &0i32.to_ne_bytes());
                self.socks.get_mut(&s).map(|k| k.q.push_back(done));
            } else if ty == 16 {
                if !cred.admin {
                    err = -libc::EPERM;
                } else {
                    self.generation += 1;
                    self.names.push(format!("link{}", self.names.len()));
                    let note = msg(16, 0, 0, 0, &[0u8; 16]);
                    for (id, k) in self.socks.iter_mut() {
                        if k.groups & 1 != 0 {
                            k.q.push_back(note.clone());
                            self.woken.push(*id);
                        }
                    }
                }
            }
            if flags & 4 != 0 || err != 0 {
                let mut body = err.to_ne_bytes().to_vec();
                body.extend_from_slice(&d[off..off + 16]);
                let ack = msg(2, 0x100, seq, port, &body);
                self.socks.get_mut(&s).map(|k| k.q.push_back(ack));
            }
            off += (len + 3) & !3;
        }
        Ok(d.len())
    }
    pub fn recv(&mut self, s: SockId, _reader_buf_len: usize) -> Option<Outgoing> {
        self.socks
            .get_mut(&s)?
            .q
            .pop_front()
            .map(Outgoing::Datagram)
    }
    pub fn take_woken(&mut self) -> Vec<SockId> {
        std::mem::take(&mut self.woken)
    }
    pub fn next_deadline(&self) -> Option<std::time::Instant> {
        None
    }
    pub fn tick(&mut self, _now: std::time::Instant) {}
    pub fn generation(&self) -> u64 {
        self.generation
    }
    pub fn save_state(&self) -> serde_json::Value {
        serde_json::json!({ "names": self.names, "generation": self.generation })
    }
    pub fn load_state(v: serde_json::Value) -> Result<Host, String> {
        let names = v
            .get("names")
            .and_then(|n| n.as_array())
            .ok_or("no names")?
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect();
        Ok(Host {
            names,
            ..Host::default()
        })
    }
}
