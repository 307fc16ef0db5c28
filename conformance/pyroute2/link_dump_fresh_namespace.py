"""A fresh namespace dumps exactly lo, as whole messages."""
from _common import *  # noqa: F401,F403

show("link dump", links())
show("addr dump", addrs())
