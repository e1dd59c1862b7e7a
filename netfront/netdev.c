// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront: net_device and ethtool glue, setting up and tearing
 * down the queues' rings and event channels.
 */
#include "common.h"

#include <linux/ethtool.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

static int netfront_open(struct net_device *dev)
{
	struct netfront_info *info = netdev_priv(dev);
	unsigned int i;

	for (i = 0; i < info->max_queues; i++)
		napi_enable(&info->queues[i].napi);
	if (info->connected)
		for (i = 0; i < info->nr_queues; i++)
			napi_schedule(&info->queues[i].napi);
	netif_tx_start_all_queues(dev);
	return 0;
}

static int netfront_stop(struct net_device *dev)
{
	struct netfront_info *info = netdev_priv(dev);
	unsigned int i;

	netif_tx_stop_all_queues(dev);
	for (i = 0; i < info->max_queues; i++)
		napi_disable(&info->queues[i].napi);
	return 0;
}

static void netfront_qstats_read(struct netfront_qstats *s, u64 *v)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		v[0] = u64_stats_read(&s->packets);
		v[1] = u64_stats_read(&s->bytes);
		v[2] = u64_stats_read(&s->errors);
		v[3] = u64_stats_read(&s->dropped);
		v[4] = u64_stats_read(&s->extra);
	} while (u64_stats_fetch_retry(&s->syncp, start));
}

#define NETFRONT_QSTATS	5

static void netfront_get_stats64(struct net_device *dev,
				 struct rtnl_link_stats64 *tot)
{
	struct netfront_info *info = netdev_priv(dev);
	u64 tx[NETFRONT_QSTATS], rx[NETFRONT_QSTATS];
	unsigned int i;

	for (i = 0; i < info->max_queues; i++) {
		netfront_qstats_read(&info->queues[i].tx_stats, tx);
		netfront_qstats_read(&info->queues[i].rx_stats, rx);
		tot->tx_packets += tx[0];
		tot->tx_bytes += tx[1];
		tot->tx_errors += tx[2];
		tot->tx_dropped += tx[3];
		tot->rx_packets += rx[0];
		tot->rx_bytes += rx[1];
		tot->rx_errors += rx[2];
		tot->rx_dropped += rx[3];
	}
}

static int netfront_change_mtu(struct net_device *dev, int mtu)
{
	if (mtu > ETH_DATA_LEN && !(dev->features & NETIF_F_SG))
		return -EINVAL;
	dev->mtu = mtu;
	return 0;
}

static netdev_features_t netfront_fix_features(struct net_device *dev,
					       netdev_features_t features)
{
	struct netfront_info *info = netdev_priv(dev);

	if (!info->be_sg)
		features &= ~NETIF_F_SG;
	if (!info->be_tso4)
		features &= ~NETIF_F_TSO;
	if (!info->be_tso6)
		features &= ~NETIF_F_TSO6;
	if (!info->be_csum6)
		features &= ~NETIF_F_IPV6_CSUM;
	return features;
}

static int netfront_set_features(struct net_device *dev,
				 netdev_features_t features)
{
	if (!(features & NETIF_F_SG) && dev->mtu > ETH_DATA_LEN) {
		netdev_info(dev, "no scatter-gather: MTU reduced to %u\n",
			    ETH_DATA_LEN);
		dev->mtu = ETH_DATA_LEN;
	}
	return 0;
}

