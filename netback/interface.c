// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vif net_device, its queues' setup and teardown, event channel
 * handlers, carrier, stall and fatal-error bookkeeping, ethtool and the
 * per-queue debugfs files.
 */
#include <linux/debugfs.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/kthread.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <xen/events.h>

#include "common.h"

static struct dentry *nb_debugfs_root;

/* Guest TX (or the only) channel: hand the ring to NAPI, EOI after it. */
static irqreturn_t nb_tx_interrupt(int irq, void *dev_id)
{
	struct nb_queue *q = dev_id;

	if (!READ_ONCE(q->broken) && nb_tx_pending(q)) {
		set_bit(0, &q->tx_eoi_pending);
		napi_schedule(&q->napi);
	} else {
		xenpv_evtchn_eoi(&q->tx_ch, XEN_EOI_FLAG_SPURIOUS);
	}
	return IRQ_HANDLED;
}

/* Guest RX channel (split): new buffers, wake the RX thread. */
static irqreturn_t nb_rx_interrupt(int irq, void *dev_id)
{
	struct nb_queue *q = dev_id;
	bool fresh = nb_rx_kick(q);

	xenpv_evtchn_eoi(&q->rx_ch, fresh ? 0 : XEN_EOI_FLAG_SPURIOUS);
	return IRQ_HANDLED;
}

/* One channel for both directions. */
static irqreturn_t nb_interrupt(int irq, void *dev_id)
{
	struct nb_queue *q = dev_id;
	bool rx = nb_rx_kick(q);

	if (!READ_ONCE(q->broken) && nb_tx_pending(q)) {
		set_bit(0, &q->tx_eoi_pending);
		napi_schedule(&q->napi);
	} else {
		xenpv_evtchn_eoi(&q->tx_ch, rx ? 0 : XEN_EOI_FLAG_SPURIOUS);
	}
	return IRQ_HANDLED;
}

static void nb_queue_free_bufs(struct nb_queue *q)
{
	vfree(q->tx_copy);
	q->tx_copy = NULL;
	vfree(q->rx_copy);
	q->rx_copy = NULL;
	vfree(q->tx_pkts);
	q->tx_pkts = NULL;
}

static int nb_queue_bind(struct nb_queue *q, const char *dir, bool split)
{
	struct xenpv_dev *xd = &q->vif->xd;
	evtchn_port_t tx_port, rx_port;
	char name[XENPV_NAME_LEN];
	int err;

	if (split) {
		err = xenpv_evtchn_read_port(xd, dir, "event-channel-tx",
					     &tx_port);
		if (!err)
			err = xenpv_evtchn_read_port(xd, dir, "event-channel-rx",
						     &rx_port);
		if (err)
			return err;
		snprintf(name, sizeof(name), "%s-tx", q->name);
		err = xenpv_evtchn_bind(xd, &q->tx_ch, name, tx_port,
					nb_tx_interrupt, q);
		if (err)
			return err;
		snprintf(name, sizeof(name), "%s-rx", q->name);
		err = xenpv_evtchn_bind(xd, &q->rx_ch, name, rx_port,
					nb_rx_interrupt, q);
		if (err) {
			xenpv_evtchn_unbind(xd, &q->tx_ch);
			return err;
		}
		q->split = true;
		goto out_notify;
	}
	err = xenpv_evtchn_read_port(xd, dir, "event-channel", &tx_port);
	if (err)
		return err;
	q->split = false;
	err = xenpv_evtchn_bind(xd, &q->tx_ch, q->name, tx_port,
				nb_interrupt, q);
	if (err)
		return err;
out_notify:
	/*
	 * Xen raises the port at bind, so NAPI may have answered requests
	 * while the channel was still being bound, when a notification
	 * could not be sent yet (xenpv_evtchn_notify() needs it bound).
	 */
	xenpv_evtchn_notify(&q->tx_ch);
	if (q->split)
		xenpv_evtchn_notify(&q->rx_ch);
	return 0;
}

/**
 * nb_queue_connect() - map a queue's rings, start its NAPI and thread,
 * bind its channels.
 * @q: the queue (vif and id set).
 * @dir: the frontend's directory of this queue's keys.
 * @split: the frontend published event-channel-tx/-rx.
 *
 * Context: process context, vif->lock held.
 * Return: 0 or -errno; on failure nothing of the queue stays set up.
 */
