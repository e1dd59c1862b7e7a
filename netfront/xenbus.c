// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront: probe/remove, negotiation with the backend and the
 * state machine.
 *
 *   probe              -> read mac and trusted, register the net_device
 *                         (carrier off)
 *   backend InitWait   -> read feature-rx-copy, multi-queue-max-queues,
 *                         feature-split-event-channels and the offloads;
 *                         set up rings, rx buffers and channels for
 *                         min(max_queues, backend's max) queues, publish
 *                         them with request-rx-copy, feature-rx-notify,
 *                         feature-sg, feature-gso-tcpv4/6 and
 *                         feature-ipv6-csum-offload in one transaction;
 *                         we go Connected
 *   backend Connected  -> carrier on, gratuitous ARP
 *   backend Closing    -> carrier off, free rings, buffers, channels and
 *     or Closed           grants; we go Closed
 *
 * A backend that breaks the ring protocol gets us to Closing (from a
 * work item; rx.c/tx.c mark the device broken).
 */
#include "common.h"

#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <xen/xen.h>
#include <xen/platform_pci.h>

unsigned int netfront_max_queues;
module_param_named(max_queues, netfront_max_queues, uint, 0644);
MODULE_PARM_DESC(max_queues, "Maximum number of queues per virtual interface");

/*
 * max_queues as a probe uses it.  The 0644 can be rewritten after load
 * (to 0, say): bounded to 1..online CPUs here, at each use (online CPUs
 * are within the possible ones, the bound at load).
 */
static unsigned int netfront_queues_param(void)
{
	return clamp_t(unsigned int, READ_ONCE(netfront_max_queues), 1,
		       num_online_cpus());
}

bool netfront_trusted = true;
module_param_named(trusted, netfront_trusted, bool, 0644);
MODULE_PARM_DESC(trusted, "Is the backend trusted");

/* What netfront_publish_queue() writes in a queue's directory. */
static const char *const netfront_queue_keys[] = {
	"tx-ring-ref", "rx-ring-ref", "event-channel", NULL
};

static int netfront_publish_queue(struct xenpv_dev *xd,
				  struct xenbus_transaction xbt,
				  const char *dir, unsigned int i, void *arg)
{
	struct netfront_info *info = arg;
	struct netfront_queue *q = &info->queues[i];
	int err;

	err = xenpv_ring_publish(xd, xbt, dir, "tx-ring-ref", &q->tx_ring);
	if (!err)
		err = xenpv_ring_publish(xd, xbt, dir, "rx-ring-ref",
					 &q->rx_ring);
	if (err)
		return err;
	if (!info->split)
		return xenpv_evtchn_publish(xd, xbt, dir, "event-channel",
					    &q->tx_ch);
	err = xenpv_evtchn_publish(xd, xbt, dir, "event-channel-tx",
				   &q->tx_ch);
	if (!err)
		err = xenpv_evtchn_publish(xd, xbt, dir, "event-channel-rx",
					   &q->rx_ch);
	return err;
}

/*
 * multi-queue-num-queues goes out whenever the backend offers
 * multi-queue, even for one queue, as in-tree.
 */
static int netfront_publish_queues(struct xenpv_dev *xd,
				   struct xenbus_transaction xbt, void *arg)
{
	struct netfront_info *info = arg;

	return xenpv_publish_queues(xd, xbt, info->nr_queues, info->be_mq,
				    netfront_queue_keys,
				    netfront_publish_queue, info);
}

/* The MTU the toolstack wrote for us, if any.  Under rtnl. */
static void netfront_read_mtu(struct netfront_info *info)
{
	struct net_device *dev = info->netdev;
	u32 mtu;

	if (xenpv_read_u32(&info->xd, info->xd.xbdev->nodename, "mtu", 0,
			   0, dev->max_mtu, &mtu) || !mtu)
		return;
	if (mtu < dev->min_mtu || dev_set_mtu(dev, mtu))
		dev_warn(&info->xd.xbdev->dev, "cannot use mtu %u\n", mtu);
}

/* Backend waits for us: set up and publish the queues.  Under mutex. */
static void netfront_talk(struct netfront_info *info)
{
	struct xenpv_dev *xd = &info->xd;
	struct xenpv_kv kv[6];
	unsigned int nr, k = 0;
	u32 be_max;
	int err;

	if (xenpv_our_state(xd) != XenbusStateInitialising || info->removing)
		return;
	if (!xenpv_read_bool(xd, NULL, "feature-rx-copy", false)) {
		xenpv_dev_fatal(xd, -EOPNOTSUPP,
				"backend does not offer feature-rx-copy");
		return;
	}
	xenpv_read_u32(xd, NULL, "multi-queue-max-queues", 0, 0, U32_MAX,
		       &be_max);
	nr = clamp_t(unsigned int, be_max, 1, info->max_queues);
	info->be_mq = be_max != 0;
	info->split = xenpv_read_bool(xd, NULL, "feature-split-event-channels",
				      false);
	info->be_sg = xenpv_read_bool(xd, NULL, "feature-sg", false);
	info->be_tso4 = xenpv_read_bool(xd, NULL, "feature-gso-tcpv4", false);
	info->be_tso6 = xenpv_read_bool(xd, NULL, "feature-gso-tcpv6", false);
	info->be_csum6 = xenpv_read_bool(xd, NULL, "feature-ipv6-csum-offload",
					 false);

	rtnl_lock();
	err = netfront_queues_setup(info, nr);
	if (err)
		goto out_unlock;

	xenpv_kv_set(&kv[k++], "request-rx-copy", "1");
	xenpv_kv_set(&kv[k++], "feature-rx-notify", "1");
	xenpv_kv_set(&kv[k++], "feature-sg", "1");
	xenpv_kv_set(&kv[k++], "feature-gso-tcpv4", "1");
	xenpv_kv_set(&kv[k++], "feature-gso-tcpv6", "1");
	xenpv_kv_set(&kv[k++], "feature-ipv6-csum-offload", "1");
	err = xenpv_publish(xd, NULL, kv, k, netfront_publish_queues, info);
	if (err) {
		netfront_queues_teardown(info);
		goto out_unlock;
	}
	netdev_update_features(info->netdev);
	netfront_read_mtu(info);
	netfront_queues_start(info);
	rtnl_unlock();

	xenpv_feature_note(xd, "queues", "%u of %u (backend %u)", nr,
			   info->max_queues, be_max);
	xenpv_feature_note(xd, "split-event-channels", "%u", info->split);
	xenpv_feature_note(xd, "offloads", "sg %u tso %u/%u csum6 %u",
			   info->be_sg, info->be_tso4, info->be_tso6,
			   info->be_csum6);
	xenpv_feature_note(xd, "bounce", "%u", info->bounce);
	xenpv_feature_note(xd, "mtu", "%u", info->netdev->mtu);
	xenpv_set_state(xd, XenbusStateConnected, "rings published");
	return;

out_unlock:
	rtnl_unlock();
}

/* Both sides Connected: carrier on.  Under info->mutex. */
static void netfront_carrier_on(struct netfront_info *info)
{
	struct net_device *dev = info->netdev;

	if (xenpv_our_state(&info->xd) != XenbusStateConnected ||
	    !info->connected || READ_ONCE(info->broken))
		return;
	rtnl_lock();
	netif_carrier_on(dev);
	if (netif_running(dev))
		netif_tx_wake_all_queues(dev);
	rtnl_unlock();
	netdev_notify_peers(dev);
}

static void netfront_disconnect(struct netfront_info *info)
{
	rtnl_lock();
	netfront_queues_teardown(info);
	rtnl_unlock();
}

static void netfront_peer_changed(struct xenpv_dev *xd,
				  enum xenbus_state state, bool legal)
{
	struct netfront_info *info = netfront_from_xd(xd);

	mutex_lock(&info->mutex);
	if (!legal) {
		netfront_disconnect(info);
		xenpv_set_state(xd, XenbusStateClosing, "illegal peer state");
		goto out_unlock;
	}
	switch (state) {
	case XenbusStateInitWait:
		netfront_talk(info);
		break;
	case XenbusStateConnected:
		netfront_carrier_on(info);
		break;
	case XenbusStateClosed:
		/* Nothing to close, or an old Closed while we reconnect. */
		if (xenpv_our_state(xd) == XenbusStateInitialising)
			break;
		fallthrough;
	case XenbusStateClosing:
		if (xenpv_our_state(xd) == XenbusStateClosed)
			break;
		netfront_disconnect(info);
		xenpv_frontend_closed(xd, state == XenbusStateClosing ?
				      "peer Closing" : "peer Closed");
		break;
	default:
		break;
	}
out_unlock:
	mutex_unlock(&info->mutex);
}

static const struct xenpv_dev_ops netfront_xd_ops = {
	.peer_changed	= netfront_peer_changed,
	.show		= netfront_show,
};

static void netfront_broken_work(struct work_struct *work)
{
	struct netfront_info *info = container_of(work, struct netfront_info,
						  broken_work);

	xenpv_dev_error(&info->xd, -EPROTO, "%s: backend broke the ring",
			netdev_name(info->netdev));
	xenpv_set_state(&info->xd, XenbusStateClosing, "backend broke ring");
}

static int netfront_read_mac(struct netfront_info *info)
{
	struct xenbus_device *xbdev = info->xd.xbdev;
	u8 addr[ETH_ALEN];
	char *str;
	bool ok;

	str = xenbus_read(XBT_NIL, xbdev->nodename, "mac", NULL);
	if (IS_ERR(str)) {
		xenpv_dev_fatal(&info->xd, PTR_ERR(str), "reading mac");
		return PTR_ERR(str);
	}
	ok = mac_pton(str, addr) && is_valid_ether_addr(addr);
	kfree(str);
	if (!ok) {
		xenpv_dev_fatal(&info->xd, -EINVAL, "bad mac address");
		return -EINVAL;
	}
	eth_hw_addr_set(info->netdev, addr);
	return 0;
}

static int netfront_probe(struct xenbus_device *xbdev,
			  const struct xenbus_device_id *id)
{
	struct netfront_info *info;
	struct net_device *dev;
	int err;

	dev = netfront_netdev_alloc(xbdev, netfront_queues_param());
	if (!dev)
		return -ENOMEM;
	info = netdev_priv(dev);
	mutex_init(&info->mutex);
	INIT_WORK(&info->broken_work, netfront_broken_work);

	err = xenpv_dev_init(&info->xd, xbdev, XENPV_FRONTEND,
			     &netfront_xd_ops);
	if (err)
		goto out_free_netdev;
	err = netfront_read_mac(info);
	if (err)
		goto out_destroy_xd;
	info->bounce = !netfront_trusted ||
		       !xenpv_read_bool(&info->xd, xbdev->nodename, "trusted",
					true);

	err = register_netdev(dev);
	if (err) {
		xenpv_dev_fatal(&info->xd, err, "registering netdev");
		goto out_destroy_xd;
	}

	/* Re-bound after a remove: ask the backend to reconnect. */
	if (xenpv_our_state(&info->xd) == XenbusStateClosed)
		xenpv_set_state(&info->xd, XenbusStateInitialising,
				"probed again");

	if (xenpv_peer_state(&info->xd) == XenbusStateInitWait) {
		mutex_lock(&info->mutex);
		netfront_talk(info);
		mutex_unlock(&info->mutex);
	}
	return 0;

out_destroy_xd:
	xenpv_dev_destroy(&info->xd);
out_free_netdev:
	mutex_destroy(&info->mutex);
	netfront_netdev_free(dev);
	return err;
}

static void netfront_remove(struct xenbus_device *xbdev)
{
	struct xenpv_dev *xd = xenpv_dev_from_xbdev(xbdev);
	struct netfront_info *info;
	struct net_device *dev;

	if (!xd)
		return;
	info = netfront_from_xd(xd);
	dev = info->netdev;

	/* Disconnect before unregistering: no reconnect after this. */
	mutex_lock(&info->mutex);
	info->removing = true;
	netfront_disconnect(info);
	mutex_unlock(&info->mutex);
	cancel_work_sync(&info->broken_work);
	unregister_netdev(dev);
	if (xenpv_our_state(xd) != XenbusStateClosed)
		xenpv_frontend_closed(xd, "removed");

	xenpv_dev_destroy(xd);
	mutex_destroy(&info->mutex);
	netfront_netdev_free(dev);
}

XENPV_DEFINE_REMOVE(netfront_remove)

/*
 * After a restore (xl restore, or a migration): the rings, channels and
 * grants belonged to the old host and the old backend is gone.  Free
 * them (rx buffers are dropped, outstanding tx packets too: TCP sends
 * them again), keep the net_device, and start over: the xenbus core has
 * set our state back to Initialising and watches the new backend, whose
 * InitWait makes netfront_talk() negotiate and post fresh rx buffers;
 * its Connected turns the carrier on (gratuitous ARP for the new bridge
 * port).  The new backend starts from scratch, so what we last saw of
 * the old one is forgotten (recorded as Unknown, from which any state
 * is a legal first sighting).
 */
static int netfront_resume(struct xenbus_device *xbdev)
{
	struct xenpv_dev *xd = xenpv_dev_from_xbdev(xbdev);
	struct netfront_info *info;

	if (!xd)
		return 0;
	info = netfront_from_xd(xd);
	mutex_lock(&info->mutex);
	netfront_disconnect(info);
	xenpv_peer_changed(xd, XenbusStateUnknown);
	info->resumed++;
	mutex_unlock(&info->mutex);
	dev_info(&xbdev->dev, "resumed: reconnecting to the backend\n");
	return 0;
}

static const struct xenbus_device_id netfront_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenbus_driver netfront_driver = {
	.ids			= netfront_ids,
	.probe			= netfront_probe,
	.remove			= netfront_remove_cb,
	.resume			= netfront_resume,
	.otherend_changed	= xenpv_otherend_changed,
	.not_essential		= true,
};

static int __init netfront_init(void)
{
	BUILD_BUG_ON(PAGE_SIZE != XEN_PAGE_SIZE);
	if (!xen_domain() || !xen_has_pv_nic_devices())
		return -ENODEV;

	if (!netfront_max_queues)
		netfront_max_queues = min_t(unsigned int, num_online_cpus(),
					    NETFRONT_MAX_QUEUES_DEFAULT);
	netfront_max_queues = clamp_t(unsigned int, netfront_max_queues, 1,
				      num_possible_cpus());
	return xenbus_register_frontend(&netfront_driver);
}
module_init(netfront_init);

static void __exit netfront_exit(void)
{
	xenbus_unregister_driver(&netfront_driver);
}
module_exit(netfront_exit);

MODULE_DESCRIPTION("Xen PV network frontend (xenpv)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen:vif");
MODULE_ALIAS("xennet");
