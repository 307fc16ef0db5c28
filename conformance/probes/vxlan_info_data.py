"""RTM_NEWLINK of kind vxlan by hand: every IFLA_INFO_DATA attribute a dump reports, in
order, with its bytes (reserved bits follow gbp and remcsumrx); vxlan_validate's and
vxlan_config_validate's errors with their extack; the link dropped with its lower device."""
IFLA_VXLAN = {
    "ID": 1, "GROUP": 2, "LINK": 3, "LOCAL": 4, "TTL": 5, "TOS": 6, "LEARNING": 7,
    "AGEING": 8, "PORT_RANGE": 10, "PORT": 15, "GROUP6": 16, "LOCAL6": 17, "REMCSUM_RX": 22,
    "GBP": 23, "REMCSUM_NOPARTIAL": 24, "COLLECT_METADATA": 25, "LABEL": 26, "GPE": 27,
    "TTL_INHERIT": 28, "DF": 29, "LABEL_POLICY": 32, "RESERVED_BITS": 33, "LOCALBYPASS": 31,
}
V = IFLA_VXLAN
s = Sock()
s.opt(NETLINK_EXT_ACK, 1)


def new(name, *data, top=b""):
    body = ifinfo() + attr_str(3, name) + top + nest(18, attr_str(1, "vxlan", nul=False), nest(2, *data))
    s.talk(msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, body=body))


def info_data(name):
    body = ifinfo() + attr_str(3, name)
    s.s.send(msg(RTM_GETLINK, NLM_F_REQUEST, body=body))
    d = s.s.recv(65536)
    for t, v in attrs_of(d[32:]):
        if t == 18:
            for t2, v2 in attrs_of(v):
                if t2 == 2:
                    out(f"{name}: " + " ".join(f"{t3}={v3.hex()}" for t3, v3 in attrs_of(v2)))


def port(p):
    return attr(V["PORT"], struct.pack(">H", p))


sh("ip link add v0 type veth peer name v1")
new("vx0", attr_u32(V["ID"], 42))
info_data("vx0")
s.talk(msg(RTM_GETLINK, body=ifinfo() + attr_str(3, "vx0")))
new("vx1", attr_u32(V["ID"], 43), port(4789), attr(V["GBP"]), attr_u8(V["REMCSUM_RX"], 1), attr(V["REMCSUM_NOPARTIAL"]))
info_data("vx1")
new("vx2", attr_u32(V["ID"], 44), attr(V["GROUP6"], bytes.fromhex("20010db8" + "0" * 23 + "1")),
    attr(V["LOCAL6"], bytes.fromhex("20010db8" + "0" * 23 + "2")), attr_u32(V["LINK"], socket.if_nametoindex("v0")),
    attr(V["LABEL"], struct.pack(">I", 0xfffff5)), attr_u32(V["LABEL_POLICY"], 1), attr_u8(V["LOCALBYPASS"], 0))
info_data("vx2")
new("vx3", attr_u32(V["ID"], 45), attr(V["RESERVED_BITS"], bytes.fromhex("0000000000000001")))
info_data("vx3")
new("bad1", attr_u32(V["ID"], 1 << 24))
new("bad2", attr_u32(V["ID"], 46), attr(V["PORT_RANGE"], struct.pack(">HH", 9, 8)))
new("bad3", attr_u32(V["ID"], 46), attr_u8(V["DF"], 3))
new("bad4", attr_u32(V["ID"], 46), attr(V["GROUP"], bytes([239, 1, 1, 1])))
new("bad5", attr_u32(V["ID"], 46), attr(V["LOCAL"], bytes([239, 1, 1, 1])))
new("bad6", attr_u32(V["ID"], 46), attr(V["LOCAL"], bytes([192, 0, 2, 1])), attr(V["GROUP6"], bytes(15) + b"\1"))
new("vx4", attr_u32(V["ID"], 46), attr_u8(V["TTL"], 3), attr(V["TTL_INHERIT"]))
info_data("vx4")
new("bad8", attr_u32(V["ID"], 46), attr(V["RESERVED_BITS"], bytes.fromhex("0800000000000000")))
new("bad9", attr_u32(V["ID"], 46), attr_u32(V["LINK"], 999))
new("bad10", attr_u32(V["ID"], 46), attr(V["LOCAL6"], bytes.fromhex("fe80" + "0" * 27 + "1")))
new("bad11", attr_u32(V["ID"], 42))
new("bad12", attr_u32(V["ID"], 46), top=attr_u32(4, 65536))
body = ifinfo() + attr_str(3, "bad0") + nest(18, attr_str(1, "vxlan", nul=False))
s.talk(msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, body=body))
l = Sock(groups=RTMGRP_LINK)
sh("ip link del v0")
l.recv()
