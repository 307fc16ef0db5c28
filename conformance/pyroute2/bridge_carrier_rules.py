"""A bridge's carrier: on while it never had a port (STP off), off at once with kernel
STP, unchanged by its ports while it is down, and from its running ports when up."""
import time
from _common import *
from pyroute2 import IPRoute
ip = IPRoute()
def show(name):
    for l in ip.get_links(ifname=name):
        out(name, l["flags"], l.get_attr("IFLA_OPERSTATE"), "carrier", l.get_attr("IFLA_CARRIER"), "changes", l.get_attr("IFLA_CARRIER_CHANGES"), l.get_attr("IFLA_CARRIER_UP_COUNT"), l.get_attr("IFLA_CARRIER_DOWN_COUNT"))
ip.link("add", ifname="br0", kind="bridge")
show("br0")
ip.link("add", ifname="br1", kind="bridge", br_stp_state=1)
show("br1")
ip.link("add", ifname="v0", kind="veth", peer="v1")
show("v0")
ip.link("set", ifname="br0", state="up"); time.sleep(1.2)
show("br0")
ip.link("set", ifname="br0", state="down"); time.sleep(1.2)
show("br0")
ip.link("set", ifname="v0", master=ip.link_lookup(ifname="br0")[0])
show("br0")
ip.link("set", ifname="v0", state="up"); ip.link("set", ifname="v1", state="up"); time.sleep(1.2)
show("br0"); show("v0")
ip.link("set", ifname="br0", state="up"); time.sleep(1.2)
show("br0")
ip.link("set", ifname="v0", master=0); time.sleep(1.2)
show("br0")
ip.link("set", ifname="br0", state="down"); time.sleep(1.2)
show("br0")
ip.link("set", ifname="v1", state="down"); time.sleep(1.2)
show("v0")
