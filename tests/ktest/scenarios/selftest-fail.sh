# selftest-fail: harness self-test.  A deliberately broken expectation;
# the runner must report this scenario as FAIL.
assert_eq "$(echo 1)" 2 "deliberately broken expectation"
