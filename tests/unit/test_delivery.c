/*
 * test_delivery.c - the config's delivery section (docs/delivery.md): off
 * by default, on when present, every key read; and every value that
 * could never work named by its key: unknown keys, addresses that are
 * not plain addresses (a display name, a CR/LF, a second address), a
 * relative command, no recipient at all. (Sending is tested end to end
 * by tests/e2e/mail.sh, against a real SMTP server.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "model/config.h"
#include "util/diag.h"

/* Loads text as file "F"; returns the number of errors, the first in first. */
static int load(const char *text, struct config *cfg, char *first,
		size_t size)
{
	struct diag d;
	int errors;

	diag_init(&d);
	config_load_text(cfg, "F", text, strlen(text), &d);
	errors = (int)d.errors;
	snprintf(first, size, "%s", d.nr ? d.entries[0].message : "");
	diag_release(&d);
	return errors;
}

static void assert_rejected(const char *delivery, const char *expected)
{
	struct config cfg;
	char text[2048], first[1024];

	snprintf(text, sizeof(text), "{\"delivery\": %s}", delivery);
	config_init(&cfg);
	if (load(text, &cfg, first, sizeof(first)) != 1)
		fail_msg("expected one error for %s, first: %s", text, first);
	assert_string_equal(first, expected);
	config_release(&cfg);
}

static void test_delivery__is_off_unless_configured(void **state)
{
	struct config cfg;
	char first[1024];

	(void)state;
	config_init(&cfg);
	assert_int_equal(load("{}", &cfg, first, sizeof(first)), 0);
	assert_false(cfg.delivery.enabled);
	/* The default command, for when it is switched on. */
	assert_int_equal(cfg.delivery.command.nr, 3);
	assert_string_equal(cfg.delivery.command.items[0], "/usr/sbin/sendmail");
	assert_string_equal(cfg.delivery.command.items[1], "-t");
	assert_string_equal(cfg.delivery.command.items[2], "-oi");
	assert_int_equal(cfg.delivery.timeout_seconds, 60);
	config_release(&cfg);
}

static void test_delivery__reads_every_key(void **state)
{
	struct config cfg;
	char first[1024];

	(void)state;
	config_init(&cfg);
	assert_int_equal(load("{\"delivery\": {"
			      "\"from\": \"huifang@example.com\","
			      "\"command\": [\"/usr/bin/msmtp\", \"-t\"],"
			      "\"timeout_seconds\": 30,"
			      "\"management\": [\"gm@example.com\", \"qa@example.com\"],"
			      "\"centers\": {\"翠湖苑物业服务中心\": [\"c1@example.com\"],"
			      "  \"a\\r\\nBcc: x\": [\"c2@example.com\"]}}}",
			      &cfg, first, sizeof(first)), 0);
	assert_true(cfg.delivery.enabled);
	assert_string_equal(cfg.delivery.from, "huifang@example.com");
	assert_int_equal(cfg.delivery.command.nr, 2);
	assert_string_equal(cfg.delivery.command.items[0], "/usr/bin/msmtp");
	assert_int_equal(cfg.delivery.timeout_seconds, 30);
	assert_int_equal(cfg.delivery.management.nr, 2);
	assert_int_equal(cfg.delivery.centers.nr, 2);
	assert_string_equal(cfg.delivery.centers.items[0], "翠湖苑物业服务中心");
	assert_string_equal(cfg.delivery.center_to[0].items[0], "c1@example.com");
	/* A hostile centre name is data: it is matched, never written raw. */
	assert_string_equal(cfg.delivery.centers.items[1], "a\r\nBcc: x");
	config_release(&cfg);

	config_init(&cfg);
	assert_int_equal(load("{\"delivery\": {\"enabled\": false, "
			      "\"from\": \"h@example.com\", \"management\": "
			      "[\"gm@example.com\"]}}", &cfg, first,
			      sizeof(first)), 0);
	assert_false(cfg.delivery.enabled);
	config_release(&cfg);
}

static void test_delivery__names_each_bad_setting(void **state)
{
	(void)state;
	assert_rejected("{\"from\": \"h@example.com\", \"management\": "
			"[\"gm@example.com\"], \"cc\": []}",
			"F: delivery.cc: unknown key");
	assert_rejected("{\"management\": [\"gm@example.com\"]}",
			"F: delivery.from: is required: the address the "
			"reports are sent from");
	assert_rejected("{\"from\": \"h@example.com\"}",
			"F: delivery: names no recipient: add \"management\" "
			"or \"centers\"");
	assert_rejected("{\"from\": \"h@example.com\", \"centers\": {}}",
			"F: delivery: names no recipient: add \"management\" "
			"or \"centers\"");
	assert_rejected("{\"from\": \"Huifang <h@example.com>\", "
			"\"management\": [\"gm@example.com\"]}",
			"F: delivery.from: 'Huifang <h@example.com>' is not a "
			"plain address like name@example.com");
	assert_rejected("{\"from\": \"h@example.com\", \"management\": "
			"[\"gm@example.com\\r\\nBcc: x@evil.com\"]}",
			"F: delivery.management[0]: 'gm@example.com\\r\\nBcc: "
			"x@evil.com' is not a plain address like "
			"name@example.com");
	assert_rejected("{\"from\": \"h@example.com\", \"management\": "
			"[\"a@example.com, b@example.com\"]}",
			"F: delivery.management[0]: 'a@example.com, "
			"b@example.com' is not a plain address like "
			"name@example.com");
	assert_rejected("{\"from\": \"h@example.com\", \"management\": []}",
			"F: delivery.management: must name at least one "
			"address");
	assert_rejected("{\"from\": \"h@example.com\", \"centers\": "
			"{\"翠湖苑\": [\"nobody\"]}}",
			"F: delivery.centers.翠湖苑[0]: 'nobody' is not a plain "
			"address like name@example.com");
	assert_rejected("{\"from\": \"h@example.com\", \"centers\": "
			"[\"翠湖苑\"]}",
			"F: delivery.centers: must be an object of centre "
			"names and their recipients, got an array");
	assert_rejected("{\"from\": \"h@example.com\", \"management\": "
			"[\"gm@example.com\"], \"command\": [\"sendmail\", "
			"\"-t\"]}",
			"F: delivery.command: 'sendmail' must be an absolute "
			"path (no shell runs it, and cron's PATH is short)");
	assert_rejected("{\"from\": \"h@example.com\", \"management\": "
			"[\"gm@example.com\"], \"timeout_seconds\": 0}",
			"F: delivery.timeout_seconds: must be a whole number "
			"between 1 and 3600, got 0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delivery__is_off_unless_configured),
		cmocka_unit_test(test_delivery__reads_every_key),
		cmocka_unit_test(test_delivery__names_each_bad_setting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
