/*
 * render_html.c - the static HTML site (render_html_site, see render.h).
 *
 * The site is a function of the weeks' view models (metrics.json,
 * samples.json, records.json) and the templates in <templates>/html/:
 *
 *   index.html                       the weeks, newest first, and the
 *                                    latest week's KPIs against targets
 *   weeks/<W>/index.html             the week
 *   weeks/<W>/center-<h>.html        one per service centre
 *   weeks/<W>/butler-<h>.html        one per butler, with the week's
 *                                    owed list (a snapshot) and a link
 *                                    to his live list
 *   weeks/<W>/owed-<h>.csv           the butler's worklist as CSV
 *   worklists/...                    the live worklists, every centre
 *                                    and butler (render_html_worklists)
 *
 * For every page this file builds a cJSON context from the view model --
 * copying values, formatting ratios and times for display, adding the SVG
 * charts (svg.h) as raw strings and the navigation links -- and renders a
 * template through tmpl.h. It computes no metric: every count and ratio
 * shown is one the metrics stage wrote; what happens here is selection
 * (the rows of one centre or butler), lookup (the remark of a callback in
 * records.json) and formatting.
 *
 * Invariants: no file name is made from text out of the data. <W> must
 * parse as an ISO week, and <h> is a hash of the centre (and butler) name,
 * made unique within the week, so a butler called "../../etc" gets a page
 * like butler-3f2a9c01d4.html inside site_dir. Every file is written
 * through outfile.h. Wording that is not in a template (anomaly kinds,
 * reject reasons, CSV headers) comes from <templates>/html/labels.json.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/chtime.h"
#include "util/csvout.h"
#include "util/hashtab.h"
#include "util/outfile.h"
#include "util/textio.h"
#include "model/period.h"
#include "model/ticket.h"
#include "report/render.h"
#include "report/svg.h"
#include "report/tmpl.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define DASH "\xe2\x80\x94"   /* "—": no value */

/* ---- reading the view model ---- */

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key)
				 : NULL;
}

static const char *get_str(const cJSON *o, const char *key)
{
	const cJSON *v = get(o, key);

	return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

static bool get_num(const cJSON *o, const char *key, double *out)
{
	const cJSON *v = get(o, key);

	if (!cJSON_IsNumber(v))
		return false;
	*out = v->valuedouble;
	return true;
}

static bool get_bool(const cJSON *o, const char *key, bool *out)
{
	const cJSON *v = get(o, key);

	if (!cJSON_IsBool(v))
		return false;
	*out = cJSON_IsTrue(v);
	return true;
}

static size_t get_count(const cJSON *o, const char *key)
{
	double v;

	return get_num(o, key, &v) && v > 0 ? (size_t)v : 0;
}

/* The first element or member of an array or object, NULL for others. */
static cJSON *children(const cJSON *v)
{
	return cJSON_IsArray(v) || cJSON_IsObject(v) ? v->child : NULL;
}

/* ---- building contexts ---- */

static void put_str(cJSON *o, const char *key, const char *s)
{
	cJSON_AddItemToObject(o, key, cJSON_CreateString(s ? s : ""));
}

static void put_bool(cJSON *o, const char *key, bool v)
{
	cJSON_AddItemToObject(o, key, cJSON_CreateBool(v));
}

static void put_num(cJSON *o, const char *key, double v)
{
	cJSON_AddItemToObject(o, key, cJSON_CreateNumber(v));
}

static void put_buf(cJSON *o, const char *key, struct buf *b)
{
	put_str(o, key, b->s);
	buf_reset(b);
}

/* A count copied as it is, or "—" when the view model lacks it. */
static void copy_count(cJSON *o, const cJSON *src, const char *key)
{
	double v;

	if (get_num(src, key, &v))
		put_num(o, key, v);
	else
		put_str(o, key, DASH);
}

static void copy_str(cJSON *o, const cJSON *src, const char *key)
{
	put_str(o, key, get_str(src, key));
}

/* "86.7%" for a ratio, "—" for null. */
static void put_ratio(cJSON *o, const char *key, const cJSON *src,
		      const char *srckey)
{
	struct buf b = BUF_INIT;
	double v;

	if (get_num(src, srckey, &v))
		svg_add_percent(&b, v);
	else
		buf_adds(&b, DASH);
	put_buf(o, key, &b);
	buf_release(&b);
}

/* "72.1%–94.4%" for an interval [low, high], "" for null. */
static void put_interval(cJSON *o, const char *key, const cJSON *src,
			 const char *srckey)
{
	const cJSON *ci = get(src, srckey);
	struct buf b = BUF_INIT;

	if (cJSON_GetArraySize(ci) == 2 &&
	    cJSON_IsNumber(cJSON_GetArrayItem(ci, 0)) &&
	    cJSON_IsNumber(cJSON_GetArrayItem(ci, 1))) {
		svg_add_percent(&b, cJSON_GetArrayItem(ci, 0)->valuedouble);
		buf_adds(&b, "\xe2\x80\x93");
		svg_add_percent(&b, cJSON_GetArrayItem(ci, 1)->valuedouble);
	}
	put_buf(o, key, &b);
	buf_release(&b);
}

/* ---- names of pages ---- */

static uint64_t fnv1a(const char *a, const char *b)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)a; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	h = (h ^ 0x1f) * 0x100000001b3ULL;
	for (p = (const unsigned char *)(b ? b : ""); *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}

/*
 * The name of the live page of a centre (butler NULL) or a butler,
 * without a suffix: what a week's page links to (see the live worklists
 * below).
 */
static void live_base(char *out, size_t size, const char *center,
		      const char *butler)
{
	snprintf(out, size, "%s-%010llx", butler ? "butler" : "center",
		 (unsigned long long)(fnv1a(center, butler) &
				      0xffffffffffULL));
}

/* A centre or butler page of one week. */
struct page {
	const char *center;
	const char *butler;     /* NULL for a centre */
	const cJSON *group;     /* its by_center / by_butler entry */
	char name[48];          /* "butler-3f2a9c01d4" (no extension) */
	cJSON *owed;            /* its owed entries, built as found */
	cJSON *records;         /* butler: its callbacks of the week */
};

/* A slot of a page index. */
struct page_slot {
	const struct page *p;
};

struct page_index {
	struct page *v;
	size_t nr;
	struct hashtab by_name; /* of struct page_slot: by centre, butler */
};

static uint32_t page_hash(const char *center, const char *butler)
{
	return (uint32_t)fnv1a(center, butler);
}

static uint32_t page_rehash(const void *slot)
{
	const struct page *p = ((const struct page_slot *)slot)->p;

	return page_hash(p->center, p->butler);
}

static bool page_is(const struct page *p, const char *center,
		    const char *butler)
{
	return !strcmp(p->center, center) &&
	       !strcmp(p->butler ? p->butler : "", butler ? butler : "") &&
	       (!p->butler) == (!butler);
}

static struct page *page_find(const struct page_index *ix,
			      const char *center, const char *butler)
{
	const struct page_slot *e;
	size_t i;

	if (!ix->by_name.cap)
		return NULL;
	for (i = hashtab_start(&ix->by_name, page_hash(center, butler));
	     (e = hashtab_at(&ix->by_name, i))->p;
	     i = hashtab_next(&ix->by_name, i))
		if (page_is(e->p, center, butler))
			return (struct page *)e->p;
	return NULL;
}

/*
 * The pages of the groups in list (by_center or by_butler), each named by
 * a hash of its name, made unique by a suffix when two hashes meet.
 */
static void page_index_build(struct page_index *ix, const cJSON *list,
			     bool butlers)
{
	const cJSON *g;
	size_t n = (size_t)cJSON_GetArraySize(list), i, k;

	memset(ix, 0, sizeof(*ix));
	ix->v = xcalloc(n ? n : 1, sizeof(*ix->v));
	for (g = cJSON_IsArray(list) ? list->child : NULL; g; g = g->next) {
		struct page *p = &ix->v[ix->nr];
		const char *center = get_str(g, "center");
		const char *butler = butlers ? get_str(g, "butler") : NULL;
		unsigned suffix = 1;

		if (!cJSON_IsObject(g))
			continue;
		p->center = center;
		p->butler = butler;
		p->group = g;
		for (;;) {
			bool taken = false;

			snprintf(p->name, sizeof(p->name),
				 suffix > 1 ? "%s-%010llx-%u" : "%s-%010llx",
				 butlers ? "butler" : "center",
				 (unsigned long long)(fnv1a(center, butler) &
						      0xffffffffffULL), suffix);
			for (k = 0; k < ix->nr; k++)
				if (!strcmp(ix->v[k].name, p->name))
					taken = true;
			if (!taken)
				break;
			suffix++;
		}
		ix->nr++;
	}
	ix->by_name = (struct hashtab)HASHTAB_INIT(sizeof(struct page_slot),
						   16, page_rehash);
	for (k = 0; k < ix->nr; k++) {
		const struct page *p = &ix->v[k];
		struct page_slot *e;

		/* A repeated group keeps its first page. */
		hashtab_reserve(&ix->by_name);
		for (i = hashtab_start(&ix->by_name,
				       page_hash(p->center, p->butler));
		     (e = hashtab_at(&ix->by_name, i))->p;
		     i = hashtab_next(&ix->by_name, i))
			if (page_is(e->p, p->center, p->butler))
				break;
		if (!e->p) {
			e->p = p;
			ix->by_name.n++;
		}
	}
}

static void page_index_release(struct page_index *ix)
{
	size_t i;

	for (i = 0; i < ix->nr; i++) {
		cJSON_Delete(ix->v[i].owed);
		cJSON_Delete(ix->v[i].records);
	}
	free(ix->v);
	hashtab_release(&ix->by_name);
	memset(ix, 0, sizeof(*ix));
}

/* ---- the renderer's state ---- */

struct site {
	struct tmpl_set *ts;
	const struct tmpl *t_index, *t_week, *t_center, *t_butler, *t_period;
	cJSON *labels;          /* labels.json */
	const char *site_dir;
	struct diag *d;
	struct buf out;         /* reused for every page */
	struct buf path;
};

/* The label of key in labels.json's table, or key itself. */
static const char *label(const struct site *s, const char *table,
			 const char *key)
{
	const char *v = get_str(get(s->labels, table), key);

	return *v ? v : key;
}

static int write_file(struct site *s, const char *path, const struct buf *b)
{
	struct buf err = BUF_INIT;
	int ret = 0;

	if (outfile_write_all(path, b->s, b->len, &err) < 0) {
		diag_report(s->d, DIAG_ERROR, NULL, 0, 0, "cannot write page: %s",
			    err.s);
		ret = -1;
	}
	buf_release(&err);
	return ret;
}

/*
 * Adds has_<name> (true when non-empty) beside every array in o, at any
 * depth, so that a template can wrap a list in a table only when it has
 * rows (Mustache cannot ask an array for its length).
 */
static void add_has_flags(cJSON *o)
{
	struct buf name = BUF_INIT;
	cJSON *c;

	if (cJSON_IsArray(o)) {
		for (c = children(o); c; c = c->next)
			add_has_flags(c);
		return;
	}
	if (!cJSON_IsObject(o))
		return;
	/* The booleans added here land at the end, and the loop skips them. */
	for (c = o->child; c; c = c->next) {
		if (cJSON_IsObject(c)) {
			add_has_flags(c);
		} else if (cJSON_IsArray(c)) {
			add_has_flags(c);
			buf_reset(&name);
			buf_addf(&name, "has_%s", c->string ? c->string : "");
			if (c->string && !get(o, name.s))
				put_bool(o, name.s, c->child != NULL);
		}
	}
	buf_release(&name);
}