int nb_queue_connect(struct nb_queue *q, const char *dir, bool split)
{
	struct nb_vif *vif = q->vif;
	struct xenpv_dev *xd = &vif->xd;
	char label[XENPV_NAME_LEN];
	int err;

	snprintf(q->name, sizeof(q->name), "%s-q%u", vif->dev->name, q->id);
	q->broken = false;
	q->stalled = false;
	q->tx_stuck = false;
	q->tx_eoi_pending = 0;
	q->rx_need = 1;
	q->rx_bytes = 0;
	q->credit_left = 0;
	q->credit_until = jiffies;
	q->rx_progress = jiffies;
	skb_queue_head_init(&q->rx_queue);
	init_waitqueue_head(&q->rx_wq);
	timer_setup(&q->credit_timer, nb_tx_credit_timer, 0);

	/*
	 * vmalloc, as in-tree netback's queues: each array is some 20 KiB,
	 * which kmalloc would round up to 32 KiB of contiguous pages
	 * (counted as slab).  Grant-copy hypercalls take virtual addresses.
	 */
	err = -ENOMEM;
	q->tx_copy = vcalloc(NB_TX_COPY_OPS, sizeof(*q->tx_copy));
	q->rx_copy = vcalloc(NB_RX_COPY_OPS, sizeof(*q->rx_copy));
	q->tx_pkts = vcalloc(NB_TX_BATCH, nb_tx_pkt_size());
	if (!q->tx_copy || !q->rx_copy || !q->tx_pkts)
		goto out_free_bufs;

	snprintf(label, sizeof(label), "tx-q%u", q->id);
	err = xenpv_ring_map(xd, &q->tx_map, label, dir, "tx-ring-ref", 0);
	if (err)
		goto out_free_bufs;
	BACK_RING_INIT(&q->tx, (struct xen_netif_tx_sring *)q->tx_map.va,
		       xenpv_ring_bytes(&q->tx_map));
	snprintf(label, sizeof(label), "rx-q%u", q->id);
	err = xenpv_ring_map(xd, &q->rx_map, label, dir, "rx-ring-ref", 0);
	if (err)
		goto out_unmap_tx;
	BACK_RING_INIT(&q->rx, (struct xen_netif_rx_sring *)q->rx_map.va,
		       xenpv_ring_bytes(&q->rx_map));
	q->rx_last_prod = q->rx.req_cons;

	netif_napi_add(vif->dev, &q->napi, nb_tx_poll);
	napi_enable(&q->napi);

	q->rx_task = kthread_run(nb_rx_thread, q, "%s-guest-rx", q->name);
	if (IS_ERR(q->rx_task)) {
		err = PTR_ERR(q->rx_task);
		q->rx_task = NULL;
		xenpv_dev_fatal(xd, err, "starting %s rx thread", q->name);
		goto out_del_napi;
	}

	err = nb_queue_bind(q, dir, split);
	if (err)
		goto out_stop_thread;
	return 0;

out_stop_thread:
	kthread_stop(q->rx_task);
	q->rx_task = NULL;
out_del_napi:
	napi_disable(&q->napi);
	netif_napi_del(&q->napi);
	xenpv_ring_unmap(xd, &q->rx_map);
out_unmap_tx:
	xenpv_ring_unmap(xd, &q->tx_map);
out_free_bufs:
	nb_queue_free_bufs(q);
	return err;
}

/**
 * nb_queue_disconnect() - undo nb_queue_connect().
 * @q: a connected queue.
 *
 * Context: process context, vif->lock held, the queue's TX queue of the
 * net_device stopped.
 */
void nb_queue_disconnect(struct nb_queue *q)
{
	struct xenpv_dev *xd = &q->vif->xd;

	xenpv_evtchn_unbind(xd, &q->rx_ch);
	xenpv_evtchn_unbind(xd, &q->tx_ch);
	napi_disable(&q->napi);
	netif_napi_del(&q->napi);
	del_timer_sync(&q->credit_timer);
	kthread_stop(q->rx_task);
	q->rx_task = NULL;
	nb_rx_purge(q);
	xenpv_ring_unmap(xd, &q->rx_map);
	xenpv_ring_unmap(xd, &q->tx_map);
	nb_queue_free_bufs(q);
}

/**
 * nb_vif_carrier() - carrier on when the vif can carry traffic.
 * @vif: the vif.
 *
 * On when connected, Connected, hotplug done and no queue stalled.
 */
