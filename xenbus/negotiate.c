// SPDX-License-Identifier: GPL-2.0-only
/*
 * Feature negotiation: bounded reads of the peer's keys, publishing our
 * keys in one transaction, and the multi-queue directory layout.
 *
 * Reads never switch state: they log (ratelimited), keep the last error
 * and return an errno for the driver to act on.  Publishing is part of
 * connecting, so its failure is fatal (xenpv_dev_fatal()).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

/* How often xenpv_publish() retries a transaction that raced (-EAGAIN). */
#define XENPV_PUBLISH_TRIES	100

static const char *xenpv_dir(struct xenpv_dev *xd, const char *dir, bool peer)
{
	if (dir)
		return dir;
	return peer ? xd->xbdev->otherend : xd->xbdev->nodename;
}

/* Parse a decimal value into [@min, @max]; see xenpv_parse_u32(). */
static int xenpv_parse_num(const char *str, u64 def, u64 min, u64 max,
			   u64 *val)
{
	u64 v;
	int err;

	*val = def;
	if (min > max)
		return -EINVAL;
	if (!str || !*str)
		return 0;

	err = kstrtou64(str, 10, &v);
	if (err == -ERANGE) {
		*val = max;
		return -ERANGE;
	}
	if (err)
		return -EINVAL;
	if (v < min) {
		*val = min;
		return -ERANGE;
	}
	if (v > max) {
		*val = max;
		return -ERANGE;
	}
	*val = v;
	return 0;
}

/**
 * xenpv_parse_u32() - parse a decimal xenstore value into a bounded u32.
 * @str: the value; NULL or "" means absent.
 * @def: value to use when absent or malformed.
 * @min: lowest acceptable value.
 * @max: highest acceptable value.
 * @val: result, always written.
 *
 * Pure.  A value outside [@min, @max] (also one too big for a u32) is
 * clamped to the nearer bound.
 *
 * Return: 0 (in range, or absent: @def), -ERANGE (clamped),
 * -EINVAL (malformed: @def, or @min > @max).
 */
int xenpv_parse_u32(const char *str, u32 def, u32 min, u32 max, u32 *val)
{
	u64 v;
	int err = xenpv_parse_num(str, def, min, max, &v);

	*val = v;
	return err;
}
EXPORT_SYMBOL_GPL(xenpv_parse_u32);

/* Read and parse one key; see xenpv_read_u32(). */
static int xenpv_read_num(struct xenpv_dev *xd, const char *dir,
			  const char *key, u64 def, u64 min, u64 max, u64 *val)
{
	char *str;
	int err;

	dir = xenpv_dir(xd, dir, true);
	str = xenbus_read(XBT_NIL, dir, key, NULL);
	if (IS_ERR(str)) {
		err = PTR_ERR(str);
		*val = def;
		if (err == -ENOENT)
			return 0;
		xenpv_note_error(xd, err, "xenstore read failed");
		return err;
	}

	err = xenpv_parse_num(str, def, min, max, val);
	if (err == -ERANGE)
		dev_info_ratelimited(&xd->xbdev->dev,
				     "%s/%s = \"%s\" outside [%llu, %llu], using %llu\n",
				     dir, key, str, min, max, *val);
	else if (err)
		dev_warn_ratelimited(&xd->xbdev->dev,
				     "%s/%s = \"%s\" is not a number, using %llu\n",
				     dir, key, str, *val);
	if (err == -EINVAL)
		xenpv_note_error(xd, err, "malformed number in xenstore");
	kfree(str);
	return err;
}

/**
 * xenpv_read_u32() - read an unsigned key with a default and bounds.
 * @xd: the device.
 * @dir: xenstore directory, or NULL for the peer's directory.
 * @key: node name below @dir.
 * @def: value when the key is absent or malformed.
 * @min: lowest acceptable value.
 * @max: highest acceptable value.
 * @val: result, always written.
 *
 * Clamping and malformed values are logged (ratelimited); a malformed
 * value is also kept as the device's last error.
 *
 * Context: process context, may sleep.
 * Return: 0 (value in range, or key absent: @def), -ERANGE (out of
 * bounds: clamped value in @val, usable), -EINVAL (malformed: @def), or
 * another -errno from xenstore (@def).
 */
int xenpv_read_u32(struct xenpv_dev *xd, const char *dir, const char *key,
		   u32 def, u32 min, u32 max, u32 *val)
{
	u64 v;
	int err = xenpv_read_num(xd, dir, key, def, min, max, &v);

	*val = v;
	return err;
}
EXPORT_SYMBOL_GPL(xenpv_read_u32);

/**
 * xenpv_read_u64() - read a 64-bit unsigned key with a default and bounds.
 * @xd: the device.
 * @dir: xenstore directory, or NULL for the peer's directory.
 * @key: node name below @dir.
 * @def: value when the key is absent or malformed.
 * @min: lowest acceptable value.
 * @max: highest acceptable value.
 * @val: result, always written.
 *
 * As xenpv_read_u32(), for values such as a disk's "sectors".
 *
 * Context: process context, may sleep.
 * Return: as xenpv_read_u32().
 */
