#!/bin/sh
# Full disk: writing through outfile.h onto a file system with no space
# left must fail with a clear "<path>: No space left on device", leave the
# previous file untouched and no temporary file behind; the whole pipeline
# must exit 73 and leave the previous run's reports intact; so must
# 'huifang nightly', with one line on stderr. The fsyncs stay on here
# (HUIFANG_TEST_FSYNC=1): a full disk may first show at one.
#
# A real full file system needs a mount: this script mounts a 256 KiB
# tmpfs inside a user namespace (unshare -rm), which needs no root where
# unprivileged user namespaces are enabled (the Debian default), and runs
# the full-disk case of the outfile unit test there. Where that is not
# possible it says so and exits 77, which tests/run.sh counts as a skip,
# never as a pass (the unit test's RLIMIT_FSIZE case covers the same
# failure path on every machine).
#
# usage: tests/e2e/fulldisk.sh BUILD_DIR
set -eu
build=${1:-build}
test_bin="$build/tests/unit/test_outfile"
export HUIFANG_TEST_FSYNC=1

[ -x "$test_bin" ] || { echo "fulldisk: $test_bin not built" >&2; exit 1; }
if ! command -v unshare >/dev/null 2>&1; then
	echo "SKIP fulldisk: no unshare(1) to mount a small tmpfs"
	exit 77
fi
work=$(mktemp -d -t huifang-fulldisk.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/full"

# The mount exists only inside the namespace and vanishes with it.
if ! unshare -rm sh -c 'mount -t tmpfs -o size=256k,mode=0777 huifang-full "$1"' \
	sh "$work/full" 2>"$work/mount.err"; then
	echo "SKIP fulldisk: cannot mount a tmpfs in a user namespace:" \
		"$(cat "$work/mount.err")"
	exit 77
fi

unshare -rm sh -c '
	mount -t tmpfs -o size=256k,mode=0777 huifang-full "$1" || exit 1
	HUIFANG_FULLDISK_DIR="$1" "$2" 2>&1
' sh "$work/full" "$test_bin" >"$work/test.log" 2>&1 || {
	cat "$work/test.log"
	echo "fulldisk: FAILED"
	exit 1
}
cat "$work/test.log"
# The case must have run, not been skipped.
if grep -q 'SKIPPED.*full_disk' "$work/test.log"; then
	echo "fulldisk: the full-disk case was skipped"
	exit 1
fi
grep -q 'OK.*test_outfile__full_disk_fails_cleanly' "$work/test.log"
echo "fulldisk: writing to a full tmpfs failed cleanly"

# The whole pipeline on a disk that fills up: 'huifang run' must exit 73
# with the path and the cause, and leave the reports of the previous run
# byte for byte as they were, with no temporary file behind.
cat >"$work/pipeline.sh" <<'SCRIPT'
set -u
out=$1 bin=$2 work=$3
mount -t tmpfs -o size=64m,mode=0777 huifang-out "$out" || exit 90
run() {
	"$bin" run --input input --output "$out" --config config/huifang.json \
		--as-of '2026-11-26 08:00:00' --week 2026-W47 "$@"
}
rc=0
run >"$work/run1.out" 2>"$work/run1.err" || rc=$?
[ "$rc" -eq 0 ] || { cat "$work/run1.err"; exit 92; }
(cd "$out" && find weeks site -type f -exec sha256sum {} + | sort) >"$work/before"
[ -s "$work/before" ] || exit 93
dd if=/dev/zero of="$out/filler" bs=64k 2>/dev/null
rc=0
run --force >"$work/run2.out" 2>"$work/run2.err" || rc=$?
cat "$work/run2.err"
[ "$rc" -eq 73 ] || { echo "exit $rc, want 73"; exit 94; }
grep -q 'No space left on device' "$work/run2.err" || exit 95
(cd "$out" && find weeks site -type f -exec sha256sum {} + | sort) >"$work/after"
cmp -s "$work/before" "$work/after" || { diff "$work/before" "$work/after"; exit 96; }
[ -z "$(find "$out" -name '.*.tmp-*')" ] || { find "$out" -name '.*.tmp-*'; exit 97; }
# nightly on a disk with a little room left, enough for the lock and
# rejects.csv but not for a week: 73, each error one line with the path
# and the cause.
rm -f "$out/filler"
avail=$(df -k --output=avail "$out" | tail -n 1)
dd if=/dev/zero of="$out/filler" bs=1k count=$((avail - 300)) 2>/dev/null
rc=0
"$bin" nightly --input input --output "$out" --config config/huifang.json \
	--as-of '2026-11-26 08:00:00' >"$work/run3.out" 2>"$work/run3.err" || rc=$?
cat "$work/run3.err"
[ "$rc" -eq 73 ] || { echo "nightly: exit $rc, want 73"; exit 98; }
grep -q 'No space left on device' "$work/run3.err" || exit 99
grep -v -q 'No space left on device' "$work/run3.err" && exit 100
(cd "$out" && find weeks site -type f -exec sha256sum {} + | sort) >"$work/after3"
cmp -s "$work/before" "$work/after3" || { diff "$work/before" "$work/after3"; exit 101; }
[ -z "$(find "$out" -name '.*.tmp-*')" ] || { find "$out" -name '.*.tmp-*'; exit 102; }
exit 0
SCRIPT
mkdir "$work/out"
rc=0
unshare -rm sh "$work/pipeline.sh" "$work/out" "$build/huifang" "$work" || rc=$?
case $rc in
0) echo "fulldisk: huifang run and nightly on a full disk exited 73 and left the reports intact" ;;
*) echo "fulldisk: pipeline check $rc failed"; exit 1 ;;
esac