static int render_page(struct site *s, const struct tmpl *t, cJSON *ctx,
		       const char *path)
{
	add_has_flags(ctx);
	buf_reset(&s->out);
	if (tmpl_render(t, ctx, &s->out, s->d) < 0)
		return -1;
	return write_file(s, path, &s->out);
}

static cJSON *crumb(cJSON *list, const char *label_text, const char *href)
{
	cJSON *c = cJSON_CreateObject();

	put_str(c, "label", label_text);
	if (href)
		put_str(c, "href", href);
	cJSON_AddItemToArray(list, c);
	return c;
}

/* The parts every page shares: title, breadcrumbs, company, as-of. */
static cJSON *page_ctx(const cJSON *metrics, const char *title,
		       cJSON **crumbs)
{
	cJSON *ctx = cJSON_CreateObject();
	const cJSON *company = get(metrics, "company");

	put_str(ctx, "title", title);
	put_str(ctx, "company", get_str(company, "name"));
	put_str(ctx, "as_of", get_str(metrics, "as_of"));
	*crumbs = cJSON_CreateArray();
	cJSON_AddItemToObject(ctx, "breadcrumbs", *crumbs);
	return ctx;
}

/*
 * One row of a group table: the group's numbers copied, its ratios
 * formatted, its target and whether it meets it, its page if it has one.
 */
static cJSON *group_row(const cJSON *g, const char *name, const char *href)
{
	cJSON *r = cJSON_CreateObject();
	static const char *const counts[] = {
		"eligible", "called_back", "rated", "satisfied", "dissatisfied",
		"loops_closed", "loops_open", "timely", "attempts", "owed",
		"overdue",
	};
	struct buf b = BUF_INIT;
	double v;
	bool meets, ranked;
	size_t i;

	put_str(r, "name", name);
	if (href)
		put_str(r, "href", href);
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		copy_count(r, g, counts[i]);
	put_ratio(r, "coverage", g, "coverage");
	put_interval(r, "coverage_ci", g, "coverage_ci");
	put_ratio(r, "satisfaction", g, "satisfaction");
	put_interval(r, "satisfaction_ci", g, "satisfaction_ci");
	if (get_num(g, "median_hours_to_callback", &v))
		buf_addf(&b, "%.1f", v);
	else
		buf_adds(&b, DASH);
	put_buf(r, "median_hours", &b);
	if (get_num(g, "target", &v)) {
		svg_add_percent(&b, v);
		put_buf(r, "target", &b);
	}
	if (get_bool(g, "meets_target", &meets)) {
		put_bool(r, "meets", meets);
		put_bool(r, "below", !meets);
	}
	if (get_bool(g, "ranked", &ranked))
		put_bool(r, "unranked", !ranked);
	if (get_num(g, "rank", &v))
		put_num(r, "rank", v);
	buf_release(&b);
	return r;
}

static struct svg_stack stack_of(const cJSON *g, const char *name)
{
	struct svg_stack st;
	const cJSON *dist = get(g, "satisfaction_distribution");
	size_t k;

	memset(&st, 0, sizeof(st));
	st.label = name;
	for (k = 0; k < 5; k++)
		st.counts[k] = get_count(dist, satisfaction_scale[k]);
	return st;
}

static void put_svg(cJSON *o, const char *key, struct buf *svg)
{
	put_buf(o, key, svg);
}

/* The bar chart of coverage against target over a group list. */
static void chart_coverage(struct buf *svg, const char *title,
			   const cJSON *list, const char *name_key)
{
	size_t n = (size_t)cJSON_GetArraySize(list), i = 0;
	struct svg_bar *bars = xcalloc(n ? n : 1, sizeof(*bars));
	const cJSON *g;

	for (g = children(list); g; g = g->next) {
		bars[i].label = get_str(g, name_key);
		bars[i].has_value = get_num(g, "coverage", &bars[i].value);
		bars[i].has_target = get_num(g, "target", &bars[i].target);
		i++;
	}
	svg_bars_target(svg, title, bars, i);
	free(bars);
}

/*
 * ctx[key]: one chart per type of the week m, each the coverage of every
 * centre (by_center_type) against that type's own target, so that
 * nobody has to guess whether a centre met 投诉 100 % from a blended
 * rate; centre names lose the suffix they all share (物业服务中心).
 */
static void charts_center_types(cJSON *ctx, const char *key, const cJSON *m)
{
	const cJSON *ct = get(m, "by_center_type"), *t, *g;
	size_t n = (size_t)cJSON_GetArraySize(ct), i, suffix;
	struct svg_bar *bars = xcalloc(n ? n : 1, sizeof(*bars));
	const char **names = xcalloc(n ? n : 1, sizeof(*names));
	struct buf *short_names = xcalloc(n ? n : 1, sizeof(*short_names));
	cJSON *list = cJSON_AddArrayToObject(ctx, key);
	struct buf title = BUF_INIT, svg = BUF_INIT;

	for (i = 0; i < n; i++)
		buf_init(&short_names[i]);
	i = 0;
	for (g = children(get(m, "by_center")); g && i < n; g = g->next)
		names[i++] = get_str(g, "center");
	suffix = text_common_suffix(names, i);
	for (t = children(get(m, "by_type")); t; t = t->next) {
		const char *type = get_str(t, "type");
		double target;
		cJSON *c;

		i = 0;
		for (g = children(ct); g; g = g->next) {
			const char *center = get_str(g, "center");
			size_t len = strlen(center);

			if (strcmp(get_str(g, "type"), type))
				continue;
			buf_reset(&short_names[i]);
			buf_add(&short_names[i], center,
				len > suffix ? len - suffix : len);
			bars[i].label = short_names[i].s;
			bars[i].has_value = get_num(g, "coverage",
						    &bars[i].value);
			bars[i].has_target = get_num(g, "target",
						     &bars[i].target);
			i++;
		}
		if (i == 0)
			continue;
		buf_reset(&title);
		buf_addf(&title, "各服务中心%s回访率", type);
		if (get_num(t, "target", &target)) {
			buf_adds(&title, "（目标 ");
			svg_add_percent(&title, target);
			buf_adds(&title, "）");
		}
		c = cJSON_CreateObject();
		put_str(c, "title", title.s);
		svg_bars_target(&svg, title.s, bars, i);
		put_svg(c, "svg", &svg);
		cJSON_AddItemToArray(list, c);
	}
	for (i = 0; i < n; i++)
		buf_release(&short_names[i]);
	free(short_names);
	free(names);
	free(bars);
	buf_release(&title);
	buf_release(&svg);
}

static void chart_satisfaction(struct buf *svg, const char *title,
			       const cJSON *totals, const char *totals_name,
			       const cJSON *list, const char *name_key)
{
	size_t n = (size_t)cJSON_GetArraySize(list) + 1, i = 0;
	struct svg_stack *rows = xcalloc(n, sizeof(*rows));
	const cJSON *g;

	if (totals)
		rows[i++] = stack_of(totals, totals_name);
	for (g = children(list); g; g = g->next)
		rows[i++] = stack_of(g, get_str(g, name_key));
	svg_stacked(svg, title, satisfaction_scale, 5, rows, i);
	free(rows);
}

/*
 * The 8-week trend: each type's coverage (by_type of the week m, in its
 * order) and the satisfaction of all types, with each distinct target as
 * a dashed line named after its types ("目标 100%（投诉、特约服务）").
 */
static void chart_trend(struct buf *svg, const char *title, const cJSON *m)
{
	const cJSON *trend = get(m, "trend"), *p, *t;
	size_t n = (size_t)cJSON_GetArraySize(trend), i = 0, s, ns = 0, nr = 0;
	const char **labels = xcalloc(n ? n : 1, sizeof(*labels));
	double *vals = xcalloc(SVG_MAX_SERIES * (n ? n : 1), sizeof(*vals));
	bool *has = xcalloc(SVG_MAX_SERIES * (n ? n : 1), sizeof(*has));
	struct svg_series series[SVG_MAX_SERIES];
	struct svg_ref refs[SVG_MAX_SERIES];
	struct buf names[SVG_MAX_SERIES];

	for (p = children(trend); p; p = p->next) {
		const char *w = get_str(p, "week");
		const char *dash = strchr(w, '-');

		/* "W47" is enough on the axis; the table has the years. */
		labels[i++] = dash ? dash + 1 : w;
	}
	for (t = children(get(m, "by_type")); t && ns + 1 < SVG_MAX_SERIES;
	     t = t->next) {
		const char *type = get_str(t, "type");
		double target;

		i = 0;
		for (p = children(trend); p; p = p->next, i++) {
			const cJSON *e;

			for (e = children(get(p, "by_type")); e; e = e->next)
				if (!strcmp(get_str(e, "type"), type))
					has[ns * n + i] = get_num(e, "coverage",
							  &vals[ns * n + i]);
		}
		series[ns].name = type;
		series[ns].values = vals + ns * n;
		series[ns].present = has + ns * n;
		ns++;
		if (!get_num(t, "target", &target))
			continue;
		for (s = 0; s < nr && refs[s].value != target; s++)
			;
		if (s == nr) {
			refs[nr].value = target;
			buf_init(&names[nr]);
			buf_adds(&names[nr], "目标 ");
			svg_add_percent(&names[nr], target);
			buf_adds(&names[nr], "（");
			nr++;
		} else {
			buf_adds(&names[s], "、");
		}
		buf_adds(&names[s], type);
	}
	for (s = 0; s < nr; s++) {
		buf_adds(&names[s], "）");
		refs[s].label = names[s].s;
	}
	i = 0;
	for (p = children(trend); p; p = p->next, i++)
		has[ns * n + i] = get_num(get(p, "totals"), "satisfaction",
					  &vals[ns * n + i]);
	series[ns].name = "满意率";
	series[ns].values = vals + ns * n;
	series[ns].present = has + ns * n;
	ns++;
	svg_trend(svg, title, labels, n, series, ns, refs, nr);
	for (s = 0; s < nr; s++)
		buf_release(&names[s]);
	free(labels);
	free(vals);
	free(has);
}

static cJSON *kpis(const cJSON *g)
{
	return group_row(g, "", NULL);
}

/*
 * A file name as a relative URL: every byte but [A-Za-z0-9._-] is
 * percent-encoded, so a centre's name in a PDF's name ('#', '?', '%', a
 * space) can never turn into a fragment, a query or another folder.
 */
static void url_escape(struct buf *b, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-')
			buf_addch(b, (char)*p);
		else
			buf_addf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

/* The kind of a published file, for a person: by its extension. */
static const char *file_kind(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot && !strcmp(dot, ".pdf"))
		return "PDF";
	if (dot && !strcmp(dot, ".xlsx"))
		return "Excel";
	if (dot && !strcmp(dot, ".csv"))
		return "CSV";
	return "";
}

/* Published files as links {name, href, kind} (prefix: the page's way to
 * the folder that holds them, "" when it is the page's own). */
static cJSON *file_links(const char *const *files, size_t nfiles,
			 const char *prefix)
{
	cJSON *list = cJSON_CreateArray();
	struct buf href = BUF_INIT;
	size_t i;

	for (i = 0; i < nfiles; i++) {
		cJSON *f = cJSON_CreateObject();

		buf_reset(&href);
		buf_adds(&href, prefix);
		url_escape(&href, files[i]);
		put_str(f, "name", files[i]);
		put_str(f, "href", href.s);
		put_str(f, "kind", file_kind(files[i]));
		cJSON_AddItemToArray(list, f);
	}
	buf_release(&href);
	return list;
}

/* The published files of a period, linked beside its page. */
static cJSON *downloads_ctx(const struct site_period *v)
{
	return v ? file_links(v->files, v->nfiles, "")
		 : cJSON_CreateArray();
}

/*
 * The management report among files: the shortest name ending in
 * "-<id>.pdf" (周报-2026-W47.pdf, not 中心周报-2026-W47.pdf of a centre
 * named so); NULL when there is none.
 */