void nb_vif_carrier(struct nb_vif *vif)
{
	bool on;

	spin_lock_bh(&vif->stall_lock);
	on = READ_ONCE(vif->connected) && vif->hotplug_ok &&
	     xenpv_our_state(&vif->xd) == XenbusStateConnected &&
	     !vif->stalled_queues;
	if (on)
		netif_carrier_on(vif->dev);
	else
		netif_carrier_off(vif->dev);
	spin_unlock_bh(&vif->stall_lock);
}

/**
 * nb_queue_stall() - a queue's guest stopped (or resumed) taking packets.
 * @q: the queue.
 * @stalled: new state.
 *
 * Any stalled queue turns the carrier off; the bridge then stops
 * forwarding to the vif and the qdisc is emptied.
 *
 * Context: the queue's RX thread.
 */
void nb_queue_stall(struct nb_queue *q, bool stalled)
{
	struct nb_vif *vif = q->vif;

	spin_lock_bh(&vif->stall_lock);
	if (q->stalled == stalled) {
		spin_unlock_bh(&vif->stall_lock);
		return;
	}
	WRITE_ONCE(q->stalled, stalled);
	if (stalled) {
		nb_rx_count(q, &q->rxs.stalls, 1);
		if (vif->stalled_queues++ == 0) {
			netdev_info(vif->dev, "guest rx stalled (%s)\n",
				    q->name);
			netif_carrier_off(vif->dev);
		}
	} else if (--vif->stalled_queues == 0) {
		netdev_info(vif->dev, "guest rx ready (%s)\n", q->name);
		if (READ_ONCE(vif->connected) && vif->hotplug_ok &&
		    xenpv_our_state(&vif->xd) == XenbusStateConnected)
			netif_carrier_on(vif->dev);
	}
	spin_unlock_bh(&vif->stall_lock);
}

/**
 * nb_queue_fatal() - the frontend broke the protocol on this queue.
 * @q: the queue.
 * @why: short reason.
 *
 * Stops the queue at once and has the vif disconnected (and reported
 * fatal, which sends the frontend to Closing) from process context.
 * Other vifs are not affected.
 *
 * Context: any.
 */
void nb_queue_fatal(struct nb_queue *q, const char *why)
{
	struct nb_vif *vif = q->vif;

	WRITE_ONCE(q->broken, true);
	if (atomic_cmpxchg(&vif->fatal, 0, 1))
		return;
	strscpy(vif->fatal_msg, why, sizeof(vif->fatal_msg));
	if (net_ratelimit())
		netdev_err(vif->dev, "%s: %s, disconnecting the frontend\n",
			   q->name, why);
	schedule_work(&vif->fatal_work);
}

static int nb_open(struct net_device *dev)
{
	struct nb_vif *vif = netdev_priv(dev);

	netif_tx_start_all_queues(dev);
	nb_vif_carrier(vif);
	return 0;
}

static int nb_stop(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
	return 0;
}

static int nb_change_mtu(struct net_device *dev, int mtu)
{
	struct nb_vif *vif = netdev_priv(dev);
	int max = vif->can_sg ? ETH_MAX_MTU - VLAN_ETH_HLEN : ETH_DATA_LEN;

	if (mtu > max)
		return -EINVAL;
	dev->mtu = mtu;
	return 0;
}

static netdev_features_t nb_fix_features(struct net_device *dev,
					 netdev_features_t features)
{
	struct nb_vif *vif = netdev_priv(dev);

	if (!vif->can_sg)
		features &= ~NETIF_F_SG;
	if (!(vif->gso_mask & NB_GSO_TCPV4))
		features &= ~NETIF_F_TSO;
	if (!(vif->gso_mask & NB_GSO_TCPV6))
		features &= ~NETIF_F_TSO6;
	if (!vif->ip_csum)
		features &= ~NETIF_F_IP_CSUM;
	if (!vif->ipv6_csum)
		features &= ~NETIF_F_IPV6_CSUM;
	return features;
}

/**
 * nb_queue_stats() - a consistent copy of a queue's counters.
 * @q: the queue (connected or not: its counters outlive connections).
 * @st: the copy.
 */
