/* Lists getifaddrs() as "name family [address]" lines: glibc asks netlink internally. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

int main(void) {
    struct ifaddrs *list;
    if (getifaddrs(&list) != 0) {
        perror("getifaddrs");
        return 1;
    }
    for (struct ifaddrs *i = list; i; i = i->ifa_next) {
        char buf[INET6_ADDRSTRLEN] = "";
        if (!i->ifa_addr) {
            printf("%s none\n", i->ifa_name);
        } else if (i->ifa_addr->sa_family == AF_PACKET) {
            printf("%s packet\n", i->ifa_name);
        } else if (i->ifa_addr->sa_family == AF_INET) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf, sizeof buf);
            printf("%s inet %s\n", i->ifa_name, buf);
        } else if (i->ifa_addr->sa_family == AF_INET6) {
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, buf, sizeof buf);
            printf("%s inet6 %s\n", i->ifa_name, buf);
        }
    }
    freeifaddrs(list);
    return 0;
}
