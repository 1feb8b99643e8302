/*
 * tmpl.c - the Mustache engine (see tmpl.h).
 *
 * A template is parsed once into a tree of nodes: literal text (pointing
 * into the template's own copy of its source), variables, sections,
 * inverted sections and partials; comments leave nothing behind. Parsing
 * keeps a stack of open sections, so every error can name the tag that
 * caused it, and a section node owns its children outright (nothing points
 * into a growing array). Partials are referenced by name and looked up in
 * the set when rendered; compiling a template makes sure every partial it
 * names is in the set, so a render of a template that compiled finds them.
 *
 * Invariants: a compiled template has balanced sections; every name is
 * either "." or dot-separated segments of [A-Za-z0-9_-]; rendering never
 * changes a template and never writes past the set's output limit by more
 * than one value.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/tmpl.h"
#include "util/textio.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define TMPL_MAX_FILE (4u << 20)
#define TMPL_DEFAULT_DEPTH 32
#define TMPL_DEFAULT_OUTPUT ((size_t)256 << 20)

enum node_kind {
	NODE_TEXT,
	NODE_VAR,       /* escaped */
	NODE_RAW,       /* unescaped */
	NODE_SECTION,
	NODE_INVERTED,
	NODE_PARTIAL
};

struct node;

struct node_list {
	struct node *v;
	size_t nr, alloc;
};

struct node {
	enum node_kind kind;
	const char *text;          /* NODE_TEXT: into tmpl->src */
	size_t len;
	char *name;                /* the name as written (owned) */
	char **seg;                /* its segments; nseg 0 means "." */
	size_t nseg;
	struct node_list children; /* sections */
	unsigned long line, column;
};

struct tmpl {
	char *name;
	char *file;
	char *src;
	size_t len;
	struct node_list body;
	struct tmpl_set *set;
};

struct tmpl_set {
	char *dir;
	struct tmpl **v;
	size_t nr, alloc;
	unsigned max_depth;
	size_t max_output;
};

static void node_list_release(struct node_list *l);

static void node_release(struct node *n)
{
	size_t i;

	free(n->name);
	for (i = 0; i < n->nseg; i++)
		free(n->seg[i]);
	free(n->seg);
	node_list_release(&n->children);
}

static void node_list_release(struct node_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		node_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->nr = l->alloc = 0;
}

static struct node *node_list_push(struct node_list *l)
{
	struct node *n;

	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	n = &l->v[l->nr++];
	memset(n, 0, sizeof(*n));
	return n;
}

static void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	node_list_release(&t->body);
	free(t->name);
	free(t->file);
	free(t->src);
	free(t);
}

struct tmpl_set *tmpl_set_new(const char *dir)
{
	struct tmpl_set *ts = xcalloc(1, sizeof(*ts));

	ts->dir = dir ? xstrdup(dir) : NULL;
	ts->max_depth = TMPL_DEFAULT_DEPTH;
	ts->max_output = TMPL_DEFAULT_OUTPUT;
	return ts;
}

void tmpl_set_free(struct tmpl_set *ts)
{
	size_t i;

	if (!ts)
		return;
	for (i = 0; i < ts->nr; i++)
		tmpl_free(ts->v[i]);
	free(ts->v);
	free(ts->dir);
	free(ts);
}

void tmpl_set_limits(struct tmpl_set *ts, unsigned max_depth,
		     size_t max_output)
{
	ts->max_depth = max_depth;
	ts->max_output = max_output;
}

static const struct tmpl *set_find(const struct tmpl_set *ts,
				   const char *name)
{
	size_t i;

	for (i = 0; i < ts->nr; i++)
		if (!strcmp(ts->v[i]->name, name))
			return ts->v[i];
	return NULL;
}

static void set_remove(struct tmpl_set *ts, const struct tmpl *t)
{
	size_t i;

	for (i = 0; i < ts->nr; i++) {
		if (ts->v[i] != t)
			continue;
		memmove(ts->v + i, ts->v + i + 1,
			(ts->nr - i - 1) * sizeof(*ts->v));
		ts->nr--;
		return;
	}
}

static bool is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* A template or partial name: a non-empty run of name characters. */
static bool valid_template_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_name_char((unsigned char)*s))
			return false;
	return true;
}

/*
 * Splits a variable or section name into n's segments. Returns 0, or -1
 * when the name is not "." and not dot-separated name segments.
 */
