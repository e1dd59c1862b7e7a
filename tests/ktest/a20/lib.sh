# SPDX-License-Identifier: GPL-2.0-only
# Host side of the A20 NFS-root board (tests/ktest/a20*.conf): the dom0 NFS
# root, the dom0 initramfs that mounts it, the emulated board's NFS server
# (nfs-ganesha on 127.0.0.1) and QEMU.  Sourced after lib/common.sh,
# lib/image.sh and lib/board.sh.

A20_DIR=$KTEST_DIR/a20
# Runtime state of the emulated board (pids, console log, export).
A20_STATE=${A20_STATE:-/tmp/xenpv-a20-emu}
A20_SSH_PORT=${A20_SSH_PORT:-10522}
A20_NFS_PORT=${A20_NFS_PORT:-20549}
# The ssh key ktest uses for the board (made once).
A20_KEY=${A20_KEY:-$XENPV_CACHE/a20/ssh/id_ed25519}

a20_key() {
	[ -s "$A20_KEY" ] && return 0
	mkdir -p "$(dirname "$A20_KEY")"
	ssh-keygen -q -t ed25519 -N '' -C xenpv-a20-ktest -f "$A20_KEY" || die "ssh-keygen failed"
}

# The dom0 NFS root: the board userland plus openssh-server, extracted once
# per package set into $XENPV_CACHE/a20-nfsroot-<dist>-<arch>/<key>/root (its
# own key: the cached images of tests/ktest/run are never touched).  What
# makes it a bootable dom0 (users, sshd, busybox init) is applied to each
# copy (a20_export_sync), so changing that never re-extracts.
a20_packages() { echo $(board_packages) openssh-server; }

a20_root_build() {
	local lock key
	board_lock lock
	board_key
	key=$( { echo "$BOARD_PKGS openssh-server=$(apt_version openssh-server)"
		declare -f a20_packages mmdebstrap_once a20_userland; } | sha256sum | cut -c1-16)
	A20_ROOT_DIR=$XENPV_CACHE/a20-nfsroot-$DIST-$ARCH/$key
	if [ ! -f "$A20_ROOT_DIR/complete" ]; then
		say "building the A20 dom0 NFS root in $A20_ROOT_DIR (first run only)"
		rm -rf "$A20_ROOT_DIR"
		mkdir -p "$A20_ROOT_DIR"
		a20_userland "$A20_ROOT_DIR/root"
		touch "$A20_ROOT_DIR/complete"
	fi
	touch "$A20_ROOT_DIR"
	find "$XENPV_CACHE/a20-nfsroot-$DIST-$ARCH" -mindepth 1 -maxdepth 1 -type d \
		! -name "$key" -mmin +2880 -exec rm -rf {} +
	exec {lock}>&-
}

a20_userland() {
	local root=$1
	say "extracting the $DIST/$DEB_ARCH userland with openssh-server"
	retry 3 mmdebstrap_once "$root" $(a20_packages) ||
		{ tail -15 "$root.log" >&2; die "mmdebstrap failed (log: $root.log)"; }
	depmod -b "$root" "$KVER"
}

# Make <root> (a copy of the cached userland) a dom0 for the A20 boards:
# what maintainer scripts would have done, sshd (key login as root), busybox
# init with /sbin/xenpv-a20-init as sysinit and a shell on hvc0, and root's
# authorized key <pub>.
a20_root_setup() {
	local root=$1 pub=$2 t
	cp "$root/usr/share/base-passwd/passwd.master" "$root/etc/passwd"
	cp "$root/usr/share/base-passwd/group.master" "$root/etc/group"
	echo 'sshd:x:101:65534::/run/sshd:/usr/sbin/nologin' >>"$root/etc/passwd"
	sed -i 's|^root:.*|root:x:0:0:root:/root:/bin/bash|' "$root/etc/passwd"
	# No password (as the emulated board's dom0): sshd takes keys only.
	echo 'root::0:0:99999:7:::' >"$root/etc/shadow"
	ln -sf gawk "$root/usr/bin/awk"
	for t in rsa ecdsa ed25519; do
		[ -s "$root/etc/ssh/ssh_host_${t}_key" ] ||
			ssh-keygen -q -t $t -N '' -C dom0 -f "$root/etc/ssh/ssh_host_${t}_key"
	done
	# The package ships its sshd_config as a template for its postinst.
	[ -s "$root/etc/ssh/sshd_config" ] ||
		cp "$root/usr/share/openssh/sshd_config" "$root/etc/ssh/sshd_config"
	mkdir -p "$root/etc/ssh/sshd_config.d"
	cat >"$root/etc/ssh/sshd_config.d/xenpv.conf" <<'CONF'
# xenpv A20 board: key login as root only, no PAM (nothing configured it).
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
PermitEmptyPasswords no
UseDNS no
CONF
	cat >"$root/etc/inittab" <<'TAB'
# busybox init (tests/ktest/a20): dom0 bring-up, then a shell on hvc0.
::sysinit:/sbin/xenpv-a20-init
hvc0::respawn:/bin/bash -l
::ctrlaltdel:/bin/busybox reboot
::shutdown:/bin/sync
TAB
	install -m 755 "$A20_DIR/dom0-init" "$root/sbin/xenpv-a20-init"
	echo dom0 >"$root/etc/hostname"
	printf '127.0.0.1 localhost\n127.0.1.1 dom0\n' >"$root/etc/hosts"
	install -d -m 700 "$root/root/.ssh"
	install -m 600 "$pub" "$root/root/.ssh/authorized_keys"
}

