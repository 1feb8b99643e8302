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
	/*
	 * audit_sheets.json (sample_write_sheets_json()), or NULL: the audit
	 * outputs' view, masked by audit.masking (the phone shown), which
	 * the audit workbooks take the owner and phone from.
	 */
	const cJSON *audit_sheets;
};

/*
 * An earlier revision of a reissued week or period, kept in its folder
 * under revisions/v<number>/ (docs/operations.md "Revisions"): its
 * metrics.json (NULL when unreadable), whose as_of is when it was issued
 * and revision_reason why, and the files of that folder the site
 * publishes, sorted, which the caller copies to revisions/v<number>/
 * beside the period's page and the page links.
 */
struct site_revision {
	unsigned number;
	const cJSON *metrics;
	const char *const *files;
	size_t nfiles;
};

/*
 * A week, month or quarter on the site: its view, and the files of its
 * folder the site publishes (PDFs, CSVs, workbooks; never an audit
 * sheet: docs/site.md), sorted, which the caller copies beside its page
 * and the page links. files NULL and nfiles 0: none. revisions: the
 * earlier revisions it replaced, newest first (NULL and 0: none).
 */
struct site_period {
	struct week_view view;
	const char *const *files;
	size_t nfiles;
	const struct site_revision *revisions;
	size_t nrevisions;
};

/*
 * Writes the week's PDFs into week_dir (which exists): the weekly
 * management report and one 《回访记录表》 per centre (the audit sheets:
 * render_audit_sheets()).
 */
int render_pdf_week(const struct week_view *v, const struct config *cfg,
		    const char *templates_dir, const char *week_dir,
		    struct diag *d);

/*
 * Appends the name render_pdf_week() gives the PDF of template
 * template_name ("weekly.json", "centre_report.json") for part (the week
 * or period id, a centre) of a period of period_kind (metrics.json's
 * period.kind: "month", "quarter"; NULL or "week" for a week):
 * "<file_prefix or title>-<part>.pdf", each made safe as a file name
 * (textio.h), the prefix of the template's periods.<kind> when it has one.
 * When two parts of one render make the same name the later gets "-2",
 * "-3": a caller that maps parts to files must treat such parts as
 * ambiguous. 0, or -1 with the template's problem in d.
 */
int render_pdf_file_name(struct buf *out, const char *templates_dir,
			 const char *template_name, const char *period_kind,
			 const char *part, struct diag *d);

/*
 * Writes the audit sheet PDFs (render_audit.c) from audit_sheets.json
 * (sample_write_sheets_json()) into week_dir: one per centre for a level
 * with per_center sheets (抽查表-客户服务主管-<centre>.pdf), else one per
 * level with a section per centre (抽查表-工程经理.pdf); each with the
 * sampling key in an appendix, written with cfg->audit_file_mode. The
 * wording, columns and cell patterns are <templates_dir>/pdf/
 * audit_sheet.json ("templates" when NULL). sheets NULL writes nothing.
 * 0, or -1 with the reasons in d (a template that cannot be read, or
 * whose column lists are not lists of columns, names its path).
 */
int render_audit_sheets(const cJSON *sheets, const struct config *cfg,
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

/*
 * As render_html_site(), with the months and quarters too (SPEC §9.30;
 * newest first, as the caller gives them; their metrics.json has a
 * "period" whose id names the folder): a page each under
 * periods/<id>/index.html, listed on the index beside the weeks. The
 * index headlines the newest issued week, with the newest week beside it
 * when that one is provisional. Either list may be empty, not both.
 */
int render_html_site_periods(const struct site_period *weeks, size_t nweeks,
			     const struct site_period *periods, size_t nperiods,
			     const struct config *cfg,
			     const char *templates_dir, const char *site_dir,
			     struct diag *d);

/*
 * Writes the live worklists' pages into site_dir/worklists/ (issue 16):
 * an index, a page per centre and per butler (his live list first, the
 * overdue first, then his figures in each of the given weeks), and each
 * butler's owed list as CSV. lists is worklists.json (the worklist
 * stage's view, masked as masking.* says; worklist.h), or NULL when none
 * was written yet: the pages then say so. Every centre and butler of the
 * weeks gets a page, so the weeks' butler pages (render_html_site, which
 * link to worklists/butler-<h>.html) never point nowhere: call both for
 * one site.
 */
int render_html_worklists(const cJSON *lists, const struct week_view *weeks,
			  size_t nweeks, const struct config *cfg,
			  const char *templates_dir, const char *site_dir,
			  struct diag *d);

#endif