static int split_name(struct node *n, const char *s, size_t len)
{
	size_t i, start = 0;

	n->name = xstrndup(s, len);
	if (len == 1 && s[0] == '.')
		return 0;
	if (!len)
		return -1;
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '.') {
			if (!is_name_char((unsigned char)s[i]))
				return -1;
			continue;
		}
		if (i == start)
			return -1;
		n->seg = xreallocarray(n->seg, n->nseg + 1, sizeof(*n->seg));
		n->seg[n->nseg++] = xstrndup(s + start, i - start);
		start = i + 1;
	}
	return 0;
}

/* Where the parser is, for messages. */
struct parser {
	struct tmpl *t;
	struct diag *d;
	size_t at;              /* offset up to which line/line_start count */
	unsigned long line;
	size_t line_start;
};

static void parser_seek(struct parser *p, size_t off)
{
	const char *s = p->t->src;

	for (; p->at < off; p->at++) {
		if (s[p->at] == '\n') {
			p->line++;
			p->line_start = p->at + 1;
		}
	}
}

/* The line that starts at line_start, without its newline. */
static char *line_text(const struct tmpl *t, size_t line_start)
{
	const char *s = t->src + line_start;
	const char *nl = memchr(s, '\n', t->len - line_start);
	size_t n = nl ? (size_t)(nl - s) : t->len - line_start;

	if (n && s[n - 1] == '\r')
		n--;
	return xstrndup(s, n);
}

