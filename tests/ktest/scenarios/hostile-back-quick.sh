# hostile-back-quick: hostile-back's fast subset (one or two cases of each
# kind: controls, malformed segments, ranges, grants, ops, indirect,
# discard, ring abuse, handshakes), for the default CI.
# timeout: 1500
HOSTILE_CASES=${HOSTILE_CASES:-"ok-read seg0-read seg12 first-gt-last past-end sector-wrap bad-gref ro-gref-read unknown-op ind-garbage discard-wrap prod-jump hs-bad-ring-ref hs-queues-huge"}
. /job/scenarios/hostile-back.sh