static const char *main_report(const char *const *files, size_t nfiles,
			       const char *id)
{
	const char *best = NULL;
	size_t i, idlen = strlen(id);

	for (i = 0; i < nfiles; i++) {
		const char *n = files[i];
		size_t len = strlen(n);

		if (len > idlen + 5 && n[len - idlen - 5] == '-' &&
		    !strncmp(n + len - idlen - 4, id, idlen) &&
		    !strcmp(n + len - 4, ".pdf") &&
		    (!best || len < strlen(best)))
			best = n;
	}
	return best;
}

/*
 * The period's management report (main_report()) as a link from prefix;
 * NULL when there is none.
 */
static const char *main_pdf(const struct site_period *v, const char *id,
			    const char *prefix, struct buf *href)
{
	const char *best = v ? main_report(v->files, v->nfiles, id) : NULL;

	if (!best)
		return NULL;
	buf_reset(href);
	buf_adds(href, prefix);
	url_escape(href, best);
	return href->s;
}

/*
 * The earlier revisions a reissued period (id) replaced, newest first,
 * each {number, first, issued_at, revision_reason, report?, others[],
 * others_count}: when it was issued is the as_of its metrics.json was
 * written at, the reason its revision_reason ("" for a first issue);
 * report is its management report (main_report()) and others its other
 * files, each {name, href, kind} linked where the caller copied them,
 * revisions/v<number>/ beside the page.
 */
static cJSON *revisions_ctx(const struct site_period *v, const char *id)
{
	cJSON *list = cJSON_CreateArray();
	struct buf prefix = BUF_INIT;
	const char **others;
	size_t i, k, n;

	for (i = 0; v && i < v->nrevisions; i++) {
		const struct site_revision *r = &v->revisions[i];
		const char *report = main_report(r->files, r->nfiles, id);
		cJSON *e = cJSON_CreateObject(), *links, *link;

		buf_reset(&prefix);
		buf_addf(&prefix, "revisions/v%u/", r->number);
		put_num(e, "number", r->number);
		put_bool(e, "first", r->number == 1);
		put_str(e, "issued_at", get_str(r->metrics, "as_of"));
		/* "" when absent: the section never finds an outer one. */
		copy_str(e, r->metrics, "revision_reason");
		if (report) {
			/* The one link, out of the list file_links() makes. */
			links = file_links(&report, 1, prefix.s);
			link = cJSON_DetachItemFromArray(links, 0);
			cJSON_AddItemToObject(e, "report", link);
			cJSON_Delete(links);
		}
		others = xcalloc(r->nfiles + 1, sizeof(*others));
		for (k = n = 0; k < r->nfiles; k++)
			if (r->files[k] != report)
				others[n++] = r->files[k];
		cJSON_AddItemToObject(e, "others",
				      file_links(others, n, prefix.s));
		put_num(e, "others_count", (double)n);
		free(others);
		cJSON_AddItemToArray(list, e);
	}
	buf_release(&prefix);
	return list;
}


/* ---- the week ---- */

/*
 * The remarks of the first-round callbacks in records.json, by ticket, so
 * that an open loop can show what the owner said.
 */
struct remark_slot {
	const cJSON *row;
};

struct remark_index {
	struct hashtab by_ticket; /* of struct remark_slot */
};

static uint32_t ticket_hash(const char *ticket)
{
	return (uint32_t)fnv1a(ticket, NULL);
}

static uint32_t remark_rehash(const void *slot)
{
	return ticket_hash(get_str(((const struct remark_slot *)slot)->row,
				   "ticket"));
}

static void remark_index_build(struct remark_index *ix, const cJSON *records)
{
	const cJSON *rows = get(records, "rows"), *row;

	ix->by_ticket = (struct hashtab)HASHTAB_INIT(
		sizeof(struct remark_slot), 16, remark_rehash);
	hashtab_reserve(&ix->by_ticket);
	for (row = children(rows); row; row = row->next) {
		const char *ticket = get_str(row, "ticket");
		struct remark_slot *e;
		double round = 1;
		size_t i;

		get_num(row, "round", &round);
		if (round != 1)
			continue;
		hashtab_reserve(&ix->by_ticket);
		for (i = hashtab_start(&ix->by_ticket, ticket_hash(ticket));
		     (e = hashtab_at(&ix->by_ticket, i))->row;
		     i = hashtab_next(&ix->by_ticket, i))
			if (!strcmp(get_str(e->row, "ticket"), ticket))
				break;
		/* The first row of a ticket is its first-round callback. */
		if (!e->row) {
			e->row = row;
			ix->by_ticket.n++;
		}
	}
}

struct week_pages {
	const cJSON *metrics, *samples, *records;
	const struct site_period *sp;     /* its files to link */
	char week[16];
	struct page_index centers, butlers;
	struct remark_index remarks;
};

static const char *page_href(const struct page *p, struct buf *b)
{
	buf_reset(b);
	if (p)
		buf_addf(b, "%s.html", p->name);
	return p ? b->s : NULL;
}

static cJSON *owed_item(const cJSON *o, const struct week_pages *w)
{
	cJSON *r = cJSON_CreateObject();
	struct buf b = BUF_INIT;
	const struct page *bp = page_find(&w->butlers, get_str(o, "center"),
					  get_str(o, "butler"));
	bool overdue = false;

	copy_str(r, o, "ticket");
	copy_str(r, o, "type");
	copy_str(r, o, "center");
	copy_str(r, o, "butler");
	copy_str(r, o, "completed_at");
	copy_str(r, o, "due_at");
	get_bool(o, "overdue", &overdue);
	put_bool(r, "overdue", overdue);
	if (bp)
		put_str(r, "butler_href", page_href(bp, &b));
	buf_release(&b);
	return r;
}

static cJSON *anomaly_item(const struct site *s, const cJSON *a,
			   const struct week_pages *w)
{
	cJSON *r = cJSON_CreateObject();
	struct buf b = BUF_INIT;
	const struct page *bp = page_find(&w->butlers, get_str(a, "center"),
					  get_str(a, "butler"));

	copy_str(r, a, "ticket");
	copy_str(r, a, "kind");
	put_str(r, "kind_label", label(s, "anomaly", get_str(a, "kind")));
	copy_str(r, a, "center");
	copy_str(r, a, "butler");
	if (bp)
		put_str(r, "butler_href", page_href(bp, &b));
	buf_release(&b);
	return r;
}

static const char *remark_of(const struct remark_index *ix,
			     const char *ticket)
{
	const struct remark_slot *e;
	size_t i;

	for (i = hashtab_start(&ix->by_ticket, ticket_hash(ticket));
	     (e = hashtab_at(&ix->by_ticket, i))->row;
	     i = hashtab_next(&ix->by_ticket, i))
		if (!strcmp(get_str(e->row, "ticket"), ticket))
			return get_str(e->row, "remark");
	return "";
}

static cJSON *loop_item(const cJSON *l, const struct week_pages *w)
{
	cJSON *r = cJSON_CreateObject();
	struct buf b = BUF_INIT;
	const struct page *bp = page_find(&w->butlers, get_str(l, "center"),
					  get_str(l, "butler"));

	copy_str(r, l, "ticket");
	copy_str(r, l, "type");
	copy_str(r, l, "subtype");
	copy_str(r, l, "center");
	copy_str(r, l, "butler");
	copy_str(r, l, "first_callback_at");
	copy_str(r, l, "satisfaction");
	put_str(r, "remark", remark_of(&w->remarks, get_str(l, "ticket")));
	if (bp)
		put_str(r, "butler_href", page_href(bp, &b));
	buf_release(&b);
	return r;
}

static cJSON *record_item(const cJSON *row)
{
	static const char *const keys[] = {
		"date", "ticket", "unit", "owner", "category", "issue",
		"channel", "result", "satisfaction", "remark", "recorder",
	};
	cJSON *r = cJSON_CreateObject();
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		copy_str(r, row, keys[i]);
	copy_count(r, row, "round");
	return r;
}

/* The samples of the week, level by level, with the reasons in words. */
static cJSON *samples_ctx(const struct site *s, const cJSON *samples)
{
	cJSON *ctx = cJSON_CreateObject(), *levels = cJSON_CreateArray();
	const cJSON *l;
	struct buf b = BUF_INIT;

	copy_str(ctx, samples, "seed");
	cJSON_AddItemToObject(ctx, "levels", levels);
	for (l = children(get(samples, "levels")); l; l = l->next) {
		cJSON *lv = cJSON_CreateObject(), *items = cJSON_CreateArray();
		const cJSON *it;
		double rate;

		copy_str(lv, l, "id");
		copy_str(lv, l, "label");
		put_str(lv, "stratify_by",
			label(s, "stratum", get_str(l, "stratify_by")));
		if (get_num(l, "rate", &rate)) {
			svg_add_percent(&b, rate);
			put_buf(lv, "rate", &b);
		}
		put_bool(lv, "gb2828", !strcmp(get_str(l, "size"), "gb2828-II"));
		copy_count(lv, l, "minimum");
		copy_count(lv, l, "population");
		copy_count(lv, l, "sampled");
		/* What the rate came to: all drawn, and drawn by key. */
		if (get_num(l, "realised_rate", &rate)) {
			svg_add_percent(&b, rate);
			put_buf(lv, "realised_rate", &b);
		}
		if (get_num(l, "key_rate", &rate)) {
			svg_add_percent(&b, rate);
			put_buf(lv, "key_rate", &b);
		}
		cJSON_AddItemToObject(lv, "items", items);
		for (it = children(get(l, "items")); it; it = it->next) {
			cJSON *row = cJSON_CreateObject(), *sig;
			const cJSON *k;
			double key;

			copy_str(row, it, "ticket");
			copy_str(row, it, "stratum");
			copy_str(row, it, "type");
			copy_str(row, it, "subtype");
			put_bool(row, "must",
				 !strcmp(get_str(it, "rule"), "must_include"));
			sig = cJSON_CreateArray();
			for (k = children(get(it, "signals")); k; k = k->next)
				if (cJSON_IsString(k))
					cJSON_AddItemToArray(sig, cJSON_CreateString(
						label(s, "anomaly", k->valuestring)));
			cJSON_AddItemToObject(row, "signals", sig);
			copy_str(row, it, "must_include");
			copy_str(row, it, "reason_zh");
			copy_count(row, it, "rank");
			copy_count(row, it, "n");
			copy_count(row, it, "N");
			if (get_num(it, "key", &key)) {
				buf_addf(&b, "%.6f", key);
				put_buf(row, "key", &b);
			}
			cJSON_AddItemToArray(items, row);
		}
		cJSON_AddItemToArray(levels, lv);
	}
	buf_release(&b);
	return ctx;
}

