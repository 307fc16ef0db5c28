/* Interface ioctls and the glibc calls built on them, about the interfaces of the
 * namespace the program runs in. Prints one line per check. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int ask(int fd, unsigned long req, const char *name, struct ifreq *ifr) {
    memset(ifr, 0, sizeof *ifr);
    strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
    return ioctl(fd, req, ifr);
}

int main(int argc, char **argv) {
    const char *dev = argc > 1 ? argv[1] : "d0";
    unsigned idx = if_nametoindex(dev);
    char name[IF_NAMESIZE] = "";
    printf("if_nametoindex=%u\n", idx);
    printf("if_indextoname=%s\n", if_indextoname(idx, name) ? name : strerror(errno));
    unsigned missing = if_nametoindex("missing0");
    printf("missing=%u %s\n", missing, strerror(errno));

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    if (ask(fd, SIOCGIFMTU, dev, &ifr) == 0)
        printf("mtu=%d\n", ifr.ifr_mtu);
    ask(fd, SIOCGIFMTU, dev, &ifr);
    ifr.ifr_mtu = 1400;
    printf("set_mtu=%s\n", ioctl(fd, SIOCSIFMTU, &ifr) == 0 ? "ok" : strerror(errno));
    if (ask(fd, SIOCGIFMTU, dev, &ifr) == 0)
        printf("mtu=%d\n", ifr.ifr_mtu);
    if (ask(fd, SIOCGIFADDR, dev, &ifr) == 0)
        printf("addr=%s\n", inet_ntoa(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr));
    else
        printf("addr=%s\n", strerror(errno));
    if (ask(fd, SIOCGIFFLAGS, dev, &ifr) == 0)
        printf("up=%d\n", !!(ifr.ifr_flags & IFF_UP));
    /* Not emulated: must not reach the host's interfaces. */
    ask(fd, SIOCGIFADDR, dev, &ifr);
    printf("set_addr=%s\n", ioctl(fd, SIOCSIFADDR, &ifr) == 0 ? "ok" : strerror(errno));
    close(fd);
    return 0;
}
