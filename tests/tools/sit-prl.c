// SPDX-License-Identifier: GPL-2.0
/*
 * sit-prl DEV get ADDR N: SIOCGETPRL on DEV asking for ADDR (0.0.0.0: all)
 * with room for N entries; prints "datalen BYTES" and one "ADDR FLAGS" line
 * per entry returned.
 * sit-prl DEV add|chg|del ADDR FLAGS: SIOCADDPRL, SIOCCHGPRL or SIOCDELPRL
 * (`ip tunnel prl` sends no SIOCCHGPRL).
 * Prints the error ("File exists") and exits 1 when the ioctl fails.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tunnel.h>

int main(int argc, char **argv)
{
	struct ip_tunnel_prl prl[9] = {};
	struct ifreq ifr = {};
	unsigned long cmd;
	int fd, n, i;

	if (argc != 5) {
		fprintf(stderr, "usage: sit-prl DEV get|add|chg|del ADDR N|FLAGS\n");
		return 2;
	}
	strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
	ifr.ifr_data = (void *)prl;
	if (inet_pton(AF_INET, argv[3], &prl[0].addr) != 1)
		return 2;
	n = atoi(argv[4]);
	if (!strcmp(argv[2], "get")) {
		cmd = SIOCGETPRL;
		if (n < 0 || n > 8)
			return 2;
		prl[0].datalen = n * sizeof(prl[0]);
	} else {
		cmd = !strcmp(argv[2], "add") ? SIOCADDPRL :
		      !strcmp(argv[2], "chg") ? SIOCCHGPRL : SIOCDELPRL;
		prl[0].flags = n;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || ioctl(fd, cmd, &ifr) < 0) {
		printf("%s\n", strerror(errno));
		return 1;
	}
	if (cmd == SIOCGETPRL) {
		printf("datalen %u\n", prl[0].datalen);
		for (i = 1; i <= (int)(prl[0].datalen / sizeof(prl[0])) && i <= 8; i++) {
			char a[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &prl[i].addr, a, sizeof(a));
			printf("%s %u\n", a, prl[i].flags);
		}
	}
	close(fd);
	return 0;
}
