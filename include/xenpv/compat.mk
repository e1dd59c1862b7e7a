# SPDX-License-Identifier: GPL-2.0-only
#
# Feature probes of the target kernel tree for include/xenpv/compat.h.
#
# Every probe greps the target tree's headers for one API shape and, when
# found, adds one -DXENPV_... flag to $(xenpv-compat-flags).  A probe that
# cannot tell (header missing, pattern not found) adds nothing, and
# compat.h then falls back to the behaviour of the bookworm 6.1 tree.
# Included by the top-level Kbuild, which hands $(xenpv-compat-flags) to
# every module directory.

xenpv-hdr = $(firstword $(wildcard $(srctree)/include/$(strip $(1)) \
	$(objtree)/include/$(strip $(1))))
xenpv-probe = $(if $(call xenpv-hdr,$(2)),$(shell grep -qsE '$(3)' \
	$(call xenpv-hdr,$(2)) && echo -D$(1)))

# struct xenbus_driver.remove returns int (vanilla 6.1 and older; Debian's
# 6.1 and 6.12 return void).
xenpv-pat := int [(][*]remove[)][(]struct xenbus_device
xenpv-compat-flags := $(call xenpv-probe,XENPV_HAVE_XENBUS_REMOVE_INT,\
	xen/xenbus.h,$(xenpv-pat))

# struct xenbus_driver.uevent takes a const device (6.3+, so 6.12).
xenpv-pat := [(][*]uevent[)][(]const struct xenbus_device
xenpv-compat-flags += $(call xenpv-probe,XENPV_HAVE_XENBUS_UEVENT_CONST,\
	xen/xenbus.h,$(xenpv-pat))

# xenbus_read_driver_state() takes the device as well as the path (newer
# than 6.12; both 6.1 and 6.12 take only the path).
xenpv-pat := xenbus_read_driver_state[(][a-z ]*struct xenbus_device
xenpv-compat-flags += $(call xenpv-probe,XENPV_HAVE_READ_DRIVER_STATE_DEV,\
	xen/xenbus.h,$(xenpv-pat))

# Grant revocation without the XSA-396 helpers: gnttab_end_foreign_access()
# with a readonly flag and no gnttab_try_end_foreign_access() (before 5.17).
xenpv-pat := gnttab_end_foreign_access[(]grant_ref_t ref, int readonly
xenpv-compat-flags += $(call xenpv-probe,XENPV_HAVE_GNTTAB_END_READONLY,\
	xen/grant_table.h,$(xenpv-pat))

# Interdomain lateeoi binding by domid instead of xenbus device (before 5.12).
xenpv-pat := bind_interdomain_evtchn_to_irqhandler_lateeoi[(]unsigned int
xenpv-compat-flags += $(call xenpv-probe,XENPV_HAVE_BIND_INTERDOMAIN_DOMID,\
	xen/events.h,$(xenpv-pat))

# class_create() without the owner argument (6.4+, so 6.12).
xenpv-pat := class_create[(]const char [*]name[)]
xenpv-compat-flags += $(call xenpv-probe,XENPV_HAVE_CLASS_CREATE_NAME,\
	linux/device/class.h,$(xenpv-pat))

# The event core knows static event channels: evtchn_make_refcounted()
# takes an is_static flag (6.7+, so 6.12).
xenpv-pat := evtchn_make_refcounted.evtchn_port_t [a-z]+, bool
xenpv-compat-flags += $(call xenpv-probe,XENPV_HAVE_STATIC_EVTCHN,\
	xen/events.h,$(xenpv-pat))

# Queue limits are passed to blk_mq_alloc_disk() and updated atomically,
# with the write cache and FUA as feature flags (6.11+, so 6.12).
xenpv-pat := BLK_FEAT_WRITE_CACHE
xenpv-compat-flags += $(call xenpv-probe,XENPV_HAVE_BLK_FEAT,\
	linux/blkdev.h,$(xenpv-pat))

# Block devices are opened as files: bdev_file_open_by_dev() (6.9+, so 6.12).
xenpv-pat := bdev_file_open_by_dev[(]
xenpv-compat-flags += $(call xenpv-probe,XENPV_HAVE_BDEV_FILE_OPEN,\
	linux/blkdev.h,$(xenpv-pat))

# block_device_operations.ioctl takes a blk_mode_t, not an fmode_t (6.5+,
# so 6.12).
xenpv-pat := [(][*]ioctl[)][ ]?[(]struct block_device [*][a-z_]*, blk_mode_t
xenpv-compat-flags += $(call xenpv-probe,XENPV_HAVE_BLK_MODE_T,\
	linux/blkdev.h,$(xenpv-pat))

# The tty layer counts bytes in size_t and u8 (6.6+, so 6.12); the hvc
# layer, whose header no tree ships, followed in the same series.
xenpv-pat := ssize_t [(][*]write[)][(]struct tty_struct [*]tty, const u8
xenpv-compat-flags += $(call xenpv-probe,XENPV_HAVE_TTY_SIZE_T,\
	linux/tty_driver.h,$(xenpv-pat))

# The page_pool API moved to net/page_pool/helpers.h and types.h (6.6+,
# so 6.12); 6.1 has it all in net/page_pool.h.
xenpv-pat := page_pool_put_full_page
xenpv-compat-flags += $(call xenpv-probe,XENPV_HAVE_PAGE_POOL_HELPERS_H,\
	net/page_pool/helpers.h,$(xenpv-pat))

# A page_pool knows the NAPI context that consumes its pages and recycles
# directly into its cache from skbs freed there (page_pool_params.napi,
# 6.5+, so 6.12; in net/page_pool.h for 6.5 only).
xenpv-pat := struct napi_struct[[:space:]]+[*]napi;
xenpv-compat-flags += $(call xenpv-probe,XENPV_HAVE_PAGE_POOL_NAPI,\
	net/page_pool/types.h,$(xenpv-pat))
xenpv-compat-flags += $(call xenpv-probe,XENPV_HAVE_PAGE_POOL_NAPI,\
	net/page_pool.h,$(xenpv-pat))

xenpv-compat-flags := $(strip $(xenpv-compat-flags))