void nb_queue_stats(const struct nb_queue *q, struct nb_stats *st)
{
	const struct nb_tx_stats *t = &q->txs;
	const struct nb_rx_stats *r = &q->rxs;
	unsigned int seq;

	memset(st, 0, sizeof(*st));
	do {
		seq = u64_stats_fetch_begin(&t->syncp);
		st->tx_packets = u64_stats_read(&t->packets);
		st->tx_bytes = u64_stats_read(&t->bytes);
		st->tx_errors = u64_stats_read(&t->errors);
		st->rx_gso_checksum_fixup =
			u64_stats_read(&t->gso_checksum_fixup);
		st->tx_frag_overflow = u64_stats_read(&t->frag_overflow);
		st->tx_bad_requests = u64_stats_read(&t->bad_requests);
		st->tx_copy_errors = u64_stats_read(&t->copy_errors);
	} while (u64_stats_fetch_retry(&t->syncp, seq));
	do {
		seq = u64_stats_fetch_begin(&r->syncp);
		st->rx_packets = u64_stats_read(&r->packets);
		st->rx_bytes = u64_stats_read(&r->bytes);
		st->rx_dropped = u64_stats_read(&r->dropped);
		st->rx_drained = u64_stats_read(&r->drained);
		st->rx_stalls = u64_stats_read(&r->stalls);
		st->rx_copy_errors = u64_stats_read(&r->copy_errors);
	} while (u64_stats_fetch_retry(&r->syncp, seq));
}

static void nb_get_stats64(struct net_device *dev,
			   struct rtnl_link_stats64 *s)
{
	struct nb_vif *vif = netdev_priv(dev);
	struct nb_stats st;
	unsigned int i;

	/* Queue structs live as long as the net_device: no lock needed. */
	for (i = 0; i < dev->num_tx_queues; i++) {
		nb_queue_stats(&vif->queues[i], &st);
		s->rx_packets += st.tx_packets;
		s->rx_bytes += st.tx_bytes;
		s->rx_errors += st.tx_errors;
		s->tx_packets += st.rx_packets;
		s->tx_bytes += st.rx_bytes;
		s->tx_dropped += st.rx_dropped;
	}
	s->tx_dropped += atomic_long_read(&vif->xmit_dropped);
}

static const struct net_device_ops nb_netdev_ops = {
	.ndo_open		= nb_open,
	.ndo_stop		= nb_stop,
	.ndo_start_xmit		= nb_start_xmit,
	.ndo_change_mtu		= nb_change_mtu,
	.ndo_fix_features	= nb_fix_features,
	.ndo_get_stats64	= nb_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

static const struct {
	char name[ETH_GSTRING_LEN];
	size_t offset;
} nb_stat_names[] = {
	/* The in-tree xen-netback's names first, in its order. */
	{ "rx_gso_checksum_fixup", offsetof(struct nb_stats, rx_gso_checksum_fixup) },
	{ "tx_zerocopy_sent", offsetof(struct nb_stats, tx_zerocopy_sent) },
	{ "tx_zerocopy_success", offsetof(struct nb_stats, tx_zerocopy_success) },
	{ "tx_zerocopy_fail", offsetof(struct nb_stats, tx_zerocopy_fail) },
	{ "tx_frag_overflow", offsetof(struct nb_stats, tx_frag_overflow) },
	{ "xenpv_tx_bad_requests", offsetof(struct nb_stats, tx_bad_requests) },
	{ "xenpv_tx_copy_errors", offsetof(struct nb_stats, tx_copy_errors) },
	{ "xenpv_rx_drained", offsetof(struct nb_stats, rx_drained) },
	{ "xenpv_rx_stalls", offsetof(struct nb_stats, rx_stalls) },
	{ "xenpv_rx_copy_errors", offsetof(struct nb_stats, rx_copy_errors) },
};

static int nb_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? ARRAY_SIZE(nb_stat_names) : -EINVAL;
}

static void nb_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(nb_stat_names); i++)
		memcpy(data + i * ETH_GSTRING_LEN, nb_stat_names[i].name,
		       ETH_GSTRING_LEN);
}

static void nb_get_ethtool_stats(struct net_device *dev,
				 struct ethtool_stats *stats, u64 *data)
{
	struct nb_vif *vif = netdev_priv(dev);
	struct nb_stats st;
	unsigned int i, j;

	memset(data, 0, ARRAY_SIZE(nb_stat_names) * sizeof(*data));
	for (j = 0; j < dev->num_tx_queues; j++) {
		nb_queue_stats(&vif->queues[j], &st);
		for (i = 0; i < ARRAY_SIZE(nb_stat_names); i++)
			data[i] += *(const u64 *)((const void *)&st +
						  nb_stat_names[i].offset);
	}
}

