#!/bin/sh
# Installs the Debian 12 packages huifang needs, if any are missing.
# As root it runs apt-get; otherwise it prints the command and fails.
set -eu

PACKAGES="make gcc libc6-dev pkg-config libcsv-dev libcjson-dev libhpdf-dev \
libcmocka-dev fonts-wqy-zenhei poppler-utils time libzip-dev libexpat1-dev \
libfreexl-dev libxlsxwriter-dev"
# What only the tests use: 'scripts/deps.sh test' adds them (make test).
TEST_PACKAGES="qpdf python3 python3-openpyxl libreoffice-calc-nogui msmtp \
python3-aiosmtpd"
# What only make bench uses (docs/bench.md): 'scripts/deps.sh bench'. The
# alternatives huifang is measured against (sqlite3, pandas, and node for
# DuckDB, which the bench installs from npm into build/bench/duckdb), and
# perf for the profiles. Never make test's.
BENCH_PACKAGES="sqlite3 python3-pandas nodejs linux-perf"
if [ "${1:-}" = test ]; then
	PACKAGES="$PACKAGES $TEST_PACKAGES"
fi
if [ "${1:-}" = bench ]; then
	PACKAGES="$PACKAGES $BENCH_PACKAGES"
fi

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "huifang: missing Debian packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "huifang: run this as root, then try again:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
