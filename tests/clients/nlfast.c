/* The receive paths `nlroute exec`'s preload library takes inside the program: ACKs read
 * after a peek, notifications read with recvmsg/recvfrom/recv, names, truncation, bad
 * pointers, and the socket options it answers itself. Every line must read the same in a
 * fresh network namespace (real kernel) and under `nlroute exec`, with and without the
 * library. Changes only lo's MTU. Ends with the multicast group a datagram reports (source
 * address, NETLINK_PKTINFO) and the credentials SO_PASSCRED adds. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BAD ((void *)8)
#define ERR(r) ((r) >= 0 ? "ok" : strerrorname_np(errno))

static int seq = 1;

/* RTM_SETLINK lo mtu, with the given flags besides NLM_F_REQUEST. */
static void set_mtu_flags(int fd, unsigned mtu, unsigned short flags) {
    struct {
        struct nlmsghdr h;
        struct ifinfomsg i;
        struct rtattr a;
        unsigned mtu;
    } req = {0};
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = RTM_SETLINK;
    req.h.nlmsg_flags = NLM_F_REQUEST | flags;
    req.h.nlmsg_seq = seq++;
    req.i.ifi_index = 1;
    req.a.rta_len = RTA_LENGTH(4);
    req.a.rta_type = IFLA_MTU;
    req.mtu = mtu;
    send(fd, &req, sizeof req, 0);
}

/* RTM_SETLINK lo mtu, asking for an ACK. */
static void set_mtu(int fd, unsigned mtu) {
    set_mtu_flags(fd, mtu, NLM_F_ACK);
}

static void drain(int fd) {
    char b[8192];
    while (recv(fd, b, sizeof b, MSG_DONTWAIT) >= 0) {
    }
}

/* getsockname's answer, with the port id shown as "self" (the process id, the first port
 * a process binds), "neg" (Linux's later autobound ports) or its value. */
static void show_name(const char *what, int fd, socklen_t len) {
    struct sockaddr_nl a;
    memset(&a, 0xff, sizeof a);
    socklen_t l = len;
    int r = getsockname(fd, (struct sockaddr *)&a, &l);
    const char *pid = a.nl_pid == (unsigned)getpid() ? "self" : (int)a.nl_pid < 0 ? "neg" : NULL;
    printf("%s=%s len=%d family=%d pid=%s%u groups=%x\n", what, ERR(r), (int)l,
           a.nl_family == 0xffff ? -1 : a.nl_family, pid ? pid : "", pid ? 0 : a.nl_pid,
           a.nl_groups);
}

/* Waits until `fd` has something (the change is applied by then under exec too). */
static void wait_readable(int fd) {
    char b[1];
    recv(fd, b, 0, MSG_PEEK | MSG_TRUNC);
}

/* One notification (or ACK) read from `fd` with recvmsg: a name, `room` bytes of control
 * buffer (none for 0), the first `first` bytes of the datagram in a buffer of their own. */
static void show_received(const char *what, int fd, size_t room, size_t first) {
    static char b[8192];
    char control[64];
    memset(control, 0xcc, sizeof control);
    struct sockaddr_nl from;
    memset(&from, 0xff, sizeof from);
    struct iovec v[2] = {{b, first}, {b + first, sizeof b - first}};
    struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = v, .msg_iovlen = 2,
                       .msg_control = room ? control : NULL, .msg_controllen = room};
    int got = recvmsg(fd, &m, 0);
    printf("%s=%d type=%u nlflags=%#x pid=%u groups=%#x flags=%#x controllen=%zu cmsg", what, got > 0,
           ((struct nlmsghdr *)b)->nlmsg_type, ((struct nlmsghdr *)b)->nlmsg_flags, from.nl_pid,
           from.nl_groups, m.msg_flags, m.msg_controllen);
    /* Each control message: length, level, type and its first data word, if it holds one. */
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        int data = c->cmsg_len >= CMSG_LEN(sizeof(unsigned));
        printf(" %zu/%d/%d/%u", c->cmsg_len, c->cmsg_level, c->cmsg_type, data ? *(unsigned *)CMSG_DATA(c) : 0);
    }
    printf("\n");
}