int xenpv_read_u64(struct xenpv_dev *xd, const char *dir, const char *key,
		   u64 def, u64 min, u64 max, u64 *val)
{
	return xenpv_read_num(xd, dir, key, def, min, max, val);
}
EXPORT_SYMBOL_GPL(xenpv_read_u64);

/**
 * xenpv_read_bool() - read a feature flag.
 * @xd: the device.
 * @dir: xenstore directory, or NULL for the peer's directory.
 * @key: node name, e.g. "feature-flush-cache".
 * @def: value when the key is absent or malformed.
 *
 * Any number other than 0 is true, as in the Linux drivers.
 *
 * Context: process context, may sleep.
 * Return: the flag.
 */
bool xenpv_read_bool(struct xenpv_dev *xd, const char *dir, const char *key,
		     bool def)
{
	u32 v;
	int err;

	err = xenpv_read_u32(xd, dir, key, def, 0, U32_MAX, &v);
	if (err && err != -ERANGE)
		return def;
	return v != 0;
}
EXPORT_SYMBOL_GPL(xenpv_read_bool);

/**
 * xenpv_kv_set() - fill one entry of a table for xenpv_publish().
 * @kv: the entry.
 * @key: node name (not copied: must stay valid until published).
 * @fmt: printf format of the value.
 *
 * Return: 0, or -E2BIG if the value was truncated to
 * XENPV_KV_VAL_LEN - 1 bytes.
 */
int xenpv_kv_set(struct xenpv_kv *kv, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	kv->key = key;
	va_start(ap, fmt);
	n = vsnprintf(kv->val, sizeof(kv->val), fmt, ap);
	va_end(ap);
	return n >= (int)sizeof(kv->val) ? -E2BIG : 0;
}
EXPORT_SYMBOL_GPL(xenpv_kv_set);

static int xenpv_publish_once(struct xenpv_dev *xd, const char *dir,
			      const struct xenpv_kv *kv, unsigned int nr,
			      int (*extra)(struct xenpv_dev *xd,
					   struct xenbus_transaction xbt,
					   void *arg),
			      void *arg, const char **what)
{
	struct xenbus_transaction xbt;
	unsigned int i;
	int err;

	err = xenbus_transaction_start(&xbt);
	if (err) {
		*what = "starting transaction";
		return err;
	}
	for (i = 0; i < nr; i++) {
		err = xenbus_write(xbt, dir, kv[i].key, kv[i].val);
		if (err) {
			*what = kv[i].key;
			goto out_abort;
		}
	}
	if (extra) {
		err = extra(xd, xbt, arg);
		if (err) {
			*what = "driver keys";
			goto out_abort;
		}
	}
	err = xenbus_transaction_end(xbt, 0);
	if (err)
		*what = "ending transaction";
	return err;

out_abort:
	xenbus_transaction_end(xbt, 1);
	return err;
}

/**
 * xenpv_publish() - write a table of our keys in one xenstore transaction.
 * @xd: the device.
 * @dir: directory for the keys, or NULL for our own directory.
 * @kv: the keys, filled with xenpv_kv_set().
 * @nr: number of entries in @kv.
 * @extra: optional; called inside the same transaction to write more
 *	(e.g. xenpv_ring_publish(), xenpv_evtchn_publish()); returns 0 or
 *	-errno and must not report the error itself.  It is called again
 *	if the transaction is retried, so it must only write.
 * @arg: passed to @extra.
 *
 * A transaction that races with another xenstore writer (-EAGAIN) is
 * retried.  Any other failure aborts the transaction, nothing is
 * written, and the error is reported with xenpv_dev_fatal().
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno.
 */
int xenpv_publish(struct xenpv_dev *xd, const char *dir,
		  const struct xenpv_kv *kv, unsigned int nr,
		  int (*extra)(struct xenpv_dev *xd,
			       struct xenbus_transaction xbt, void *arg),
		  void *arg)
{
	const char *what = "";
	unsigned int tries = 0;
	int err;

	dir = xenpv_dir(xd, dir, false);
	do {
		err = xenpv_publish_once(xd, dir, kv, nr, extra, arg, &what);
	} while (err == -EAGAIN && ++tries < XENPV_PUBLISH_TRIES);

	if (err)
		xenpv_dev_fatal(xd, err, "publishing %s: %s", dir, what);
	return err;
}
EXPORT_SYMBOL_GPL(xenpv_publish);

/**
 * xenpv_read_num_queues() - the queue count the frontend asked for.
 * @xd: a backend device.
 * @max: the most queues we offered (multi-queue-max-queues).
 * @nr: result: 1 when the frontend wrote no multi-queue-num-queues.
 *
 * Unlike xenpv_read_u32() nothing is clamped: a frontend asking for 0 or
 * more than @max queues has broken the protocol.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EINVAL (logged, kept as last error; the caller should
 * report it fatal), or another -errno from xenstore.
 */
