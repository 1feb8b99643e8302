#!/bin/sh
# Full disk: writing through outfile.h onto a file system with no space
# left must fail with a clear "<path>: No space left on device", leave the
# previous file untouched and no temporary file behind.
#
# A real full file system needs a mount: this script mounts a 256 KiB
# tmpfs inside a user namespace (unshare -rm), which needs no root where
# unprivileged user namespaces are enabled (the Debian default), and runs
# the full-disk case of the outfile unit test there. Where that is not
# possible it says so and passes: the unit test's RLIMIT_FSIZE case covers
# the same failure path on every machine.
#
# usage: tests/e2e/fulldisk.sh BUILD_DIR
set -eu
build=${1:-build}
test_bin="$build/tests/unit/test_outfile"

[ -x "$test_bin" ] || { echo "fulldisk: $test_bin not built" >&2; exit 1; }
if ! command -v unshare >/dev/null 2>&1; then
	echo "SKIP fulldisk: no unshare(1) to mount a small tmpfs"
	exit 0
fi
work=$(mktemp -d -t huifang-fulldisk.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/full"

# The mount exists only inside the namespace and vanishes with it.
if ! unshare -rm sh -c 'mount -t tmpfs -o size=256k,mode=0777 huifang-full "$1"' \
	sh "$work/full" 2>"$work/mount.err"; then
	echo "SKIP fulldisk: cannot mount a tmpfs in a user namespace:" \
		"$(cat "$work/mount.err")"
	exit 0
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
