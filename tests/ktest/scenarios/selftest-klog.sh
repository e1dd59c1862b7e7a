# selftest-klog: harness self-test.  Succeeds, but leaves a WARNING in
# dom0's kernel log; the runner's log scan must report it as FAIL.
echo "<4>WARNING: xenpv harness self-test, deliberately logged" >/dev/kmsg
exit 0