static const struct net_device_ops netfront_netdev_ops = {
	.ndo_open		= netfront_open,
	.ndo_stop		= netfront_stop,
	.ndo_start_xmit		= netfront_start_xmit,
	.ndo_get_stats64	= netfront_get_stats64,
	.ndo_change_mtu		= netfront_change_mtu,
	.ndo_fix_features	= netfront_fix_features,
	.ndo_set_features	= netfront_set_features,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

/* ethtool */

static void netfront_get_drvinfo(struct net_device *dev,
				 struct ethtool_drvinfo *drv)
{
	struct netfront_info *info = netdev_priv(dev);

	strscpy(drv->driver, "vif", sizeof(drv->driver));
	strscpy(drv->version, "xenpv", sizeof(drv->version));
	strscpy(drv->bus_info, dev_name(&info->xd.xbdev->dev),
		sizeof(drv->bus_info));
}

static const char * const netfront_qstat_names[2][NETFRONT_QSTATS] = {
	{ "packets", "bytes", "errors", "dropped", "bounced" },
	{ "packets", "bytes", "errors", "dropped", "gso_checksum_fixup" },
};

static int netfront_get_sset_count(struct net_device *dev, int sset)
{
	struct netfront_info *info = netdev_priv(dev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return 1 + info->max_queues * 2 * NETFRONT_QSTATS;
}

static void netfront_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	struct netfront_info *info = netdev_priv(dev);
	unsigned int q, i;

	if (sset != ETH_SS_STATS)
		return;
	ethtool_sprintf(&data, "rx_gso_checksum_fixup");
	for (q = 0; q < info->max_queues; q++) {
		for (i = 0; i < NETFRONT_QSTATS; i++)
			ethtool_sprintf(&data, "tx_queue_%u_%s", q,
					netfront_qstat_names[0][i]);
		for (i = 0; i < NETFRONT_QSTATS; i++)
			ethtool_sprintf(&data, "rx_queue_%u_%s", q,
					netfront_qstat_names[1][i]);
	}
}

static void netfront_get_ethtool_stats(struct net_device *dev,
				       struct ethtool_stats *stats, u64 *data)
{
	struct netfront_info *info = netdev_priv(dev);
	u64 *fixup = data++;
	unsigned int q;

	*fixup = 0;
	for (q = 0; q < info->max_queues; q++) {
		netfront_qstats_read(&info->queues[q].tx_stats, data);
		data += NETFRONT_QSTATS;
		netfront_qstats_read(&info->queues[q].rx_stats, data);
		*fixup += data[4];
		data += NETFRONT_QSTATS;
	}
}

static void netfront_get_channels(struct net_device *dev,
				  struct ethtool_channels *ch)
{
	struct netfront_info *info = netdev_priv(dev);

	ch->max_combined = info->max_queues;
	ch->combined_count = dev->real_num_tx_queues;
}

static const struct ethtool_ops netfront_ethtool_ops = {
	.get_drvinfo		= netfront_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= netfront_get_sset_count,
	.get_strings		= netfront_get_strings,
	.get_ethtool_stats	= netfront_get_ethtool_stats,
	.get_channels		= netfront_get_channels,
};

/**
 * netfront_netdev_alloc() - allocate the net_device and its queues.
 * @xbdev: the xenbus device (parent in sysfs).
 * @max_queues: queues to allocate (at least 1).
 *
 * Return: the device (netdev_priv() is the struct netfront_info), or
 * NULL.
 */
struct net_device *netfront_netdev_alloc(struct xenbus_device *xbdev,
					 unsigned int max_queues)
{
	struct netfront_info *info;
	struct netfront_queue *q;
	struct net_device *dev;
	unsigned int i;

	dev = alloc_etherdev_mq(sizeof(*info), max_queues);
	if (!dev)
		return NULL;
	info = netdev_priv(dev);
	info->netdev = dev;
	info->max_queues = max_queues;
	info->queues = kvcalloc(max_queues, sizeof(*info->queues), GFP_KERNEL);
	if (!info->queues)
		goto out_free_netdev;
	for (i = 0; i < max_queues; i++) {
		q = &info->queues[i];
		q->info = info;
		q->id = i;
		spin_lock_init(&q->tx_lock);
		u64_stats_init(&q->tx_stats.syncp);
		u64_stats_init(&q->rx_stats.syncp);
		timer_setup(&q->refill_timer, netfront_refill_timeout, 0);
		netif_napi_add(dev, &q->napi, netfront_poll);
	}

	SET_NETDEV_DEV(dev, &xbdev->dev);
	dev->netdev_ops = &netfront_netdev_ops;
	dev->ethtool_ops = &netfront_ethtool_ops;
	dev->features = NETIF_F_IP_CSUM | NETIF_F_RXCSUM | NETIF_F_GSO_ROBUST;
	dev->hw_features = NETIF_F_SG | NETIF_F_IPV6_CSUM | NETIF_F_TSO |
			   NETIF_F_TSO6;
	dev->features |= dev->hw_features;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = XEN_NETIF_MAX_TX_SIZE - ETH_HLEN;
	netif_set_tso_max_size(dev, XEN_NETIF_MAX_TX_SIZE - ETH_HLEN);
	netif_set_real_num_tx_queues(dev, 1);
	netif_set_real_num_rx_queues(dev, 1);
	netif_carrier_off(dev);
	return dev;

out_free_netdev:
	free_netdev(dev);
	return NULL;
}

/**
 * netfront_netdev_free() - free what netfront_netdev_alloc() made.
 * @dev: a device not registered (any more), queues torn down.
 */
void netfront_netdev_free(struct net_device *dev)
{
	struct netfront_info *info = netdev_priv(dev);
	unsigned int i;

	for (i = 0; i < info->max_queues; i++)
		netif_napi_del(&info->queues[i].napi);
	kvfree(info->queues);
	free_netdev(dev);
}

/* Revoke and free what one queue has; its channels first. */
static void netfront_queue_teardown(struct netfront_queue *q)
{
	struct xenpv_dev *xd = &q->info->xd;

	xenpv_evtchn_unbind(xd, &q->rx_ch);
	xenpv_evtchn_unbind(xd, &q->tx_ch);
	del_timer_sync(&q->refill_timer);
	if (q->tx.sring)
		netfront_tx_release_all(q);
	netfront_rx_release_all(q);
	/* Pages still in skbs come back to the pool, which goes with them. */
	xenpv_page_pool_destroy(q->pool);
	q->pool = NULL;
	q->tx.sring = NULL;
	q->rx.sring = NULL;
	xenpv_ring_free(xd, &q->tx_ring);
	xenpv_ring_free(xd, &q->rx_ring);
}

static int netfront_queue_setup(struct netfront_queue *q)
{
	struct netfront_info *info = q->info;
	struct xenpv_dev *xd = &info->xd;
	char name[XENPV_NAME_LEN];
	int err;

	snprintf(q->name, sizeof(q->name), "%s-q%u", info->netdev->name,
		 q->id);
	snprintf(name, sizeof(name), "tx-q%u", q->id);
	err = xenpv_ring_alloc(xd, &q->tx_ring, name, 0);
	if (err)
		return err;
	snprintf(name, sizeof(name), "rx-q%u", q->id);
	err = xenpv_ring_alloc(xd, &q->rx_ring, name, 0);
	if (err)
		goto out_free_tx;

	XEN_FRONT_RING_INIT(&q->tx, (struct xen_netif_tx_sring *)q->tx_ring.va,
			    XEN_PAGE_SIZE);
	XEN_FRONT_RING_INIT(&q->rx, (struct xen_netif_rx_sring *)q->rx_ring.va,
			    XEN_PAGE_SIZE);
	netfront_tx_init(q);
	memset(q->rx_buf, 0, sizeof(q->rx_buf));
	memset(q->rx_posted, 0, sizeof(q->rx_posted));
	q->rx_last_prod = 0;
	q->rx_partial = false;

	if (info->split) {
		snprintf(name, sizeof(name), "%s-tx", q->name);
		err = xenpv_evtchn_alloc(xd, &q->tx_ch, name,
					 netfront_tx_interrupt, q);
		if (err)
			goto out_free_rx;
		snprintf(name, sizeof(name), "%s-rx", q->name);
		err = xenpv_evtchn_alloc(xd, &q->rx_ch, name,
					 netfront_rx_interrupt, q);
	} else {
		err = xenpv_evtchn_alloc(xd, &q->tx_ch, q->name,
					 netfront_interrupt, q);
	}
	if (err)
		goto out_unbind;

	/*
	 * The rx buffer pool: its sole consumer is the queue's NAPI context
	 * (and this refill, while that cannot run: the queue is not up).
	 */
	q->pool = xenpv_page_pool_create(&xd->xbdev->dev, &q->napi,
					 NETFRONT_RX_RING_SIZE);
	if (IS_ERR(q->pool)) {
		err = PTR_ERR(q->pool);
		q->pool = NULL;
		goto out_unbind;
	}
	netfront_rx_refill(q, GFP_KERNEL);
	return 0;

out_unbind:
	xenpv_evtchn_unbind(xd, &q->rx_ch);
	xenpv_evtchn_unbind(xd, &q->tx_ch);
out_free_rx:
	q->tx.sring = NULL;
	q->rx.sring = NULL;
	xenpv_ring_free(xd, &q->rx_ring);
out_free_tx:
	xenpv_ring_free(xd, &q->tx_ring);
	return err;
}

/*
 * Tear down queues 0..@nr-1 with every NAPI context disabled meanwhile
 * (a page_pool that names its NAPI context may only be destroyed while
 * that is disabled).  Under info->mutex and rtnl.
 */
static void netfront_queues_free(struct netfront_info *info, unsigned int nr)
{
	bool running = netif_running(info->netdev);
	unsigned int i;

	if (running)
		for (i = 0; i < info->max_queues; i++)
			napi_disable(&info->queues[i].napi);
	for (i = 0; i < nr; i++)
		netfront_queue_teardown(&info->queues[i]);
	if (running)
		for (i = 0; i < info->max_queues; i++)
			napi_enable(&info->queues[i].napi);
}

/**
 * netfront_queues_setup() - rings, buffers and channels for @nr queues.
 * @info: the device, not connected.
 * @nr: queues to set up, 1..max_queues.
 *
 * Nothing is published and no queue is up yet.
 *
 * Context: process context, under info->mutex and rtnl.
 * Return: 0 or -errno (nothing stays allocated; reported fatal).
 */
int netfront_queues_setup(struct netfront_info *info, unsigned int nr)
{
	unsigned int i;
	int err;

	WRITE_ONCE(info->broken, false);
	for (i = 0; i < nr; i++) {
		err = netfront_queue_setup(&info->queues[i]);
		if (err)
			goto out_teardown;
	}
	err = netif_set_real_num_tx_queues(info->netdev, nr);
	if (!err)
		err = netif_set_real_num_rx_queues(info->netdev, nr);
	if (err) {
		xenpv_dev_fatal(&info->xd, err, "setting %u queues", nr);
		goto out_teardown;
	}
	info->nr_queues = nr;
	return 0;

out_teardown:
	netfront_queues_free(info, i);
	return err;
}

/**
 * netfront_queues_start() - let the queues run after publishing.
 * @info: the device, set up by netfront_queues_setup().
 *
 * Context: under info->mutex and rtnl.
 */
void netfront_queues_start(struct netfront_info *info)
{
	struct netfront_queue *q;
	unsigned int i;

	for (i = 0; i < info->nr_queues; i++) {
		q = &info->queues[i];
		spin_lock_irq(&q->tx_lock);
		WRITE_ONCE(q->up, true);
		spin_unlock_irq(&q->tx_lock);
	}
	info->connected = true;
	if (netif_running(info->netdev))
		for (i = 0; i < info->nr_queues; i++)
			napi_schedule(&info->queues[i].napi);
}

/**
 * netfront_queues_teardown() - carrier off, stop and free all queues.
 * @info: the device; connected or not.
 *
 * Context: process context, under info->mutex and rtnl.
 */
void netfront_queues_teardown(struct netfront_info *info)
{
	struct net_device *dev = info->netdev;
	struct netfront_queue *q;
	unsigned int i;

	netif_carrier_off(dev);
	netif_tx_disable(dev);
	for (i = 0; i < info->max_queues; i++) {
		q = &info->queues[i];
		spin_lock_irq(&q->tx_lock);
		WRITE_ONCE(q->up, false);
		spin_unlock_irq(&q->tx_lock);
	}
	netfront_queues_free(info, info->max_queues);
	info->connected = false;
}

/**
 * netfront_mark_broken() - the backend broke the ring protocol.
 * @q: the queue where it showed.
 * @why: what it did.
 * @a: a value for the log.
 * @b: another one.
 *
 * Nothing more is taken from or put on any ring; the carrier goes off
 * and a work item switches to Closing.
 *
 * Context: any (tx lock or NAPI).
 */
void netfront_mark_broken(struct netfront_queue *q, const char *why,
			  long long a, long long b)
{
	struct netfront_info *info = q->info;

	if (READ_ONCE(info->broken))
		return;
	WRITE_ONCE(info->broken, true);
	dev_err_ratelimited(&info->xd.xbdev->dev,
			    "queue %u: backend broke the ring protocol: %s (%lld, %lld); device disabled\n",
			    q->id, why, a, b);
	netif_carrier_off(info->netdev);
	netif_tx_stop_all_queues(info->netdev);
	schedule_work(&info->broken_work);
}

#if IS_ENABLED(CONFIG_PAGE_POOL_STATS)
/* The rx page_pool's counters; under tx_lock with the queue up. */
static void netfront_pool_show(struct seq_file *m, unsigned int i,
			       struct page_pool *pool)
{
	struct page_pool_stats st = { };

	if (!pool || !page_pool_get_stats(pool, &st))
		return;
	seq_printf(m, "q%u pool: alloc fast %llu slow %llu refill %llu empty %llu recycled cached %llu ring %llu ring_full %llu released %llu\n",
		   i, st.alloc_stats.fast, st.alloc_stats.slow,
		   st.alloc_stats.refill, st.alloc_stats.empty,
		   st.recycle_stats.cached, st.recycle_stats.ring,
		   st.recycle_stats.ring_full,
		   st.recycle_stats.released_refcnt);
}
#else
static void netfront_pool_show(struct seq_file *m, unsigned int i,
			       struct page_pool *pool)
{
}
#endif

/**
 * netfront_show() - the debugfs hook: per-queue ring indices.
 * @xd: the device's core part.
 * @m: the debugfs status file.
 */
void netfront_show(struct xenpv_dev *xd, struct seq_file *m)
{
	struct netfront_info *info = netfront_from_xd(xd);
	u64 tx[NETFRONT_QSTATS], rx[NETFRONT_QSTATS];
	struct netfront_queue *q;
	unsigned long flags;
	unsigned int i;

	seq_printf(m, "netdev: %s carrier %d connected %d broken %d bounce %d split %d queues %u/%u resumed %u\n",
		   netdev_name(info->netdev), netif_carrier_ok(info->netdev),
		   info->connected, READ_ONCE(info->broken), info->bounce,
		   info->split, info->nr_queues, info->max_queues,
		   info->resumed);
	for (i = 0; i < info->max_queues; i++) {
		q = &info->queues[i];
		netfront_qstats_read(&q->tx_stats, tx);
		netfront_qstats_read(&q->rx_stats, rx);
		spin_lock_irqsave(&q->tx_lock, flags);
		if (q->up)
			seq_printf(m, "q%u tx: req_prod_pvt %u rsp_cons %u rsp_prod %u free ids %u\n",
				   i, q->tx.req_prod_pvt, q->tx.rsp_cons,
				   READ_ONCE(q->tx.sring->rsp_prod),
				   q->tx_nr_free);
		if (q->up)
			seq_printf(m, "q%u rx: req_prod_pvt %u rsp_cons %u rsp_prod %u\n",
				   i, READ_ONCE(q->rx.req_prod_pvt),
				   READ_ONCE(q->rx.rsp_cons),
				   READ_ONCE(q->rx.sring->rsp_prod));
		if (q->up)
			netfront_pool_show(m, i, q->pool);
		spin_unlock_irqrestore(&q->tx_lock, flags);
		seq_printf(m, "q%u packets tx %llu rx %llu bytes tx %llu rx %llu errors tx %llu rx %llu\n",
			   i, tx[0], rx[0], tx[1], rx[1], tx[2], rx[2]);
	}
}