static void nb_get_drvinfo(struct net_device *dev,
			   struct ethtool_drvinfo *info)
{
	struct nb_vif *vif = netdev_priv(dev);

	strscpy(info->driver, "vif", sizeof(info->driver));
	strscpy(info->version, "xenpv", sizeof(info->version));
	strscpy(info->bus_info, dev_name(&vif->xd.xbdev->dev),
		sizeof(info->bus_info));
}

static const struct ethtool_ops nb_ethtool_ops = {
	.get_drvinfo		= nb_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= nb_get_sset_count,
	.get_strings		= nb_get_strings,
	.get_ethtool_stats	= nb_get_ethtool_stats,
};

static void nb_setup(struct net_device *dev)
{
	ether_setup(dev);
}

/**
 * nb_vif_alloc() - allocate (not register) vif<domid>.<handle>.
 * @xbdev: the backend device.
 * @domid: the frontend's domain.
 * @handle: the vif handle.
 *
 * Return: the vif, or an ERR_PTR.
 */
struct nb_vif *nb_vif_alloc(struct xenbus_device *xbdev, domid_t domid,
			    u32 handle)
{
	static const u8 dummy_mac[ETH_ALEN] = {
		0xfe, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	unsigned int nq = clamp_t(unsigned int, READ_ONCE(nb_max_queues), 1,
				  NB_MAX_QUEUES);
	char name[IFNAMSIZ];
	struct net_device *dev;
	struct nb_vif *vif;
	unsigned int i;

	if (snprintf(name, sizeof(name), "vif%u.%u", domid, handle) >=
	    sizeof(name))
		return ERR_PTR(-ENAMETOOLONG);
	dev = alloc_netdev_mq(sizeof(*vif), name, NET_NAME_PREDICTABLE,
			      nb_setup, nq);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	vif = netdev_priv(dev);
	vif->dev = dev;
	vif->domid = domid;
	vif->handle = handle;
	vif->queues = kcalloc(nq, sizeof(*vif->queues), GFP_KERNEL);
	if (!vif->queues) {
		free_netdev(dev);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < nq; i++) {
		vif->queues[i].vif = vif;
		vif->queues[i].id = i;
		u64_stats_init(&vif->queues[i].txs.syncp);
		u64_stats_init(&vif->queues[i].rxs.syncp);
	}
	mutex_init(&vif->lock);
	spin_lock_init(&vif->stall_lock);
	atomic_set(&vif->fatal, 0);
	atomic_long_set(&vif->xmit_dropped, 0);
	vif->credit_bytes = ULONG_MAX;
	vif->credit_usec = 0;

	dev->netdev_ops = &nb_netdev_ops;
	dev->ethtool_ops = &nb_ethtool_ops;
	dev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			   NETIF_F_TSO | NETIF_F_TSO6;
	dev->features = dev->hw_features | NETIF_F_RXCSUM;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU - VLAN_ETH_HLEN;
	/* The guest owns its MAC; ours must never win the bridge id. */
	eth_hw_addr_set(dev, dummy_mac);
	SET_NETDEV_DEV(dev, &xbdev->dev);
	netif_set_real_num_tx_queues(dev, 1);
	netif_carrier_off(dev);
	return vif;
}

/**
 * nb_vif_free() - free a vif from nb_vif_alloc() (unregistered).
 * @vif: the vif.
 */
void nb_vif_free(struct nb_vif *vif)
{
	kfree(vif->queues);
	mutex_destroy(&vif->lock);
	free_netdev(vif->dev);
}

/* debugfs: xen-netback/<vif>/io_ring_q<N>, read for state, write "kick". */

static int nb_ring_show(struct seq_file *m, void *unused)
{
	struct nb_queue *q = m->private;
	struct nb_vif *vif = q->vif;
	struct nb_stats st;

	mutex_lock(&vif->lock);
	if (!vif->connected || q->id >= vif->nr_queues) {
		seq_puts(m, "not connected\n");
		goto out_unlock;
	}
	seq_printf(m, "queue %s: %s%s, %s channels\n", q->name,
		   READ_ONCE(q->broken) ? "broken" : "running",
		   READ_ONCE(q->stalled) ? ", rx stalled" : "",
		   q->split ? "split" : "one");
	seq_printf(m, "tx: req_prod %u req_cons %u (%u unconsumed) rsp_prod_pvt %u req_event %u rsp_prod %u rsp_event %u%s\n",
		   q->tx.sring->req_prod, q->tx.req_cons,
		   q->tx.sring->req_prod - q->tx.req_cons, q->tx.rsp_prod_pvt,
		   q->tx.sring->req_event, q->tx.sring->rsp_prod,
		   q->tx.sring->rsp_event,
		   timer_pending(&q->credit_timer) ? " (credit wait)" : "");
	seq_printf(m, "rx: req_prod %u req_cons %u (%u free) rsp_prod_pvt %u req_event %u rsp_prod %u rsp_event %u\n",
		   q->rx.sring->req_prod, q->rx.req_cons,
		   q->rx.sring->req_prod - q->rx.req_cons, q->rx.rsp_prod_pvt,
		   q->rx.sring->req_event, q->rx.sring->rsp_prod,
		   q->rx.sring->rsp_event);
	seq_printf(m, "rx queue: %u skbs, %u bytes (max %lu), head needs %u slots, last progress %u ms ago\n",
		   skb_queue_len(&q->rx_queue), READ_ONCE(q->rx_bytes),
		   NB_RX_QUEUE_BYTES, READ_ONCE(q->rx_need),
		   jiffies_to_msecs(jiffies - READ_ONCE(q->rx_progress)));
	seq_printf(m, "events: tx %ld (spurious %ld) rx %ld (spurious %ld)\n",
		   atomic_long_read(&q->tx_ch.events),
		   atomic_long_read(&q->tx_ch.spurious),
		   atomic_long_read(&q->rx_ch.events),
		   atomic_long_read(&q->rx_ch.spurious));
	nb_queue_stats(q, &st);
	seq_printf(m, "guest tx: %llu packets %llu bytes %llu errors; guest rx: %llu packets %llu bytes %llu dropped\n",
		   st.tx_packets, st.tx_bytes, st.tx_errors,
		   st.rx_packets, st.rx_bytes, st.rx_dropped);
out_unlock:
	mutex_unlock(&vif->lock);
	return 0;
}

static int nb_ring_open(struct inode *inode, struct file *file)
{
	return single_open(file, nb_ring_show, inode->i_private);
}

static ssize_t nb_ring_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct nb_queue *q = ((struct seq_file *)file->private_data)->private;
	struct nb_vif *vif = q->vif;
	char buf[8] = "";

	if (copy_from_user(buf, ubuf, min(count, sizeof(buf) - 1)))
		return -EFAULT;
	if (strncmp(buf, "kick", 4))
		return -EINVAL;
	mutex_lock(&vif->lock);
	if (vif->connected && q->id < vif->nr_queues) {
		local_bh_disable();
		napi_schedule(&q->napi);
		local_bh_enable();
		wake_up(&q->rx_wq);
	}
	mutex_unlock(&vif->lock);
	return count;
}