static cJSON *quality_ctx(const struct site *s, const cJSON *m)
{
	cJSON *q = cJSON_CreateObject(), *in = cJSON_CreateObject();
	cJSON *files = cJSON_CreateArray(), *unrec = cJSON_CreateArray();
	cJSON *reasons = cJSON_CreateArray(), *subs = cJSON_CreateArray();
	const cJSON *dq = get(m, "data_quality"), *input = get(m, "input"), *e;

	copy_count(in, input, "files");
	copy_count(in, input, "rows_read");
	copy_count(in, input, "accepted");
	copy_count(in, input, "rejected");
	copy_count(in, input, "superseded");
	cJSON_AddItemToObject(q, "input", in);
	for (e = children(get(dq, "files")); e; e = e->next) {
		cJSON *f = cJSON_CreateObject();

		copy_str(f, e, "name");
		put_str(f, "kind", label(s, "file_kind", get_str(e, "kind")));
		copy_str(f, e, "encoding");
		copy_count(f, e, "rows_read");
		copy_count(f, e, "accepted");
		copy_count(f, e, "rejected");
		copy_count(f, e, "superseded");
		cJSON_AddItemToArray(files, f);
	}
	cJSON_AddItemToObject(q, "files", files);
	for (e = children(get(dq, "unrecognised_files")); e; e = e->next) {
		cJSON *f = cJSON_CreateObject();

		copy_str(f, e, "name");
		copy_str(f, e, "why");
		cJSON_AddItemToArray(unrec, f);
	}
	cJSON_AddItemToObject(q, "unrecognised_files", unrec);
	for (e = children(get(dq, "rejected_by_reason")); e; e = e->next) {
		cJSON *r = cJSON_CreateObject();

		put_str(r, "code", e->string);
		put_str(r, "label", label(s, "reject", e->string));
		put_num(r, "rows", e->valuedouble);
		cJSON_AddItemToArray(reasons, r);
	}
	cJSON_AddItemToObject(q, "rejected_by_reason", reasons);
	for (e = children(get(dq, "unknown_subtypes")); e; e = e->next) {
		cJSON *u = cJSON_CreateObject();

		copy_str(u, e, "type");
		copy_str(u, e, "subtype");
		copy_count(u, e, "tickets");
		cJSON_AddItemToArray(subs, u);
	}
	cJSON_AddItemToObject(q, "unknown_subtypes", subs);
	copy_count(q, dq, "orphan_callbacks");
	copy_count(q, dq, "unrated_satisfaction");
	copy_count(q, dq, "superseded_tickets");
	copy_count(q, dq, "superseded_callbacks");
	return q;
}

/* Sorts owed entries and records into the pages they belong to. */
static void distribute(struct week_pages *w)
{
	const cJSON *e;
	size_t i;

	for (i = 0; i < w->centers.nr; i++)
		w->centers.v[i].owed = cJSON_CreateArray();
	for (i = 0; i < w->butlers.nr; i++) {
		w->butlers.v[i].owed = cJSON_CreateArray();
		w->butlers.v[i].records = cJSON_CreateArray();
	}
	for (e = children(get(w->metrics, "owed")); e; e = e->next) {
		struct page *c = page_find(&w->centers, get_str(e, "center"), NULL);
		struct page *b = page_find(&w->butlers, get_str(e, "center"),
					   get_str(e, "butler"));

		if (c)
			cJSON_AddItemToArray(c->owed, owed_item(e, w));
		if (b)
			cJSON_AddItemToArray(b->owed, owed_item(e, w));
	}
	for (e = children(get(w->records, "rows")); e; e = e->next) {
		struct page *b = page_find(&w->butlers, get_str(e, "center"),
					   get_str(e, "butler"));

		if (b)
			cJSON_AddItemToArray(b->records, record_item(e));
	}
}

/* The entries of list whose centre (and butler, when given) match. */
static cJSON *filtered(const struct site *s, const struct week_pages *w,
		       const char *list, const char *center,
		       const char *butler)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *e;

	for (e = children(get(w->metrics, list)); e; e = e->next) {
		if (strcmp(get_str(e, "center"), center) ||
		    (butler && strcmp(get_str(e, "butler"), butler)))
			continue;
		cJSON_AddItemToArray(out, !strcmp(list, "anomalies")
					  ? anomaly_item(s, e, w)
					  : loop_item(e, w));
	}
	return out;
}

static void week_crumbs(cJSON *crumbs, const char *week, bool here)
{
	crumb(crumbs, "首页", "../../index.html");
	crumb(crumbs, week, here ? NULL : "index.html");
}

/*
 * "week_revision": none, or the revision a reissued week is (issue 16),
 * as page 1 of its PDF says it: its number and reason, and each total it
 * changed against the issue it replaced (metrics.json
 * "revision_changes"), or that none did. A first issue has no reason and
 * gets none.
 */
static cJSON *revision_mark(const cJSON *metrics)
{
	const cJSON *reason = get(metrics, "revision_reason"), *c;
	cJSON *list = cJSON_CreateArray(), *e, *changes;
	struct buf n = BUF_INIT;
	bool first = true;
	double v;

	if (!cJSON_IsString(reason))
		return list;
	e = cJSON_CreateObject();
	buf_addf(&n, "%.0f", get_num(metrics, "revision", &v) ? v : 0);
	put_buf(e, "revision", &n);
	put_str(e, "reason", reason->valuestring);
	changes = cJSON_AddArrayToObject(e, "changes");
	cJSON_ArrayForEach(c, get(metrics, "revision_changes")) {
		cJSON *row = cJSON_CreateObject();

		put_str(row, "sep", first ? "" : "；");
		put_str(row, "label", get_str(c, "label"));
		buf_addf(&n, "%.0f", get_num(c, "was", &v) ? v : 0);
		put_buf(row, "was", &n);
		buf_addf(&n, "%.0f", get_num(c, "now", &v) ? v : 0);
		put_buf(row, "now", &n);
		cJSON_AddItemToArray(changes, row);
		first = false;
	}
	put_bool(e, "has_changes", !first);
	put_bool(e, "unchanged", first &&
		 cJSON_IsArray(get(metrics, "revision_changes")));
	cJSON_AddItemToArray(list, e);
	buf_release(&n);
	return list;
}

/*
 * Every page of a week carries "week_provisional", copied from its
 * metrics.json "provisional", for head.mustache's banner under the
 * breadcrumbs, and its gates and revision; the index is no page of a
 * week and never gets them.
 */
static void week_mark(cJSON *ctx, const cJSON *metrics)
{
	const cJSON *g, *at = get(metrics, "issue_at");
	cJSON *issue = cJSON_CreateArray(), *gates = cJSON_CreateArray();

	put_bool(ctx, "week_provisional",
		 cJSON_IsTrue(get(metrics, "provisional")));
	/*
	 * SPEC §9.26, §9.28: when a provisional week will be issued, and in
	 * red the gates that keep a due week provisional (accepted ones are
	 * named apart).
	 */
	if (cJSON_IsString(at) && cJSON_IsTrue(get(metrics, "provisional"))) {
		cJSON *e = cJSON_CreateObject();

		put_str(e, "at", at->valuestring);
		cJSON_AddItemToArray(issue, e);
	}
	cJSON_ArrayForEach(g, get(metrics, "gates")) {
		const cJSON *msg = cJSON_IsString(get(g, "message_zh")) ?
				   get(g, "message_zh") : get(g, "message");
		cJSON *e;

		if (!cJSON_IsTrue(get(g, "tripped")) || !cJSON_IsString(msg))
			continue;
		e = cJSON_CreateObject();
		put_str(e, "message", msg->valuestring);
		put_bool(e, "accepted", cJSON_IsTrue(get(g, "accepted")));
		put_bool(e, "blocking", cJSON_IsTrue(get(metrics, "blocked")) &&
					!cJSON_IsTrue(get(g, "accepted")));
		cJSON_AddItemToArray(gates, e);
	}
	cJSON_AddItemToObject(ctx, "week_issue", issue);
	cJSON_AddItemToObject(ctx, "week_gates", gates);
	cJSON_AddItemToObject(ctx, "week_revision", revision_mark(metrics));
}

/*
 * ctx[key]: a row (group_row, without a link) per group of src, named by
 * its name_key, with its extra_key (when not NULL) copied beside.
 */
static void add_group_rows(cJSON *ctx, const char *key, const cJSON *src,
			   const char *name_key, const char *extra_key)
{
	cJSON *list = cJSON_AddArrayToObject(ctx, key);
	const cJSON *e;

	for (e = children(src); e; e = e->next) {
		cJSON *r = group_row(e, get_str(e, name_key), NULL);

		if (extra_key)
			copy_str(r, e, extra_key);
		cJSON_AddItemToArray(list, r);
	}
}

struct ranked_center {
	const cJSON *g;
	size_t pos;   /* in by_center: ties keep it */
};

static int cmp_worst_rank(const void *a, const void *b)
{
	const struct ranked_center *p = a, *q = b;
	double x = 1e9, y = 1e9;

	get_num(p->g, "worst_rank", &x);
	get_num(q->g, "worst_rank", &y);
	if (x != y)
		return (x > y) - (x < y);
	return (p->pos > q->pos) - (p->pos < q->pos);
}

/*
 * ctx.by_center_type: the centre × type rows, the centres worst first
 * (by_center's worst_rank: most types below target, then the lowest
 * coverage), each centre's types in the order of by_center_type.
 */
static void center_type_rows(cJSON *ctx, const cJSON *m)
{
	const cJSON *centers = get(m, "by_center"), *e;
	size_t n = (size_t)cJSON_GetArraySize(centers), i = 0;
	struct ranked_center *order = xcalloc(n ? n : 1, sizeof(*order));
	cJSON *list = cJSON_AddArrayToObject(ctx, "by_center_type");

	for (e = children(centers); e && i < n; e = e->next, i++) {
		order[i].g = e;
		order[i].pos = i;
	}
	qsort(order, i, sizeof(*order), cmp_worst_rank);
	for (n = i, i = 0; i < n; i++) {
		const char *center = get_str(order[i].g, "center");

		for (e = children(get(m, "by_center_type")); e; e = e->next) {
			cJSON *r;

			if (strcmp(get_str(e, "center"), center))
				continue;
			r = group_row(e, center, NULL);
			copy_str(r, e, "type");
			cJSON_AddItemToArray(list, r);
		}
	}
	free(order);
}

