// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netback: the xenbus side.  Probe creates vif<domid>.<handle> and
 * publishes our features, then waits in InitWait.  When the frontend is
 * Connected (or Initialised) its rings are mapped and its channels bound,
 * but we only switch to Connected once the hotplug script (the stock
 * vif-bridge) wrote hotplug-status = connected.  "rate" is watched.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "common.h"

unsigned int nb_max_queues;
module_param_named(max_queues, nb_max_queues, uint, 0644);
MODULE_PARM_DESC(max_queues,
		 "Maximum number of queues per virtual interface (default: online CPUs)");

bool nb_separate_tx_rx_irq = true;
module_param_named(separate_tx_rx_irq, nb_separate_tx_rx_irq, bool, 0644);
MODULE_PARM_DESC(separate_tx_rx_irq,
		 "Offer split event channels for TX and RX");

unsigned int nb_rx_drain_timeout_msecs = 10000;
module_param_named(rx_drain_timeout_msecs, nb_rx_drain_timeout_msecs, uint,
		   0644);
MODULE_PARM_DESC(rx_drain_timeout_msecs,
		 "Drop packets queued for a guest longer than this (ms)");

unsigned int nb_rx_stall_timeout_msecs = 60000;
module_param_named(rx_stall_timeout_msecs, nb_rx_stall_timeout_msecs, uint,
		   0644);
MODULE_PARM_DESC(rx_stall_timeout_msecs,
		 "Carrier off when a guest takes no packets for this long (ms)");

unsigned int nb_fatal_skb_slots = XENPV_NETIF_LEGACY_SLOTS_MAX + 2;
module_param_named(fatal_skb_slots, nb_fatal_skb_slots, uint, 0444);
MODULE_PARM_DESC(fatal_skb_slots,
		 "Disconnect a frontend sending packets of more slots than this");

/* Read the frontend's features; Return: 0 or -errno (reported). */
static int nb_read_features(struct nb_vif *vif)
{
	struct xenpv_dev *xd = &vif->xd;

	if (!xenpv_read_bool(xd, NULL, "request-rx-copy", false)) {
		xenpv_dev_fatal(xd, -EOPNOTSUPP,
				"frontend does not request rx-copy");
		return -EOPNOTSUPP;
	}
	vif->rx_notify = xenpv_read_bool(xd, NULL, "feature-rx-notify", false);
	vif->can_sg = xenpv_read_bool(xd, NULL, "feature-sg", false);
	vif->gso_mask = 0;
	if (xenpv_read_bool(xd, NULL, "feature-gso-tcpv4", false))
		vif->gso_mask |= NB_GSO_TCPV4;
	if (xenpv_read_bool(xd, NULL, "feature-gso-tcpv6", false))
		vif->gso_mask |= NB_GSO_TCPV6;
	vif->ip_csum = !xenpv_read_bool(xd, NULL, "feature-no-csum-offload",
					false);
	vif->ipv6_csum = xenpv_read_bool(xd, NULL,
					 "feature-ipv6-csum-offload", false);

	xenpv_feature_note(xd, "feature-rx-notify", "%d", vif->rx_notify);
	xenpv_feature_note(xd, "feature-sg", "%d", vif->can_sg);
	xenpv_feature_note(xd, "gso", "%s%s",
			   vif->gso_mask & NB_GSO_TCPV4 ? "tcpv4 " : "",
			   vif->gso_mask & NB_GSO_TCPV6 ? "tcpv6" : "");
	xenpv_feature_note(xd, "csum-offload", "ipv4 %d ipv6 %d",
			   vif->ip_csum, vif->ipv6_csum);
	return 0;
}

/* Switch to Connected once both the rings and the hotplug script are. */
static void nb_maybe_connected(struct nb_vif *vif)
{
	if (!vif->connected || !vif->hotplug_ok)
		return;
	if (xenpv_our_state(&vif->xd) != XenbusStateConnected &&
	    xenpv_set_state(&vif->xd, XenbusStateConnected,
			    "rings mapped, hotplug done"))
		return;
	nb_vif_carrier(vif);
}

/**
 * nb_vif_disconnect() - stop the data path and release the rings.
 * @vif: the vif; vif->lock held.
 */
void nb_vif_disconnect(struct nb_vif *vif)
{
	unsigned int i;

	if (!vif->connected)
		return;
	WRITE_ONCE(vif->connected, false);
	netif_carrier_off(vif->dev);
	/* Waits for transmitters still looking at the queues. */
	netif_tx_disable(vif->dev);
	for (i = 0; i < vif->nr_queues; i++)
		nb_queue_disconnect(&vif->queues[i]);
	spin_lock_bh(&vif->stall_lock);
	vif->stalled_queues = 0;
	for (i = 0; i < vif->nr_queues; i++)
		WRITE_ONCE(vif->queues[i].stalled, false);
	spin_unlock_bh(&vif->stall_lock);
}