static void parse_error(struct parser *p, size_t off, const char *fmt,
			const char *arg1, const char *arg2)
{
	char *ctx;
	struct buf msg = BUF_INIT;
	unsigned long col;

	parser_seek(p, off);
	col = (unsigned long)(off - p->line_start) + 1;
	ctx = line_text(p->t, p->line_start);
	buf_addf(&msg, fmt, arg1 ? arg1 : "", arg2 ? arg2 : "");
	diag_report_context(p->d, DIAG_ERROR, p->t->file, p->line, col, ctx,
			    "%s", msg.s);
	buf_release(&msg);
	free(ctx);
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* An open section while parsing. */
struct frame {
	struct node_list list;  /* the nodes inside it so far */
	struct node node;       /* the section itself */
	size_t tag_off;         /* where its tag starts, for messages */
};

static const char *find2(const char *s, size_t from, size_t len,
			 const char *pat, size_t plen)
{
	size_t i;

	if (len < plen)
		return NULL;
	for (i = from; i + plen <= len; i++)
		if (s[i] == pat[0] && !memcmp(s + i, pat, plen))
			return s + i;
	return NULL;
}

static void add_text(struct node_list *l, const char *s, size_t len)
{
	struct node *n;

	if (!len)
		return;
	n = node_list_push(l);
	n->kind = NODE_TEXT;
	n->text = s;
	n->len = len;
}

static int parse(struct parser *p)
{
	struct tmpl *t = p->t;
	const char *s = t->src;
	size_t len = t->len, pos = 0, text_start = 0;
	struct frame *stack = NULL;
	size_t depth = 0, alloc = 0;
	struct node_list *cur = &t->body;
	int ret = -1;

	for (;;) {
		const char *open = find2(s, pos, len, "{{", 2);
		size_t o, c, e, lstart, after, text_end;
		const char *close;
		char sigil;
		bool triple, standalone = false;
		size_t cs, ce;
		struct node *n;

		if (!open) {
			add_text(cur, s + text_start, len - text_start);
			break;
		}
		o = (size_t)(open - s);
		sigil = o + 2 < len ? s[o + 2] : '\0';
		triple = sigil == '{';
		close = find2(s, o + 2, len, triple ? "}}}" : "}}",
			      triple ? 3 : 2);
		if (!close) {
			parse_error(p, o, triple ? "unclosed tag: no '}}}' after '{{{'%s"
					  : "unclosed tag: no '}}' after '{{'%s", "", NULL);
			goto out;
		}
		c = (size_t)(close - s);
		e = c + (triple ? 3 : 2);
		cs = o + 2;
		ce = c;
		if (triple || strchr("&#^/!>=", sigil) != NULL) {
			if (sigil != '\0')
				cs++;
		} else {
			sigil = '\0';
		}
		if (sigil == '=') {
			parse_error(p, o, "set-delimiter tags are not supported%s",
				    "", NULL);
			goto out;
		}
		while (cs < ce && (is_blank(s[cs]) || s[cs] == '\n' || s[cs] == '\r'))
			cs++;
		while (ce > cs && (is_blank(s[ce - 1]) || s[ce - 1] == '\n' ||
				   s[ce - 1] == '\r'))
			ce--;

		/* A block tag alone on its line takes the line with it. */
		lstart = o;
		while (lstart > 0 && s[lstart - 1] != '\n')
			lstart--;
		after = e;
		if (sigil && strchr("#^/!>", sigil) && lstart >= text_start) {
			size_t i = lstart, a = e;

			while (i < o && is_blank(s[i]))
				i++;
			while (a < len && is_blank(s[a]))
				a++;
			if (i == o) {
				if (a == len) {
					standalone = true;
					after = len;
				} else if (s[a] == '\n') {
					standalone = true;
					after = a + 1;
				} else if (s[a] == '\r' && a + 1 < len &&
					   s[a + 1] == '\n') {
					standalone = true;
					after = a + 2;
				}
			}
		}
		if (!standalone)
			after = e;
		text_end = standalone ? lstart : o;
		add_text(cur, s + text_start, text_end - text_start);

		switch (sigil) {
		case '!':
			break;
		case '/': {
			char *name = xstrndup(s + cs, ce - cs);

			if (!depth) {
				parse_error(p, o, "closing tag '%s' without an open section",
					    name, NULL);
				free(name);
				goto out;
			}
			if (strcmp(stack[depth - 1].node.name, name)) {
				parse_error(p, o, "closing tag '%s' does not match the open section '%s'",
					    name, stack[depth - 1].node.name);
				free(name);
				goto out;
			}
			free(name);
			depth--;
			stack[depth].node.children = stack[depth].list;
			cur = depth ? &stack[depth - 1].list : &t->body;
			n = node_list_push(cur);
			*n = stack[depth].node;
			break;
		}
		case '#':
		case '^': {
			struct frame *f;

			ALLOC_GROW(stack, depth + 1, alloc);
			f = &stack[depth];
			memset(f, 0, sizeof(*f));
			f->tag_off = o;
			f->node.kind = sigil == '#' ? NODE_SECTION : NODE_INVERTED;
			parser_seek(p, o);
			f->node.line = p->line;
			f->node.column = (unsigned long)(o - p->line_start) + 1;
			if (split_name(&f->node, s + cs, ce - cs) < 0) {
				parse_error(p, o, "invalid name '%s'", f->node.name,
					    NULL);
				node_release(&f->node);
				goto out;
			}
			depth++;
			cur = &stack[depth - 1].list;
			break;
		}
		case '>': {
			n = node_list_push(cur);
			n->kind = NODE_PARTIAL;
			n->name = xstrndup(s + cs, ce - cs);
			parser_seek(p, o);
			n->line = p->line;
			n->column = (unsigned long)(o - p->line_start) + 1;
			if (!valid_template_name(n->name)) {
				parse_error(p, o, "invalid partial name '%s'", n->name,
					    NULL);
				goto out;
			}
			break;
		}
		default:
			n = node_list_push(cur);
			n->kind = (triple || sigil == '&') ? NODE_RAW : NODE_VAR;
			parser_seek(p, o);
			n->line = p->line;
			n->column = (unsigned long)(o - p->line_start) + 1;
			if (split_name(n, s + cs, ce - cs) < 0) {
				parse_error(p, o, "invalid name '%s'", n->name, NULL);
				goto out;
			}
			break;
		}
		pos = text_start = after;
	}
	if (depth) {
		parse_error(p, stack[depth - 1].tag_off, "unclosed section '%s'",
			    stack[depth - 1].node.name, NULL);
		goto out;
	}
	ret = 0;
out:
	/* Open sections still own their nodes: free them (on error only). */
	while (depth) {
		depth--;
		node_list_release(&stack[depth].list);
		node_release(&stack[depth].node);
	}
	free(stack);
	return ret;
}

/* Makes sure every partial named in l is in the set. */
static int load_partials(struct tmpl_set *ts, const struct tmpl *t,
			 const struct node_list *l, struct diag *d)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		const struct node *n = &l->v[i];

		if (n->kind == NODE_PARTIAL && !set_find(ts, n->name)) {
			if (!ts->dir) {
				diag_report(d, DIAG_ERROR, t->file, n->line, n->column,
					    "partial '%s' not found", n->name);
				return -1;
			}
			if (!tmpl_set_get(ts, n->name, d)) {
				diag_report(d, DIAG_ERROR, t->file, n->line, n->column,
					    "partial '%s' could not be loaded", n->name);
				return -1;
			}
		}
		if (load_partials(ts, t, &n->children, d) < 0)
			return -1;
	}
	return 0;
}

