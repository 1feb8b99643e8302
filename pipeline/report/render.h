/*
 * render.h - the render stage's interface: PDF reports and the HTML site.
 *
 * Renderers compute nothing. They read one view model per week, the
 * artifacts the earlier stages wrote (docs/viewmodel.md):
 *
 *   metrics.json  (huifang.metrics/1)   -- always present
 *   samples.json  (huifang.samples/1)   -- NULL if not drawn
 *   records.json  (huifang.callbacks/1) -- NULL if absent
 *
 * as parsed cJSON trees owned by the caller. Layout and wording come from
 * templates_dir, the folder the caller found (paths_templates_dir():
 * templates/ in the source tree, or the installed copy); a renderer never
 * looks for it in the config.
 * Every file is written through outfile.h (aside, then renamed). Both
 * functions return 0, or -1 with the cause reported to d (a template error
 * names the template file, line and column; an unwritable folder names the
 * path).
 */
#ifndef HUIFANG_RENDER_H
#define HUIFANG_RENDER_H

#include <stddef.h>

#include <cJSON.h>

#include "model/config.h"
#include "util/diag.h"

struct week_view {
	const cJSON *metrics;
	const cJSON *samples;
	const cJSON *records;
};

/*
 * Writes the week's PDFs into week_dir (which exists): the weekly
 * management report, one 《回访记录表》 per centre, one audit sheet per
 * level.
 */
int render_pdf_week(const struct week_view *v, const struct config *cfg,
		    const char *templates_dir, const char *week_dir,
		    struct diag *d);

/*
 * Writes the HTML site into site_dir (which exists): an index of the given
 * weeks (newest first as given by the caller: weeks[0] is the newest) and,
 * per week, the week page, a page per centre and per butler.
 */
int render_html_site(const struct week_view *weeks, size_t nweeks,
		     const struct config *cfg, const char *templates_dir,
		     const char *site_dir, struct diag *d);

#endif