static int render_week_page(struct site *s, struct week_pages *w,
			    const char *dir)
{
	const cJSON *m = w->metrics, *e, *rank;
	cJSON *crumbs, *ctx, *list;
	struct buf title = BUF_INIT, svg = BUF_INIT, href = BUF_INIT;
	int ret;

	buf_addf(&title, "%s 回访周报", w->week);
	ctx = page_ctx(m, title.s, &crumbs);
	week_crumbs(crumbs, w->week, true);
	week_mark(ctx, w->metrics);
	put_str(ctx, "week", w->week);
	copy_str(ctx, m, "week_start");
	copy_str(ctx, m, "week_end");
	cJSON_AddItemToObject(ctx, "provisional",
			      cJSON_CreateBool(cJSON_IsTrue(get(m, "provisional"))));
	cJSON_AddItemToObject(ctx, "kpis", kpis(get(m, "totals")));

	chart_coverage(&svg, "各类型回访率与目标", get(m, "by_type"), "type");
	put_svg(ctx, "chart_coverage", &svg);
	chart_satisfaction(&svg, "满意度分布", get(m, "totals"), "合计",
			   get(m, "by_type"), "type");
	put_svg(ctx, "chart_satisfaction", &svg);
	chart_trend(&svg, "近8周各类型回访率与满意率", m);
	put_svg(ctx, "chart_trend", &svg);
	charts_center_types(ctx, "charts_centers", m);

	list = cJSON_AddArrayToObject(ctx, "by_type");
	for (e = children(get(m, "by_type")); e; e = e->next)
		cJSON_AddItemToArray(list, group_row(e, get_str(e, "type"), NULL));
	add_group_rows(ctx, "by_subtype", get(m, "by_subtype"), "subtype",
		       "type");
	list = cJSON_AddArrayToObject(ctx, "by_center");
	for (e = children(get(m, "by_center")); e; e = e->next)
		cJSON_AddItemToArray(list, group_row(e, get_str(e, "center"),
			page_href(page_find(&w->centers, get_str(e, "center"), NULL),
				  &href)));
	list = cJSON_AddArrayToObject(ctx, "by_butler");
	for (e = children(get(m, "by_butler")); e; e = e->next) {
		cJSON *r = group_row(e, get_str(e, "butler"),
			page_href(page_find(&w->butlers, get_str(e, "center"),
					    get_str(e, "butler")), &href));

		copy_str(r, e, "center");
		cJSON_AddItemToArray(list, r);
	}
	/* Each centre against each type's target, and the rankings over
	 * the window (issue 18): the full tables the PDF only summarises. */
	center_type_rows(ctx, m);
	rank = get(m, "rankings");
	if (rank) {
		cJSON *rk = cJSON_AddObjectToObject(ctx, "rankings");
		double v;

		if (get_num(rank, "window_weeks", &v))
			put_num(rk, "window_weeks", v);
		copy_str(rk, rank, "from_week");
		add_group_rows(rk, "centers", get(rank, "centers"), "center",
			       NULL);
		add_group_rows(rk, "butlers", get(rank, "butlers"), "butler",
			       "center");
	}
	list = cJSON_AddArrayToObject(ctx, "trend");
	for (e = children(get(m, "trend")); e; e = e->next) {
		cJSON *r = group_row(get(e, "totals"), get_str(e, "week"), NULL);
		cJSON *types = cJSON_AddArrayToObject(r, "by_type");
		const cJSON *t;

		for (t = children(get(e, "by_type")); t; t = t->next)
			cJSON_AddItemToArray(types, group_row(t, get_str(t, "type"),
							      NULL));
		cJSON_AddItemToArray(list, r);
	}
	list = cJSON_AddArrayToObject(ctx, "loops");
	for (e = children(get(m, "loops_open_list")); e; e = e->next)
		cJSON_AddItemToArray(list, loop_item(e, w));
	list = cJSON_AddArrayToObject(ctx, "anomalies");
	for (e = children(get(m, "anomalies")); e; e = e->next)
		cJSON_AddItemToArray(list, anomaly_item(s, e, w));
	list = cJSON_AddArrayToObject(ctx, "owed");
	for (e = children(get(m, "owed")); e; e = e->next)
		cJSON_AddItemToArray(list, owed_item(e, w));
	if (w->samples)
		cJSON_AddItemToObject(ctx, "samples", samples_ctx(s, w->samples));
	cJSON_AddItemToObject(ctx, "quality", quality_ctx(s, m));
	cJSON_AddItemToObject(ctx, "downloads", downloads_ctx(w->sp));
	cJSON_AddItemToObject(ctx, "revisions", revisions_ctx(w->sp, w->week));

	buf_reset(&s->path);
	buf_addf(&s->path, "%s/index.html", dir);
	ret = render_page(s, s->t_week, ctx, s->path.s);
	cJSON_Delete(ctx);
	buf_release(&title);
	buf_release(&svg);
	buf_release(&href);
	return ret;
}

/*
 * The audit results of a centre (butler NULL) or a butler, one row per
 * level and one for the levels together, from metrics.json's "audit"
 * (stages/audit.h), formatted for the page: the week's own sample
 * (sampled, done, overdue) and the audits dated in the week (SPEC §9.29).
 */
static void audit_row(cJSON *rows, const char *label_text, const cJSON *g)
{
	cJSON *r = cJSON_CreateObject();

	put_str(r, "label", label_text);
	copy_count(r, g, "sampled");
	copy_count(r, g, "done");
	copy_count(r, g, "overdue");
	copy_count(r, g, "audited");
	copy_count(r, g, "unreachable");
	copy_count(r, g, "fake");
	copy_count(r, g, "recorded_better");
	put_ratio(r, "genuine_rate", g, "genuine_rate");
	put_interval(r, "genuine_ci", g, "genuine_rate_ci");
	put_ratio(r, "agreement", g, "agreement");
	put_interval(r, "agreement_ci", g, "agreement_ci");
	cJSON_AddItemToArray(rows, r);
}

static const cJSON *audit_group(const cJSON *groups, const char *center,
				const char *butler)
{
	const cJSON *e;

	for (e = children(groups); e; e = e->next)
		if (!strcmp(get_str(e, "center"), center) &&
		    (!butler || !strcmp(get_str(e, "butler"), butler)))
			return e;
	return NULL;
}

static cJSON *audit_ctx(const cJSON *metrics, const char *center,
			const char *butler)
{
	const cJSON *a = get(metrics, "audit"), *l, *g;
	const char *key = butler ? "butlers" : "centers";
	cJSON *rows = cJSON_CreateArray();

	for (l = children(get(a, "levels")); l; l = l->next)
		if ((g = audit_group(get(l, key), center, butler)))
			audit_row(rows, get_str(l, "label"), g);
	if (cJSON_GetArraySize(rows) > 1 &&
	    (g = audit_group(get(get(a, "all_levels"), key), center, butler)))
		audit_row(rows, "三级合计", g);
	return rows;
}

static int render_center_page(struct site *s, struct week_pages *w,
			      const struct page *p, const char *dir)
{
	cJSON *crumbs, *ctx, *list, *types, *butlers = cJSON_CreateArray();
	struct buf title = BUF_INIT, svg = BUF_INIT, href = BUF_INIT;
	const cJSON *e;
	int ret;

	buf_addf(&title, "%s · %s", p->center, w->week);
	ctx = page_ctx(w->metrics, title.s, &crumbs);
	week_crumbs(crumbs, w->week, false);
	crumb(crumbs, p->center, NULL);
	week_mark(ctx, w->metrics);
	put_str(ctx, "week", w->week);
	put_str(ctx, "center", p->center);
	cJSON_AddItemToObject(ctx, "kpis", kpis(p->group));

	/* The centre's figures per type, each against its own target. */
	types = cJSON_CreateArray();
	list = cJSON_AddArrayToObject(ctx, "by_type");
	for (e = children(get(w->metrics, "by_center_type")); e; e = e->next)
		if (!strcmp(get_str(e, "center"), p->center)) {
			cJSON_AddItemReferenceToArray(types, (cJSON *)e);
			cJSON_AddItemToArray(list, group_row(e, get_str(e, "type"),
							     NULL));
		}
	chart_coverage(&svg, "本中心各类型回访率与目标", types, "type");
	put_svg(ctx, "chart_types", &svg);
	cJSON_Delete(types);

	/* The centre's butlers, in the order of by_butler. */
	for (e = children(get(w->metrics, "by_butler")); e; e = e->next)
		if (!strcmp(get_str(e, "center"), p->center))
			cJSON_AddItemToArray(butlers, cJSON_Duplicate(e, 1));
	chart_coverage(&svg, "各管家回访率", butlers, "butler");
	put_svg(ctx, "chart_coverage", &svg);
	chart_satisfaction(&svg, "满意度分布", p->group, "本中心", butlers,
			   "butler");
	put_svg(ctx, "chart_satisfaction", &svg);
	list = cJSON_AddArrayToObject(ctx, "by_butler");
	for (e = children(butlers); e; e = e->next)
		cJSON_AddItemToArray(list, group_row(e, get_str(e, "butler"),
			page_href(page_find(&w->butlers, p->center,
					    get_str(e, "butler")), &href)));
	cJSON_AddItemToObject(ctx, "owed", cJSON_Duplicate(p->owed, 1));
	cJSON_AddItemToObject(ctx, "loops",
			      filtered(s, w, "loops_open_list", p->center, NULL));
	cJSON_AddItemToObject(ctx, "anomalies",
			      filtered(s, w, "anomalies", p->center, NULL));
	cJSON_AddItemToObject(ctx, "audit",
			      audit_ctx(w->metrics, p->center, NULL));
	put_str(ctx, "audit_due", get_str(get(w->metrics, "audit"), "due_at"));
	put_bool(ctx, "audit_drawn", get(w->metrics, "audit") != NULL);

	buf_reset(&s->path);
	buf_addf(&s->path, "%s/%s.html", dir, p->name);
	ret = render_page(s, s->t_center, ctx, s->path.s);
	cJSON_Delete(ctx);
	cJSON_Delete(butlers);
	buf_release(&title);
	buf_release(&svg);
	buf_release(&href);
	return ret;
}

/* The butler's worklist as CSV: BOM, CRLF, formula-neutralised cells. */
static int write_owed_csv(struct site *s, const struct page *p,
			  const char *dir)
{
	const cJSON *header = get(s->labels, "owed_csv");
	const char *fields[7];
	struct buf csv = BUF_INIT;
	const cJSON *e;
	size_t i;
	int ret;

	buf_adds(&csv, CSV_BOM);
	for (i = 0; i < 7; i++) {
		const cJSON *h = cJSON_GetArrayItem(header, (int)i);

		fields[i] = cJSON_IsString(h) ? h->valuestring : "";
	}
	csv_add_row(&csv, fields, 7);
	for (e = children(p->owed); e; e = e->next) {
		fields[0] = get_str(e, "ticket");
		fields[1] = get_str(e, "type");
		fields[2] = get_str(e, "center");
		fields[3] = get_str(e, "butler");
		fields[4] = get_str(e, "completed_at");
		fields[5] = get_str(e, "due_at");
		fields[6] = label(s, "words", cJSON_IsTrue(get(e, "overdue"))
					      ? "yes" : "no");
		csv_add_row(&csv, fields, 7);
	}
	buf_reset(&s->path);
	buf_addf(&s->path, "%s/owed-%s.csv", dir, p->name + strlen("butler-"));
	ret = write_file(s, s->path.s, &csv);
	buf_release(&csv);
	return ret;
}

static int render_butler_page(struct site *s, struct week_pages *w,
			      const struct page *p, const char *dir)
{
	cJSON *crumbs, *ctx;
	struct buf title = BUF_INIT, svg = BUF_INIT, href = BUF_INIT;
	const struct page *cp = page_find(&w->centers, p->center, NULL);
	struct svg_stack st;
	bool ranked = true;
	char base[40];
	int ret;

	buf_addf(&title, "%s · %s · %s", p->butler, p->center, w->week);
	ctx = page_ctx(w->metrics, title.s, &crumbs);
	week_crumbs(crumbs, w->week, false);
	crumb(crumbs, p->center, page_href(cp, &href));
	week_mark(ctx, w->metrics);
	crumb(crumbs, p->butler, NULL);
	put_str(ctx, "week", w->week);
	put_str(ctx, "center", p->center);
	put_str(ctx, "butler", p->butler);
	if (cp)
		put_str(ctx, "center_href", page_href(cp, &href));
	cJSON_AddItemToObject(ctx, "kpis", kpis(p->group));
	get_bool(p->group, "ranked", &ranked);
	put_bool(ctx, "unranked", !ranked);
	st = stack_of(p->group, p->butler);
	svg_stacked(&svg, "满意度分布", satisfaction_scale, 5, &st, 1);
	put_svg(ctx, "chart_satisfaction", &svg);
	cJSON_AddItemToObject(ctx, "owed", cJSON_Duplicate(p->owed, 1));
	buf_reset(&href);
	buf_addf(&href, "owed-%s.csv", p->name + strlen("butler-"));
	put_str(ctx, "owed_csv", href.s);
	/*
	 * The file on disk keeps its neutral name; the browser saves it as
	 * 待回访-<butler>.csv (issue 19), the name made safe as a PDF's is.
	 */
	buf_reset(&href);
	buf_adds(&href, "待回访-");
	text_safe_file_name(&href, p->butler);
	buf_adds(&href, ".csv");
	put_str(ctx, "owed_download", href.s);
	/* His live list: the name render_html_worklists() gives it. */
	live_base(base, sizeof(base), p->center, p->butler);
	buf_reset(&href);
	buf_addf(&href, "../../worklists/%s.html", base);
	put_str(ctx, "live_href", href.s);
	cJSON_AddItemToObject(ctx, "records", cJSON_Duplicate(p->records, 1));
	cJSON_AddItemToObject(ctx, "loops",
			      filtered(s, w, "loops_open_list", p->center,
				       p->butler));
	cJSON_AddItemToObject(ctx, "anomalies",
			      filtered(s, w, "anomalies", p->center, p->butler));
	cJSON_AddItemToObject(ctx, "audit",
			      audit_ctx(w->metrics, p->center, p->butler));
	put_str(ctx, "audit_due", get_str(get(w->metrics, "audit"), "due_at"));
	put_bool(ctx, "audit_drawn", get(w->metrics, "audit") != NULL);

	buf_reset(&s->path);
	buf_addf(&s->path, "%s/%s.html", dir, p->name);
	ret = render_page(s, s->t_butler, ctx, s->path.s);
	if (!ret)
		ret = write_owed_csv(s, p, dir);
	cJSON_Delete(ctx);
	buf_release(&title);
	buf_release(&svg);
	buf_release(&href);
	return ret;
}