const struct tmpl *tmpl_set_add(struct tmpl_set *ts, const char *name,
				const char *file, const char *text, size_t len,
				struct diag *d)
{
	struct tmpl *t;
	struct parser p;

	if (!valid_template_name(name)) {
		diag_report(d, DIAG_ERROR, file, 0, 0,
			    "invalid template name '%s'", name);
		return NULL;
	}
	if (set_find(ts, name)) {
		diag_report(d, DIAG_ERROR, file ? file : name, 0, 0,
			    "template '%s' is defined twice", name);
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->file = xstrdup(file ? file : name);
	t->src = xmalloc(len + 1);
	if (len)
		memcpy(t->src, text, len);
	t->src[len] = '\0';
	t->len = len;
	t->set = ts;
	memset(&p, 0, sizeof(p));
	p.t = t;
	p.d = d;
	p.line = 1;
	if (parse(&p) < 0) {
		tmpl_free(t);
		return NULL;
	}
	/* In the set before its partials load, so that recursion finds it. */
	ALLOC_GROW(ts->v, ts->nr + 1, ts->alloc);
	ts->v[ts->nr++] = t;
	if (load_partials(ts, t, &t->body, d) < 0) {
		set_remove(ts, t);
		tmpl_free(t);
		return NULL;
	}
	return t;
}

const struct tmpl *tmpl_set_get(struct tmpl_set *ts, const char *name,
				struct diag *d)
{
	const struct tmpl *t = set_find(ts, name);
	struct buf path = BUF_INIT, text = BUF_INIT, why = BUF_INIT;
	FILE *fp = NULL;
	char chunk[8192];
	size_t n;

	if (t)
		return t;
	if (!valid_template_name(name)) {
		diag_report(d, DIAG_ERROR, NULL, 0, 0,
			    "invalid template name '%s'", name);
		goto out;
	}
	if (!ts->dir) {
		diag_report(d, DIAG_ERROR, NULL, 0, 0,
			    "template '%s' not found", name);
		goto out;
	}
	buf_addf(&path, "%s/%s.mustache", ts->dir, name);
	fp = text_fopen_regular(path.s, &why);
	if (!fp) {
		diag_report(d, DIAG_ERROR, path.s, 0, 0,
			    "cannot read template: %s", why.s);
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		buf_add(&text, chunk, n);
		if (text.len > TMPL_MAX_FILE) {
			diag_report(d, DIAG_ERROR, path.s, 0, 0,
				    "template larger than %u bytes", TMPL_MAX_FILE);
			goto out;
		}
	}
	if (ferror(fp)) {
		diag_report(d, DIAG_ERROR, path.s, 0, 0,
			    "cannot read template: %s", strerror(errno));
		goto out;
	}
	t = tmpl_set_add(ts, name, path.s, text.s, text.len, d);
out:
	if (fp)
		fclose(fp);
	buf_release(&path);
	buf_release(&text);
	buf_release(&why);
	return t;
}

void tmpl_escape_html(struct buf *out, const char *s, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		const char *ent;

		switch (s[i]) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: continue;
		}
		buf_add(out, s + start, i - start);
		buf_adds(out, ent);
		start = i + 1;
	}
	buf_add(out, s + start, len - start);
}

struct render {
	const struct tmpl_set *ts;
	struct buf *out;
	struct diag *d;
	const cJSON **stack;
	size_t depth, alloc;
	unsigned partial_depth;
	size_t start;           /* out->len when the render began */
	size_t steps;           /* nodes visited */
};

static bool truthy(const cJSON *v)
{
	if (!v || cJSON_IsFalse(v) || cJSON_IsNull(v) || cJSON_IsInvalid(v))
		return false;
	if (cJSON_IsArray(v))
		return v->child != NULL;
	if (cJSON_IsString(v))
		return v->valuestring && v->valuestring[0];
	return true;
}

