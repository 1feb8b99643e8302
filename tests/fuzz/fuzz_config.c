/*
 * fuzz_config.c - libFuzzer target for the config loader
 * (config_load_text(), config.h).
 *
 * Whatever the bytes, the loader ends, accepts or refuses with at least
 * one message (SPEC §7: a bad value names its key), never both, and
 * leaves a config that config_release() frees whole (LeakSanitizer).
 * An accepted config holds values within the documented ranges.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "model/config.h"
#include "util/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct diag d;
	int rc, t;

	config_init(&cfg);
	diag_init(&d);
	rc = config_load_text(&cfg, "fuzz.json", (const char *)data, size, &d);
	if (rc == 0) {
		assert(d.errors == 0);
		for (t = 0; t < TYPE_COUNT; t++) {
			assert(cfg.target[t] >= 0 && cfg.target[t] <= 1);
			/* Issue 13: never below one minute. */
			assert(cfg.sla_seconds[t] >= 60);
		}
		assert(cfg.umask <= 0777);
	} else {
		assert(rc == -1 && d.errors > 0);
	}
	diag_release(&d);
	config_release(&cfg);
	return 0;
}
