# hostile-front-quick: hostile-front's fast subset (bad responses, ring
# indices, a silent backend, absurd disk geometry), for the default CI.
# timeout: 1500
HOSTILE_CASES=${HOSTILE_CASES:-"normal rsp-unknown-id rsp-wrong-op rsp-prod-past rsp-never sector-size-513 sectors-huge"}
. /job/scenarios/hostile-front.sh
