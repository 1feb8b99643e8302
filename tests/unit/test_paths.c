/*
 * test_paths.c - finding the templates folder and the default config:
 * an explicit setting wins and is never silently replaced, then the
 * working directory, then the data folders in order; the errors say
 * where huifang looked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "ops/paths.h"
#include "ops/weekdir.h"
#include "tmpdir.h"

struct fixture {
	char root[256];
	char cwd[PATH_MAX];
};

static const char *const datadirs[] = { "share1", "share2", NULL };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!getcwd(f->cwd, sizeof(f->cwd)))
		return -1;
	if (tmpdir_make(f->root, sizeof(f->root), "test_paths") < 0 ||
	    chdir(f->root) < 0)
		return -1;
	mkdir("share1", 0777);
	mkdir("share2", 0777);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (chdir(f->cwd) < 0)
		return -1;
	tmpdir_remove(f->root);
	free(f);
	return 0;
}

static void put(const char *path)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	fputs("{}\n", fp);
	assert_int_equal(fclose(fp), 0);
}

static void test_paths__configured_templates_dir_wins(void **state)
{
	struct buf err = BUF_INIT;
	char *dir;

	(void)state;
	mkdir("templates", 0777);
	mkdir("mine", 0777);
	assert_int_equal(paths_find_templates("mine", datadirs, &dir, &err), 0);
	assert_string_equal(dir, "mine");
	free(dir);
	buf_release(&err);
}

static void test_paths__configured_templates_dir_must_exist(void **state)
{
	struct buf err = BUF_INIT;
	char *dir;

	(void)state;
	mkdir("templates", 0777);
	assert_int_equal(paths_find_templates("nope", datadirs, &dir, &err), -1);
	assert_null(dir);
	assert_string_equal(err.s, "templates_dir 'nope': No such file or directory");
	buf_reset(&err);
	put("afile");
	assert_int_equal(paths_find_templates("afile", datadirs, &dir, &err), -1);
	assert_string_equal(err.s, "templates_dir 'afile': Not a directory");
	buf_release(&err);
}

static void test_paths__templates_in_working_directory_come_first(void **state)
{
	struct buf err = BUF_INIT;
	char *dir;

	(void)state;
	mkdir("templates", 0777);
	mkdir("share1/templates", 0777);
	/* An empty setting is no setting. */
	assert_int_equal(paths_find_templates("", datadirs, &dir, &err), 0);
	assert_string_equal(dir, "templates");
	free(dir);
	buf_release(&err);
}

static void test_paths__templates_fall_back_to_data_folders_in_order(void **state)
{
	struct buf err = BUF_INIT;
	char *dir;

	(void)state;
	mkdir("share2/templates", 0777);
	assert_int_equal(paths_find_templates(NULL, datadirs, &dir, &err), 0);
	assert_string_equal(dir, "share2/templates");
	free(dir);
	mkdir("share1/templates", 0777);
	assert_int_equal(paths_find_templates(NULL, datadirs, &dir, &err), 0);
	assert_string_equal(dir, "share1/templates");
	free(dir);
	/* A file named templates is not a templates folder. */
	put("templates");
	assert_int_equal(paths_find_templates(NULL, datadirs, &dir, &err), 0);
	assert_string_equal(dir, "share1/templates");
	free(dir);
	buf_release(&err);
}

static void test_paths__missing_templates_say_where_we_looked(void **state)
{
	struct buf err = BUF_INIT;
	char *dir;

	(void)state;
	assert_int_equal(paths_find_templates(NULL, datadirs, &dir, &err), -1);
	assert_string_equal(err.s, "no templates folder (looked in templates, "
			    "share1/templates, share2/templates)");
	buf_release(&err);
}

static void test_paths__config_uses_the_option_or_the_defaults(void **state)
{
	struct buf err = BUF_INIT;
	char *file;

	(void)state;
	mkdir("config", 0777);
	mkdir("share2/config", 0777);
	put("share2/config/huifang.json");
	assert_int_equal(paths_find_config(NULL, datadirs, &file, &err), 0);
	assert_string_equal(file, "share2/config/huifang.json");
	free(file);
	put("config/huifang.json");
	assert_int_equal(paths_find_config(NULL, datadirs, &file, &err), 0);
	assert_string_equal(file, "config/huifang.json");
	free(file);
	put("site.json");
	assert_int_equal(paths_find_config("site.json", datadirs, &file, &err), 0);
	assert_string_equal(file, "site.json");
	free(file);
	assert_string_equal(err.s, "");
	buf_release(&err);
}

static void test_paths__named_config_is_never_replaced_by_a_default(void **state)
{
	struct buf err = BUF_INIT;
	char *file;

	(void)state;
	mkdir("config", 0777);
	put("config/huifang.json");
	assert_int_equal(paths_find_config("typo.json", datadirs, &file, &err), -1);
	assert_null(file);
	assert_string_equal(err.s, "typo.json: No such file or directory");
	buf_reset(&err);
	assert_int_equal(paths_find_config("config", datadirs, &file, &err), -1);
	assert_string_equal(err.s, "config: Is a directory");
	buf_reset(&err);
	/* Nor is a folder called huifang.json a config file. */
	mkdir("share1/config", 0777);
	mkdir("share1/config/huifang.json", 0777);
	unlink("config/huifang.json");
	assert_int_equal(paths_find_config(NULL, datadirs, &file, &err), -1);
	assert_string_equal(err.s, "no config file (looked in config/huifang.json, "
			    "share1/config/huifang.json, share2/config/huifang.json)");
	buf_release(&err);
}

static void test_paths__wrappers_use_the_config_and_the_data_folder(void **state)
{
	struct buf err = BUF_INIT;
	const char *const *dirs = paths_datadirs();
	char *dir;

	(void)state;
	/*
	 * A test binary lives inside the tree it was built in, as
	 * build/huifang does: that tree first, then HUIFANG_DATADIR.
	 */
	assert_true(strlen(HUIFANG_SRCDIR) > 0);
	assert_string_equal(dirs[0], HUIFANG_SRCDIR);
	assert_string_equal(dirs[1], HUIFANG_DATADIR);
	assert_null(dirs[2]);
	assert_int_equal(paths_templates_dir("share2", &dir, &err), 0);
	assert_string_equal(dir, "share2");
	free(dir);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_paths__configured_templates_dir_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths__configured_templates_dir_must_exist, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths__templates_in_working_directory_come_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths__templates_fall_back_to_data_folders_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths__missing_templates_say_where_we_looked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths__config_uses_the_option_or_the_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths__named_config_is_never_replaced_by_a_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths__wrappers_use_the_config_and_the_data_folder, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
