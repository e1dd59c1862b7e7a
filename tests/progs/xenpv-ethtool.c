// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenpv-ethtool: the few ethtool queries the net scenarios need, for a
 * domU image without ethtool.  Output as ethtool prints it:
 *
 *   xenpv-ethtool -i IFACE    driver:, version:, bus-info:
 *   xenpv-ethtool -S IFACE    "     name: value" per statistic
 *   xenpv-ethtool -l IFACE    channel maxima and current counts
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int fd;
static const char *ifname;

static int query(void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr);
}

static int drvinfo(void)
{
	struct ethtool_drvinfo d = { .cmd = ETHTOOL_GDRVINFO };

	if (query(&d))
		return -1;
	printf("driver: %s\nversion: %s\nbus-info: %s\n", d.driver, d.version,
	       d.bus_info);
	return 0;
}

static int stats(void)
{
	struct {
		struct ethtool_sset_info hdr;
		__u32 len;
	} sset = { .hdr = { .cmd = ETHTOOL_GSSET_INFO,
			    .sset_mask = 1ULL << ETH_SS_STATS } };
	struct ethtool_gstrings *names;
	struct ethtool_stats *vals;
	__u32 n, i;

	if (query(&sset))
		return -1;
	n = sset.hdr.sset_mask ? sset.len : 0;
	names = calloc(1, sizeof(*names) + n * ETH_GSTRING_LEN);
	vals = calloc(1, sizeof(*vals) + n * sizeof(__u64));
	if (!names || !vals)
		return -1;
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_STATS;
	names->len = n;
	vals->cmd = ETHTOOL_GSTATS;
	vals->n_stats = n;
	if (query(names) || query(vals))
		return -1;
	printf("NIC statistics:\n");
	for (i = 0; i < n; i++)
		printf("     %.*s: %llu\n", ETH_GSTRING_LEN,
		       (char *)names->data + i * ETH_GSTRING_LEN,
		       (unsigned long long)vals->data[i]);
	return 0;
}

static int channels(void)
{
	struct ethtool_channels c = { .cmd = ETHTOOL_GCHANNELS };

	if (query(&c))
		return -1;
	printf("Pre-set maximums:\nRX:\t\t%u\nTX:\t\t%u\nOther:\t\t%u\nCombined:\t%u\n",
	       c.max_rx, c.max_tx, c.max_other, c.max_combined);
	printf("Current hardware settings:\nRX:\t\t%u\nTX:\t\t%u\nOther:\t\t%u\nCombined:\t%u\n",
	       c.rx_count, c.tx_count, c.other_count, c.combined_count);
	return 0;
}

int main(int argc, char **argv)
{
	int err;

	if (argc != 3 || argv[1][0] != '-' || strlen(argv[1]) != 2) {
		fprintf(stderr, "usage: %s -i|-S|-l IFACE\n", argv[0]);
		return 2;
	}
	ifname = argv[2];
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	switch (argv[1][1]) {
	case 'i':
		err = drvinfo();
		break;
	case 'S':
		err = stats();
		break;
	case 'l':
		err = channels();
		break;
	default:
		fprintf(stderr, "unknown option %s\n", argv[1]);
		return 2;
	}
	if (err) {
		fprintf(stderr, "%s %s: %s\n", argv[1], ifname, strerror(errno));
		return 1;
	}
	return 0;
}
