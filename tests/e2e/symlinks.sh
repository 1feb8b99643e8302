#!/bin/sh
# No folder below --output is followed through a symlink (issue 13 item
# 1). For each folder huifang creates, enters, writes or deletes from
# (weeks/, a week folder, records/, logs/, site/), a link planted there by
# someone else makes the command refuse with exit 73 and one line naming
# the link, and the link's target is left exactly as it was: nothing
# written into it, nothing deleted from it (nightly's retention included).
# --output itself may be a symlink.
#
# usage: tests/e2e/symlinks.sh BUILD_DIR
set -eu
build=${1:-build}
hf=$(cd "$(dirname "$build/huifang")" && pwd)/huifang
work=$(mktemp -d -t huifang-symlinks.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
asof='2026-11-26 08:00:00'
cfg=config/huifang.json
checks=0
fail() { echo "FAIL: $*"; exit 1; }
ok() { checks=$((checks + 1)); }

# A target folder holding what a careless run would delete or overwrite:
# ten week folders (retention keeps fewer) and a file.
target() {
	rm -rf "$work/target"
	mkdir -p "$work/target"
	for w in 01 02 03 04 05 06 07 08 09 10; do
		mkdir "$work/target/2020-W$w"
		echo keep >"$work/target/2020-W$w/metrics.json"
	done
	echo keep >"$work/target/precious"
	(cd "$work/target" && find . -printf '%p %s %T@\n' | sort) >"$work/target.before"
}
target_untouched() {
	(cd "$work/target" && find . -printf '%p %s %T@\n' | sort) >"$work/target.after"
	cmp -s "$work/target.before" "$work/target.after" ||
		{ diff "$work/target.before" "$work/target.after" | head; fail "$1: the link's target changed"; }; ok
}

# refused CASE LINK-RELATIVE-TO-OUTPUT COMMAND...: a fresh output folder
# with the link planted, the command exits 73 naming the link.
refused() {
	name=$1 rel=$2
	shift 2
	rm -rf "$work/o"
	mkdir -p "$work/o/$(dirname "$rel")"
	target
	ln -s "$work/target" "$work/o/$rel"
	rc=0
	"$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
	[ "$rc" -eq 73 ] || fail "$name: exit $rc, want 73: $(cat "$work/$name.err")"; ok
	grep -Fq "$work/o/$rel: a symbolic link below the output folder; huifang does not follow it" \
		"$work/$name.err" || fail "$name: stderr does not name the link: $(cat "$work/$name.err")"; ok
	[ "$(grep -c . "$work/$name.err")" -eq 1 ] ||
		fail "$name: stderr is not one line: $(cat "$work/$name.err")"; ok
	target_untouched "$name"
	[ -L "$work/o/$rel" ] || fail "$name: the link itself was removed"; ok
	echo "symlinks: $name: exit 73: $(cat "$work/$name.err")"
}

refused weeks weeks \
	"$hf" run --input input --output "$work/o" --config "$cfg" --as-of "$asof" --quiet
refused week weeks/2026-W47 \
	"$hf" run --input input --output "$work/o" --config "$cfg" --as-of "$asof" \
	--week 2026-W47 --quiet
refused records records \
	"$hf" ingest --input input --output "$work/o" --config "$cfg" --quiet
refused site site \
	"$hf" run --input input --output "$work/o" --config "$cfg" --as-of "$asof" --quiet
refused logs logs \
	"$hf" nightly --input input --output "$work/o" --config "$cfg" --as-of "$asof"
# Retention (keep the last weeks) would delete 2020-W01..: it must not
# reach them through the link.
refused retention weeks \
	"$hf" nightly --input input --output "$work/o" --config "$cfg" --as-of "$asof"
# A link deep in an old week folder is refused as well.
refused deep weeks/2026-W40/charts \
	"$hf" run --input input --output "$work/o" --config "$cfg" --as-of "$asof" --quiet

# --output itself may be a link (an administrator's choice).
rm -rf "$work/o" "$work/real"
mkdir "$work/real"
ln -s "$work/real" "$work/o"
rc=0
"$hf" run --input input --output "$work/o" --config "$cfg" --as-of "$asof" --quiet \
	>"$work/root.out" 2>"$work/root.err" || rc=$?
[ "$rc" -eq 0 ] || fail "root link: exit $rc: $(cat "$work/root.err")"; ok
[ -f "$work/real/weeks/2026-W47/metrics.json" ] || fail "root link: no week written"; ok

echo "symlinks: $checks checks passed"
