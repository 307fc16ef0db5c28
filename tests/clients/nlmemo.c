/* Requests that `nlroute exec`'s preload library may answer from the server's memo (reads
 * and refused requests it has seen answered, see preload/src/status.rs), next to what must
 * make it answer differently: a change in between, a socket option that shapes answers, something
 * already queued, a request still unanswered, a fork, a duplicate descriptor. Every line
 * must read the same in a fresh network namespace (real kernel) and under `nlroute exec`,
 * with and without the library. Changes only lo's MTU and flags.
 *
 * With the arguments `loop N [HOW]` it only reads lo N times by index, sent by sendmsg,
 * sendto or send (HOW 0, 1, 2; all in turn without), for counting traps; with `changes N
 * [HOW]`, it sets lo's MTU N times (1400, 1500, ...) and reads each acknowledgement; with
 * `options N`, it sets NETLINK_EXT_ACK and SO_RCVBUF, then reads both back N times. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct req {
    struct nlmsghdr n;
    struct ifinfomsg i;
    char attrs[64];
};

static unsigned seq = 100;
static char buf[65536];

static int open_bound(unsigned groups) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    struct sockaddr_nl a = {.nl_family = AF_NETLINK, .nl_groups = groups};
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        printf("setup=%s\n", strerrorname_np(errno));
        exit(1);
    }
    return fd;
}

static unsigned port_of(int fd) {
    struct sockaddr_nl a;
    socklen_t l = sizeof a;
    return getsockname(fd, (struct sockaddr *)&a, &l) == 0 ? a.nl_pid : 0;
}

/* RTM_GETLINK by index, or by name when `name` is set. */
static struct req getlink(int index, const char *name) {
    struct req r;
    memset(&r, 0, sizeof r);
    r.n.nlmsg_type = RTM_GETLINK;
    r.n.nlmsg_flags = NLM_F_REQUEST;
    r.n.nlmsg_seq = ++seq;
    r.i.ifi_index = index;
    r.n.nlmsg_len = NLMSG_LENGTH(sizeof r.i);
    if (name) {
        struct rtattr *a = (struct rtattr *)((char *)&r + r.n.nlmsg_len);
        a->rta_type = IFLA_IFNAME;
        a->rta_len = RTA_LENGTH(strlen(name) + 1);
        strcpy(RTA_DATA(a), name);
        r.n.nlmsg_len += RTA_ALIGN(a->rta_len);
    }
    return r;
}

/* Sends `r` (by sendmsg, sendto or send, by `how`) and receives one datagram. */
static int talk(int fd, struct req *r, int how) {
    struct sockaddr_nl k = {.nl_family = AF_NETLINK};
    int sent;
    if (how == 0) {
        struct iovec iov = {r, r->n.nlmsg_len};
        struct msghdr m = {.msg_name = &k, .msg_namelen = sizeof k, .msg_iov = &iov, .msg_iovlen = 1};
        sent = sendmsg(fd, &m, 0);
    } else if (how == 1) {
        sent = sendto(fd, r, r->n.nlmsg_len, 0, (struct sockaddr *)&k, sizeof k);
    } else {
        sent = send(fd, r, r->n.nlmsg_len, 0);
    }
    if (sent != (int)r->n.nlmsg_len)
        return -1;
    return recv(fd, buf, sizeof buf, 0);
}

/* One line about an answer: type, whether sequence number and port id are the request's
 * and the socket's, the error (and the sequence number it echoes), the MTU of a link. */
