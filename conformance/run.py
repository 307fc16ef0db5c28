#!/usr/bin/env python3
"""Differential conformance runner: Linux kernel namespace vs `nlroute exec`.

Every scenario runs once in a fresh kernel network namespace (`unshare -n`) and
once under `nlroute exec --`; both outputs are normalized (only what Linux
randomizes or counts by itself) and must then be identical.

Scenario kinds (all found below this directory):
  scenarios/NAME.sh   iproute2 script (bash, sources lib.sh)
  pyroute2/NAME.py    pyroute2 script (imports _common.py beside it)
  probes/NAME.py      raw NETLINK_ROUTE probe, run as `python3 probe.py probes/NAME.py`

Directives, in a comment line of the scenario source:
  conformance: normalize-stats   interface counters count real traffic here
                                 (links up with carrier): numbers become N
  conformance: nlroute-only      the CI kernel lacks the feature; the output
                                 is compared with expected/NAME.expected,
                                 written from the Linux source (cited there)

Normalization (nothing else is touched):
  * random MAC addresses (locally administered, unicast, not written in the
    scenario) -> MAC1, MAC2, ... by first appearance, and IPv6 link-local
    addresses whose EUI-64 interface id derives from one -> fe80::EUI(MACn);
  * address lifetimes counting down (valid_lft, preferred_lft and their JSON,
    pyroute2 and probe spellings) -> LFT, checked separately to be within 3 s;
  * timestamps (cstamp/tstamp) and bridge timers -> T;
  * netlink port ids of the client itself -> printed as SELF by the helpers;
  * interface statistics, only where the scenario opts in (see above).

Stdlib only. Exit status 0 when nothing failed.
"""

import argparse
import concurrent.futures
import difflib
import ipaddress
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TIMEOUT = 60  # seconds, per scenario run
LFT_TOLERANCE = 3  # seconds a countdown may move between the two runs


# ----------------------------------------------------------------------------
# Discovery


class Scenario:
    def __init__(self, kind, path):
        self.kind = kind
        self.path = path
        base = os.path.splitext(os.path.basename(path))[0]
        self.name = f"{kind}/{base}"
        with open(path, encoding="utf-8") as f:
            self.source = f.read()
        self.normalize_stats = "conformance: normalize-stats" in self.source
        self.nlroute_only = "conformance: nlroute-only" in self.source
        self.expected_path = os.path.join(HERE, "expected", base + ".expected")

    def argv(self):
        if self.kind == "scenarios":
            return ["bash", self.path]
        if self.kind == "pyroute2":
            return [sys.executable, self.path]
        return [sys.executable, os.path.join(HERE, "probe.py"), self.path]


def discover():
    found = []
    for kind, ext in (("scenarios", ".sh"), ("pyroute2", ".py"), ("probes", ".py")):
        d = os.path.join(HERE, kind)
        for fn in sorted(os.listdir(d)):
            if fn.endswith(ext) and not fn.startswith("_"):
                found.append(Scenario(kind, os.path.join(d, fn)))
    return found


def read_known():
    """KNOWN_DIFFERENCES: one entry per line, `name | reason | what a user notices`."""
    known = {}
    path = os.path.join(HERE, "KNOWN_DIFFERENCES")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                parts = [p.strip() for p in line.split("|")]
                known[parts[0]] = parts[1] if len(parts) > 1 else "(no reason given)"
    return known


# ----------------------------------------------------------------------------
# Normalization

MAC_RE = re.compile(r"(?<![0-9A-Fa-f:.])([0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5})(?![0-9A-Fa-f:])")
LL_RE = re.compile(r"(?<![0-9A-Fa-f:])(fe80::[0-9a-f:]+)(?![0-9a-f:])")
MAC_LIKE_IN_SOURCE = re.compile(r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}")

LFT_PATTERNS = [
    re.compile(r"(?P<k>(?:valid|preferred)_lft )(?P<v>\d+)(?=sec)"),
    re.compile(r'(?P<k>"(?:valid|preferred)_life_time": ?)(?P<v>\d+)'),
    re.compile(r"(?P<k>'?(?:ifa_valid|ifa_preferred)'?[:=] ?)(?P<v>\d+)"),
]
FOREVER = "4294967295"
TS_RE = re.compile(r"(?P<k>'?(?:cstamp|tstamp)'?[:=] ?)\d+")
TIMER_RE = re.compile(r"(?P<k>\b(?:hello|tcn|topology_change|gc)_timer(?:\"?: ?| +))[0-9.]+")
STATS_HEADER_RE = re.compile(r"^\s*(RX|TX)[: ]")
JSON_STATS_RE = re.compile(r'("stats64?":\{)(.*?\}\})')
PY_STATS_RE = re.compile(r"(?P<k>(?:IFLA_STATS64?|stats64?)[^\n]*)")