/* ---- the live worklists (issue 16) ---- */

/*
 * render_html_worklists() writes site/worklists/ from worklists.json (the
 * worklist stage's masked view, as of the run) and the weeks on the site:
 *
 *   worklists/index.html          every centre and butler with what they owe
 *   worklists/center-<h>.html     a centre's live lists, butler by butler
 *   worklists/butler-<h>.html     the butler's page: his live list first
 *                                 (owed, the overdue first; open loops;
 *                                 无法联系), then his figures week by week
 *   worklists/owed-<h>.csv        his owed list, offered as 待回访-<name>.csv
 *
 * <h> is the hash the weeks' pages use, so a week's butler page links to
 * worklists/butler-<h>.html without knowing the live lists: every centre
 * and butler of the live lists and of every week on the site gets a page
 * here. When two of them hash alike, each gets "-1", "-2" … and the
 * shared name becomes a page that names them, so no link leads to the
 * wrong person.
 */
struct live_page {
	const char *center;
	const char *butler;     /* NULL: a centre page */
	char base[40];          /* "butler-3f2a9c01d4": what the weeks link */
	char name[48];          /* base, or base-N when base is shared */
	cJSON *lists[3];        /* its owed, loops, unreachable items */
	const cJSON *counts;    /* its people[] / centers[] entry, or NULL */
};

static const char *const live_list[3] = { "owed", "loops", "unreachable" };

static int cmp_live(const void *pa, const void *pb)
{
	const struct live_page *a = pa, *b = pb;
	int c = strcmp(a->center, b->center);

	if (c)
		return c;
	if (!a->butler || !b->butler)
		return !!a->butler - !!b->butler;
	return strcmp(a->butler, b->butler);
}

static int cmp_live_base(const void *pa, const void *pb)
{
	const struct live_page *a = *(const struct live_page *const *)pa;
	const struct live_page *b = *(const struct live_page *const *)pb;
	int c = strcmp(a->base, b->base);

	/* Pages are in one array: their addresses keep the sorted order. */
	return c ? c : (a > b) - (a < b);
}

struct live {
	struct site *s;
	const cJSON *lists;
	const struct week_view *weeks;
	size_t nweeks;
	struct live_page *v;
	size_t nr, alloc;
	const char *dir;        /* site_dir/worklists */
};

static void live_add(struct live *l, const char *center, const char *butler)
{
	struct live_page *p;

	/* A ticket without a butler has no butler page (无责任人). */
	if (butler && !*butler)
		return;
	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	p = &l->v[l->nr++];
	memset(p, 0, sizeof(*p));
	p->center = center;
	p->butler = butler;
}

static struct live_page *live_find(const struct live *l, const char *center,
				   const char *butler)
{
	struct live_page key;

	if (!l->nr)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.center = center;
	key.butler = butler;
	return bsearch(&key, l->v, l->nr, sizeof(*l->v), cmp_live);
}

static const char *live_href(const struct live_page *p, struct buf *b)
{
	buf_reset(b);
	if (p)
		buf_addf(b, "%s.html", p->name);
	return p ? b->s : NULL;
}

/* The pages: every centre and butler of the lists and of the weeks. */
static void live_pages(struct live *l)
{
	struct live_page **by_base;
	struct buf href = BUF_INIT;
	const cJSON *e;
	size_t i, j, k, n;

	for (e = children(get(l->lists, "people")); e; e = e->next) {
		live_add(l, get_str(e, "center"), NULL);
		live_add(l, get_str(e, "center"), get_str(e, "butler"));
	}
	for (i = 0; i < l->nweeks; i++) {
		for (e = children(get(l->weeks[i].metrics, "by_center")); e;
		     e = e->next)
			live_add(l, get_str(e, "center"), NULL);
		for (e = children(get(l->weeks[i].metrics, "by_butler")); e;
		     e = e->next) {
			live_add(l, get_str(e, "center"), NULL);
			live_add(l, get_str(e, "center"), get_str(e, "butler"));
		}
	}
	if (!l->nr)
		return;
	qsort(l->v, l->nr, sizeof(*l->v), cmp_live);
	for (i = j = 0; i < l->nr; i++)
		if (!j || cmp_live(&l->v[j - 1], &l->v[i]))
			l->v[j++] = l->v[i];
	l->nr = j;
	by_base = xcalloc(l->nr, sizeof(*by_base));
	for (i = 0; i < l->nr; i++) {
		live_base(l->v[i].base, sizeof(l->v[i].base), l->v[i].center,
			  l->v[i].butler);
		by_base[i] = &l->v[i];
	}
	qsort(by_base, l->nr, sizeof(*by_base), cmp_live_base);
	for (i = 0; i < l->nr; i = j) {
		for (j = i + 1;
		     j < l->nr && !strcmp(by_base[j]->base, by_base[i]->base);
		     j++)
			;
		n = j - i;
		for (k = i; k < j; k++)
			snprintf(by_base[k]->name, sizeof(by_base[k]->name),
				 n > 1 ? "%s-%zu" : "%s", by_base[k]->base,
				 k - i + 1);
	}
	free(by_base);
	for (i = 0; i < l->nr; i++)
		for (k = 0; k < 3; k++)
			l->v[i].lists[k] = cJSON_CreateArray();
	/* Each item to its centre's and its butler's page. */
	for (k = 0; k < 3; k++)
		for (e = children(get(l->lists, live_list[k])); e; e = e->next) {
			struct live_page *c = live_find(l, get_str(e, "center"),
							NULL);
			struct live_page *b = *get_str(e, "butler") ?
				live_find(l, get_str(e, "center"),
					  get_str(e, "butler")) : NULL;
			cJSON *item = cJSON_Duplicate(e, 1);

			if (b) {
				put_str(item, "butler_href", live_href(b, &href));
				cJSON_AddItemToArray(b->lists[k],
						     cJSON_Duplicate(item, 1));
			}
			if (c)
				cJSON_AddItemToArray(c->lists[k], item);
			else
				cJSON_Delete(item);
		}
	for (e = children(get(l->lists, "people")); e; e = e->next) {
		struct live_page *b = *get_str(e, "butler") ?
			live_find(l, get_str(e, "center"), get_str(e, "butler"))
			: NULL;

		if (b)
			b->counts = e;
	}
	for (e = children(get(l->lists, "centers")); e; e = e->next) {
		struct live_page *c = live_find(l, get_str(e, "center"), NULL);

		if (c)
			c->counts = e;
	}
	buf_release(&href);
}

static void live_release(struct live *l)
{
	size_t i, k;

	for (i = 0; i < l->nr; i++)
		for (k = 0; k < 3; k++)
			cJSON_Delete(l->v[i].lists[k]);
	free(l->v);
}

/* The parts every live page shares: as-of of the lists, crumbs, counts. */
static cJSON *live_ctx(const struct live *l, const char *title,
		       cJSON **crumbs)
{
	cJSON *ctx = page_ctx(l->weeks[0].metrics, title, crumbs);

	crumb(*crumbs, "首页", "../index.html");
	if (l->lists) {
		put_str(ctx, "as_of", get_str(l->lists, "as_of"));
		copy_str(ctx, l->lists, "since");
		copy_count(ctx, l->lists, "window_days");
	}
	put_bool(ctx, "has_view", l->lists != NULL);
	return ctx;
}

static void live_counts(cJSON *ctx, const cJSON *counts)
{
	static const char *const keys[] = { "owed", "overdue", "loops",
					    "unreachable" };
	cJSON *c = cJSON_AddObjectToObject(ctx, "counts");
	size_t i;

	for (i = 0; i < 4; i++)
		put_num(c, keys[i], (double)get_count(counts, keys[i]));
}

static void live_lists(cJSON *ctx, const struct live_page *p)
{
	size_t k;

	for (k = 0; k < 3; k++)
		cJSON_AddItemToObject(ctx, live_list[k],
				      cJSON_Duplicate(p->lists[k], 1));
}

static int live_render(struct live *l, const struct tmpl *t, cJSON *ctx,
		       const char *name)
{
	int ret;

	buf_reset(&l->s->path);
	buf_addf(&l->s->path, "%s/%s.html", l->dir, name);
	ret = render_page(l->s, t, ctx, l->s->path.s);
	cJSON_Delete(ctx);
	return ret;
}

/* The butler's owed list as CSV, offered for download under his name. */
static int live_owed_csv(struct live *l, const struct live_page *p)
{
	const cJSON *header = get(l->s->labels, "live_owed_csv");
	static const char *const keys[] = { "ticket", "type", "subtype",
					    "unit", "owner", "phone",
					    "completed_at", "due_at" };
	const char *fields[9];
	struct buf csv = BUF_INIT;
	const cJSON *e;
	size_t i;
	int ret;

	buf_adds(&csv, CSV_BOM);
	for (i = 0; i < 9; i++) {
		const cJSON *h = cJSON_GetArrayItem(header, (int)i);

		fields[i] = cJSON_IsString(h) ? h->valuestring : "";
	}
	csv_add_row(&csv, fields, 9);
	for (e = children(p->lists[0]); e; e = e->next) {
		for (i = 0; i < 8; i++)
			fields[i] = get_str(e, keys[i]);
		fields[8] = label(l->s, "live_state",
				  cJSON_IsTrue(get(e, "overdue")) ? "overdue"
								  : "due");
		csv_add_row(&csv, fields, 9);
	}
	buf_reset(&l->s->path);
	buf_addf(&l->s->path, "%s/owed-%s.csv", l->dir,
		 p->name + strlen("butler-"));
	ret = write_file(l->s, l->s->path.s, &csv);
	buf_release(&csv);
	return ret;
}

static int live_butler_page(struct live *l, const struct tmpl *t,
			    const struct live_page *p)
{
	const struct live_page *cp = live_find(l, p->center, NULL);
	struct buf title = BUF_INIT, href = BUF_INIT;
	cJSON *ctx, *crumbs, *weeks, *latest = NULL;
	size_t i;
	int ret;

	buf_addf(&title, "%s · %s · 回访工作清单", p->butler, p->center);
	ctx = live_ctx(l, title.s, &crumbs);
	crumb(crumbs, "回访工作清单", "index.html");
	crumb(crumbs, p->center, live_href(cp, &href));
	crumb(crumbs, p->butler, NULL);
	put_str(ctx, "center", p->center);
	put_str(ctx, "butler", p->butler);
	if (cp)
		put_str(ctx, "center_href", live_href(cp, &href));
	live_counts(ctx, p->counts);
	live_lists(ctx, p);
	buf_reset(&href);
	buf_addf(&href, "owed-%s.csv", p->name + strlen("butler-"));
	put_str(ctx, "owed_csv", href.s);
	/* The name the browser saves it under: never a path. */
	buf_reset(&href);
	buf_adds(&href, "待回访-");
	text_safe_file_name(&href, p->butler);
	buf_adds(&href, ".csv");
	put_str(ctx, "owed_csv_download", href.s);

	/* Then his figures: each week on the site that has him. */
	weeks = cJSON_AddArrayToObject(ctx, "weeks");
	for (i = 0; i < l->nweeks; i++) {
		const cJSON *m = l->weeks[i].metrics, *g;
		const char *week = get_str(m, "week");
		struct page_index ix;
		const struct page *wp;
		cJSON *r;

		page_index_build(&ix, get(m, "by_butler"), true);
		wp = page_find(&ix, p->center, p->butler);
		g = wp ? wp->group : NULL;
		if (g) {
			buf_reset(&href);
			buf_addf(&href, "../weeks/%s/%s.html", week, wp->name);
			r = group_row(g, week, href.s);
			put_bool(r, "provisional",
				 cJSON_IsTrue(get(m, "provisional")));
			cJSON_AddItemToArray(weeks, r);
			if (!latest) {
				latest = cJSON_AddObjectToObject(ctx, "latest");
				put_str(latest, "week", week);
				put_str(latest, "href", href.s);
				put_bool(latest, "provisional",
					 cJSON_IsTrue(get(m, "provisional")));
				cJSON_AddItemToObject(latest, "kpis", kpis(g));
			}
		}
		page_index_release(&ix);
	}
	ret = live_render(l, t, ctx, p->name);
	if (!ret)
		ret = live_owed_csv(l, p);
	buf_release(&title);
	buf_release(&href);
	return ret;
}