# Make <export> a fresh copy of the cached NFS root (what the last boot
# wrote there goes), set up by a20_root_setup.
a20_export_sync() {
	local export=$1 pub=$2
	rm -rf "$export"
	mkdir -p "$(dirname "$export")"
	cp -a "$A20_ROOT_DIR/root" "$export" || die "cannot copy the NFS root to $export"
	a20_root_setup "$export" "$pub"
}

# The dom0 initramfs that brings up the network (eth0 in xenbr0, the address
# on the bridge: docs/a20.md section 15), mounts the root over NFSv4 and
# switch_roots into it.  For the emulated board and the real one (the
# A20's GMAC driver is in it too).
A20_INITRD_MODULES="virtio_mmio virtio_net dwmac-sunxi bridge nfsv4"

a20_build_initrd() {
	local root=$1 out=$2 dir m b
	dir=$(mktemp -d "$BOARD_DIR/ia.XXXX")
	mkdir -p "$dir"/{bin,sbin,dev,proc,sys,root,run,etc,lib/modules/"$KVER"}
	cp "$root/bin/busybox" "$dir/bin/busybox"
	for b in sh switch_root sleep cat grep sed mkdir; do
		ln -sf busybox "$dir/bin/$b"
	done
	copy_with_libs "$root" "$dir" /bin/ip /bin/mount /bin/kmod
	for b in modprobe insmod; do ln -sf /bin/kmod "$dir/sbin/$b"; done
	for m in $(module_closure "$root/lib/modules/$KVER" $A20_INITRD_MODULES); do
		mkdir -p "$dir/lib/modules/$KVER/$(dirname "$m")"
		cp "$root/lib/modules/$KVER/$m" "$dir/lib/modules/$KVER/$m"
	done
	cp "$root/lib/modules/$KVER"/modules.{builtin,builtin.modinfo,order} "$dir/lib/modules/$KVER/"
	depmod -b "$dir" "$KVER"
	install -m 755 "$A20_DIR/initramfs-init" "$dir/init"
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
	rm -rf "$dir"
}

# The initramfs for the current board: derived from the NFS root's
# userland, keyed by the init script.
a20_initrd() {
	local key dir
	key=$(cat "$A20_DIR/initramfs-init" "$A20_DIR/lib.sh" | sha256sum | cut -c1-16)
	dir=$A20_ROOT_DIR/initrd-$key
	if [ ! -s "$dir/initrd.gz" ]; then
		mkdir -p "$dir"
		BOARD_DIR=$A20_ROOT_DIR a20_build_initrd "$A20_ROOT_DIR/root" "$dir/initrd.gz.tmp" >&2 ||
			die "building the A20 initramfs failed"
		mv "$dir/initrd.gz.tmp" "$dir/initrd.gz"
	fi
	echo "$dir/initrd.gz"
}

