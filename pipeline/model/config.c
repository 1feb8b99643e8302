/*
 * config.c - built-in defaults and value matching (see config.h).
 *
 * config_init() is the single place where defaults live; the shipped
 * config/huifang.json repeats them for the administrator to read and edit.
 * Loading and validation of the JSON file are in config_load.c.
 */
#include <stdlib.h>
#include <string.h>

#include "model/config.h"
#include "model/source.h"
#include "util/xalloc.h"
#include "util/banned.h"

const char *const column_name[COL_COUNT] = {
	"工单编号", "服务中心", "楼栋房号", "业主姓名", "联系电话", "工单类型",
	"工单子类", "内容",     "责任人",   "工单状态", "创建时间", "完成时间",
	"更新时间", "处理人",   "回访时间", "回访方式", "满意度",   "回访结果",
	"回访人",   "回访备注", "回访轮次", "整改完成时间", "二次回访时间",
	"二次满意度",
};

bool column_is_time(int column)
{
	return column == COL_CREATED || column == COL_COMPLETED ||
	       column == COL_UPDATED || column == COL_CB_TIME ||
	       column == COL_RECTIFIED || column == COL_CB2_TIME;
}

const char *const issue_gate_name[GATE_COUNT] = {
	"rejected_rows",   "unreadable_files", "damaged_ids", "repeated_ids",
	"untimed_ratings", "no_butler",	       "stale_input", "empty_week",
	"rejected_file",
};

static void add_all(struct string_list *l, const char *const *words)
{
	for (; *words; words++)
		string_list_add(l, *words);
}

void config_add_satisfaction_alias(struct config *cfg, const char *text,
				   int level)
{
	string_list_add(&cfg->satisfaction_alias_text, text);
	cfg->satisfaction_alias_level =
		xrealloc(cfg->satisfaction_alias_level,
			 cfg->satisfaction_alias_text.nr);
	cfg->satisfaction_alias_level[cfg->satisfaction_alias_text.nr - 1] =
		(uint8_t)level;
}

