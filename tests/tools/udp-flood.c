// SPDX-License-Identifier: GPL-2.0
/*
 * udp-flood DEV ADDR COUNT: sends COUNT UDP datagrams (18 bytes of payload)
 * to ADDR port 9 out of DEV, as fast as the socket takes them, and prints
 * "PPS SENT ERRORS": the rate of accepted datagrams by the guest's clock,
 * how many were accepted, how many sendto() refused. A packet source for
 * devices pktgen cannot drive (pktgen builds Ethernet frames).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct timespec t0, t1;
	char payload[18] = { 0 };
	long count, i, errors = 0;
	double seconds;
	int fd;

	if (argc != 4 || inet_pton(AF_INET, argv[2], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: udp-flood DEV ADDR COUNT\n");
		return 2;
	}
	count = atol(argv[3]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, argv[1],
				 strlen(argv[1]) + 1) < 0) {
		perror("udp-flood");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++)
		if (sendto(fd, payload, sizeof(payload), 0,
			   (struct sockaddr *)&to, sizeof(to)) < 0)
			errors++;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%.0f %ld %ld\n", (count - errors) / seconds, count - errors, errors);
	return 0;
}
