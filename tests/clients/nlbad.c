/* Bad arguments to netlink socket calls: every line must read the same natively (real
 * kernel) and under `nlroute exec`. Nothing here depends on the network state. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BAD ((void *)8)
#define SHOW(name, call) printf("%s=%s\n", name, (call) >= 0 ? "ok" : strerrorname_np(errno))

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
    socklen_t l = sizeof sa;
    int v = 1;
    char buf[64];
    SHOW("bind_bad_addr", bind(fd, BAD, sizeof sa));
    SHOW("connect_bad_addr", connect(fd, BAD, sizeof sa));
    SHOW("getsockname_bad_len", getsockname(fd, (struct sockaddr *)&sa, BAD));
    SHOW("getpeername_bad_addr", getpeername(fd, BAD, &l));
    SHOW("setsockopt_bad_val", setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, BAD, sizeof v));
    SHOW("setsockopt_short", setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, 1));
    SHOW("getsockopt_bad_len", getsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, BAD));
    l = 1;
    SHOW("getsockopt_short", getsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, &l));
    SHOW("recvmsg_bad_msghdr", recvmsg(fd, BAD, MSG_DONTWAIT));
    SHOW("recvmmsg_bad_vec", recvmmsg(fd, BAD, 1, MSG_DONTWAIT, NULL));
    SHOW("recv_oob", recv(fd, buf, sizeof buf, MSG_OOB | MSG_DONTWAIT));
    SHOW("connect_unspec", connect(fd, (struct sockaddr *)&(struct sockaddr){.sa_family = AF_UNSPEC}, sizeof(struct sockaddr)));
    SHOW("socket_bad_flags", socket(AF_NETLINK, SOCK_RAW | 0x100000, NETLINK_ROUTE));
    SHOW("socket_stream", socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE));
    return 0;
}