static const struct file_operations nb_ring_fops = {
	.owner		= THIS_MODULE,
	.open		= nb_ring_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
	.write		= nb_ring_write,
};

/**
 * nb_debugfs_vif_add() - one io_ring_q<N> file per possible queue.
 * @vif: a registered vif.
 */
void nb_debugfs_vif_add(struct nb_vif *vif)
{
	char name[16];
	unsigned int i;

	if (IS_ERR_OR_NULL(nb_debugfs_root))
		return;
	vif->dbg = debugfs_create_dir(vif->dev->name, nb_debugfs_root);
	for (i = 0; i < vif->dev->num_tx_queues; i++) {
		snprintf(name, sizeof(name), "io_ring_q%u", i);
		debugfs_create_file(name, 0600, vif->dbg, &vif->queues[i],
				    &nb_ring_fops);
	}
}

/**
 * nb_debugfs_vif_remove() - remove the vif's files, waiting for readers.
 * @vif: the vif; vif->lock must not be held.
 */
void nb_debugfs_vif_remove(struct nb_vif *vif)
{
	debugfs_remove_recursive(vif->dbg);
	vif->dbg = NULL;
}

int nb_debugfs_init(void)
{
	nb_debugfs_root = debugfs_create_dir("xen-netback", NULL);
	return 0;
}

void nb_debugfs_exit(void)
{
	debugfs_remove_recursive(nb_debugfs_root);
	nb_debugfs_root = NULL;
}