/* The group a datagram was sent to: the source address's nl_groups and, with
 * NETLINK_PKTINFO, a control message cut to the room given (MSG_CTRUNC); its header as
 * sent, also when split over two buffers. `s` changes lo's MTU. */
static void groups_and_pktinfo(int s) {
    int p = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    int q = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
    int on = 1;
    if (bind(p, (struct sockaddr *)&sa, sizeof sa) < 0 || bind(q, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        setsockopt(p, SOL_NETLINK, NETLINK_PKTINFO, &on, sizeof on) < 0) {
        printf("pktinfo_setup=%s\n", strerrorname_np(errno));
        return;
    }
    static const struct { size_t room, first; } cases[] = {
        {64, 4096}, {20, 4096}, {18, 4096}, {8, 4096}, {0, 4096}, {64, 8}, {64, 7}, {64, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        set_mtu(s, k % 2 ? 1500 : 1400);
        wait_readable(p);
        char what[32];
        snprintf(what, sizeof what, "pktinfo_%zu_%zu", cases[k].room, cases[k].first);
        show_received(what, p, cases[k].room, cases[k].first);
        show_received("no_pktinfo", q, 64, 4096);
        drain(p);
        drain(q);
        drain(s);
    }
    /* SO_PASSCRED: the kernel's credentials follow, cut to the room as well. */
    setsockopt(p, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
    static const size_t rooms[] = {64, 40, 24, 0};
    for (size_t k = 0; k < sizeof rooms / sizeof rooms[0]; k++) {
        set_mtu(s, k % 2 ? 1500 : 1400);
        wait_readable(p);
        char what[32];
        snprintf(what, sizeof what, "passcred_%zu", rooms[k]);
        show_received(what, p, rooms[k], 4096);
        drain(p);
        drain(q);
        drain(s);
    }
    /* A unicast answer: group 0. */
    setsockopt(s, SOL_NETLINK, NETLINK_PKTINFO, &on, sizeof on);
    set_mtu(s, 1500);
    wait_readable(s);
    show_received("pktinfo_ack", s, 64, 4096);
    on = 0;
    setsockopt(s, SOL_NETLINK, NETLINK_PKTINFO, &on, sizeof on);
    drain(p);
    drain(q);
    close(p);
    close(q);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    int l = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
    if (s < 0 || l < 0 || bind(l, (struct sockaddr *)&sa, sizeof sa) < 0) {
        printf("setup=%s\n", strerrorname_np(errno));
        return 1;
    }
    char buf[8192];
    struct sockaddr_nl from;
    struct iovec iov = {buf, sizeof buf};
    struct msghdr m;

    /* An ACK the way iproute2 reads it: peek for the size, then receive with a name. */
    set_mtu(s, 1400);
    memset(&m, 0, sizeof m);
    iov = (struct iovec){NULL, 0};
    m.msg_name = &from;
    m.msg_namelen = sizeof from;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    int peeked = recvmsg(s, &m, MSG_PEEK | MSG_TRUNC);
    printf("ack_peek=%d trunc=%d namelen=%u\n", peeked, !!(m.msg_flags & MSG_TRUNC), m.msg_namelen);
    iov = (struct iovec){buf, sizeof buf};
    memset(&from, 0xff, sizeof from);
    m.msg_namelen = sizeof from;
    m.msg_controllen = 99;
    int got = recvmsg(s, &m, 0);
    struct nlmsgerr *e = NLMSG_DATA((struct nlmsghdr *)buf);
    printf("ack=%d same=%d type=%u error=%d namelen=%u family=%u pid=%u groups=%u controllen=%zu flags=%d\n",
           got > 0, got == peeked, ((struct nlmsghdr *)buf)->nlmsg_type, e->error, m.msg_namelen,
           from.nl_family, from.nl_pid, from.nl_groups, m.msg_controllen, m.msg_flags);

    /* Notifications: recvmsg without a name buffer leaves msg_namelen alone. */
    wait_readable(l);
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_namelen = 77;
    got = recvmsg(l, &m, 0);
    printf("notify=%d type=%u namelen=%u\n", got > 0, ((struct nlmsghdr *)buf)->nlmsg_type, m.msg_namelen);
    drain(l);
    drain(s);

    /* recvfrom with a short address buffer: a prefix, and the full length reported. */
    set_mtu(s, 1500);
    wait_readable(l);
    unsigned char addr[16];
    memset(addr, 0xee, sizeof addr);
    socklen_t alen = 4;
    got = recvfrom(l, buf, sizeof buf, 0, (struct sockaddr *)addr, &alen);
    printf("recvfrom=%d alen=%u family=%u byte4=%u\n", got > 0, alen, addr[0] | addr[1] << 8, addr[4]);
    drain(l);
    drain(s);

    /* Truncation: recv reports the full length with MSG_TRUNC; recvmsg flags it. */
    set_mtu(s, 1400);
    wait_readable(l);
    int full = recv(l, buf, 0, MSG_PEEK | MSG_TRUNC);
    got = recv(l, buf, 8, MSG_TRUNC | MSG_PEEK);
    printf("trunc_peek=%d\n", got == full);
    memset(&m, 0, sizeof m);
    iov = (struct iovec){buf, 8};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    got = recvmsg(l, &m, 0);
    printf("short=%d flagged=%d\n", got, !!(m.msg_flags & MSG_TRUNC));
    drain(l);
    drain(s);
    got = recv(l, buf, sizeof buf, MSG_DONTWAIT);
    printf("empty=%s\n", ERR(got));

    /* Bad pointers with a datagram queued: an error, and is the datagram gone? */
    set_mtu(s, 1500);
    wait_readable(l);
    memset(&m, 0, sizeof m);
    iov = (struct iovec){buf, sizeof buf};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_name = BAD;
    m.msg_namelen = sizeof from;
    got = recvmsg(l, &m, 0);
    const char *what = ERR(got);
    printf("bad_name=%s left=%s\n", what, ERR(recv(l, buf, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT)));
    drain(l);
    drain(s);
    set_mtu(s, 1400);
    wait_readable(l);
    iov = (struct iovec){BAD, sizeof buf};
    m.msg_name = NULL;
    got = recvmsg(l, &m, 0);
    what = ERR(got);
    printf("bad_buffer=%s left=%s\n", what, ERR(recv(l, buf, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT)));
    got = recvmsg(l, BAD, 0);
    printf("bad_msghdr=%s\n", ERR(got));
    drain(l);
    drain(s);
    set_mtu(s, 1500);
    wait_readable(l);
    got = recvfrom(l, buf, sizeof buf, 0, (struct sockaddr *)addr, BAD);
    what = ERR(got);
    printf("bad_addrlen=%s left=%s\n", what, ERR(recv(l, buf, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT)));
    drain(l);
    drain(s);

    /* A change sent without an ACK, then at once non-blocking receives on the listener:
     * Linux applied it inside send, so its notification is there; then nothing is. */
    set_mtu_flags(s, 1400, 0);
    got = recv(l, buf, sizeof buf, MSG_DONTWAIT);
    what = ERR(got);
    printf("at_once=%s type=%u\n", what, ((struct nlmsghdr *)buf)->nlmsg_type);
    drain(l);
    got = recv(l, buf, sizeof buf, MSG_DONTWAIT);
    printf("then_empty=%s\n", ERR(got));
    set_mtu_flags(s, 1500, 0);
    got = recv(l, buf, sizeof buf, MSG_DONTWAIT);
    what = ERR(got);
    printf("again_at_once=%s\n", what);
    drain(l);

    /* Options set without a trap (the library sends them in order with the requests). */
    int o = 65536;
    printf("set_rcvbuf=%s\n", ERR(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &o, sizeof o)));
    socklen_t ol = sizeof o;
    getsockopt(s, SOL_SOCKET, SO_RCVBUF, &o, &ol);
    printf("rcvbuf=%d\n", o);
    o = 1;
    printf("set_cap_ack=%s\n", ERR(setsockopt(s, SOL_NETLINK, NETLINK_CAP_ACK, &o, sizeof o)));
    printf("set_short=%s\n", ERR(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &o, 2)));
    printf("set_bad_val=%s\n", ERR(setsockopt(s, SOL_NETLINK, NETLINK_EXT_ACK, BAD, sizeof o)));
    set_mtu(s, 1500);
    got = recv(s, buf, sizeof buf, 0);
    printf("capped_ack=%d error=%d\n", got, ((struct nlmsgerr *)NLMSG_DATA((struct nlmsghdr *)buf))->error);
    o = -1, ol = sizeof o;
    getsockopt(s, SOL_NETLINK, NETLINK_CAP_ACK, &o, &ol);
    printf("cap_ack=%d\n", o);
    o = 0;
    setsockopt(s, SOL_NETLINK, NETLINK_CAP_ACK, &o, sizeof o);
    drain(l);
    drain(s);

    /* Options answered without the engine. */
    int v = -1;
    socklen_t vl = sizeof v;
    got = getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vl);
    printf("so_type=%s %d %u\n", ERR(got), v, vl);
    v = -1, vl = sizeof v;
    got = getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &vl);
    printf("so_domain=%s %d %u\n", ERR(got), v, vl);
    v = -1, vl = sizeof v;
    got = getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &vl);
    printf("so_protocol=%s %d %u\n", ERR(got), v, vl);
    v = -1, vl = 2;
    got = getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vl);
    printf("so_type_short=%s %d %u\n", ERR(got), v, vl);
    vl = (socklen_t)-1;
    printf("so_type_negative=%s\n", ERR(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vl)));
    printf("so_type_bad_len=%s\n", ERR(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, BAD)));
    vl = sizeof v;
    printf("so_type_bad_val=%s\n", ERR(getsockopt(s, SOL_SOCKET, SO_TYPE, BAD, &vl)));
    int d = dup(s);
    v = -1, vl = sizeof v;
    got = getsockopt(d, SOL_SOCKET, SO_TYPE, &v, &vl);
    printf("dup_so_type=%s %d\n", ERR(got), v);
    int g = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
    v = -1, vl = sizeof v;
    got = getsockopt(g, SOL_SOCKET, SO_TYPE, &v, &vl);
    printf("dgram_so_type=%s %d\n", ERR(got), v);
    close(g);
    /* A closed number reused by something else is no longer a netlink socket. */
    int p[2];
    if (pipe(p) == 0 && dup2(p[0], g) == g) {
        printf("reused=%s\n", ERR(getsockopt(g, SOL_SOCKET, SO_TYPE, &v, &vl)));
    }
    /* Closed and reused behind libc's back (raw system calls): a unix socket now. */
    int t = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    int u[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, u);
    syscall(SYS_close_range, t, t, 0);
    syscall(SYS_dup3, u[0], t, 0);
    send(u[1], "hi", 2, 0);
    alen = sizeof addr;
    got = recvfrom(t, buf, sizeof buf, 0, (struct sockaddr *)addr, &alen);
    v = -1, vl = sizeof v;
    getsockopt(t, SOL_SOCKET, SO_TYPE, &v, &vl);
    printf("behind_libc=%d alen=%u type=%d\n", got, alen, v);
    /* The same without an address: a plain receive, then one that finds nothing. */
    send(u[1], "hey", 3, 0);
    got = recv(t, buf, sizeof buf, 0);
    int then = recv(t, buf, sizeof buf, MSG_DONTWAIT);
    printf("behind_libc_recv=%d then=%s\n", got, ERR(then));
    /* getsockname, which the library answers from the server's status page. */
    int n = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    show_name("name_unbound", n, sizeof(struct sockaddr_nl));
    struct sockaddr_nl gb = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR};
    printf("name_bind=%s\n", ERR(bind(n, (struct sockaddr *)&gb, sizeof gb)));
    show_name("name_bound", n, sizeof(struct sockaddr_nl));
    int grp = RTNLGRP_IPV6_IFADDR;
    printf("name_join=%s\n", ERR(setsockopt(n, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof grp)));
    show_name("name_joined", n, sizeof(struct sockaddr_nl));
    grp = RTNLGRP_LINK;
    printf("name_leave=%s\n", ERR(setsockopt(n, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &grp, sizeof grp)));
    show_name("name_left", n, sizeof(struct sockaddr_nl));
    show_name("name_short", n, 6);
    show_name("name_zero", n, 0);
    show_name("name_negative", n, (socklen_t)-1);
    socklen_t gl = sizeof(struct sockaddr_nl);
    printf("name_bad_addr=%s\n", ERR(getsockname(n, BAD, &gl)));
    printf("name_bad_len=%s\n", ERR(getsockname(n, (struct sockaddr *)&gb, BAD)));
    /* A send binds an unbound socket at once on Linux; asked before any answer is read. */
    int h = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    show_name("name_fresh", h, sizeof(struct sockaddr_nl));
    set_mtu(h, 1500);
    show_name("name_after_send", h, sizeof(struct sockaddr_nl));
    drain(h);
    show_name("name_after_answer", h, sizeof(struct sockaddr_nl));
    close(n);
    close(h);
    /* socket() itself, which the library makes without a descriptor installed for it: its
     * flags, the type and protocol checks, and a socket that works. */
    static const struct { const char *what; int type, protocol; } kinds[] = {
        {"raw", SOCK_RAW, NETLINK_ROUTE},
        {"dgram", SOCK_DGRAM, NETLINK_ROUTE},
        {"cloexec", SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE},
        {"nonblock", SOCK_RAW | SOCK_NONBLOCK, NETLINK_ROUTE},
        {"both", SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE},
        {"odd_flag", SOCK_RAW | 0x40000000, NETLINK_ROUTE},
        {"stream", SOCK_STREAM, NETLINK_ROUTE},
        {"seqpacket", SOCK_SEQPACKET, NETLINK_ROUTE},
        {"protocol", SOCK_RAW, 99},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        int f = socket(AF_NETLINK, kinds[k].type, kinds[k].protocol);
        if (f < 0) {
            printf("socket_%s=%s\n", kinds[k].what, strerrorname_np(errno));
            continue;
        }
        int ty = -1, proto = -1;
        socklen_t tl = sizeof ty, pl = sizeof proto;
        getsockopt(f, SOL_SOCKET, SO_TYPE, &ty, &tl);
        getsockopt(f, SOL_SOCKET, SO_PROTOCOL, &proto, &pl);
        int cloexec = (fcntl(f, F_GETFD) & FD_CLOEXEC) != 0;
        int nonblock = (fcntl(f, F_GETFL) & O_NONBLOCK) != 0;
        set_mtu(f, 1500);
        wait_readable(f);
        int r = recv(f, buf, sizeof buf, 0);
        int ack = r > 0 ? ((struct nlmsghdr *)buf)->nlmsg_type : -errno;
        int closed = close(f);
        printf("socket_%s=ok cloexec=%d nonblock=%d type=%d protocol=%d ack=%d close=%s\n",
               kinds[k].what, cloexec, nonblock, ty, proto, ack, ERR(closed));
    }
    groups_and_pktinfo(s);
    return 0;
}
