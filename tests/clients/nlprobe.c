/* Probes the netlink socket semantics `nlroute exec` emulates, printing "name=value" lines
 * that the Rust tests compare with what Linux does. Built both dynamically and with -static. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static int dump_links(int fd, unsigned seq) {
    struct {
        struct nlmsghdr h;
        struct ifinfomsg i;
    } req = {0};
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = RTM_GETLINK;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = seq;
    req.i.ifi_family = AF_UNSPEC;
    return send(fd, &req, sizeof req, 0) == (ssize_t)sizeof req ? 0 : -1;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    printf("socket_ok=%d\n", fd >= 0);
    printf("cloexec=%d\n", (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);

    int v = 0;
    socklen_t l = sizeof v;
    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l);
    printf("so_domain=%d\n", v);
    l = sizeof v;
    getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l);
    printf("so_type=%d\n", v);
    l = sizeof v;
    getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l);
    printf("so_protocol=%d\n", v);

    struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
    printf("bind_short=%s\n", bind(fd, (struct sockaddr *)&sa, 4) == 0 ? "ok" : strerror(errno));
    struct sockaddr_in6 wrong = {.sin6_family = AF_INET6};
    printf("bind_wrong_family=%s\n",
           bind(fd, (struct sockaddr *)&wrong, sizeof wrong) == 0 ? "ok" : strerror(errno));
    printf("bind=%s\n", bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 ? "ok" : strerror(errno));
    struct sockaddr_nl got = {0};
    l = sizeof got;
    getsockname(fd, (struct sockaddr *)&got, &l);
    printf("port_is_pid=%d\n", got.nl_pid == (unsigned)getpid());
    printf("sockname_len=%u\n", l);
    printf("getsockname_efault=%s\n",
           getsockname(fd, (struct sockaddr *)8, &l) == 0 ? "ok" : strerror(errno));

    int fd2 = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
    struct sockaddr_nl sa2 = {.nl_family = AF_NETLINK};
    bind(fd2, (struct sockaddr *)&sa2, sizeof sa2);
    l = sizeof sa2;
    getsockname(fd2, (struct sockaddr *)&sa2, &l);
    printf("second_port_distinct=%d\n", sa2.nl_pid != 0 && sa2.nl_pid != got.nl_pid);
    printf("cloexec2=%d\n", (fcntl(fd2, F_GETFD) & FD_CLOEXEC) != 0);

    v = 1;
    printf("ext_ack=%s\n",
           setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, sizeof v) == 0 ? "ok" : strerror(errno));

    char buf[65536];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    printf("empty_dontwait=%s\n", n >= 0 ? "data" : strerror(errno));

    dump_links(fd, 42);
    /* The iproute2 idiom: size the next datagram with a zero-length peek. */
    struct iovec iov = {NULL, 0};
    struct sockaddr_nl from = {0};
    struct msghdr m = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1};
    ssize_t full = recvmsg(fd, &m, MSG_PEEK | MSG_TRUNC);
    printf("peek_trunc_positive=%d\n", full > 0);
    printf("peek_flags_trunc=%d\n", (m.msg_flags & MSG_TRUNC) != 0);
    socklen_t fl = sizeof from;
    memset(&from, 0xff, sizeof from);
    n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
    printf("recv_matches_peek=%d\n", n == full);
    printf("from_family=%d from_pid=%u fromlen=%u\n", from.nl_family, from.nl_pid, fl);
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    printf("reply_seq=%u\n", n >= 16 ? h->nlmsg_seq : 0);
    /* Read the rest of the dump up to NLMSG_DONE. */
    int done = 0;
    for (int i = 0; i < 100 && !done; i++) {
        for (struct nlmsghdr *x = (struct nlmsghdr *)buf; NLMSG_OK(x, (unsigned)n); x = NLMSG_NEXT(x, n))
            if (x->nlmsg_type == NLMSG_DONE || x->nlmsg_type == NLMSG_ERROR) done = 1;
        if (!done) n = recv(fd, buf, sizeof buf, 0);
    }
    printf("dump_done=%d\n", done);

    /* Truncation: a 4-byte buffer gets 4 bytes and MSG_TRUNC. */
    dump_links(fd, 43);
    char small[4];
    struct iovec iov2 = {small, sizeof small};
    struct msghdr m2 = {.msg_iov = &iov2, .msg_iovlen = 1};
    n = recvmsg(fd, &m2, 0);
    printf("small_recv=%zd small_trunc=%d\n", n, (m2.msg_flags & MSG_TRUNC) != 0);

    dump_links(fd2, 44);
    printf("recv_efault=%s\n", recv(fd2, (void *)8, 100, 0) >= 0 ? "ok" : strerror(errno));

    /* Unrelated sockets are untouched. */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in in = {.sin_family = AF_INET};
    printf("inet_bind=%s\n", bind(u, (struct sockaddr *)&in, sizeof in) == 0 ? "ok" : strerror(errno));
    int g = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
    printf("generic_native=%d\n", g >= 0 && g < 512);
    return 0;
}
