// SPDX-License-Identifier: GPL-2.0-only
/*
 * blkioctl DEV: the CD-ROM and geometry ioctls a vbd answers, for the
 * blk-cdrom scenario (the domU image has no tool that asks them).
 * Opens DEV read-only, non-blocking, and prints one line per query:
 *
 *   size <512-byte sectors>                   BLKGETSIZE64 / 512
 *   cdcap <rc> <errno name>                   CDROM_GET_CAPABILITY
 *   multisession <rc> <errno name> <hex>      CDROMMULTISESSION into a
 *                                             buffer filled with 0xff
 *                                             first: the bytes after
 *   multisession-fault <rc> <errno name>      CDROMMULTISESSION to an
 *                                             unmapped address
 *   geo <rc> <errno name> heads <h> sectors <s> cylinders <c> start <n>
 *                                             HDIO_GETGEO
 *   other <rc> <errno name>                   CDROMEJECT, an ioctl no
 *                                             vbd driver implements
 *
 * <errno name> is "-" when rc is 0.  Exit status 0 when DEV could be
 * opened, 2 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/cdrom.h>
#include <linux/fs.h>
#include <linux/hdreg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *ename(int rc, int err)
{
	if (rc == 0)
		return "-";
	switch (err) {
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case EFAULT: return "EFAULT";
	case EIO: return "EIO";
	case ENOSYS: return "ENOSYS";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	default: return "other";
	}
}

int main(int argc, char **argv)
{
	unsigned char ms[sizeof(struct cdrom_multisession)];
	struct hd_geometry geo;
	uint64_t bytes = 0;
	void *hole;
	size_t i;
	int fd, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DEVICE\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_NONBLOCK);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}

	rc = ioctl(fd, BLKGETSIZE64, &bytes);
	printf("size %llu\n", rc ? 0ULL : (unsigned long long)(bytes / 512));

	rc = ioctl(fd, CDROM_GET_CAPABILITY, 0);
	printf("cdcap %d %s\n", rc, ename(rc, errno));

	memset(ms, 0xff, sizeof(ms));
	rc = ioctl(fd, CDROMMULTISESSION, ms);
	printf("multisession %d %s ", rc, ename(rc, errno));
	for (i = 0; i < sizeof(ms); i++)
		printf("%02x", ms[i]);
	printf("\n");

	/* A page that is mapped, then unmapped: nothing lives there. */
	hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole != MAP_FAILED) {
		munmap(hole, 4096);
		rc = ioctl(fd, CDROMMULTISESSION, hole);
		printf("multisession-fault %d %s\n", rc, ename(rc, errno));
	}

	memset(&geo, 0, sizeof(geo));
	rc = ioctl(fd, HDIO_GETGEO, &geo);
	printf("geo %d %s heads %u sectors %u cylinders %u start %lu\n", rc,
	       ename(rc, errno), geo.heads, geo.sectors, geo.cylinders,
	       geo.start);

	rc = ioctl(fd, CDROMEJECT, 0);
	printf("other %d %s\n", rc, ename(rc, errno));
	close(fd);
	return 0;
}
