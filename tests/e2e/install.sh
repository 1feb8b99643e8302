#!/bin/sh
# make install into a DESTDIR: the binary, the man page, the templates and
# the default config land where PREFIX says, byte for byte; the man page
# renders without warnings; the installed binary answers --help and
# --version from another folder and runs the sample input there; make
# uninstall removes it all again. Without man(1) the rest still runs and
# the script exits 77 (a skip, not a pass).
#
# usage: tests/e2e/install.sh BUILD_DIR
set -eu
build=${1:-build}
src=$(pwd)
work=$(mktemp -d -t huifang-install.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM
dest="$work/dest"
# Not the compiled-in PREFIX: the installed binary must find its files
# beside its bin/ folder, as a moved or staged install does.
prefix=/opt/huifang-e2e
failures=0
not_run=

fail() {
	echo "install: $*"
	failures=$((failures + 1))
}

# Install the binary this suite built (plain or sanitized): the make that
# runs us must not pass its own variables down, and a sanitized build must
# be told so, or make would think its objects need rebuilding.
san=
case $build in */san) san="SANITIZE=address,undefined" ;; esac
# shellcheck disable=SC2086
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory \
	BUILD="$build" $san DESTDIR="$dest" PREFIX="$prefix" install \
	>"$work/install.log" 2>&1; then
	cat "$work/install.log"
	echo "install: make install failed"
	exit 1
fi

bin="$dest$prefix/bin/huifang"
man1="$dest$prefix/share/man/man1/huifang.1"
data="$dest$prefix/share/huifang"

[ -x "$bin" ] || fail "no executable $bin"
cmp -s "$build/huifang" "$bin" || fail "installed binary differs from $build/huifang"
cmp -s docs/huifang.1 "$man1" || fail "man page not installed at $man1"
if [ -d templates ]; then
	n=0
	for f in $(cd templates && find . -type f | sort); do
		n=$((n + 1))
		cmp -s "templates/$f" "$data/templates/$f" ||
			fail "template $f not installed"
	done
	echo "install: $n template files installed"
else
	fail "no templates/ in this tree"
fi
if [ -f config/huifang.json ]; then
	cmp -s config/huifang.json "$data/config/huifang.json" ||
		fail "default config not installed"
else
	fail "no config/huifang.json in this tree"
fi
# Nothing but what install promises, and nothing writable by others.
if [ -n "$(find "$dest" -perm -o+w ! -type l)" ]; then
	fail "world-writable files installed: $(find "$dest" -perm -o+w ! -type l)"
fi

# The man page renders, and groff has nothing to complain about.
if command -v man >/dev/null 2>&1; then
	if ! MANWIDTH=80 man --warnings -l "$man1" >"$work/man.txt" 2>"$work/man.err"; then
		fail "man -l failed: $(cat "$work/man.err")"
	elif [ -s "$work/man.err" ]; then
		fail "man page warnings: $(cat "$work/man.err")"
	fi
	for section in NAME SYNOPSIS COMMANDS OPTIONS "EXIT STATUS" FILES; do
		grep -q "^$section" "$work/man.txt" || fail "man page lacks $section"
	done
	for cmd in run nightly ingest metrics sample render check gen; do
		grep -q "^       $cmd" "$work/man.txt" || fail "man page lacks command $cmd"
	done
	for code in 0 64 65 66 73 75 78; do
		grep -Eq "^       $code( |$)" "$work/man.txt" || fail "man page lacks exit code $code"
	done
else
	echo "install: SKIP: no man(1) here; the man page is not rendered"
	not_run="$not_run man"
fi

# The installed binary works from anywhere, without the source tree.
mkdir "$work/elsewhere"
cd "$work/elsewhere"
"$bin" --help >help.txt 2>&1 || fail "installed huifang --help failed"
grep -q '^usage: huifang <command>' help.txt || fail "--help: $(cat help.txt)"
grep -q '75 lock held' help.txt || fail "--help does not list the exit codes"
"$bin" --version >version.txt 2>&1 || fail "installed huifang --version failed"
grep -Eq '^huifang [0-9]+\.[0-9]+\.[0-9]+$' version.txt ||
	fail "--version: $(cat version.txt)"
# And it runs the pipeline there, finding its templates and default config
# in the installed data folder (no --config, no templates nearby).
if [ -d "$src/input" ]; then
	rc=0
	"$bin" run --input "$src/input" --output output \
		--as-of '2026-11-26 08:00:00' --week 2026-W47 \
		>run.out 2>run.err || rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "installed huifang run exited $rc: $(cat run.err)"
	else
		[ -s output/weeks/2026-W47/metrics.json ] ||
			fail "installed huifang run wrote no weeks/2026-W47/metrics.json"
		[ -z "$(find output -name '.*.tmp-*')" ] ||
			fail "installed huifang run left temporary files"
	fi
	# The nightly run of the installed binary, as cron starts it: the
	# reports of both weeks, PDFs included, the site and the log appear,
	# with the installed templates and config (none are in reach here).
	[ ! -e templates ] && [ ! -e config ] || fail "templates or config in reach"
	[ -d "$data/templates" ] || fail "no installed templates"
	[ ! -e /usr/local/share/huifang ] ||
		echo "install: note: /usr/local/share/huifang exists here; the run may use it"
	# The sample's last two weeks' exports, whose few late completions
	# add W45 and W46 (with the whole sample, the first night would
	# issue every earlier week too, SPEC §9.27: nightly.sh).
	mkdir nightly-input
	cp "$src/input/callbacks.csv" "$src/input/tickets-2026-W47.csv" \
		"$src/input/tickets-2026-W48.csv" nightly-input/
	rc=0
	"$bin" nightly --input nightly-input --output nightly-output \
		--as-of '2026-11-26 08:00:00' >nightly.out 2>nightly.err || rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "installed huifang nightly exited $rc: $(cat nightly.err)"
	else
		grep -Eq '^huifang: 2026-W45 issued, 2026-W46 issued, 2026-W47 issued, 2026-W48 provisional, [0-9]+ rows, ' nightly.out ||
			fail "installed nightly: $(cat nightly.out)"
		[ ! -s nightly.err ] || fail "installed nightly printed: $(cat nightly.err)"
		for f in weeks/2026-W47/周报-2026-W47.pdf weeks/2026-W48/周报-2026-W48.pdf \
			weeks/2026-W47/.issued site/index.html run.json; do
			[ -s "nightly-output/$f" ] || fail "installed nightly wrote no $f"
		done
		n=$(find nightly-output/weeks -name '回访记录表-*.pdf' | wc -l)
		[ "$n" -gt 0 ] || fail "installed nightly wrote no record forms"
		pdfinfo nightly-output/weeks/2026-W47/周报-2026-W47.pdf >/dev/null 2>&1 ||
			fail "pdfinfo rejects the installed run's weekly report"
		ls nightly-output/logs/huifang-*.log >/dev/null 2>&1 || fail "no log"
		echo "install: the installed binary's nightly wrote $n record forms, the reports and the site"
	fi
fi
cd "$src"

# Uninstall takes it all back.
# shellcheck disable=SC2086
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory \
	BUILD="$build" $san DESTDIR="$dest" PREFIX="$prefix" uninstall \
	>"$work/uninstall.log" 2>&1 || fail "make uninstall failed"
left=$(find "$dest" -type f)
[ -z "$left" ] || fail "left after uninstall: $left"

if [ "$failures" -ne 0 ]; then
	echo "install: $failures failure(s)"
	exit 1
fi
if [ -n "$not_run" ]; then
	echo "install: the rest passed; not run:$not_run"
	exit 77
fi
echo "install: ok"
