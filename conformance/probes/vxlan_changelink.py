"""RTM_NEWLINK on an existing vxlan with kind data (vxlan_changelink): which options change
(and are announced), which are refused, with what extack; the device as a dump then
reports it."""
V = {
    "ID": 1, "GROUP": 2, "LINK": 3, "LOCAL": 4, "TTL": 5, "TOS": 6, "LEARNING": 7,
    "AGEING": 8, "LIMIT": 9, "PORT_RANGE": 10, "PROXY": 11, "RSC": 12, "L2MISS": 13,
    "L3MISS": 14, "PORT": 15, "GROUP6": 16, "LOCAL6": 17, "UDP_CSUM": 18,
    "UDP_ZERO_CSUM6_TX": 19, "UDP_ZERO_CSUM6_RX": 20, "REMCSUM_TX": 21, "REMCSUM_RX": 22,
    "GBP": 23, "REMCSUM_NOPARTIAL": 24, "COLLECT_METADATA": 25, "LABEL": 26,
    "TTL_INHERIT": 28, "DF": 29, "VNIFILTER": 30, "LOCALBYPASS": 31, "LABEL_POLICY": 32,
    "RESERVED_BITS": 33,
}
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)


def change(name, *data, top=b""):
    body = ifinfo() + attr_str(3, name) + top + nest(18, attr_str(1, "vxlan", nul=False), nest(2, *data))
    s.talk(msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, body=body))


def info_data(name):
    s.s.send(msg(RTM_GETLINK, NLM_F_REQUEST, body=ifinfo() + attr_str(3, name)))
    d = s.s.recv(65536)
    mtu = None
    for t, v in attrs_of(d[32:]):
        if t == 4:
            mtu = struct.unpack("=I", v)[0]
        if t == 18:
            for t2, v2 in attrs_of(v):
                if t2 == 2:
                    out(f"{name}: mtu={mtu} " + " ".join(f"{t3}={v3.hex()}" for t3, v3 in attrs_of(v2)))


sh("ip link add v0 type veth peer name v1")
sh("ip link add v2 type veth peer name v3")
sh("ip link set v2 mtu 9000")
sh("ip link add vx0 type vxlan id 42 dstport 4789 remote 192.0.2.1 local 192.0.2.2")
sh("ip link add vx6 type vxlan id 43 dstport 4789 remote 2001:db8::1")
info_data("vx0")
l = Sock(groups=RTMGRP_LINK)
u8 = lambda k, v: attr_u8(V[k], v)
for step in [
    (attr_u32(V["ID"], 42),), (attr_u32(V["ID"], 7),),
    (attr(V["GROUP"], bytes([192, 0, 2, 9])),), (attr(V["GROUP6"], bytes(15) + b"\1"),),
    (attr(V["LOCAL"], bytes([192, 0, 2, 8])),), (attr(V["LOCAL6"], bytes(15) + b"\2"),),
    (attr_u32(V["LINK"], socket.if_nametoindex("v0")),),
    (attr_u32(V["LINK"], socket.if_nametoindex("v2")),),
    (attr_u32(V["LINK"], 0),),
    (u8("TTL", 9),), (attr(V["TTL_INHERIT"]),), (u8("TTL", 0), attr(V["TTL_INHERIT"])), (u8("TOS", 4),),
    (u8("DF", 1),), (attr(V["LABEL"], struct.pack(">I", 5)),), (attr_u32(V["LABEL_POLICY"], 1),),
    (u8("LEARNING", 0),), (u8("PROXY", 1),), (u8("RSC", 1),), (u8("L2MISS", 1),), (u8("L3MISS", 1),),
    (attr_u32(V["AGEING"], 33),), (attr_u32(V["LIMIT"], 5),),
    (attr(V["PORT_RANGE"], struct.pack(">HH", 1, 2)),), (attr(V["PORT"], struct.pack(">H", 4789)),),
    (attr(V["PORT"], struct.pack(">H", 1)),), (u8("UDP_CSUM", 0),), (u8("UDP_CSUM", 1),),
    (u8("UDP_ZERO_CSUM6_TX", 1),), (u8("UDP_ZERO_CSUM6_RX", 1),), (u8("REMCSUM_TX", 1),),
    (u8("REMCSUM_RX", 1),), (attr(V["GBP"]),), (attr(V["REMCSUM_NOPARTIAL"]),),
    (u8("COLLECT_METADATA", 1),), (u8("VNIFILTER", 1),), (u8("LOCALBYPASS", 0),),
    (attr(V["RESERVED_BITS"], bytes.fromhex("f7ffffff000000ff")),),
    (attr(V["RESERVED_BITS"], bytes.fromhex("0000000000000001")),),
]:
    change("vx0", *step)
    info_data("vx0")
change("vx0", u8("TTL", 3), top=attr_u32(4, 1400))
info_data("vx0")
change("vx6", attr(V["LABEL"], struct.pack(">I", 5)))
info_data("vx6")
change("vx6", attr(V["GROUP"], bytes([192, 0, 2, 9])))
l.recv()
