// bench/alt/duckdb.js - runs bench/alt/w47_sql.py's DuckDB script with
// DuckDB (npm @duckdb/node-api, which make bench installs into a folder
// of its own under the build folder) and prints every row that a SELECT
// returns, tab-separated.
// usage: node duckdb.js NODE_MODULES_PARENT SCRIPT.sql
'use strict';
const fs = require('fs');
const path = require('path');
const { DuckDBInstance } = require(path.resolve(process.argv[2], 'node_modules/@duckdb/node-api'));

async function main() {
	const sql = fs.readFileSync(process.argv[3], 'utf8');
	const instance = await DuckDBInstance.create(':memory:');
	const con = await instance.connect();
	for (const stmt of sql.split(/;\s*\n/)) {
		if (!stmt.trim())
			continue;
		const reader = await con.runAndReadAll(stmt);
		if (/^\s*SELECT/i.test(stmt))
			for (const row of reader.getRows())
				process.stdout.write(row.map(String).join('\t') + '\n');
	}
}

main().catch((e) => {
	process.stderr.write('duckdb: ' + e.message + '\n');
	process.exit(1);
});