static int live_center_page(struct live *l, const struct tmpl *t,
			    const struct live_page *p)
{
	struct buf title = BUF_INIT, href = BUF_INIT;
	cJSON *ctx, *crumbs, *people;
	const cJSON *e;
	size_t i;

	buf_addf(&title, "%s · 回访工作清单", p->center);
	ctx = live_ctx(l, title.s, &crumbs);
	crumb(crumbs, "回访工作清单", "index.html");
	crumb(crumbs, p->center, NULL);
	put_str(ctx, "center", p->center);
	put_bool(ctx, "show_butler", true);
	live_counts(ctx, p->counts);
	live_lists(ctx, p);
	people = cJSON_AddArrayToObject(ctx, "people");
	for (e = children(get(l->lists, "people")); e; e = e->next) {
		cJSON *r;

		if (strcmp(get_str(e, "center"), p->center))
			continue;
		r = cJSON_Duplicate(e, 1);
		if (*get_str(e, "butler"))
			put_str(r, "href",
				live_href(live_find(l, p->center,
						    get_str(e, "butler")),
					  &href));
		cJSON_AddItemToArray(people, r);
	}
	/* The newest week's page of the centre, for its figures. */
	for (i = 0; i < l->nweeks; i++) {
		struct page_index ix;
		const struct page *wp;

		page_index_build(&ix, get(l->weeks[i].metrics, "by_center"),
				 false);
		wp = page_find(&ix, p->center, NULL);
		if (wp) {
			buf_reset(&href);
			buf_addf(&href, "../weeks/%s/%s.html",
				 get_str(l->weeks[i].metrics, "week"), wp->name);
			put_str(ctx, "week_href", href.s);
			copy_str(ctx, l->weeks[i].metrics, "week");
		}
		page_index_release(&ix);
		if (wp)
			break;
	}
	buf_release(&title);
	buf_release(&href);
	return live_render(l, t, ctx, p->name);
}

/* A name two pages share: a page that names both. */
static int live_shared_page(struct live *l, const struct tmpl *t, size_t i)
{
	struct buf href = BUF_INIT;
	cJSON *ctx, *crumbs, *list;
	size_t k;
	int ret;

	ctx = live_ctx(l, "回访工作清单", &crumbs);
	crumb(crumbs, "回访工作清单", "index.html");
	list = cJSON_AddArrayToObject(ctx, "pages");
	for (k = 0; k < l->nr; k++) {
		cJSON *r;

		if (strcmp(l->v[k].base, l->v[i].base))
			continue;
		r = cJSON_CreateObject();
		put_str(r, "center", l->v[k].center);
		if (l->v[k].butler)
			put_str(r, "butler", l->v[k].butler);
		put_str(r, "href", live_href(&l->v[k], &href));
		cJSON_AddItemToArray(list, r);
	}
	ret = live_render(l, t, ctx, l->v[i].base);
	buf_release(&href);
	return ret;
}

static int live_index(struct live *l, const struct tmpl *t)
{
	struct buf href = BUF_INIT;
	cJSON *ctx, *crumbs, *list, *r;
	const cJSON *e;

	ctx = live_ctx(l, "回访工作清单", &crumbs);
	crumb(crumbs, "回访工作清单", NULL);
	live_counts(ctx, get(l->lists, "totals"));
	list = cJSON_AddArrayToObject(ctx, "centers");
	for (e = children(get(l->lists, "centers")); e; e = e->next) {
		r = cJSON_Duplicate(e, 1);
		put_str(r, "href", live_href(live_find(l, get_str(e, "center"),
						       NULL), &href));
		cJSON_AddItemToArray(list, r);
	}
	list = cJSON_AddArrayToObject(ctx, "people");
	for (e = children(get(l->lists, "people")); e; e = e->next) {
		r = cJSON_Duplicate(e, 1);
		if (*get_str(e, "butler"))
			put_str(r, "href",
				live_href(live_find(l, get_str(e, "center"),
						    get_str(e, "butler")),
					  &href));
		cJSON_AddItemToArray(list, r);
	}
	buf_release(&href);
	return live_render(l, t, ctx, "index");
}

static cJSON *load_labels(const char *path, struct diag *d);

/*
 * Starts s for the site in site_dir with the templates of templates_dir
 * (their html/ folder): the caller then gets its templates from s->ts and
 * calls site_load_labels; site_close releases it all, whatever failed.
 */
static void site_open(struct site *s, const char *templates_dir,
		      const char *site_dir, struct diag *d)
{
	struct buf dir = BUF_INIT;

	memset(s, 0, sizeof(*s));
	s->site_dir = site_dir;
	s->d = d;
	buf_init(&s->out);
	buf_init(&s->path);
	buf_addf(&dir, "%s/html", templates_dir);
	s->ts = tmpl_set_new(dir.s);
	buf_release(&dir);
}

/* Loads templates_dir/html/labels.json into s->labels; -1 reported. */
static int site_load_labels(struct site *s, const char *templates_dir)
{
	struct buf path = BUF_INIT;

	buf_addf(&path, "%s/html/labels.json", templates_dir);
	s->labels = load_labels(path.s, s->d);
	buf_release(&path);
	return s->labels ? 0 : -1;
}

static void site_close(struct site *s)
{
	tmpl_set_free(s->ts);
	cJSON_Delete(s->labels);
	buf_release(&s->out);
	buf_release(&s->path);
}

int render_html_worklists(const cJSON *lists, const struct week_view *weeks,
			  size_t nweeks, const struct config *cfg,
			  const char *templates_dir, const char *site_dir,
			  struct diag *d)
{
	const struct tmpl *t_index, *t_center, *t_butler, *t_shared;
	struct site s;
	struct live l;
	struct buf dir = BUF_INIT;
	size_t i;
	int ret = -1;

	(void)cfg;
	memset(&l, 0, sizeof(l));
	site_open(&s, templates_dir, site_dir, d);
	if (!(t_index = tmpl_set_get(s.ts, "worklists", d)) ||
	    !(t_center = tmpl_set_get(s.ts, "worklist_center", d)) ||
	    !(t_butler = tmpl_set_get(s.ts, "worklist_butler", d)) ||
	    !(t_shared = tmpl_set_get(s.ts, "worklist_shared", d)) ||
	    site_load_labels(&s, templates_dir) < 0)
		goto out;
	if (!nweeks) {
		diag_report(d, DIAG_ERROR, NULL, 0, 0, "no week to render");
		goto out;
	}
	if (lists && strcmp(get_str(lists, "schema"), "huifang.worklists/1")) {
		diag_report(d, DIAG_ERROR, "worklists.json", 0, 0,
			    "schema is not 'huifang.worklists/1'");
		goto out;
	}
	buf_addf(&dir, "%s/worklists", site_dir);
	buf_reset(&s.path);
	if (mkdir_p(dir.s, &s.path) < 0) {
		diag_report(d, DIAG_ERROR, NULL, 0, 0, "cannot create folder: %s",
			    s.path.s);
		goto out;
	}
	l.s = &s;
	l.lists = lists;
	l.weeks = weeks;
	l.nweeks = nweeks;
	l.dir = dir.s;
	live_pages(&l);
	for (i = 0; i < l.nr; i++) {
		if (strcmp(l.v[i].name, l.v[i].base) &&
		    !strcmp(l.v[i].name + strlen(l.v[i].base), "-1") &&
		    live_shared_page(&l, t_shared, i) < 0)
			goto out;
		if (l.v[i].butler ? live_butler_page(&l, t_butler, &l.v[i])
				  : live_center_page(&l, t_center, &l.v[i]))
			goto out;
	}
	if (live_index(&l, t_index) < 0)
		goto out;
	ret = 0;
out:
	live_release(&l);
	site_close(&s);
	buf_release(&dir);
	return ret;
}

static int render_week(struct site *s, const struct site_period *sp,
		       const char *week)
{
	const struct week_view *v = &sp->view;
	struct week_pages w;
	struct buf dir = BUF_INIT, err = BUF_INIT;
	size_t i;
	int ret = -1;

	memset(&w, 0, sizeof(w));
	w.metrics = v->metrics;
	w.samples = v->samples;
	w.records = v->records;
	w.sp = sp;
	snprintf(w.week, sizeof(w.week), "%s", week);
	page_index_build(&w.centers, get(v->metrics, "by_center"), false);
	page_index_build(&w.butlers, get(v->metrics, "by_butler"), true);
	distribute(&w);
	remark_index_build(&w.remarks, v->records);
	buf_addf(&dir, "%s/weeks/%s", s->site_dir, week);
	if (mkdir_p(dir.s, &err) < 0) {
		diag_report(s->d, DIAG_ERROR, NULL, 0, 0,
			    "cannot create folder: %s", err.s);
		goto out;
	}
	if (render_week_page(s, &w, dir.s) < 0)
		goto out;
	for (i = 0; i < w.centers.nr; i++)
		if (render_center_page(s, &w, &w.centers.v[i], dir.s) < 0)
			goto out;
	for (i = 0; i < w.butlers.nr; i++)
		if (render_butler_page(s, &w, &w.butlers.v[i], dir.s) < 0)
			goto out;
	ret = 0;
out:
	page_index_release(&w.centers);
	page_index_release(&w.butlers);
	hashtab_release(&w.remarks.by_ticket);
	buf_release(&dir);
	buf_release(&err);
	return ret;
}

/* ---- the periods and the index ---- */

/* "weeks/<W>/" or "periods/<id>/" of a period's metrics.json. */
static const char *period_folder(const cJSON *m)
{
	const char *kind = get_str(get(m, "period"), "kind");

	return *kind && strcmp(kind, "week") ? "periods" : "weeks";
}

/*
 * The trend of m as table rows, oldest first in trend_asc and newest
 * first in trend_desc: a wide screen reads it left to right like the
 * chart, a phone shows the newest periods at the top (issue 19).
 */
static void add_trend_rows(cJSON *ctx, const cJSON *m)
{
	cJSON *asc = cJSON_AddArrayToObject(ctx, "trend_asc");
	cJSON *desc = cJSON_AddArrayToObject(ctx, "trend_desc");
	const cJSON *e;

	for (e = children(get(m, "trend")); e; e = e->next) {
		cJSON *r = group_row(get(e, "totals"), get_str(e, "week"), NULL);

		put_bool(r, "issued", cJSON_IsTrue(get(e, "issued")));
		cJSON_AddItemToArray(asc, cJSON_Duplicate(r, 1));
		cJSON_InsertItemInArray(desc, 0, r);
	}
}

