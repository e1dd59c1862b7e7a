# SPDX-License-Identifier: GPL-2.0-only
# Host side of a board run: our modules, the job disk, QEMU, the results.

# XENPV_KDIR: another build tree of the board kernel (tests/ktest/a20:
# the real board's headers); default the cached Debian headers.
KDIR_BOARD() { echo "${XENPV_KDIR:-$BOARD_DIR/kbuild/usr/src/linux-headers-$KVER}"; }

# Build the xenpv modules for the board kernel when a driver set asks for
# them; dom0 gets every module but the frontends, the domU the frontends.
build_xenpv_modules() {
	MODSTAGE=$RESULTS/modules
	rm -rf "$MODSTAGE"
	mkdir -p "$MODSTAGE/dom0"
	[ "$FRONT" = xenpv ] || [ "$BACK" = xenpv ] || return 0
	say "building xenpv modules for $KVER ($ARCH)"
	kbuild_tree
	local bdir=$RESULTS/build dkver=$KVER
	xenpv_make "$bdir" "$(KDIR_BOARD)" "$RESULTS/modules-build.log"
	# The domU's modules: for the board kernel, or built again for the
	# custom domU kernel.
	local fbdir=$bdir
	if [ "${DOMU_KERNEL_KIND:-stock}" = custom ]; then
		say "building xenpv modules for the custom domU kernel $DOMU_KVER"
		fbdir=$RESULTS/build-domu
		dkver=$DOMU_KVER
		# Frontends only: the custom kernel has no xenbus backend half.
		xenpv_make "$fbdir" "$DOMU_KDIR" "$RESULTS/modules-build-domu.log" '^(blkback|netback|evtchn)/'
	fi
	local ko fe=0 be=0 udir=$MODSTAGE/domu/lib/modules/$dkver/updates/xenpv
	for ko in $(find "$bdir" -name '*.ko'); do
		case "$(basename "$ko")" in
		xen-blkfront.ko|xen-netfront.ko|xenpv-hvc.ko) ;;
		*)
			cp "$ko" "$MODSTAGE/dom0/"
			be=$((be + 1))
			;;
		esac
	done
	for ko in $(find "$fbdir" -name '*.ko'); do
		case "$(basename "$ko")" in
		xen-blkfront.ko|xen-netfront.ko|xenpv-hvc.ko)
			mkdir -p "$udir"
			cp "$ko" "$udir/"
			fe=$((fe + 1))
			;;
		xenpv-bus.ko)
			# The core module is needed on both sides.
			mkdir -p "$udir"
			cp "$ko" "$udir/"
			;;
		esac
	done
	if [ "$FRONT" = xenpv ]; then
		[ "$fe" -gt 0 ] || die "--front xenpv: no xenpv frontend module is built yet"
		for ko in xen-blkfront xen-netfront xenpv-hvc; do
			[ -e "$udir/$ko.ko" ] && continue
			if [ "${DOMU_KERNEL_KIND:-stock}" = custom ]; then
				say "--front xenpv: no xenpv $ko yet, and the custom domU kernel has none"
			else
				say "--front xenpv: no xenpv $ko yet, the domU uses Debian's (in-tree) one"
			fi
		done
		# The initramfs's module tree (the board kernel's, or the custom
		# kernel's modules_install) plus ours, indexed on the host.
		local mtree=$RESULTS/domu-modtree
		rm -rf "$mtree"
		mkdir -p "$mtree"
		if [ "${DOMU_KERNEL_KIND:-stock}" = custom ]; then
			cp -r "$DOMU_MODROOT/lib" "$mtree/"
			cp -r "$MODSTAGE/domu/lib" "$mtree/"
			rm -rf "$MODSTAGE/domu/lib"
			cp -r "$mtree/lib" "$MODSTAGE/domu/"
		else
			zcat "$BASE_DOMU_INITRD" | (cd "$mtree" && cpio -id --quiet "lib/modules/*")
			cp -r "$MODSTAGE/domu/lib" "$mtree/"
		fi
		depmod -b "$mtree" "$dkver"
		cp "$mtree/lib/modules/$dkver"/modules.* "$MODSTAGE/domu/lib/modules/$dkver/"
		rm -rf "$mtree"
		# The domU's test helper (no ethtool in its image).
		make -s -C "$TOP_DIR/tests/progs" O="$MODSTAGE/domu/bin" CROSS_COMPILE="$CROSS" \
			PROGS=xenpv-ethtool EXPECTED= >"$RESULTS/domu-progs-build.log" 2>&1 ||
			die "tests/progs: xenpv-ethtool build failed (log: $RESULTS/domu-progs-build.log)"
		(cd "$MODSTAGE/domu" && find . | cpio -o -H newc --quiet | gzip -1) >"$MODSTAGE/domu.cpio.gz"
	fi
	if [ "$BACK" = xenpv ]; then
		[ -n "$(ls "$MODSTAGE"/dom0/*.ko 2>/dev/null)" ] ||
			die "--back xenpv: no xenpv dom0 module is built yet"
		for ko in xen-evtchn xen-blkback xen-netback; do
			[ -e "$MODSTAGE/dom0/$ko.ko" ] ||
				say "--back xenpv: no xenpv $ko yet, dom0 uses Debian's (in-tree) one"
		done
	fi
}