int xenpv_read_num_queues(struct xenpv_dev *xd, unsigned int max,
			  unsigned int *nr)
{
	u32 v;
	int err;

	*nr = 1;
	err = xenpv_read_u32(xd, NULL, "multi-queue-num-queues", 1, 1,
			     max ? max : 1, &v);
	if (err == -ERANGE) {
		xenpv_note_error(xd, -EINVAL,
				 "multi-queue-num-queues out of range");
		return -EINVAL;
	}
	if (err)
		return err;
	*nr = v;
	return 0;
}
EXPORT_SYMBOL_GPL(xenpv_read_num_queues);

/**
 * xenpv_queue_dir() - xenstore directory of one queue's ring keys.
 * @xd: the device.
 * @peer: the peer's directory (backend reading) or ours (frontend writing).
 * @queue: queue index, below @nr_queues.
 * @nr_queues: number of queues; with 1 (or 0) the keys live directly in
 *	the device directory, otherwise in its "queue-<n>" subdirectory.
 * @gfp: allocation flags.
 *
 * Return: the path, to be freed with kfree(), or NULL (no memory, or
 * @queue out of range).
 */
char *xenpv_queue_dir(struct xenpv_dev *xd, bool peer, unsigned int queue,
		      unsigned int nr_queues, gfp_t gfp)
{
	const char *base = xenpv_dir(xd, NULL, peer);

	if (nr_queues <= 1)
		return queue ? NULL : kstrdup(base, gfp);
	if (queue >= nr_queues)
		return NULL;
	return kasprintf(gfp, "%s/queue-%u", base, queue);
}
EXPORT_SYMBOL_GPL(xenpv_queue_dir);

/* Is @name one of the per-queue keys an earlier connection left? */
static bool xenpv_queue_key_stale(const char *name, const char *const *keys)
{
	if (!strncmp(name, "queue-", 6) || !strcmp(name, "ring-page-order") ||
	    !strcmp(name, "multi-queue-num-queues"))
		return true;
	for (; *keys; keys++)
		if (!strncmp(name, *keys, strlen(*keys)))
			return true;
	return false;
}

/*
 * Remove from our directory every ring key of an earlier connection
 * (another queue count or ring order: before a restore, or an rmmod and
 * modprobe with other parameters), so that the backend reads only what
 * this connection writes.
 */
static int xenpv_queues_remove_stale(struct xenpv_dev *xd,
				     struct xenbus_transaction xbt,
				     const char *const *keys)
{
	const char *node = xd->xbdev->nodename;
	unsigned int i, n;
	char **dir;
	int err = 0;

	dir = xenbus_directory(xbt, node, "", &n);
	if (IS_ERR(dir))
		return PTR_ERR(dir) == -ENOENT ? 0 : PTR_ERR(dir);
	for (i = 0; i < n && !err; i++) {
		if (!xenpv_queue_key_stale(dir[i], keys))
			continue;
		err = xenbus_rm(xbt, node, dir[i]);
		if (err == -ENOENT)
			err = 0;
	}
	kfree(dir);
	return err;
}

/**
 * xenpv_publish_queues() - frontend: publish the rings of N queues.
 * @xd: a frontend device.
 * @xbt: the transaction (call from xenpv_publish()'s @extra callback).
 * @nr: number of queues, at least 1.
 * @write_num: write "multi-queue-num-queues" even for one queue (netif
 *	does when the backend offers multi-queue; blkif does not).
 * @keys: NULL-terminated prefixes of the keys @queue writes in a queue's
 *	directory (e.g. "ring-ref", "event-channel"); with one queue they
 *	live in the device directory, where earlier ones are removed.
 * @queue: writes queue @i's keys into @dir (xenpv_ring_publish(),
 *	xenpv_evtchn_publish()); returns 0 or -errno, unreported.
 * @arg: passed to @queue.
 *
 * In the one transaction: removes the ring keys of an earlier
 * connection ("queue-*", "ring-page-order", the @keys in the device
 * directory, "multi-queue-num-queues"), writes "multi-queue-num-queues"
 * when there are several queues (or @write_num), then each queue's keys
 * in the directory xenpv_queue_dir() names.
 *
 * Context: process context, may sleep.
 * Return: 0 or -errno (unreported: xenpv_publish() reports it).
 */
int xenpv_publish_queues(struct xenpv_dev *xd, struct xenbus_transaction xbt,
			 unsigned int nr, bool write_num,
			 const char *const *keys,
			 int (*queue)(struct xenpv_dev *xd,
				      struct xenbus_transaction xbt,
				      const char *dir, unsigned int i,
				      void *arg),
			 void *arg)
{
	bool num = nr > 1 || write_num;
	unsigned int i;
	char *dir;
	int err;

	if (!nr)
		return -EINVAL;
	err = xenpv_queues_remove_stale(xd, xbt, keys);
	if (!err && num)
		err = xenbus_printf(xbt, xd->xbdev->nodename,
				    "multi-queue-num-queues", "%u", nr);
	for (i = 0; i < nr && !err; i++) {
		dir = xenpv_queue_dir(xd, false, i, nr, GFP_KERNEL);
		if (!dir)
			return -ENOMEM;
		err = queue(xd, xbt, dir, i, arg);
		kfree(dir);
	}
	return err;
}
EXPORT_SYMBOL_GPL(xenpv_publish_queues);