/* A row of the index's list of weeks, months or quarters. */
static cJSON *period_row(const struct site_period *v)
{
	const cJSON *m = v->view.metrics;
	const char *id = get_str(m, "week");
	cJSON *r = group_row(get(m, "totals"), id, NULL);
	struct buf href = BUF_INIT, pdf = BUF_INIT;

	buf_addf(&href, "%s/%s/", period_folder(m), id);
	if (main_pdf(v, id, href.s, &pdf))
		put_str(r, "pdf_href", pdf.s);
	buf_adds(&href, "index.html");
	put_str(r, "href", href.s);
	copy_str(r, m, "week_start");
	copy_str(r, m, "week_end");
	put_bool(r, "provisional", cJSON_IsTrue(get(m, "provisional")));
	buf_release(&href);
	buf_release(&pdf);
	return r;
}

/* What the labels of a month's or quarter's page say. */
static const char *period_word(const cJSON *m)
{
	return !strcmp(get_str(get(m, "period"), "kind"), "quarter") ?
	       "季报" : "月报";
}

static int render_period_page(struct site *s, const struct site_period *v,
			      const char *id)
{
	const cJSON *m = v->view.metrics, *e;
	cJSON *crumbs, *ctx, *list;
	struct buf title = BUF_INIT, svg = BUF_INIT, dir = BUF_INIT;
	struct buf err = BUF_INIT, pdf = BUF_INIT;
	bool quarter = !strcmp(period_word(m), "季报");
	int ret = -1;

	buf_addf(&title, "%s 回访%s", id, period_word(m));
	ctx = page_ctx(m, title.s, &crumbs);
	crumb(crumbs, "首页", "../../index.html");
	crumb(crumbs, id, NULL);
	week_mark(ctx, m);
	put_str(ctx, "period", id);
	put_str(ctx, "kind_label", period_word(m));
	put_str(ctx, "trend_label", quarter ? "近4个季度" : "近12个月");
	put_str(ctx, "trend_unit", quarter ? "季度" : "月份");
	copy_str(ctx, m, "week_start");
	copy_str(ctx, m, "week_end");
	put_bool(ctx, "provisional", cJSON_IsTrue(get(m, "provisional")));
	if (main_pdf(v, id, "", &pdf))
		put_str(ctx, "pdf_href", pdf.s);
	cJSON_AddItemToObject(ctx, "kpis", kpis(get(m, "totals")));
	chart_coverage(&svg, "各类型回访率与目标", get(m, "by_type"), "type");
	put_svg(ctx, "chart_coverage", &svg);
	chart_trend(&svg, quarter ? "近4个季度各类型回访率与满意率" :
		    "近12个月各类型回访率与满意率", m);
	put_svg(ctx, "chart_trend", &svg);
	list = cJSON_AddArrayToObject(ctx, "by_type");
	for (e = children(get(m, "by_type")); e; e = e->next)
		cJSON_AddItemToArray(list, group_row(e, get_str(e, "type"), NULL));
	add_group_rows(ctx, "by_center", get(m, "by_center"), "center", NULL);
	add_trend_rows(ctx, m);
	cJSON_AddItemToObject(ctx, "downloads", downloads_ctx(v));
	cJSON_AddItemToObject(ctx, "revisions", revisions_ctx(v, id));

	buf_addf(&dir, "%s/periods/%s", s->site_dir, id);
	if (mkdir_p(dir.s, &err) < 0) {
		diag_report(s->d, DIAG_ERROR, NULL, 0, 0,
			    "cannot create folder: %s", err.s);
		goto out;
	}
	buf_reset(&s->path);
	buf_addf(&s->path, "%s/index.html", dir.s);
	ret = render_page(s, s->t_period, ctx, s->path.s);
out:
	cJSON_Delete(ctx);
	buf_release(&title);
	buf_release(&svg);
	buf_release(&dir);
	buf_release(&err);
	buf_release(&pdf);
	return ret;
}

/*
 * The index: the newest issued week as the headline (the newest week when
 * none is issued), the newest week beside it while it is provisional,
 * then every week, month and quarter, newest first, each with its report.
 */
static int render_index(struct site *s, const struct site_period *weeks,
			size_t nweeks, const struct site_period *periods,
			size_t nperiods)
{
	const struct site_period *head = NULL;
	const cJSON *latest, *e;
	cJSON *crumbs, *ctx, *list, *lw;
	struct buf svg = BUF_INIT, href = BUF_INIT;
	size_t i;
	int ret;

	for (i = 0; i < nweeks && !head; i++)
		if (!cJSON_IsTrue(get(weeks[i].view.metrics, "provisional")))
			head = &weeks[i];
	if (!head && nweeks)
		head = &weeks[0];
	latest = head ? head->view.metrics : periods[0].view.metrics;
	ctx = page_ctx(latest, "回访报表", &crumbs);
	crumb(crumbs, "首页", NULL);
	/* render_html_worklists() writes worklists/ whenever there are weeks. */
	cJSON_AddBoolToObject(ctx, "has_worklists", nweeks > 0);
	list = cJSON_AddArrayToObject(ctx, "weeks");
	for (i = 0; i < nweeks; i++)
		cJSON_AddItemToArray(list, period_row(&weeks[i]));
	list = cJSON_AddArrayToObject(ctx, "months");
	for (i = 0; i < nperiods; i++)
		if (!strcmp(get_str(get(periods[i].view.metrics, "period"),
				    "kind"), "month"))
			cJSON_AddItemToArray(list, period_row(&periods[i]));
	list = cJSON_AddArrayToObject(ctx, "quarters");
	for (i = 0; i < nperiods; i++)
		if (!strcmp(get_str(get(periods[i].view.metrics, "period"),
				    "kind"), "quarter"))
			cJSON_AddItemToArray(list, period_row(&periods[i]));
	if (nweeks && head != &weeks[0]) {
		cJSON *cw = period_row(&weeks[0]);

		cJSON_AddItemToObject(cw, "kpis",
				      kpis(get(weeks[0].view.metrics, "totals")));
		cJSON_AddItemToObject(ctx, "current", cw);
	}
	if (head) {
		lw = period_row(head);
		put_str(lw, "week", get_str(latest, "week"));
		cJSON_AddItemToObject(lw, "kpis", kpis(get(latest, "totals")));
		list = cJSON_AddArrayToObject(lw, "by_type");
		for (e = children(get(latest, "by_type")); e; e = e->next)
			cJSON_AddItemToArray(list, group_row(e, get_str(e, "type"),
							     NULL));
		chart_coverage(&svg, "各类型回访率与目标", get(latest, "by_type"),
			       "type");
		put_svg(lw, "chart_coverage", &svg);
		chart_trend(&svg, "近8周各类型回访率与满意率", latest);
		put_svg(lw, "chart_trend", &svg);
		add_trend_rows(lw, latest);
		put_str(lw, "trend_unit", "周");
		cJSON_AddItemToObject(ctx, "latest", lw);
	}

	buf_reset(&s->path);
	buf_addf(&s->path, "%s/index.html", s->site_dir);
	ret = render_page(s, s->t_index, ctx, s->path.s);
	cJSON_Delete(ctx);
	buf_release(&svg);
	buf_release(&href);
	return ret;
}

/* ---- entry point ---- */

static cJSON *load_labels(const char *path, struct diag *d)
{
	struct buf text = BUF_INIT, why = BUF_INIT;
	FILE *fp = text_fopen_regular(path, &why);
	cJSON *j = NULL;

	if (!fp) {
		diag_report(d, DIAG_ERROR, path, 0, 0, "cannot read labels: %s",
			    why.s);
		buf_release(&why);
		return NULL;
	}
	(void)buf_read_stream(&text, fp);
	fclose(fp);
	j = cJSON_ParseWithLength(text.s, text.len);
	if (!cJSON_IsObject(j)) {
		const char *at = cJSON_GetErrorPtr();
		unsigned long line = 1, col = 1;
		const char *p;

		if (at && at >= text.s && at <= text.s + text.len) {
			for (p = text.s; p < at; p++) {
				col++;
				if (*p == '\n') {
					line++;
					col = 1;
				}
			}
		} else {
			line = col = 0;
		}
		diag_report(d, DIAG_ERROR, path, line, col,
			    "labels must be a JSON object");
		cJSON_Delete(j);
		j = NULL;
	}
	buf_release(&text);
	return j;
}

int render_html_site(const struct week_view *weeks, size_t nweeks,
		     const struct config *cfg, const char *templates_dir,
		     const char *site_dir, struct diag *d)
{
	struct site_period *sp = xcalloc(nweeks ? nweeks : 1, sizeof(*sp));
	size_t i;
	int ret;

	for (i = 0; i < nweeks; i++)
		sp[i].view = weeks[i];
	ret = render_html_site_periods(sp, nweeks, NULL, 0, cfg,
				       templates_dir, site_dir, d);
	free(sp);
	return ret;
}

/* True when id is exactly the canonical id of a period of kind. */
static bool is_period_id(const char *id, bool week)
{
	struct period p;
	char canon[PERIOD_ID_SIZE];

	if (period_parse(id, &p) < 0 || (p.kind == PERIOD_WEEK) != week)
		return false;
	period_format(p, canon);
	return !strcmp(canon, id);
}

int render_html_site_periods(const struct site_period *weeks, size_t nweeks,
			     const struct site_period *periods, size_t nperiods,
			     const struct config *cfg,
			     const char *templates_dir, const char *site_dir,
			     struct diag *d)
{
	struct site s;
	size_t i;
	int ret = -1;

	(void)cfg;
	site_open(&s, templates_dir, site_dir, d);
	if (!(s.t_index = tmpl_set_get(s.ts, "index", d)) ||
	    !(s.t_week = tmpl_set_get(s.ts, "week", d)) ||
	    !(s.t_center = tmpl_set_get(s.ts, "center", d)) ||
	    !(s.t_butler = tmpl_set_get(s.ts, "butler", d)) ||
	    (nperiods && !(s.t_period = tmpl_set_get(s.ts, "period", d))) ||
	    site_load_labels(&s, templates_dir) < 0)
		goto out;
	if (!nweeks && !nperiods) {
		diag_report(d, DIAG_ERROR, NULL, 0, 0, "no week to render");
		goto out;
	}
	/* Period ids become folder names too: only months and quarters. */
	for (i = 0; i < nperiods; i++) {
		const char *id = get_str(periods[i].view.metrics, "week");

		if (!is_period_id(id, false)) {
			diag_report(d, DIAG_ERROR, "metrics.json", 0, 0,
				    "period '%s' is not a month or quarter", id);
			goto out;
		}
	}
	/* Week names become folder names: only real ISO weeks pass. */
	for (i = 0; i < nweeks; i++) {
		struct iso_week iw;
		const char *week = get_str(weeks[i].view.metrics, "week");

		if (chtime_parse_week(week, &iw) < 0) {
			diag_report(d, DIAG_ERROR, "metrics.json", 0, 0,
				    "week '%s' is not an ISO week", week);
			goto out;
		}
	}
	buf_reset(&s.path);
	if (mkdir_p(site_dir, &s.path) < 0) {
		diag_report(d, DIAG_ERROR, NULL, 0, 0, "cannot create folder: %s",
			    s.path.s);
		goto out;
	}
	for (i = 0; i < nweeks; i++)
		if (render_week(&s, &weeks[i],
				get_str(weeks[i].view.metrics, "week")) < 0)
			goto out;
	for (i = 0; i < nperiods; i++)
		if (render_period_page(&s, &periods[i],
				       get_str(periods[i].view.metrics, "week")) < 0)
			goto out;
	if (render_index(&s, weeks, nweeks, periods, nperiods) < 0)
		goto out;
	ret = 0;
out:
	site_close(&s);
	return ret;
}