def mac_of_eui64(addr):
    """MAC an IPv6 address's EUI-64 interface id was derived from, or None."""
    try:
        b = ipaddress.IPv6Address(addr.split("/")[0]).packed
    except ValueError:
        return None
    iid = b[8:]
    if iid[3] != 0xFF or iid[4] != 0xFE:
        return None
    mac = bytes([iid[0] ^ 0x02]) + iid[1:3] + iid[5:8]
    return ":".join(f"{x:02x}" for x in mac)


def canon_mac(s):
    return ":".join(f"{int(p, 16):02x}" for p in s.split(":"))


def is_random_mac(mac, literal):
    first = int(mac.split(":")[0], 16)
    # eth_random_addr(): locally administered bit set, multicast bit clear.
    return (first & 0x03) == 0x02 and mac not in literal


def normalize(text, scenario):
    """Return (normalized text, list of lifetime values in order)."""
    literal = {canon_mac(m) for m in MAC_LIKE_IN_SOURCE.findall(scenario.source)}
    names = {}

    def name_for(mac):
        if mac not in names:
            names[mac] = f"MAC{len(names) + 1}"
        return names[mac]

    # One pass over MACs and link-locals in order of appearance.
    tokens = []
    for m in MAC_RE.finditer(text):
        tokens.append((m.start(), m.end(), "mac", m.group(1)))
    for m in LL_RE.finditer(text):
        tokens.append((m.start(), m.end(), "ll", m.group(1)))
    tokens.sort()
    out, pos = [], 0
    for start, end, kind, tok in tokens:
        if start < pos:
            continue
        if kind == "mac":
            mac = canon_mac(tok)
            repl = name_for(mac) if is_random_mac(mac, literal) else tok
        else:
            mac = mac_of_eui64(tok)
            if mac is not None and is_random_mac(mac, literal):
                repl = f"fe80::EUI({name_for(mac)})"
            else:
                repl = tok
        out.append(text[pos:start])
        out.append(repl)
        pos = end
    out.append(text[pos:])
    text = "".join(out)

    lifetimes = []

    def lft(m):
        v = m.group("v")
        if v == FOREVER:
            return m.group(0)
        lifetimes.append(int(v))
        return m.group("k") + "LFT"

    for pat in LFT_PATTERNS:
        text = pat.sub(lft, text)
    text = TS_RE.sub(lambda m: m.group("k") + "T", text)
    text = TIMER_RE.sub(lambda m: m.group("k") + "T", text)

    if scenario.normalize_stats:
        lines = text.split("\n")
        for i in range(1, len(lines)):
            if STATS_HEADER_RE.match(lines[i - 1]) and re.fullmatch(r"[\s\d]+", lines[i]):
                lines[i] = re.sub(r"\d+", "N", " ".join(lines[i].split()))
        text = "\n".join(lines)
        text = JSON_STATS_RE.sub(lambda m: m.group(1) + re.sub(r"\d+", "N", m.group(2)), text)
        text = PY_STATS_RE.sub(lambda m: re.sub(r"\d+", "N", m.group("k")), text)
    return text, lifetimes


# ----------------------------------------------------------------------------
# Running