static void show(const char *what, int fd, const struct req *r, int got) {
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    if (got < (int)sizeof *h) {
        printf("%s: got=%d\n", what, got);
        return;
    }
    printf("%s: type=%u len_ok=%d seq_ok=%d pid_ok=%d", what, h->nlmsg_type, (int)h->nlmsg_len == got,
           h->nlmsg_seq == r->n.nlmsg_seq, h->nlmsg_pid == port_of(fd));
    if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(h);
        printf(" error=%d echo_seq_ok=%d len=%u", e->error, e->msg.nlmsg_seq == r->n.nlmsg_seq,
               h->nlmsg_len);
    } else if (h->nlmsg_type == RTM_NEWLINK) {
        struct ifinfomsg *i = NLMSG_DATA(h);
        int left = h->nlmsg_len - NLMSG_LENGTH(sizeof *i);
        for (struct rtattr *a = IFLA_RTA(i); RTA_OK(a, left); a = RTA_NEXT(a, left))
            if (a->rta_type == IFLA_MTU)
                printf(" index=%d flags=%#x mtu=%u", i->ifi_index, i->ifi_flags, *(unsigned *)RTA_DATA(a));
    }
    printf("\n");
}

static void get_show(const char *what, int fd, int index, const char *name, int how) {
    struct req r = getlink(index, name);
    show(what, fd, &r, talk(fd, &r, how));
}

static struct req setlink_lo(unsigned mtu, unsigned up) {
    struct req r;
    memset(&r, 0, sizeof r);
    r.n.nlmsg_type = RTM_NEWLINK;
    r.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    r.n.nlmsg_seq = ++seq;
    r.i.ifi_index = 1;
    r.i.ifi_flags = up;
    r.i.ifi_change = IFF_UP;
    r.n.nlmsg_len = NLMSG_LENGTH(sizeof r.i);
    struct rtattr *a = (struct rtattr *)((char *)&r + r.n.nlmsg_len);
    a->rta_type = IFLA_MTU;
    a->rta_len = RTA_LENGTH(4);
    memcpy(RTA_DATA(a), &mtu, 4);
    r.n.nlmsg_len += a->rta_len;
    return r;
}

static void set_lo(int fd, unsigned mtu, unsigned up) {
    struct req r = setlink_lo(mtu, up);
    int got = talk(fd, &r, 2);
    printf("set mtu %u up %u: error=%d\n", mtu, up,
           got > 0 ? ((struct nlmsgerr *)NLMSG_DATA((struct nlmsghdr *)buf))->error : -1);
}

/* RTM_NEWLINK of veth m0 (peer m1) with NLM_F_CREATE | NLM_F_EXCL, or RTM_DELLINK of
 * m0; the ACK's error. */
static int veth_m0(int fd, int create) {
    struct req r;
    memset(&r, 0, sizeof r);
    r.n.nlmsg_type = create ? RTM_NEWLINK : RTM_DELLINK;
    r.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (create ? NLM_F_CREATE | NLM_F_EXCL : 0);
    r.n.nlmsg_seq = ++seq;
    r.n.nlmsg_len = NLMSG_LENGTH(sizeof r.i);
    char *at = (char *)&r + r.n.nlmsg_len;
    struct rtattr *name = (struct rtattr *)at;
    name->rta_type = IFLA_IFNAME;
    name->rta_len = RTA_LENGTH(3);
    strcpy(RTA_DATA(name), "m0");
    at += RTA_ALIGN(name->rta_len);
    if (create) {
        struct rtattr *info = (struct rtattr *)at;
        info->rta_type = IFLA_LINKINFO;
        struct rtattr *kind = RTA_DATA(info);
        kind->rta_type = IFLA_INFO_KIND;
        kind->rta_len = RTA_LENGTH(5);
        strcpy(RTA_DATA(kind), "veth");
        struct rtattr *data = (struct rtattr *)((char *)kind + RTA_ALIGN(kind->rta_len));
        data->rta_type = IFLA_INFO_DATA;
        struct rtattr *peer = RTA_DATA(data);
        peer->rta_type = 1; /* VETH_INFO_PEER */
        struct ifinfomsg *pi = RTA_DATA(peer);
        memset(pi, 0, sizeof *pi);
        struct rtattr *pname = (struct rtattr *)((char *)pi + sizeof *pi);
        pname->rta_type = IFLA_IFNAME;
        pname->rta_len = RTA_LENGTH(3);
        strcpy(RTA_DATA(pname), "m1");
        peer->rta_len = RTA_LENGTH(sizeof *pi + RTA_ALIGN(pname->rta_len));
        data->rta_len = RTA_LENGTH(peer->rta_len);
        info->rta_len = RTA_LENGTH(RTA_ALIGN(kind->rta_len) + data->rta_len);
        at += RTA_ALIGN(info->rta_len);
    }
    r.n.nlmsg_len = at - (char *)&r;
    int got = talk(fd, &r, 2);
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    if (got < 36 || h->nlmsg_type != NLMSG_ERROR)
        return 1;
    struct nlmsgerr *e = NLMSG_DATA(h);
    return e->msg.nlmsg_seq == r.n.nlmsg_seq && h->nlmsg_seq == r.n.nlmsg_seq ? e->error : 2;
}