# nfs-ganesha (userspace NFSv4: this host's kernel has no nfsd) serving
# <export> on 127.0.0.1:$A20_NFS_PORT only, as pseudo path /a20root,
# no root squash.  Restarted when the export changes.
a20_nfs_start() {
	local export=$1 st=$A20_STATE/ganesha
	a20_nfs_stop
	mkdir -p "$st/recovery"
	cat >"$st/ganesha.conf" <<CONF
NFS_CORE_PARAM {
	Bind_addr = 127.0.0.1;
	NFS_Port = $A20_NFS_PORT;
	Protocols = 4;
	Enable_NLM = false;
	Enable_RQUOTA = false;
	Enable_UDP = false;
}
NFSV4 {
	Graceless = true;
	RecoveryBackend = fs;
	RecoveryRoot = $st/recovery;
	Only_Numeric_Owners = true;
}
NFS_KRB5 { Active_krb5 = false; }
EXPORT {
	Export_Id = 77;
	Path = $export;
	Pseudo = /a20root;
	Access_Type = RW;
	Squash = No_Root_Squash;
	SecType = sys;
	Protocols = 4;
	Transports = TCP;
	FSAL { Name = VFS; }
}
CONF
	command -v ganesha.nfsd >/dev/null ||
		die "no ganesha.nfsd: apt-get install nfs-ganesha nfs-ganesha-vfs"
	ganesha.nfsd -f "$st/ganesha.conf" -L "$st/ganesha.log" -p "$st/ganesha.pid" -N NIV_EVENT ||
		die "ganesha.nfsd did not start (log: $st/ganesha.log)"
	local i
	for i in $(seq 1 20); do
		ss -ltn "sport = :$A20_NFS_PORT" | grep -q 127.0.0.1 && break
		sleep 0.5
	done
	ss -ltn "sport = :$A20_NFS_PORT" | grep -q 127.0.0.1 ||
		die "ganesha is not listening on 127.0.0.1:$A20_NFS_PORT (log: $st/ganesha.log)"
	say "NFS: ganesha pid $(cat "$st/ganesha.pid") serves $export on 127.0.0.1:$A20_NFS_PORT"
}

a20_nfs_stop() {
	local pf=$A20_STATE/ganesha/ganesha.pid pid
	pid=$(cat "$pf" 2>/dev/null) || return 0
	if [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = ganesha.nfsd ]; then
		kill "$pid"
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
		kill -9 "$pid" 2>/dev/null
	fi
	rm -f "$pf"
}

# The emulated board: the armhf board of tests/ktest/run, with one NIC on a
# restricted user network (no route out): ssh from 127.0.0.1:$A20_SSH_PORT,
# and 10.0.2.100:2049 forwarded to the local ganesha.
# dom0_vcpus_pin: without it, a few seconds after a domU's vCPUs first ran
# (4 vCPUs on 2 pCPUs), dom0's virtio NIC stopped receiving for good (its
# SPI 79 no longer reached Xen; dom0 still sent), so the NFS root and ssh
# hung, with our drivers and Debian's alike.  Pinned, dom0's vCPUs (and
# the SPI that follows vCPU0) stay put; docs/a20.md 19.5.
# nocto,actimeo=3600: dom0 is the export's only client (nothing changes it
# behind dom0's back while the board runs), so dom0 keeps file attributes
# instead of asking ganesha again on every open and exec; under TCG each
# such round trip is slow, and libxl gives a hotplug script 40 s.
a20_qemu_cmdline() {
	local initrd=$1 args
	args="console=hvc0 clk_ignore_unused rdinit=/init log_buf_len=1M"
	args="$args a20.ip=10.0.2.15/24 a20.gw=10.0.2.2 a20.nfs=10.0.2.100:/a20root"
	args="$args a20.nfsopts=vers=4.1,nolock,tcp,port=2049,nocto,actimeo=3600"
	QEMU=(qemu-system-arm -M virt,virtualization=on,highmem=off -cpu cortex-a7
		-m 1024 -smp 2 -display none -no-reboot
		-kernel "$XEN_IMAGE"
		-append "console=dtuart dtuart=/pl011@9000000 dom0_mem=512M bootscrub=0 dom0_vcpus_pin"
		-device "guest-loader,addr=0x41000000,kernel=$BOARD_DIR/vmlinuz,bootargs=${args//,/,,}"
		-device "guest-loader,addr=0x42000000,initrd=$initrd"
		-netdev "user,id=n0,restrict=on,net=10.0.2.0/24,host=10.0.2.2,hostfwd=tcp:127.0.0.1:$A20_SSH_PORT-:22,guestfwd=tcp:10.0.2.100:2049-cmd:socat - TCP:127.0.0.1:$A20_NFS_PORT"
		-device virtio-net-device,netdev=n0,mac=52:54:00:a2:00:01)
	# A20_PCAP=<file>: every frame between dom0's NIC and QEMU's user
	# network, as pcap (what dom0 sent and what slirp answered).
	[ -z "${A20_PCAP:-}" ] || QEMU+=(-object "filter-dump,id=d0,netdev=n0,file=$A20_PCAP")
}

a20_qemu_stop() {
	local pf=$A20_STATE/qemu.pid pid
	pid=$(cat "$pf" 2>/dev/null) || return 0
	if [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = qemu-system-arm ]; then
		kill "$pid"
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
		kill -9 "$pid" 2>/dev/null
	fi
	rm -f "$pf"
}