static int nb_connect(struct nb_vif *vif)
{
	struct xenpv_dev *xd = &vif->xd;
	unsigned int nr, i;
	bool split;
	char *dir;
	int err;

	err = nb_read_features(vif);
	if (err)
		return err;
	err = xenpv_read_num_queues(xd, vif->dev->num_tx_queues, &nr);
	if (err) {
		xenpv_dev_fatal(xd, err, "bad multi-queue-num-queues");
		return err;
	}

	for (i = 0; i < nr; i++) {
		dir = xenpv_queue_dir(xd, true, i, nr, GFP_KERNEL);
		if (!dir) {
			err = -ENOMEM;
			goto out_disconnect_queues;
		}
		split = xenbus_exists(XBT_NIL, dir, "event-channel-tx");
		err = nb_queue_connect(&vif->queues[i], dir, split);
		kfree(dir);
		if (err)
			goto out_disconnect_queues;
	}

	rtnl_lock();
	netif_set_real_num_tx_queues(vif->dev, nr);
	netdev_update_features(vif->dev);
	if (!vif->can_sg && vif->dev->mtu > ETH_DATA_LEN)
		dev_set_mtu(vif->dev, ETH_DATA_LEN);
	rtnl_unlock();

	vif->nr_queues = nr;
	atomic_set(&vif->fatal, 0);
	/* Publishes nr_queues and the queues to nb_start_xmit(). */
	smp_store_release(&vif->connected, true);
	if (netif_running(vif->dev))
		netif_tx_wake_all_queues(vif->dev);
	xenpv_feature_note(xd, "queues", "%u%s", nr,
			   vif->queues[0].split ? " split-evtchn" : "");
	nb_maybe_connected(vif);
	return 0;

out_disconnect_queues:
	while (i--)
		nb_queue_disconnect(&vif->queues[i]);
	return err;
}

static void nb_fatal_work(struct work_struct *work)
{
	struct nb_vif *vif = container_of(work, struct nb_vif, fatal_work);

	mutex_lock(&vif->lock);
	if (vif->connected) {
		nb_vif_disconnect(vif);
		xenpv_dev_fatal(&vif->xd, -EPROTO, "%s", vif->fatal_msg);
	}
	mutex_unlock(&vif->lock);
}

/* Closing then Closed, unless Closed already. */
static void nb_close(struct xenpv_dev *xd, const char *cause)
{
	if (xenpv_our_state(xd) == XenbusStateClosed)
		return;
	xenpv_set_state(xd, XenbusStateClosing, cause);
	xenpv_set_state(xd, XenbusStateClosed, cause);
}

static void nb_peer_changed(struct xenpv_dev *xd, enum xenbus_state state,
			    bool legal)
{
	struct nb_vif *vif = nb_vif_of(xd);
	struct xenbus_device *xbdev = xd->xbdev;

	mutex_lock(&vif->lock);
	if (!legal) {
		nb_vif_disconnect(vif);
		xenpv_set_state(xd, XenbusStateClosing, "illegal frontend step");
		goto out_unlock;
	}
	switch (state) {
	case XenbusStateInitialising:
		if (xenpv_our_state(xd) == XenbusStateClosed)
			xenpv_set_state(xd, XenbusStateInitWait,
					"frontend restarting");
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (vif->connected)
			break;
		if (xenpv_our_state(xd) != XenbusStateInitWait)
			break;
		nb_connect(vif);
		break;
	case XenbusStateClosing:
		nb_vif_disconnect(vif);
		xenpv_set_state(xd, XenbusStateClosing, "frontend closing");
		break;
	case XenbusStateClosed:
		nb_vif_disconnect(vif);
		nb_close(xd, "frontend closed");
		if (xenbus_dev_is_online(xbdev))
			break;
		fallthrough;
	case XenbusStateUnknown:
		nb_vif_disconnect(vif);
		nb_close(xd, "frontend gone");
		mutex_unlock(&vif->lock);
		device_unregister(&xbdev->dev);
		return;
	default:
		break;
	}
out_unlock:
	mutex_unlock(&vif->lock);
}

