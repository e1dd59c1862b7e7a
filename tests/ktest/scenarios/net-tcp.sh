# net-tcp: 16 MiB each way over TCP, compared by sha256.
domu_up
wait_for 30 ping -c 1 -W 2 169.254.2.2 >/dev/null || fail "domU not reachable"
tcp_transfer_check 16 5001