static char *default_scope_subtype(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void default_levels(struct config *cfg)
{
	struct sampling_level *l;

	cfg->nlevels = 3;
	cfg->levels = xcalloc(3, sizeof(*cfg->levels));

	l = &cfg->levels[0];
	l->id = xstrdup("cs_supervisor");
	l->label = xstrdup("客户服务主管");
	l->stratum = STRATUM_CENTER;
	l->spread = SPREAD_BUTLER;
	/* Each centre's supervisor audits his own centre. */
	l->sheets = SHEETS_PER_CENTER;
	l->size = SIZE_RATE;
	l->rate = 0.10;
	l->minimum = 1;
	/* Every risk signal of SPEC §4 forces a callback into this level. */
	l->risk_signals = (1u << 6) - 1;
	l->fake_followup = true;

	l = &cfg->levels[1];
	l->id = xstrdup("engineering_manager");
	l->label = xstrdup("工程经理");
	l->stratum = STRATUM_CENTER;
	l->size = SIZE_RATE;
	l->rate = 0.05;
	l->minimum = 2;
	l->nscope = 3;
	l->scope = xcalloc(3, sizeof(*l->scope));
	l->scope[0].type = TYPE_REPAIR;
	l->scope[0].subtype = default_scope_subtype(NULL);
	l->scope[1].type = TYPE_COMPLAINT;
	l->scope[1].subtype = default_scope_subtype("房屋管理类");
	l->scope[2].type = TYPE_COMPLAINT;
	l->scope[2].subtype = default_scope_subtype("设备管理类");

	l = &cfg->levels[2];
	l->id = xstrdup("quality_dept");
	l->label = xstrdup("品质管理部");
	l->stratum = STRATUM_CENTER;
	l->size = SIZE_RATE;
	l->rate = 0.03;
	l->minimum = 1;
	l->nmust_include = 1;
	l->must_include = xcalloc(1, sizeof(*l->must_include));
	l->must_include[0].type = TYPE_COMPLAINT;
	l->must_include[0].subtype = xstrdup("政府相关部门移送类");
}

void config_init(struct config *cfg)
{
	static const char *const attempts[] = { "未接通", "无人接听", "拒访",
						"空号",   "关机",     "停机",
						NULL };
	static const char *const cancelled[] = { "已取消", "作废", "取消",
						 NULL };
	static const char *const unreachable[] = { "空号", "停机", NULL };
	static const char *const repair[] = { "报修", "报事", "维修", NULL };
	static const char *const complaint[] = { "客诉", NULL };
	static const char *const special[] = { "有偿服务", "有偿特约服务",
					       "特约", NULL };
	static const char *const repair_sub[] = { "整改类", "公区维修", "沟通",
						  "户内维修", "咨询", NULL };
	static const char *const complaint_sub[] = {
		"共性问题",   "房屋管理类", "设备管理类", "秩序管理类",
		"环境管理类", "综合服务类", "相邻关系",   "开发相关类",
		"其它类",     "政府相关部门移送类", NULL
	};
	static const char *const special_sub[] = { "居家维修", "家政服务",
						   "花卉养护", "房屋委托租售",
						   NULL };
	int t;

	memset(cfg, 0, sizeof(*cfg));
	cfg->company = xstrdup("物业服务有限公司");
	cfg->document_code = xstrdup("WSWY-GZ-XM-KF-13");
	cfg->document_version = xstrdup("A/0");
	cfg->effective_date = xstrdup("2026-01-01");
	cfg->target[TYPE_REPAIR] = 0.90;
	cfg->target[TYPE_COMPLAINT] = 1.00;
	cfg->target[TYPE_SPECIAL] = 1.00;
	for (t = 0; t < TYPE_COUNT; t++)
		cfg->sla_seconds[t] = 48 * 3600;
	add_all(&cfg->attempt_words, attempts);
	add_all(&cfg->cancelled_statuses, cancelled);
	add_all(&cfg->type_aliases[TYPE_REPAIR], repair);
	add_all(&cfg->type_aliases[TYPE_COMPLAINT], complaint);
	add_all(&cfg->type_aliases[TYPE_SPECIAL], special);
	add_all(&cfg->subtypes[TYPE_REPAIR], repair_sub);
	add_all(&cfg->subtypes[TYPE_COMPLAINT], complaint_sub);
	add_all(&cfg->subtypes[TYPE_SPECIAL], special_sub);
	config_add_satisfaction_alias(cfg, "很满意", SAT_VERY_SATISFIED);
	config_add_satisfaction_alias(cfg, "较满意", SAT_SATISFIED);
	config_add_satisfaction_alias(cfg, "比较满意", SAT_SATISFIED);
	config_add_satisfaction_alias(cfg, "基本满意", SAT_SATISFIED);
	cfg->max_field_bytes = 65536;
	cfg->max_columns = 16384;
	cfg->max_header_bytes = 1 << 20;
	cfg->ingest_threads = 0;
	cfg->seed = xstrdup("huifang");
	default_levels(cfg);
	cfg->mask_names = true;
	cfg->mask_phones = true;
	cfg->mask_free_text = true;
	cfg->font_path = xstrdup("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc");
	cfg->font_index = 0;
	cfg->templates_dir = NULL; /* found at run time: ./templates, DATADIR */
	cfg->audit_followup_weeks = 4;
	cfg->audit_overdue_days = 14;
	cfg->audit_mask_names = true;
	cfg->audit_mask_phones = false;
	cfg->audit_mask_ids = true;
	cfg->audit_file_mode = 0600;
	cfg->retention_weeks = 26;
	cfg->rankings_window_weeks = 4;
	cfg->umask = 027;
	cfg->max_errors_per_file = 20;
	cfg->issue_grace_seconds = 24 * 3600;
	cfg->gates.rejected_share = 0.05;
	cfg->gates.unreadable_files = 0;
	cfg->gates.damaged_ids = 0;
	cfg->gates.repeated_id_share = 0.20;
	cfg->gates.untimed_rating_share = 0.05;
	cfg->gates.require_butler = true;
	cfg->gates.stale_days = 3;
	cfg->gates.empty_week_average = 50;
	cfg->gates.rejected_file_share = 0.25;
	cfg->unreachable_attempts = 3;
	cfg->unreachable_days = 2;
	add_all(&cfg->unreachable_results, unreachable);
	cfg->unreachable_leaves_coverage = false;
	cfg->worklist_window_days = 90;
	cfg->worklist_mask_names = true;
	cfg->worklist_mask_phones = false;
	cfg->site_retention_weeks = 13;
	string_list_add(&cfg->delivery.command, "/usr/sbin/sendmail");
	string_list_add(&cfg->delivery.command, "-t");
	string_list_add(&cfg->delivery.command, "-oi");
	cfg->delivery.timeout_seconds = 60;
}

void config_delivery_release(struct delivery_config *dc)
{
	size_t i;

	free(dc->from);
	string_list_clear(&dc->command);
	string_list_clear(&dc->management);
	for (i = 0; i < dc->centers.nr; i++)
		string_list_clear(&dc->center_to[i]);
	free(dc->center_to);
	string_list_clear(&dc->centers);
	memset(dc, 0, sizeof(*dc));
}

void sampling_level_release(struct sampling_level *l)
{
	size_t j;

	free(l->id);
	free(l->label);
	for (j = 0; j < l->nscope; j++)
		free(l->scope[j].subtype);
	free(l->scope);
	for (j = 0; j < l->nmust_include; j++)
		free(l->must_include[j].subtype);
	free(l->must_include);
}

static void levels_release(struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nlevels; i++)
		sampling_level_release(&cfg->levels[i]);
	free(cfg->levels);
	cfg->levels = NULL;
	cfg->nlevels = 0;
}

