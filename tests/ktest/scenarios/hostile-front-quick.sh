# hostile-front-quick: hostile-front's fast subset (a control, bad
# response ids and operations, a response producer past the ring), for
# the default CI.  Not rsp-never (it blocks the domU's xenbus watch thread
# while the disk is added, docs/hostile.md) nor the geometry cases (not
# yet seen green after it).
# timeout: 1500
HOSTILE_CASES=${HOSTILE_CASES:-"normal rsp-unknown-id rsp-wrong-op rsp-prod-past"}
. /job/scenarios/hostile-front.sh