static void nb_hotplug_changed(struct xenbus_watch *watch, const char *path,
			       const char *token)
{
	struct nb_vif *vif = container_of(watch, struct nb_vif,
					  hotplug_watch);
	char *str;
	bool ok;

	str = xenbus_read(XBT_NIL, vif->xd.xbdev->nodename, "hotplug-status",
			  NULL);
	if (IS_ERR(str))
		return;
	ok = !strcmp(str, "connected");
	kfree(str);
	mutex_lock(&vif->lock);
	if (ok && !vif->hotplug_ok) {
		vif->hotplug_ok = true;
		xenpv_feature_note(&vif->xd, "hotplug-status", "connected");
		nb_maybe_connected(vif);
	}
	mutex_unlock(&vif->lock);
}

/* "rate" = "<bytes>,<usec>": credit of bytes per usec; absent: none. */
static void nb_rate_changed(struct xenbus_watch *watch, const char *path,
			    const char *token)
{
	struct nb_vif *vif = container_of(watch, struct nb_vif, rate_watch);
	unsigned long bytes = ULONG_MAX, usec = 0, b, u;
	char *str;

	str = xenbus_read(XBT_NIL, vif->xd.xbdev->nodename, "rate", NULL);
	if (!IS_ERR(str)) {
		if (sscanf(str, "%lu,%lu", &b, &u) == 2 && b && u) {
			bytes = b;
			usec = u;
		} else {
			dev_warn_ratelimited(&vif->xd.xbdev->dev,
					     "ignoring malformed rate \"%s\"\n",
					     str);
		}
		kfree(str);
	}
	WRITE_ONCE(vif->credit_usec, usec);
	WRITE_ONCE(vif->credit_bytes, bytes);
	if (bytes == ULONG_MAX)
		xenpv_feature_note(&vif->xd, "rate", "unlimited");
	else
		xenpv_feature_note(&vif->xd, "rate", "%lu B/%lu us", bytes,
				   usec);
}

static void nb_unwatch(struct xenbus_watch *watch)
{
	if (!watch->node)
		return;
	unregister_xenbus_watch(watch);
	kfree(watch->node);
	watch->node = NULL;
}

static void nb_show(struct xenpv_dev *xd, struct seq_file *m)
{
	struct nb_vif *vif = nb_vif_of(xd);
	unsigned int i;

	mutex_lock(&vif->lock);
	seq_printf(m, "%s: %s, hotplug %s, %u queue(s), carrier %d, %u stalled\n",
		   vif->dev->name, vif->connected ? "connected" : "disconnected",
		   vif->hotplug_ok ? "connected" : "pending", vif->nr_queues,
		   netif_carrier_ok(vif->dev), vif->stalled_queues);
	for (i = 0; vif->connected && i < vif->nr_queues; i++) {
		struct nb_queue *q = &vif->queues[i];

		seq_printf(m, "q%u: tx req_prod %u req_cons %u rsp_prod %u; rx req_prod %u req_cons %u rsp_prod %u; queued %u%s%s\n",
			   i, q->tx.sring->req_prod, q->tx.req_cons,
			   q->tx.rsp_prod_pvt, q->rx.sring->req_prod,
			   q->rx.req_cons, q->rx.rsp_prod_pvt,
			   skb_queue_len(&q->rx_queue),
			   READ_ONCE(q->stalled) ? " stalled" : "",
			   READ_ONCE(q->broken) ? " broken" : "");
	}
	mutex_unlock(&vif->lock);
}

static const struct xenpv_dev_ops nb_ops = {
	.peer_changed	= nb_peer_changed,
	.show		= nb_show,
};

static int nb_publish(struct nb_vif *vif)
{
	struct xenpv_kv kv[8];
	unsigned int n = 0;

	xenpv_kv_set(&kv[n++], "feature-sg", "%d", 1);
	xenpv_kv_set(&kv[n++], "feature-gso-tcpv4", "%d", 1);
	xenpv_kv_set(&kv[n++], "feature-gso-tcpv6", "%d", 1);
	xenpv_kv_set(&kv[n++], "feature-ipv6-csum-offload", "%d", 1);
	xenpv_kv_set(&kv[n++], "feature-rx-copy", "%d", 1);
	xenpv_kv_set(&kv[n++], "feature-rx-flip", "%d", 0);
	xenpv_kv_set(&kv[n++], "feature-split-event-channels", "%d",
		     READ_ONCE(nb_separate_tx_rx_irq));
	xenpv_kv_set(&kv[n++], "multi-queue-max-queues", "%u",
		     vif->dev->num_tx_queues);
	return xenpv_publish(&vif->xd, NULL, kv, n, NULL, NULL);
}

