#!/bin/sh
# make fuzz: builds each tests/fuzz/fuzz_*.c with clang's libFuzzer, ASan
# and UBSan, and runs it for FUZZ_SECONDS (default 30) on a working copy
# of its saved corpus (tests/fuzz/corpus/<target>/). New interesting
# inputs stay in build/fuzz/corpus-<target>/; copy the ones worth keeping
# into the saved corpus, which 'make test' replays. A crash stops the
# script with libFuzzer's report and the input under build/fuzz/.
set -eu
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-30}
if ! command -v clang >/dev/null 2>&1; then
	echo "make fuzz: needs clang (apt-get install clang)" >&2
	exit 1
fi
out=build/fuzz
mkdir -p "$out"
flags="-g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
-DHUIFANG_DATADIR=\"/usr/local/share/huifang\" -Ipipeline \
$(pkg-config --cflags libcjson 2>/dev/null || true) \
-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
libs="-lcsv $(pkg-config --libs libcjson 2>/dev/null || echo -lcjson) -lhpdf -lzip -lexpat -lfreexl -lxlsxwriter -lm"
srcs=$(ls pipeline/*/*.c | grep -v '/cmd/main\.c$')
# FUZZ_TARGETS="fuzz_chtime fuzz_config" builds and runs just those.
targets=${FUZZ_TARGETS:-$(ls tests/fuzz/fuzz_*.c | sed 's#.*/##; s#\.c$##')}
for name in $targets; do
	src=tests/fuzz/$name.c
	echo "== $name: building"
	# freexl loops on many broken files until the child's CPU limit:
	# smaller limits keep the .xls fuzzer going.
	extra=
	[ "$name" = fuzz_xls ] && extra="-DXLS_MAX_CPU=2 -DXLS_MAX_WALL=20"
	# The .xlsx sheet's fast path reads in tiny pieces and keeps only
	# tiny sheets whole, so that its tokens cross reads.
	[ "$name" = fuzz_xlsx ] && extra="-DXLSX_CHUNK=64 -DXLSX_KEEP_SHEET_BYTES=256"
	# shellcheck disable=SC2086
	clang $flags $extra -o "$out/$name" "$src" $srcs $libs
	mkdir -p "$out/corpus-$name"
	cp tests/fuzz/corpus/"$name"/* "$out/corpus-$name/" 2>/dev/null || true
	echo "== $name: fuzzing for ${seconds}s"
	# Workbooks are zips: their seeds are bigger than a CSV's.
	case $name in fuzz_xlsx|fuzz_xls|fuzz_biff) max_len=65536 ;; *) max_len=4096 ;; esac
	# freexl over-reads in its iconv call on many broken files; the
	# forked child dies of it (by design: the file is refused), after
	# AddressSanitizer has symbolized its report, which made the .xls
	# target run 5 inputs a second. Unsymbolized: 25. (The child also
	# leaves a crash-* file of libFuzzer's: the parent did not crash.)
	asan=${ASAN_OPTIONS:-}
	[ "$name" = fuzz_xls ] && asan=${ASAN_OPTIONS:-symbolize=0}
	ASAN_OPTIONS=$asan "$out/$name" -max_total_time="$seconds" -max_len="$max_len" \
		-artifact_prefix="$out/$name-" "$out/corpus-$name"
done
echo "make fuzz: no crash"