void config_sources_release(struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nsources; i++)
		source_profile_release(&cfg->sources[i]);
	free(cfg->sources);
	cfg->sources = NULL;
	cfg->nsources = 0;
}

void config_release(struct config *cfg)
{
	int i;

	free(cfg->path);
	free(cfg->company);
	free(cfg->document_code);
	free(cfg->code_weekly_report);
	free(cfg->code_audit_sheet);
	free(cfg->code_centre_report);
	free(cfg->document_version);
	free(cfg->effective_date);
	string_list_clear(&cfg->attempt_words);
	string_list_clear(&cfg->cancelled_statuses);
	for (i = 0; i < COL_COUNT; i++)
		string_list_clear(&cfg->column_aliases[i]);
	for (i = 0; i < TYPE_COUNT; i++) {
		string_list_clear(&cfg->type_aliases[i]);
		string_list_clear(&cfg->subtypes[i]);
		string_list_clear(&cfg->subtype_alias_text[i]);
		string_list_clear(&cfg->subtype_alias_target[i]);
	}
	string_list_clear(&cfg->satisfaction_alias_text);
	free(cfg->satisfaction_alias_level);
	free(cfg->encoding);
	free(cfg->seed);
	levels_release(cfg);
	free(cfg->font_path);
	free(cfg->templates_dir);
	string_list_clear(&cfg->accept_gates);
	string_list_clear(&cfg->unreachable_results);
	config_sources_release(cfg);
	config_delivery_release(&cfg->delivery);
	memset(cfg, 0, sizeof(*cfg));
}

int config_match_type(const struct config *cfg, const char *text)
{
	int t;

	for (t = 0; t < TYPE_COUNT; t++)
		if (!strcmp(text, ticket_type_name[t]) ||
		    string_list_has(&cfg->type_aliases[t], text))
			return t;
	return TYPE_UNKNOWN;
}

/*
 * The digit 1-5 at *p, ASCII or full-width (U+FF11-U+FF15); 0 if none.
 * *len is set to its length in bytes.
 */
static int star_digit(const char *p, size_t *len)
{
	const unsigned char *u = (const unsigned char *)p;

	if (u[0] >= '1' && u[0] <= '5') {
		*len = 1;
		return u[0] - '0';
	}
	if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x91 && u[2] <= 0x95) {
		*len = 3;
		return u[2] - 0x90;
	}
	return 0;
}