static const cJSON *lookup(const struct render *r, const struct node *n)
{
	const cJSON *v = NULL;
	size_t i, k;

	if (!n->nseg)
		return r->depth ? r->stack[r->depth - 1] : NULL;
	for (i = r->depth; i > 0; i--) {
		const cJSON *frame = r->stack[i - 1];

		if (!cJSON_IsObject(frame))
			continue;
		v = cJSON_GetObjectItemCaseSensitive(frame, n->seg[0]);
		if (v)
			break;
	}
	for (k = 1; v && k < n->nseg; k++)
		v = cJSON_IsObject(v)
		    ? cJSON_GetObjectItemCaseSensitive(v, n->seg[k]) : NULL;
	return v;
}

static void put_value(struct render *r, const cJSON *v, bool escape)
{
	if (!v)
		return;
	if (cJSON_IsString(v) && v->valuestring) {
		size_t len = strlen(v->valuestring);

		if (escape)
			tmpl_escape_html(r->out, v->valuestring, len);
		else
			buf_add(r->out, v->valuestring, len);
	} else if (cJSON_IsNumber(v)) {
		double x = v->valuedouble;

		if (x == (double)(long long)x && x > -1e15 && x < 1e15)
			buf_addf(r->out, "%lld", (long long)x);
		else
			buf_add_double(r->out, x);
	} else if (cJSON_IsTrue(v)) {
		buf_adds(r->out, "true");
	} else if (cJSON_IsFalse(v)) {
		buf_adds(r->out, "false");
	}
}

static void push(struct render *r, const cJSON *v)
{
	ALLOC_GROW(r->stack, r->depth + 1, r->alloc);
	r->stack[r->depth++] = v;
}

static int render_list(struct render *r, const struct tmpl *t,
		       const struct node_list *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		const struct node *n = &l->v[i];
		const cJSON *v;

		switch (n->kind) {
		case NODE_TEXT:
			buf_add(r->out, n->text, n->len);
			break;
		case NODE_VAR:
		case NODE_RAW:
			put_value(r, lookup(r, n), n->kind == NODE_VAR);
			break;
		case NODE_SECTION:
			v = lookup(r, n);
			if (!truthy(v))
				break;
			if (cJSON_IsArray(v)) {
				const cJSON *e;

				for (e = v->child; e; e = e->next) {
					push(r, e);
					if (render_list(r, t, &n->children) < 0)
						return -1;
					r->depth--;
				}
			} else {
				push(r, v);
				if (render_list(r, t, &n->children) < 0)
					return -1;
				r->depth--;
			}
			break;
		case NODE_INVERTED:
			if (!truthy(lookup(r, n)) &&
			    render_list(r, t, &n->children) < 0)
				return -1;
			break;
		case NODE_PARTIAL: {
			const struct tmpl *p = set_find(r->ts, n->name);

			if (!p) {
				diag_report(r->d, DIAG_ERROR, t->file, n->line,
					    n->column, "partial '%s' is not loaded",
					    n->name);
				return -1;
			}
			if (r->partial_depth >= r->ts->max_depth) {
				diag_report(r->d, DIAG_ERROR, t->file, n->line,
					    n->column,
					    "partials nested more than %u deep",
					    r->ts->max_depth);
				return -1;
			}
			r->partial_depth++;
			if (render_list(r, p, &p->body) < 0)
				return -1;
			r->partial_depth--;
			break;
		}
		}
		if (r->out->len - r->start > r->ts->max_output) {
			diag_report(r->d, DIAG_ERROR, t->file, n->line, n->column,
				    "output larger than %zu bytes", r->ts->max_output);
			return -1;
		}
		/* Sections over partials can loop without writing a byte. */
		if (++r->steps > r->ts->max_output) {
			diag_report(r->d, DIAG_ERROR, t->file, n->line, n->column,
				    "more than %zu steps", r->ts->max_output);
			return -1;
		}
	}
	return 0;
}

int tmpl_render(const struct tmpl *t, const cJSON *ctx, struct buf *out,
		struct diag *d)
{
	struct render r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.ts = t->set;
	r.out = out;
	r.d = d;
	r.start = out->len;
	if (ctx)
		push(&r, ctx);
	ret = render_list(&r, t, &t->body);
	free(r.stack);
	return ret;
}