static int nb_probe(struct xenbus_device *xbdev,
		    const struct xenbus_device_id *id)
{
	struct nb_vif *vif;
	unsigned int handle;
	char *mac;
	int err;

	err = xenbus_scanf(XBT_NIL, xbdev->nodename, "handle", "%u", &handle);
	if (err != 1) {
		xenbus_dev_fatal(xbdev, err < 0 ? err : -EINVAL,
				 "reading handle");
		return err < 0 ? err : -EINVAL;
	}
	vif = nb_vif_alloc(xbdev, xbdev->otherend_id, handle);
	if (IS_ERR(vif)) {
		xenbus_dev_fatal(xbdev, PTR_ERR(vif), "allocating vif");
		return PTR_ERR(vif);
	}
	INIT_WORK(&vif->fatal_work, nb_fatal_work);
	err = xenpv_dev_init(&vif->xd, xbdev, XENPV_BACKEND, &nb_ops);
	if (err)
		goto out_free_vif;

	mac = xenbus_read(XBT_NIL, xbdev->nodename, "mac", NULL);
	if (!IS_ERR(mac)) {
		if (!mac_pton(mac, vif->fe_mac))
			dev_warn(&xbdev->dev, "malformed mac \"%s\"\n", mac);
		kfree(mac);
	}

	err = register_netdev(vif->dev);
	if (err) {
		xenpv_dev_fatal(&vif->xd, err, "registering %s",
				vif->dev->name);
		goto out_destroy_xd;
	}
	nb_debugfs_vif_add(vif);

	err = nb_publish(vif);
	if (err)
		goto out_unregister_netdev;
	err = xenbus_watch_pathfmt(xbdev, &vif->rate_watch, NULL,
				   nb_rate_changed, "%s/rate", xbdev->nodename);
	if (err)
		goto out_unregister_netdev;
	err = xenbus_watch_pathfmt(xbdev, &vif->hotplug_watch, NULL,
				   nb_hotplug_changed, "%s/hotplug-status",
				   xbdev->nodename);
	if (err)
		goto out_unwatch_rate;
	err = xenpv_set_state(&vif->xd, XenbusStateInitWait, "probed");
	if (err)
		goto out_unwatch_hotplug;
	netdev_info(vif->dev, "xenpv netback for domain %u, handle %u\n",
		    vif->domid, handle);
	return 0;

out_unwatch_hotplug:
	nb_unwatch(&vif->hotplug_watch);
out_unwatch_rate:
	nb_unwatch(&vif->rate_watch);
out_unregister_netdev:
	nb_debugfs_vif_remove(vif);
	unregister_netdev(vif->dev);
out_destroy_xd:
	xenpv_dev_destroy(&vif->xd);
out_free_vif:
	nb_vif_free(vif);
	return err;
}

static void nb_remove(struct xenbus_device *xbdev)
{
	struct xenpv_dev *xd = xenpv_dev_from_xbdev(xbdev);
	struct nb_vif *vif;

	if (!xd)
		return;
	vif = nb_vif_of(xd);
	nb_unwatch(&vif->hotplug_watch);
	nb_unwatch(&vif->rate_watch);
	nb_debugfs_vif_remove(vif);
	cancel_work_sync(&vif->fatal_work);
	mutex_lock(&vif->lock);
	nb_vif_disconnect(vif);
	mutex_unlock(&vif->lock);
	cancel_work_sync(&vif->fatal_work);
	unregister_netdev(vif->dev);
	xenpv_dev_destroy(xd);
	nb_vif_free(vif);
}

XENPV_DEFINE_REMOVE(nb_remove)

static int nb_uevent(XENPV_UEVENT_CONST struct xenbus_device *xbdev,
		     struct kobj_uevent_env *env)
{
	struct xenpv_dev *xd = xenpv_dev_from_xbdev((struct xenbus_device *)xbdev);

	if (!xd)
		return 0;
	return add_uevent_var(env, "vif=%s", nb_vif_of(xd)->dev->name);
}

static const struct xenbus_device_id nb_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenbus_driver nb_driver = {
	.ids			= nb_ids,
	.probe			= nb_probe,
	.remove			= nb_remove_cb,
	.uevent			= nb_uevent,
	.otherend_changed	= xenpv_otherend_changed,
};

static int __init nb_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;
	if (!nb_max_queues)
		nb_max_queues = num_online_cpus();
	nb_debugfs_init();
	err = xenbus_register_backend(&nb_driver);
	if (err)
		nb_debugfs_exit();
	return err;
}
module_init(nb_init);

static void __exit nb_exit(void)
{
	xenbus_unregister_driver(&nb_driver);
	nb_debugfs_exit();
}
module_exit(nb_exit);

MODULE_DESCRIPTION("Xen PV network backend (xenpv)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen-backend:vif");