int config_builtin_satisfaction(const char *text)
{
	static const char black_star[] = "\xe2\x98\x85"; /* ★ */
	size_t n = 0;
	int s, stars;

	for (s = SAT_VERY_DISSATISFIED; s <= SAT_VERY_SATISFIED; s++)
		if (!strcmp(text, satisfaction_name[s]))
			return s;
	/* SPEC §9.22: 很不满意 is 非常不满意, as 很满意 is 非常满意. */
	if (!strcmp(text, "很不满意"))
		return SAT_VERY_DISSATISFIED;
	/* Stars: 5, ５, 5星, 5分 (§8.9, §9.22). */
	if ((stars = star_digit(text, &n))) {
		if (!text[n] || !strcmp(text + n, "星") ||
		    !strcmp(text + n, "分"))
			return stars;
		return SAT_NONE;
	}
	/* ★ repeated one to five times. */
	for (stars = 0; !strncmp(text, black_star, 3); text += 3)
		stars++;
	if (!*text && stars >= 1 && stars <= 5)
		return stars;
	return SAT_NONE;
}

int config_match_satisfaction(const struct config *cfg, const char *text)
{
	size_t i;
	int s = config_builtin_satisfaction(text);

	if (s != SAT_NONE)
		return s;
	for (i = 0; i < cfg->satisfaction_alias_text.nr; i++)
		if (!strcmp(text, cfg->satisfaction_alias_text.items[i]))
			return cfg->satisfaction_alias_level[i];
	return SAT_NONE;
}

bool config_is_attempt(const struct config *cfg, const char *text)
{
	return string_list_has(&cfg->attempt_words, text);
}

bool config_is_cancelled(const struct config *cfg, const char *status)
{
	return string_list_has(&cfg->cancelled_statuses, status);
}

bool config_known_subtype(const struct config *cfg, int type,
			  const char *subtype)
{
	if (type < 0 || type >= TYPE_COUNT)
		return false;
	return string_list_has(&cfg->subtypes[type], subtype);
}

/* Steps over the ASCII or full-width digits at p; returns where they end. */
static const char *skip_digits(const char *p)
{
	size_t n;

	for (;;) {
		const unsigned char *u = (const unsigned char *)p;

		if (*u >= '0' && *u <= '9')
			n = 1;
		else if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 &&
			 u[2] <= 0x99)
			n = 3;
		else
			return p;
		p += n;
	}
}

/* Steps over one of the NULL-ended literals at p; NULL if none is there. */
static const char *skip_one_of(const char *p, const char *const *lits)
{
	for (; *lits; lits++)
		if (!strncmp(p, *lits, strlen(*lits)))
			return p + strlen(*lits);
	return NULL;
}

const char *config_strip_ordinal(const char *text)
{
	static const char *const open[] = { "(", "\xef\xbc\x88", NULL };
	static const char *const close[] = { ")", "\xef\xbc\x89", NULL };
	static const char *const after[] = {
		")", "\xef\xbc\x89", "\xe3\x80\x81", ".", "\xef\xbc\x8e", " ",
		"\xe3\x80\x80", NULL
	};
	const char *p = text, *q;

	/* （2）房屋管理类 or (2) 房屋管理类 */
	if ((q = skip_one_of(p, open))) {
		const char *d = skip_digits(q);

		if (d == q || !(p = skip_one_of(d, close)))
			return text;
	} else {
		/* 2 房屋管理类, 2)房屋管理类, 2）, 2、, 2. */
		q = skip_digits(p);
		if (q == p || !(p = skip_one_of(q, after)))
			return text;
	}
	while (*p == ' ')
		p++;
	if (!strncmp(p, "\xe3\x80\x80", 3))
		p += 3;
	return *p ? p : text;
}

const char *config_match_subtype(const struct config *cfg, int type,
				 const char *text)
{
	const char *bare;
	size_t i;
	int pass;

	if (type < 0 || type >= TYPE_COUNT || !*text)
		return NULL;
	/* As written first, then without the work instruction's ordinal. */
	for (pass = 0; pass < 2; pass++) {
		const struct string_list *known = &cfg->subtypes[type];
		const struct string_list *alias = &cfg->subtype_alias_text[type];

		bare = pass ? config_strip_ordinal(text) : text;
		if (pass && bare == text)
			break;
		for (i = 0; i < known->nr; i++)
			if (!strcmp(bare, known->items[i]))
				return known->items[i];
		for (i = 0; i < alias->nr; i++)
			if (!strcmp(bare, alias->items[i]))
				return cfg->subtype_alias_target[type].items[i];
	}
	return NULL;
}
