# hostile-front-quick: hostile-front's fast subset for the default CI: a
# control, bad response ids and operations, a response producer past the
# ring, a backend going Closing while it holds the partition-table read
# of a disk being added (blkfront adds the disk from a work item,
# docs/blkfront.md), and an impossible sector size.  Not rsp-never (77 s
# of waiting for a hang).
# timeout: 1500
HOSTILE_CASES=${HOSTILE_CASES:-"normal rsp-unknown-id rsp-wrong-op rsp-prod-past closing-mid-io sector-size-513"}
. /job/scenarios/hostile-front.sh
