/*
 * paths.h - where huifang finds its templates and its default config.
 *
 * The same binary runs from the source tree (make run), from an install
 * under PREFIX, and from a DESTDIR staging tree, so nothing is compiled in
 * except HUIFANG_DATADIR (the Makefile's $(DATADIR), e.g.
 * /usr/local/share/huifang) and HUIFANG_SRCDIR (the folder it was built
 * in, used only while the binary is inside it). The search order, first
 * match wins:
 *
 *   templates:  the config's templates_dir if set (an error if it is not a folder,
 *               never a silent fallback), else ./templates, else beside
 *               the binary: for a binary in <prefix>/bin/ (an install,
 *               perhaps relocated) <prefix>/share/huifang/templates, for
 *               one inside the source tree it was built in (build/huifang;
 *               HUIFANG_SRCDIR, the Makefile's folder) that tree's
 *               templates, for any other its own folder's; else the
 *               installed data folder HUIFANG_DATADIR/templates.
 *   config:     --config if given (an error if it is not a readable
 *               file), else ./config/huifang.json, else the same folders'
 *               config/huifang.json, in the same order.
 *
 * Relative paths are taken relative to the working directory, like
 * --input and --output. Results are newly allocated strings the caller
 * frees with free().
 */
#ifndef HUIFANG_PATHS_H
#define HUIFANG_PATHS_H

#include "util/buf.h"

/* Appends the search order, one line a step, for --help. */
void paths_describe(struct buf *out);

/*
 * The data folders to search after the working directory, in order, as a
 * NULL-terminated array of strings owned by this module (computed once).
 */
const char *const *paths_datadirs(void);

/*
 * Sets *out to the templates folder: configured (the config's
 * templates_dir, NULL or "" when it names none), else the defaults above.
 * Returns 0, or -1 with err set: "templates_dir '<dir>': <cause>" when the
 * configured one is unusable, "no templates folder (looked in templates,
 * <datadir>/templates, ...)" when none is found.
 */
int paths_templates_dir(const char *configured, char **out,
			struct buf *err);

/*
 * Sets *out to the config file to load: given (the --config value, NULL
 * when the option was not used), else the defaults above. Returns 0, or -1
 * with err set: "<given>: <cause>", or "no config file (looked in
 * config/huifang.json, <datadir>/config/huifang.json, ...)".
 */
int paths_config_file(const char *given, char **out, struct buf *err);

/* As the two above, searching datadirs (NULL-terminated) instead. */
int paths_find_templates(const char *configured,
			 const char *const *datadirs, char **out,
			 struct buf *err);
int paths_find_config(const char *given, const char *const *datadirs,
		      char **out, struct buf *err);

#endif
