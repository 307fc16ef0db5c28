"""Link names the kernel rejects (too long, '/', ':', whitespace, '.', '..', empty)."""
from _common import *  # noqa: F401,F403

for name in ["abcdefghijklmnop", "abcdefghijklmno", "a/b", "a:b", "a b", "a\tb", ".", "..", ""]:
    attempt(f"add bridge {name!r}", ipr.link, "add", ifname=name, kind="bridge")
view("links", links(), fields=("index",), attrs=("IFLA_IFNAME",))