def run_once(prefix, scenario):
    env = dict(os.environ)
    env.update({"LC_ALL": "C", "LANG": "C", "CONFORMANCE_DIR": HERE, "PYTHONDONTWRITEBYTECODE": "1"})
    env.pop("COLORFGBG", None)
    try:
        p = subprocess.run(
            prefix + scenario.argv(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=os.path.dirname(scenario.path),
            env=env,
            timeout=TIMEOUT,
        )
        out = p.stdout.decode("utf-8", "replace")
        if p.returncode != 0:
            out += f"\n[scenario exited with status {p.returncode}]\n"
        return out
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return out + f"\n[scenario timed out after {TIMEOUT}s]\n"


def compare(scenario, a_label, a_out, b_label, b_out):
    """None when equal after normalization, else a readable report."""
    a, alft = normalize(a_out, scenario)
    b, blft = normalize(b_out, scenario)
    problems = []
    if a != b:
        diff = difflib.unified_diff(
            a.splitlines(), b.splitlines(), a_label, b_label, lineterm="", n=3
        )
        problems.append("\n".join(diff))
    elif len(alft) != len(blft) or any(abs(x - y) > LFT_TOLERANCE for x, y in zip(alft, blft)):
        problems.append(f"lifetimes differ by more than {LFT_TOLERANCE}s: {a_label} {alft} vs {b_label} {blft}")
    return "\n".join(problems) if problems else None


def evaluate(scenario, mode, nlroute):
    """Returns (verdict, detail) with verdict in PASS/FAIL/SKIP."""
    kernel = ["unshare", "-n", "--"]
    if mode == "kernel-only":
        if scenario.nlroute_only:
            return "SKIP", "nlroute-only (the kernel lacks the feature)"
        first = run_once(kernel, scenario)
        second = run_once(kernel, scenario)
        diff = compare(scenario, "kernel#1", first, "kernel#2", second)
        return ("FAIL", diff) if diff else ("PASS", None)
    emulated = [nlroute, "exec", "--"]
    if scenario.nlroute_only:
        if not os.path.exists(scenario.expected_path):
            return "FAIL", f"missing {os.path.relpath(scenario.expected_path, REPO)}"
        with open(scenario.expected_path, encoding="utf-8") as f:
            expected = f.read()
        got = run_once(emulated, scenario)
        diff = compare(scenario, "expected (from Linux source)", expected, "nlroute", got)
        return ("FAIL", diff) if diff else ("PASS", None)
    k = run_once(kernel, scenario)
    n = run_once(emulated, scenario)
    diff = compare(scenario, "kernel", k, "nlroute", n)
    return ("FAIL", diff) if diff else ("PASS", None)


def prerequisites(mode, nlroute):
    if os.geteuid() != 0:
        return "not root (unshare -n needs CAP_SYS_ADMIN)"
    for tool in ("unshare", "ip", "bash"):
        if shutil.which(tool) is None:
            return f"{tool} not found"
    try:
        p = subprocess.run(["unshare", "-n", "--", "true"], capture_output=True, timeout=20)
        if p.returncode != 0:
            return "unshare -n fails: " + p.stderr.decode(errors="replace").strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unshare -n fails: {e}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("only", nargs="*", help="run only scenarios whose name contains one of these")
    ap.add_argument("--kernel-only", action="store_true", help="kernel vs kernel self-check")
    ap.add_argument("--nlroute", default=os.path.join(REPO, "target", "release", "nlroute"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--show", action="store_true", help="print the raw outputs of one run in the kernel")
    ap.add_argument("--ignore-known", action="store_true",
                    help="report scenarios listed in KNOWN_DIFFERENCES as failures, with their diffs")
    args = ap.parse_args()

    mode = "kernel-only" if args.kernel_only else "differential"
    why = prerequisites(mode, args.nlroute)
    if why:
        print(f"SKIPPED: {why}")
        return 0

    scenarios = discover()
    if args.only:
        scenarios = [s for s in scenarios if any(o == s.name or o in s.name for o in args.only)]

    if args.show:
        for s in scenarios:
            print(f"==== {s.name}")
            print(run_once(["unshare", "-n", "--"], s))
        return 0

    have_pyroute2 = subprocess.run([sys.executable, "-c", "import pyroute2"], capture_output=True).returncode == 0
    exec_problem = None
    if mode == "differential":
        if not os.access(args.nlroute, os.X_OK):
            exec_problem = f"{args.nlroute} is missing (cargo build --release)"
        else:
            p = subprocess.run([args.nlroute, "exec", "--", "ip", "link", "show", "lo"], capture_output=True, timeout=30)
            if p.returncode != 0 or b"lo:" not in p.stdout:
                exec_problem = "`nlroute exec -- ip link show lo` does not work: " + (
                    p.stdout + p.stderr).decode(errors="replace").strip()[:300]
        if exec_problem:
            print(f"WARNING: {exec_problem}; every differential scenario will fail")

    known = {} if args.ignore_known else read_known()
    started = time.monotonic()

    def job(s):
        if s.kind == "pyroute2" and not have_pyroute2:
            return s, "SKIP", "pyroute2 is not installed (pip install pyroute2)"
        t0 = time.monotonic()
        verdict, detail = evaluate(s, mode, args.nlroute)
        # Link watch and DAD timing vary in the kernel itself, more so on a loaded machine:
        # a difference that does not come back on a second run is reported, not failed.
        if verdict == "FAIL" and mode == "differential" and s.name not in known:
            again, _ = evaluate(s, mode, args.nlroute)
            if again == "PASS":
                verdict = "RETRY"
        return s, verdict, detail, time.monotonic() - t0

    passed = failed = skipped = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for result in pool.map(job, scenarios):
            s, verdict, detail = result[:3]
            took = f" ({result[3]:.1f}s)" if len(result) > 3 else ""
            if verdict == "PASS":
                passed += 1
                note = "  (listed in KNOWN_DIFFERENCES but passes: remove it)" if s.name in known else ""
                print(f"PASS  {s.name}{took}{note}")
            elif verdict == "RETRY":
                passed += 1
                print(f"PASS  {s.name}{took}  (on a second run; the first differed:)")
                print("\n".join("    " + l for l in detail.splitlines()))
            elif verdict == "SKIP":
                skipped += 1
                print(f"SKIP  {s.name}: {detail}")
            elif s.name in known:
                skipped += 1
                print(f"KNOWN {s.name}: {known[s.name]}")
            else:
                failed += 1
                print(f"FAIL  {s.name}{took}")
                print("\n".join("    " + l for l in detail.splitlines()))
            sys.stdout.flush()

    print(f"({mode}, {time.monotonic() - started:.0f}s)")
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