/* iproute2's probe for RTM_NEWLINK: no index, no name, an ACK asked. */
static void newlink_probe(int fd, const char *what) {
    struct req r;
    memset(&r, 0, sizeof r);
    r.n.nlmsg_type = RTM_NEWLINK;
    r.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    r.n.nlmsg_seq = ++seq;
    r.n.nlmsg_len = NLMSG_LENGTH(sizeof r.i);
    show(what, fd, &r, talk(fd, &r, 0));
}

static void set_flag(int fd, int name, int on) {
    if (setsockopt(fd, SOL_NETLINK, name, &on, sizeof on) < 0)
        printf("setsockopt %d=%s\n", name, strerrorname_np(errno));
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "loop") == 0) {
        int fd = open_bound(0);
        int n = atoi(argv[2]), ok = 0;
        for (int k = 0; k < n; k++) {
            struct req r = getlink(1, NULL);
            if (talk(fd, &r, argc > 3 ? atoi(argv[3]) : k % 3) > 0 && ((struct nlmsghdr *)buf)->nlmsg_seq == r.n.nlmsg_seq)
                ok++;
        }
        printf("answered=%d of %d\n", ok, n);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "changes") == 0) {
        int fd = open_bound(0);
        int n = atoi(argv[2]), ok = 0;
        for (int k = 0; k < n; k++) {
            struct req r = setlink_lo(k % 2 ? 1500 : 1400, 0);
            if (talk(fd, &r, argc > 3 ? atoi(argv[3]) : k % 3) > 0 && ((struct nlmsghdr *)buf)->nlmsg_seq == r.n.nlmsg_seq &&
                ((struct nlmsgerr *)NLMSG_DATA((struct nlmsghdr *)buf))->error == 0)
                ok++;
        }
        printf("acknowledged=%d of %d\n", ok, n);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "options") == 0) {
        int fd = open_bound(0);
        int n = atoi(argv[2]), ok = 0, on = 1, size = 100000;
        set_flag(fd, NETLINK_EXT_ACK, 1);
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        for (int k = 0; k < n; k++) {
            int ext_ack = -1, rcvbuf = -1;
            socklen_t l1 = sizeof ext_ack, l2 = sizeof rcvbuf;
            if (getsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &ext_ack, &l1) == 0 &&
                getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &l2) == 0 && ext_ack == on &&
                rcvbuf == 2 * size && l1 == 4 && l2 == 4)
                ok++;
        }
        printf("options=%d of %d\n", ok, n);
        return 0;
    }
    int fd = open_bound(0);
    /* The same read again and again, by each way of sending. */
    for (int how = 0; how < 3; how++) {
        get_show("lo by index", fd, 1, NULL, how);
        get_show("lo by name", fd, 0, "lo", how);
    }
    /* An error answer, twice: the echoed request carries the new sequence number. */
    get_show("missing", fd, 0, "nosuchlink", 0);
    get_show("missing again", fd, 0, "nosuchlink", 0);
    /* Requests refused before they do anything answer the same until something changes:
     * iproute2's probe, a device that exists, then does not, then does again. */
    newlink_probe(fd, "newlink probe");
    newlink_probe(fd, "newlink probe again");
    printf("create m0: %d\n", veth_m0(fd, 1));
    printf("create m0 again: %d\n", veth_m0(fd, 1));
    printf("create m0 once more: %d\n", veth_m0(fd, 1));
    printf("delete m0: %d\n", veth_m0(fd, 0));
    printf("delete m0 again: %d\n", veth_m0(fd, 0));
    printf("delete m0 once more: %d\n", veth_m0(fd, 0));
    printf("create m0 after the delete: %d\n", veth_m0(fd, 1));
    printf("create m0 after that: %d\n", veth_m0(fd, 1));
    printf("delete m0 at last: %d\n", veth_m0(fd, 0));
    /* A change in between: the next read sees it. */
    set_lo(fd, 1500, 0);
    get_show("after mtu 1500", fd, 1, NULL, 0);
    get_show("after mtu 1500 again", fd, 1, NULL, 0);
    set_lo(fd, 65536, 1);
    get_show("after mtu 65536 and up", fd, 1, NULL, 0);
    /* A change by another socket, then a read on this one. */
    int other = open_bound(0);
    set_lo(other, 9000, 1);
    get_show("after another socket's change", fd, 1, NULL, 0);
    /* Options that shape answers: strict checking, extended and capped ACKs. */
    struct req bad = getlink(1, NULL);
    bad.i.ifi_change = 1;
    show("bad header", fd, &bad, talk(fd, &bad, 0));
    set_flag(fd, NETLINK_GET_STRICT_CHK, 1);
    bad.n.nlmsg_seq = ++seq;
    show("bad header strict", fd, &bad, talk(fd, &bad, 0));
    set_flag(fd, NETLINK_EXT_ACK, 1);
    bad.n.nlmsg_seq = ++seq;
    show("bad header strict ext_ack", fd, &bad, talk(fd, &bad, 0));
    set_flag(fd, NETLINK_CAP_ACK, 1);
    bad.n.nlmsg_seq = ++seq;
    show("bad header strict ext_ack cap_ack", fd, &bad, talk(fd, &bad, 0));
    set_flag(fd, NETLINK_GET_STRICT_CHK, 0);
    set_flag(fd, NETLINK_EXT_ACK, 0);
    set_flag(fd, NETLINK_CAP_ACK, 0);
    /* Something already queued comes first: a notification on a listener. */
    int listener = open_bound(RTMGRP_LINK);
    get_show("listener reads lo", listener, 1, NULL, 0);
    set_lo(other, 1500, 1);
    struct req r = getlink(1, NULL);
    int got = talk(listener, &r, 0);
    printf("listener first: type=%u seq=%u\n", got > 0 ? ((struct nlmsghdr *)buf)->nlmsg_type : 0,
           got > 0 ? ((struct nlmsghdr *)buf)->nlmsg_seq : 0);
    got = recv(listener, buf, sizeof buf, 0);
    show("listener then", listener, &r, got);
    /* Two reads sent before either is received: answers in order. */
    struct req a = getlink(1, NULL), b = getlink(0, "lo");
    send(fd, &a, a.n.nlmsg_len, 0);
    send(fd, &b, b.n.nlmsg_len, 0);
    show("pipelined first", fd, &a, recv(fd, buf, sizeof buf, 0));
    show("pipelined second", fd, &b, recv(fd, buf, sizeof buf, 0));
    /* A duplicate descriptor reads on the same socket. */
    int d = dup(fd);
    get_show("dup", d, 1, NULL, 2);
    close(d);
    get_show("original after dup closed", fd, 1, NULL, 2);
    /* A child reads on the inherited socket, and on one of its own. */
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        get_show("child inherited", fd, 1, NULL, 0);
        int own = open_bound(0);
        get_show("child own", own, 1, NULL, 1);
        get_show("child own again", own, 1, NULL, 1);
        fflush(stdout);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    get_show("parent after child", fd, 1, NULL, 0);
    /* An unbound socket: the read binds it. */
    int unbound = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    get_show("unbound", unbound, 1, NULL, 2);
    get_show("unbound again", unbound, 1, NULL, 2);
    set_lo(fd, 65536, 0);
    return 0;
}
