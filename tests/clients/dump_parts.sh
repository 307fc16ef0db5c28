# Dump part sizes for three reader buffer sizes, after 60 veth pairs: the same in a fresh
# namespace (kernel) and under nlroute exec, with and without the preload library (whose
# pace notes make the next part). Used by tests/exec_preload.rs.
TMPDIR_B60=$(mktemp)
for i in $(seq 1 60); do echo "link add v$i type veth peer name w$i"; done > "$TMPDIR_B60"
ip -batch "$TMPDIR_B60"
rm -f "$TMPDIR_B60"
python3 - <<'PY'
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
s.bind((0, 0))
for bufsize in (4096, 16384, 32768):
    s.send(struct.pack("=IHHII", 32, 18, 0x301, 1, 0) + bytes(16))
    sizes = []
    while True:
        d = s.recv(bufsize)
        sizes.append(len(d))
        # The dump ends with NLMSG_DONE, alone or after the last links.
        off = 0; done = False
        while off + 16 <= len(d):
            ln, ty = struct.unpack_from("=IH", d, off)
            if ty == 3: done = True
            off += (ln + 3) & ~3
        if done: break
    print(bufsize, len(sizes), sizes[:6], sizes[-2:])
PY
