#!/usr/bin/env bash
# `vswitchsim new-plugin NAME [DIR]` writes a plugin author's project that builds against
# the installed SDK (find_package(vswitchsim), vswitchsim::sdk) and whose ctest test runs
# its scenario and passes; the test fails when the plugin breaks the scenario's SLO; and
# new-plugin refuses to write over a folder that exists, in one line, exit 2.
source "$(dirname "$0")/lib.bash"
: "${VSWITCHSIM_BUILD_DIR:?}"
prefix=$WORK/prefix
cmake --install "$VSWITCHSIM_BUILD_DIR" --prefix "$prefix" > /dev/null
bin=$prefix/bin/vswitchsim
cd "$WORK"

out=$("$bin" new-plugin my_callout)
[ "$out" = "new-plugin: wrote my_callout/: CMakeLists.txt, my_callout.c, my_callout.json, README.md, check_report.cmake
next: cmake -S my_callout -B my_callout/build && cmake --build my_callout/build && ctest --test-dir my_callout/build" ] \
  || fail "new-plugin said: $out"
for f in CMakeLists.txt my_callout.c my_callout.json README.md check_report.cmake; do
  [ -s "my_callout/$f" ] || fail "not written: my_callout/$f"
done
grep -q '@' my_callout/my_callout.c && fail "a placeholder left in my_callout.c"
[ "$(ls -A "$WORK" | grep -c '\.new-')" = 0 ] || fail "a temporary folder left behind"

# Never over an existing folder, empty or not; and a NAME that is not a C identifier.
sum=$(cat my_callout/* | sha256sum)
expect_exit 2 "$bin" new-plugin my_callout 2> err
[ "$(cat err)" = "vswitchsim: new-plugin: my_callout exists; not writing over it" ] || fail "$(cat err)"
[ "$(cat my_callout/* | sha256sum)" = "$sum" ] || fail "the existing project was changed"
mkdir empty
expect_exit 2 "$bin" new-plugin other empty 2> err
[ -z "$(ls -A empty)" ] || fail "wrote into an existing empty folder"
expect_exit 2 "$bin" new-plugin My-Callout 2> err
grep -q 'NAME "My-Callout": expected a lowercase C identifier' err || fail "$(cat err)"
"$bin" new-plugin other "$WORK/sub dir" > /dev/null
[ -s "$WORK/sub dir/other.c" ] || fail "new-plugin NAME DIR did not write into DIR"

# Build against the installed SDK, warnings as errors, and run its test.
cmake -S my_callout -B my_callout/build -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_C_FLAGS="-Werror" > cmake.log || fail "configure: $(tail -5 cmake.log)"
cmake --build my_callout/build > build.log 2>&1 || fail "build: $(tail -20 build.log)"
ctest --test-dir my_callout/build -V > ctest.log 2>&1 || fail "ctest: $(tail -20 ctest.log)"
grep -Eq 'my_callout: [1-9][0-9]* saves, each pended and completed' ctest.log \
  || fail "ctest ran no saves: $(tail -20 ctest.log)"
jq_true my_callout/build/my_callout-report.json \
  '.plugins[0].pended == .plugins[0].saves and .saves.failed == 0 and .verifier.violations == []'

# Its params go through the typed getters: validate --plugins refuses a bad one.
"$bin" validate --plugins my_callout/my_callout.json --plugin-path my_callout/build > out
grep -q '(entries ran, params accepted)' out || fail "$(cat out)"
expect_exit 2 "$bin" validate --plugins my_callout/my_callout.json --plugin-path my_callout/build \
  --set plugins.0.params.state_bytes=4 2> err
[ "$(cat err)" = 'vswitchsim: my_callout/my_callout.json: plugin "my_callout": params.state_bytes: expected an integer in 8..65536, got 4' ] \
  || fail "$(cat err)"

# The test can fail: completions 100 times slower break the p99 < 1000 us SLO.
sed -i 's/"mean": "50us"/"mean": "5ms"/' my_callout/my_callout.json
ctest --test-dir my_callout/build > ctest.log 2>&1 && fail "the test passed a breached SLO"
echo "ok"