# The hostile-peer suite's test-only modules (tests/ktest/hostile/), built
# when a hostile-* scenario runs, for the stock board kernel whatever the
# driver sets: they go to /hostile/ in the domU's initramfs, out of the
# module index so nothing autoloads them.
build_hostile_modules() {
	local s want=0 bdir=$RESULTS/build-hostile
	for s in "${SCENARIOS[@]}"; do
		case "$s" in hostile-*) want=1 ;; esac
	done
	[ "$want" = 1 ] || return 0
	[ "${DOMU_KERNEL_KIND:-stock}" = stock ] || die "the hostile scenarios need the stock domU kernel"
	say "building the hostile-peer test modules for $KVER ($ARCH)"
	kbuild_tree
	rm -rf "$bdir"
	mkdir -p "$bdir/root/hostile"
	(cd "$TOP_DIR" && { git ls-files -co --exclude-standard include tests/ktest/hostile; } |
		cpio -pdm --quiet "$bdir/src") || die "cannot stage the hostile sources"
	make -C "$(KDIR_BOARD)" M="$bdir/src/tests/ktest/hostile" ARCH="$KARCH" CROSS_COMPILE="$CROSS" \
		modules >"$RESULTS/hostile-build.log" 2>&1 ||
		{ tail -20 "$RESULTS/hostile-build.log" >&2; die "hostile module build failed"; }
	cp "$bdir"/src/tests/ktest/hostile/*.ko "$bdir/root/hostile/"
	# dom0's copy (/job/modules/hostile/) for the hostile backends.
	mkdir -p "$MODSTAGE/hostile"
	cp "$bdir"/src/tests/ktest/hostile/*.ko "$MODSTAGE/hostile/"
	(cd "$bdir/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$MODSTAGE/hostile.cpio.gz"
}

# xenpv_make <build dir> <KDIR> <log> [<ERE of paths left out>]: our
# sources, staged and built.
xenpv_make() {
	local bdir=$1 kdir=$2 log=$3 skip=${4:-^tests/ktest/}
	rm -rf "$bdir"
	mkdir -p "$bdir"
	(cd "$TOP_DIR" && git ls-files -co --exclude-standard | grep -v '^tests/ktest/' |
		grep -Ev "$skip" | cpio -pdm --quiet "$bdir") || die "cannot stage the sources"
	make -C "$bdir" modules KDIR="$kdir" ARCH="$KARCH" CROSS_COMPILE="$CROSS" >"$log" 2>&1 ||
		{ tail -20 "$log" >&2; die "module build failed (log: $log)"; }
}

# The per-run job archive (/job in dom0): board scripts, scenarios,
# config, modules and the domU initramfs, appended to the cached dom0
# initramfs.
make_job() {
	local dir=$RESULTS/job
	rm -rf "$dir"
	mkdir -p "$dir/job/modules"
	cp -r "$KTEST_DIR/board" "$KTEST_DIR/scenarios" "$dir/job/"
	# On-board test programs (tests/progs), static, for the board's CPU.
	if [ -f "$TOP_DIR/tests/progs/Makefile" ]; then
		mkdir -p "$dir/job/bin"
		make -s -C "$TOP_DIR/tests/progs" O="$dir/job/bin" CROSS_COMPILE="$CROSS" \
			>"$RESULTS/progs-build.log" 2>&1 ||
			{ tail -20 "$RESULTS/progs-build.log" >&2; die "tests/progs build failed"; }
	fi
	# Prebuilt board binaries from the environment (tests/ktest/bench's
	# static fio): XENPV_JOB_BIN="file...", copied to /job/bin.
	if [ -n "${XENPV_JOB_BIN:-}" ]; then
		mkdir -p "$dir/job/bin"
		# shellcheck disable=SC2086
		cp $XENPV_JOB_BIN "$dir/job/bin/" || die "XENPV_JOB_BIN: cannot copy $XENPV_JOB_BIN"
	fi
	cp -r "$MODSTAGE"/. "$dir/job/modules/"
	# The user tools, and the built tree "make install" works from.
	[ -d "$TOP_DIR/tools" ] && cp -r "$TOP_DIR/tools" "$dir/job/"
	# The pages whose example blocks the docs-xl scenario runs as written.
	mkdir -p "$dir/job/docs"
	cp "$TOP_DIR"/docs/*.md "$dir/job/docs/"
	if [ -d "$RESULTS/build" ]; then
		mkdir -p "$dir/job/tree"
		(cd "$RESULTS/build" && find . -name '*.ko' -o -name Makefile -o -name Kbuild -o -name dkms.conf |
			grep -v '^./tests/' | cpio -pdm --quiet "$dir/job/tree")
	fi
	cp "$BASE_DOMU_INITRD" "$dir/job/domu-initrd.gz"
	[ "${DOMU_KERNEL_KIND:-stock}" = custom ] && cp "$DOMU_IMAGE" "$dir/job/domu-kernel"
	cat >"$dir/job/config" <<CFG
ARCH=$ARCH
DIST=$DIST
XEN_VER=$XEN_VER
KVER=$KVER
FRONT=$FRONT
BACK=$BACK
KEEP=$KEEP
BOARD_NIC="$BOARD_NIC"
SCENARIOS="${SCENARIOS[*]}"
DOMU_KERNEL_KIND=${DOMU_KERNEL_KIND:-stock}
DOMU_KVER=${DOMU_KVER:-$KVER}
CFG
	local kv
	for kv in "${SCEN_ENV[@]}"; do
		printf '%s=%q\n' "${kv%%=*}" "${kv#*=}" >>"$dir/job/config"
	done
	DOM0_INITRD=$RESULTS/dom0-initrd.gz
	cp "$BASE_DOM0_INITRD" "$DOM0_INITRD"
	(cd "$dir" && find job | cpio -o -H newc --quiet | gzip -1) >>"$DOM0_INITRD"
	rm -rf "$dir"
	# QEMU puts the DTB at RAM base + 128 MiB (0x48000000 on armhf); the
	# initramfs loaded at 0x42000000 must end below it.
	if [ "$ARCH" = armhf ] && [ "$(stat -c %s "$DOM0_INITRD")" -ge $((96 << 20)) ]; then
		die "dom0 initramfs is $(stat -c %s "$DOM0_INITRD") bytes: over the 96 MiB below the DTB"
	fi
}

qemu_cmdline() {
	case "$ARCH" in
	armhf)
		# dom0_vcpus_pin (armhf and arm64): unpinned, dom0's vCPUs
		# follow the domU's around the 2 emulated pCPUs, and on a
		# loaded host dom0 lost interrupts for good: its virtual
		# timer on vCPU 1 ("rcu_sched kthread timer wakeup didn't
		# happen ... Possible timer handling issue on cpu=1", then
		# xl hung; CI, blk-ro) or its NIC's SPI (docs/a20.md 19.5).
		QEMU=(qemu-system-arm -M virt,virtualization=on,highmem=off -cpu cortex-a7
			-m 1024 -smp 2 -display none -no-reboot
			-kernel "$XEN_IMAGE"
			-append "console=dtuart dtuart=/pl011@9000000 dom0_mem=512M bootscrub=0 dom0_vcpus_pin conring_size=1M"
			-device "guest-loader,addr=0x41000000,kernel=$BOARD_DIR/vmlinuz,bootargs=console=hvc0 clk_ignore_unused rdinit=/init log_buf_len=1M"
			-device "guest-loader,addr=0x42000000,initrd=$DOM0_INITRD"
			-netdev hubport,id=n0,hubid=0 -device virtio-net-device,netdev=n0)
		;;
	arm64)
		# QEMU puts Xen at RAM base + 2 MiB and the DTB at + 128 MiB
		# (0x48000000); the dom0 kernel (a plain Image) and initramfs
		# go above both (an initramfs over the DTB makes Xen BUG when
		# it frees the boot modules).  Xen arm64 maps dom0 1:1 and
		# puts its first bank, as big as it can, at the lowest free
		# naturally aligned address, then refuses banks below it: with
		# 1 GiB the modules at 0x60000000 leave no free aligned 512 MiB
		# ("Failed to allocate requested dom0 memory. 128MB
		# unallocated").  With 3 GiB a whole aligned 1 GiB is free
		# above them.  dom0 needs 1 GiB here: its root is 185 MiB
		# unpacked (armhf's 81: arm64 binaries and the domU's 32 MiB
		# uncompressed Image); with 512 MiB the kernel had 98 MiB free
		# at boot (64 MiB CMA, the 69 MiB initramfs) and said
		# "Initramfs unpacking failed: write error".
		QEMU=(qemu-system-aarch64 -M virt,virtualization=on -cpu cortex-a57
			-m 3072 -smp 2 -display none -no-reboot
			-kernel "$XEN_IMAGE"
			-append "console=dtuart dtuart=/pl011@9000000 dom0_mem=1024M bootscrub=0 dom0_vcpus_pin conring_size=1M"
			-device "guest-loader,addr=0x60000000,kernel=$BOARD_DIR/vmlinuz,bootargs=console=hvc0 rdinit=/init log_buf_len=1M"
			-device "guest-loader,addr=0x64000000,initrd=$DOM0_INITRD"
			-netdev hubport,id=n0,hubid=0 -device virtio-net-device,netdev=n0)
		;;
	x86_64)
		QEMU=(qemu-system-x86_64 -accel tcg -cpu qemu64,+svm -m 2048 -smp 2
			-display none -no-reboot
			-kernel "$BOARD_DIR/xen.elf"
			-append "dom0_mem=1024M,max:1024M console=com1 com1=115200,8n1 noreboot conring_size=1M"
			-initrd "$BOARD_DIR/vmlinuz console=hvc0 earlyprintk=xen rdinit=/init log_buf_len=1M,$DOM0_INITRD"
			-netdev hubport,id=n0,hubid=0 -device e1000,netdev=n0)
		;;
	esac
}

# Boot, follow the console, collect results, print the summary.
# board_slot: wait for one of nproc board slots (flock), so that parallel
# runs on one machine never put more than one QEMU board on each core.  The
# lock is held by this shell and QEMU until both exit.
#
# A run with a scenario whose header says "# host: whole" (the soak and
# the benchmarks: a second board on the host starves the emulated CPUs,
# the toolstack's hotplug scripts overrun libxl's 40 s and the figures
# drop ~5x) takes every slot, in order (two such runs cannot deadlock),
# so no other board runs beside it.
board_slot() {
	local dir=$XENPV_CACHE/board-slots n i waited=0 s fd
	n=$(nproc)
	mkdir -p "$dir"
	for s in "${SCENARIOS[@]}"; do
		grep -qx '# host: whole' "$KTEST_DIR/scenarios/$s.sh" || continue
		say "scenario $s needs the whole host: taking all $n board slots"
		BOARD_SLOT_FDS=()
		for ((i = 0; i < n; i++)); do
			exec {fd}>"$dir/slot$i"
			if ! flock -n "$fd"; then
				say "board slot $i busy (another run on this machine): waiting for it"
				flock "$fd"
			fi
			BOARD_SLOT_FDS+=("$fd")
		done
		return 0
	done
	while :; do
		for ((i = 0; i < n; i++)); do
			exec {BOARD_SLOT_FD}>"$dir/slot$i"
			if flock -n "$BOARD_SLOT_FD"; then
				[ $waited = 0 ] || say "board slot $i free after ${waited} s"
				return 0
			fi
			exec {BOARD_SLOT_FD}>&-
		done
		[ $waited = 0 ] && say "all $n board slots busy (other runs on this machine): waiting"
		sleep 5
		waited=$((waited + 5))
	done
}

board_boot() {
	local log=$RESULTS/console.log qpid line s npass=0 nfail=0 nskip=0
	local limit=240 s t
	# Per scenario: its own "# timeout:" line, or its "# timeout-from:"
	# line with the --env value (see scenario_timeout in board/lib.sh),
	# else 420 s.
	local v def extra m kv
	for s in "${SCENARIOS[@]}"; do
		t=$(sed -n 's/^# timeout: \([0-9][0-9]*\)$/\1/p' "$KTEST_DIR/scenarios/$s.sh" | head -n 1)
		v=""
		read -r v def extra < <(sed -n 's/^# timeout-from: \([A-Z_][A-Z0-9_]*\) \([0-9][0-9]*\) \([0-9][0-9]*\)$/\1 \2 \3/p' \
			"$KTEST_DIR/scenarios/$s.sh" | head -n 1)
		if [ -n "$v" ]; then
			m=$def
			for kv in "${SCEN_ENV[@]}"; do
				[ "${kv%%=*}" = "$v" ] && m=${kv#*=}
			done
			[[ "$m" =~ ^[0-9]+$ ]] || m=$def
			t=$((m * 60 + extra))
		fi
		limit=$((limit + ${t:-420}))
	done
	board_slot
	qemu_cmdline
	printf '%q ' "${QEMU[@]}" >"$RESULTS/qemu.cmdline"
	: >"$log"
	declare -A seen=()
	if [ "$KEEP" = 1 ]; then
		say "--keep: the board's console is this terminal (Ctrl-a x quits QEMU); log: $log"
		"${QEMU[@]}" -chardev "stdio,id=s0,mux=on,signal=off,logfile=$log" -serial chardev:s0 -mon chardev=s0
	else
		"${QEMU[@]}" -chardev "file,id=s0,path=$log" -serial chardev:s0 -monitor none </dev/null &
		qpid=$!
		local end=$((SECONDS + limit)) state=boot alive=1
		while [ $alive = 1 ]; do
			[ $SECONDS -lt $end ] && kill -0 "$qpid" 2>/dev/null || alive=0
			grep -a '^@@XENPV ' "$log" | tr -d '\r' >"$RESULTS/markers"
			while IFS= read -r line; do
				[ -n "${seen[$line]:-}" ] && continue
				seen[$line]=1
				case "$line" in
				"@@XENPV RESULT "*) echo "${line#@@XENPV RESULT }" ;;
				"@@XENPV DOM0-UP "*) say "dom0 up after $SECONDS s (${line#@@XENPV DOM0-UP })" ;;
				"@@XENPV START "*) say "scenario ${line#@@XENPV START }" ;;
				"@@XENPV WARN "*|"@@XENPV FATAL "*) say "${line#@@XENPV }" ;;
				"@@XENPV DONE") state=done ;;
				esac
			done <"$RESULTS/markers"
			if [ $state = done ] || grep -qa '@@XENPV FATAL' "$log"; then
				break
			fi
			[ $alive = 1 ] && sleep 1
		done
		[ $state = done ] || say "board did not finish (time limit $limit s or QEMU exited); see $log"
		kill "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	# Per-scenario logs, sent by dom0 on the console as "@@F file line".
	mkdir -p "$RESULTS/results"
	tr -d '\r' <"$log" | awk -v d="$RESULTS/results" '
		/^@@F [^ ]+ / { f = $2; sub(/^@@F [^ ]+ ?/, ""); print > (d "/" f) }'
	grep -a '^@@XENPV RESULT ' "$log" | tr -d '\r' | sed 's/^@@XENPV RESULT //' >"$RESULTS/summary"
	for s in "${SCENARIOS[@]}"; do
		line=$(grep -E "^(PASS|FAIL|SKIP) $s( |:|$)" "$RESULTS/summary" | tail -n1)
		case "$line" in
		PASS*) npass=$((npass + 1)) ;;
		SKIP*) nskip=$((nskip + 1)) ;;
		FAIL*) nfail=$((nfail + 1)) ;;
		*)
			nfail=$((nfail + 1))
			[ "$KEEP" = 1 ] || echo "FAIL $s: no result (the board died or timed out; see $log)"
			echo "FAIL $s: no result" >>"$RESULTS/summary"
			;;
		esac
	done
	say "logs: $RESULTS (console.log, results/<scenario>.{log,dom0-dmesg,domu-log})"
	if [ "$nskip" -gt 0 ]; then
		echo "$npass passed, $nfail failed, $nskip skipped"
	else
		echo "$npass passed, $nfail failed"
	fi
	[ "$nfail" -eq 0 ]
}
