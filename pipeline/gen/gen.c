/*
 * gen.c - realistic, deterministic ERP exports (see gen.h, docs/gen.md).
 *
 * The world: 20 service centres, each with about ten butlers, a few
 * technicians, a department head and two customer-service clerks; owners
 * with common and rare names; tickets of the three types in realistic
 * proportions with their sub-types, statuses, completion times, callbacks,
 * attempts, dissatisfaction loops and the irregularities SPEC §4 looks for.
 *
 * Generation runs week by week. For each week a batch of tickets is drawn
 * in three phases: (1) creation, type, people and the main times, sorted by
 * creation time so ticket numbers grow with it; (2) bursts: a few groups of
 * 3-4 tickets are given to one butler who records their callbacks within
 * one minute; (3) what follows from the main times: attempts, the
 * rectification and the second callback. Every event of a ticket happens
 * within 5 weeks of its creation, so a window of the last 6 batches holds
 * every ticket that can change in the week being written. The week's
 * ticket export then lists each ticket of the window with an event in the
 * week, in its state at the end of the week (or at the export moment), and
 * the week's callback events go, in time order, to the callback export.
 *
 * Invariants: one random stream (xoshiro256**) draws the world and the
 * tickets in a fixed order; per-value layout choices (a timestamp written
 * as an Excel serial, say) are a hash of (seed, ticket, column, week), and
 * bad rows come from a stream of their own, so the good rows never depend
 * on the layout options or the bad-row rate. Only integer arithmetic
 * decides anything. Strings of a batch live in the batch's arena.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/chtime.h"
#include "util/csvout.h"
#include "gen/gen.h"
#include "util/outfile.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define HOUR 3600
#define DAY 86400
#define WINDOW 6            /* batches kept: a ticket lives < 5 weeks */
#define MAX_EVENTS 8        /* callbacks and attempts per ticket */
#define NCENTERS 20

/* ---- random numbers ---------------------------------------------------- */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n), n >= 1 (multiply-shift: bias below 2^-32). */
static uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static int64_t range(struct rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* True with probability per_10k / 10000. */
static bool chance(struct rng *r, unsigned per_10k)
{
	return below(r, 10000) < per_10k;
}

/* An index drawn by integer weights. */
static size_t weighted(struct rng *r, const unsigned *w, size_t n)
{
	unsigned total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += w[i];
	x = below(r, total);
	for (i = 0; i + 1 < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

static uint64_t mix(uint64_t a, uint64_t b)
{
	uint64_t x = a ^ (b * 0x9E3779B97F4A7C15ull);

	return splitmix64(&x);
}

/* ---- the world ------------------------------------------------------- */

static const char *const center_names[NCENTERS] = {
	"翠湖苑物业服务中心",   "锦绣花园物业服务中心", "金域蓝湾物业服务中心",
	"星河湾物业服务中心",   "御景华庭物业服务中心", "紫荆苑物业服务中心",
	"枫林绿洲物业服务中心", "滨江壹号物业服务中心", "书香门第物业服务中心",
	"春江花月物业服务中心", "香樟园物业服务中心",   "云山诗意物业服务中心",
	"海棠湾物业服务中心",   "万象新城物业服务中心", "桂语江南物业服务中心",
	"玉兰苑物业服务中心",   "天悦府物业服务中心",   "和平里物业服务中心",
	"东湖名邸物业服务中心", "南山雅居物业服务中心",
};

/* Common surnames, most common first (drawn with a skew to the front). */
static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
	"马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
	"唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",
	"潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
	"任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
	"石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦",
	"邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎",
	"贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴",
	"莫", "孔", "向", "汤", "佘", "麦", "仝", "亓",
};
static const char *const compound_surnames[] = {
	"欧阳", "司马", "上官", "诸葛", "东方", "慕容", "皇甫", "尉迟",
};
static const char *const given_chars[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
	"杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华",
	"玉", "兰", "建", "国", "文", "红", "梅", "鑫", "浩", "宇", "子", "涵",
	"欣", "怡", "梓", "萱", "一", "诺", "思", "雨", "博", "睿", "俊", "晨",
	"佳", "琪", "嘉", "婷", "雪", "晓", "丹", "亮", "斌", "飞", "鹏", "辉",
	"林", "海", "峰", "志", "坤", "春", "秋", "振", "德", "淑",
};
/* Rare characters that fonts and encodings trip over. */
static const char *const rare_chars[] = {
	"喆", "堃", "玥", "犇", "燚", "赟", "珺", "昇", "彧", "婧", "瑄", "頔",
};
#define NON_BMP_CHAR "\xF0\xA0\xAE\xB7" /* 𠮷 U+20BB7 */

static const char *const type_text[TYPE_COUNT] = { "报事报修", "投诉",
						   "特约服务" };
static const char *const type_alias[TYPE_COUNT][3] = {
	{ "报修", "报事", "维修" },
	{ "客诉", "客诉", "客诉" },
	{ "有偿服务", "有偿特约服务", "特约" },
};
static const char *const id_prefix[TYPE_COUNT] = { "BS", "TS", "TY" };

struct subtype {
	const char *name;
	unsigned weight;
	const char *issues[3];
};

static const struct subtype repair_sub[] = {
	{ "户内维修", 35, { "卫生间地漏堵塞，水排不下去", "厨房水龙头漏水",
			    "客厅插座没电，跳闸后合不上" } },
	{ "公区维修", 30, { "单元门禁刷卡无反应", "楼道声控灯不亮",
			    "地下车库B2层积水" } },
	{ "整改类", 15, { "外墙渗水，卧室墙面发霉", "阳台栏杆松动，存在隐患",
			  "入户门变形关不严" } },
	{ "沟通", 12, { "咨询装修垃圾清运时间", "邻居空调外机滴水到我家窗台",
			"要求更换楼层电梯广告" } },
	{ "咨询", 8, { "咨询物业费缴费方式", "询问小区停水通知",
		       "咨询车位租赁价格" } },
};
static const struct subtype complaint_sub[] = {
	{ "共性问题", 10, { "多次报修未处理，投诉维修响应慢",
			    "管家电话长期打不通" } },
	{ "房屋管理类", 15, { "楼顶防水层破损，顶楼漏水",
			      "公共楼梯扶手锈蚀" } },
	{ "设备管理类", 15, { "电梯频繁故障，困人两次", "二次供水水压不足" } },
	{ "秩序管理类", 14, { "外来车辆随意进出，门岗不登记",
			      "夜间有人在楼下喧哗" } },
	{ "环境管理类", 15, { "垃圾桶满溢无人清理，气味很大",
			      "绿化带杂草丛生" } },
	{ "综合服务类", 10, { "快递柜长期故障", "前台服务态度差" } },
	{ "相邻关系", 8, { "楼上漏水到我家，协调无果", "邻居占用公共走道堆物" } },
	{ "开发相关类", 6, { "交房时承诺的会所至今未开放",
			     "车位产权问题开发商不回应" } },
	{ "其它类", 5, { "小区周边施工噪音扰民", "市政道路积水" } },
	{ "政府相关部门移送类", 2, { "12345热线转办：小区消防通道被占",
				     "街道办转来：二次装修噪音投诉" } },
};
static const struct subtype special_sub[] = {
	{ "居家维修", 45, { "更换卫生间花洒", "安装吸顶灯三盏",
			    "疏通厨房下水管" } },
	{ "家政服务", 30, { "开荒保洁，约周六上午", "擦玻璃，全屋" } },
	{ "花卉养护", 15, { "阳台绿植修剪", "代为照看绿植两周" } },
	{ "房屋委托租售", 10, { "委托出租两房一厅", "委托出售，需拍照" } },
};
static const struct {
	const struct subtype *list;
	size_t n;
} subtypes[TYPE_COUNT] = {
	{ repair_sub, ARRAY_SIZE(repair_sub) },
	{ complaint_sub, ARRAY_SIZE(complaint_sub) },
	{ special_sub, ARRAY_SIZE(special_sub) },
};
/* Sub-type texts that are not in the configured list. */
static const char *const unknown_subtypes[] = { "噪音扰民", "2 房屋管理类",
						"其他" };

/* Extra phrases that make free text hard: commas, quotes, newlines,
 * full-width characters, numbers to mask, a leading minus sign. */
static const char *const issue_suffix[] = {
	"，业主要求尽快处理",
	"，请上午来（下午不在家）",
	"。业主说：\"已经第二次了\"",
	"\n业主留言：周末在家",
	"，联系电话13912345678",
	"，备用电话 138-0013-8000",
	"，身份证号11010519491231002X已登记",
	"——急！",
	"，约定时间：１８：００以后",
	", 费用约120元,已告知业主",
};

enum channel { CH_PHONE, CH_VISIT, CH_APP };
static const char *const channel_text[] = { "电话", "上门", "APP" };

static const char *const attempt_words[] = { "未接通", "无人接听", "拒访",
					     "空号",   "关机",     "停机" };

static const char *const remarks_good[] = {
	"业主对处理结果满意", "业主表示处理及时，感谢管家", "无意见",
	"业主说：\"师傅很专业\"", "已确认修好，业主认可",
	"OK, 业主满意",
};
static const char *const remarks_neutral[] = {
	"业主认为处理速度一般", "业主表示还行，希望下次快一点",
};
static const char *const remarks_bad[] = {
	"业主反映问题未彻底解决，已转工程部整改",
	"业主不满意：维修后仍有渗水，要求再次上门\n已登记整改",
	"业主投诉师傅迟到2小时，已致歉",
};
static const char *const remarks_second[] = {
	"整改完成后回访，业主认可", "复查已修好", "业主表示问题已解决，谢谢",
};
static const char *const remarks_attempt[] = {
	"电话无人接听，稍后再联系", "", "业主在外地，约下周再回访",
};
static const char *const unrated_texts[] = { "未评价", "业主未表态",
					     "不清楚" };

struct person_set {
	const char **names;
	size_t n;
};

struct center {
	const char *name;
	struct person_set butlers, technicians, clerks;
	const char *head;        /* 相关部门负责人 */
	unsigned weight;         /* share of the tickets */
	unsigned unit_style;
	bool *weak;              /* butlers who call back less */
};

struct world {
	struct arena arena;
	struct center centers[NCENTERS];
	unsigned center_weight[NCENTERS];
};

/* An owner's name (with titles and the odd non-BMP character) or a
 * staff member's. */
static void add_name(struct rng *r, struct buf *b, bool owner)
{
	unsigned roll = below(r, 10000);

	if (roll < 120)
		buf_adds(b, compound_surnames[below(r,
				ARRAY_SIZE(compound_surnames))]);
	else if (roll < 135 && owner)
		buf_adds(b, NON_BMP_CHAR);
	else
		buf_adds(b, surnames[(below(r, ARRAY_SIZE(surnames)) *
				      below(r, ARRAY_SIZE(surnames))) /
				     ARRAY_SIZE(surnames)]);
	if (owner && chance(r, 900)) {
		buf_adds(b, chance(r, 5000) ? "先生" : "女士");
		return;
	}
	if (chance(r, 300))
		buf_adds(b, rare_chars[below(r, ARRAY_SIZE(rare_chars))]);
	else
		buf_adds(b, given_chars[below(r, ARRAY_SIZE(given_chars))]);
	if (chance(r, 6000)) {
		if (chance(r, 200) && owner)
			buf_adds(b, NON_BMP_CHAR);
		else if (chance(r, 300))
			buf_adds(b, rare_chars[below(r,
					ARRAY_SIZE(rare_chars))]);
		else
			buf_adds(b, given_chars[below(r,
					ARRAY_SIZE(given_chars))]);
	}
}

/* n distinct staff names, none of them in avoid. */
static void staff(struct rng *r, struct arena *a, struct person_set *p,
		  size_t n, const struct person_set *avoid)
{
	struct buf b = BUF_INIT;
	size_t i, j;

	p->names = arena_alloc(a, n * sizeof(*p->names));
	p->n = 0;
	while (p->n < n) {
		bool taken = false;

		buf_reset(&b);
		add_name(r, &b, false);
		for (i = 0; i < p->n && !taken; i++)
			taken = !strcmp(p->names[i], b.s);
		for (j = 0; avoid && j < avoid->n && !taken; j++)
			taken = !strcmp(avoid->names[j], b.s);
		if (!taken)
			p->names[p->n++] = arena_strdup(a, b.s);
	}
	buf_release(&b);
}

static void world_init(struct world *w, uint64_t seed)
{
	struct rng r;
	size_t c, i;

	memset(w, 0, sizeof(*w));
	arena_init(&w->arena);
	rng_seed(&r, seed, 1);
	for (c = 0; c < NCENTERS; c++) {
		struct center *ce = &w->centers[c];
		struct person_set head;

		ce->name = center_names[c];
		staff(&r, &w->arena, &ce->butlers, 8 + below(&r, 5), NULL);
		staff(&r, &w->arena, &ce->technicians, 4 + below(&r, 3),
		      &ce->butlers);
		staff(&r, &w->arena, &ce->clerks, 2, &ce->butlers);
		staff(&r, &w->arena, &head, 1, &ce->butlers);
		ce->head = head.names[0];
		ce->weight = 5 + below(&r, 11);
		ce->unit_style = below(&r, 4);
		ce->weak = arena_alloc(&w->arena,
				       ce->butlers.n * sizeof(*ce->weak));
		for (i = 0; i < ce->butlers.n; i++)
			ce->weak[i] = chance(&r, 1500);
		w->center_weight[c] = ce->weight;
	}
}

/* ---- tickets ------------------------------------------------------- */

enum event_kind { EV_CALLBACK, EV_ATTEMPT };

struct cb_event {
	int64_t at;
	const char *recorder;
	const char *remark;
	uint8_t kind;            /* enum event_kind */
	uint8_t channel;
	uint8_t sat;             /* enum satisfaction, 0: none */
	uint8_t sat_style;       /* 0 label, 1 alias, 2 star, 3 wide star,
				  * 4 unrated text, 5 empty */
	uint8_t attempt_word;
	uint8_t attempt_in_sat;  /* the attempt word is in 满意度 */
	uint8_t round;
};

enum cb_mode { MODE_BOTH, MODE_INLINE, MODE_EXPORT };

struct gen_ticket {
	uint64_t serial;         /* across the whole run */
	char id[24];
	uint16_t center, butler, handler_tech;
	bool no_butler, self_callback, handler_is_staff;
	int8_t type;
	uint8_t subtype;         /* index; 0xFF empty, 0xFE unknown text */
	uint8_t unknown_subtype;
	uint8_t type_alias;      /* 0 canonical, 1-3 alias */
	uint8_t issue, suffix;   /* suffix 0xFF: none */
	uint8_t mode;            /* enum cb_mode */
	uint8_t cancel_word;
	bool cancelled, stuck, weak, burst;
	bool special_timing;     /* too fast or before completion */
	const char *owner, *phone, *unit;
	int64_t created, completed, cancelled_at, rectified;
	int64_t first_at;        /* planned first callback, TIME_NONE: none */
	uint8_t first_sat;
	struct cb_event ev[MAX_EVENTS];
	uint8_t nev;
};

struct batch {
	struct arena arena;
	struct gen_ticket *t;
	size_t n;
	int64_t week_start;
};

static const char *gen_phone(struct rng *r, struct arena *a)
{
	static const char *const mobile_heads[] = { "13", "15", "17", "18",
						    "19" };
	char s[32];
	unsigned roll = below(r, 10000);
	uint64_t d = rng_next(r);

	if (roll < 200)
		return "";
	if (roll < 700) {
		snprintf(s, sizeof(s), "0755-8%07u",
			 (unsigned)(d % 10000000u));
		return arena_strdup(a, s);
	}
	snprintf(s, sizeof(s), "%s%u%08u", mobile_heads[d % 5],
		 (unsigned)((d >> 8) % 10), (unsigned)((d >> 16) % 100000000u));
	if (roll < 800) {
		char spaced[40];

		snprintf(spaced, sizeof(spaced), "%.3s %.4s %.4s", s, s + 3,
			 s + 7);
		return arena_strdup(a, spaced);
	}
	if (roll < 880) {
		char cc[40];

		snprintf(cc, sizeof(cc), "+86 %s", s);
		return arena_strdup(a, cc);
	}
	return arena_strdup(a, s);
}

static const char *gen_unit(struct rng *r, struct arena *a, unsigned style)
{
	char s[64];
	unsigned building = 1 + below(r, 28), unit = 1 + below(r, 4);
	unsigned floor = 1 + below(r, 32), room = 1 + below(r, 4);

	switch (style) {
	case 0:
		snprintf(s, sizeof(s), "%u栋%u单元%u%02u", building, unit,
			 floor, room);
		break;
	case 1:
		snprintf(s, sizeof(s), "%u-%u-%u%02u", building, unit, floor,
			 room);
		break;
	case 2:
		snprintf(s, sizeof(s), "%c座%u%02u室", 'A' + (int)(building % 6),
			 floor, room);
		break;
	default:
		snprintf(s, sizeof(s), "%u号楼%u门%u%02u", building, unit, floor,
			 room);
		break;
	}
	return arena_strdup(a, s);
}

/* A duration in seconds from a table of (weight, lo, hi). */
struct span {
	unsigned weight;
	int64_t lo, hi;
};

static int64_t draw_span(struct rng *r, const struct span *s, size_t n)
{
	unsigned w[8];
	size_t i, k;

	for (i = 0; i < n; i++)
		w[i] = s[i].weight;
	k = weighted(r, w, n);
	return range(r, s[k].lo, s[k].hi);
}

static const struct span work_span[TYPE_COUNT][4] = {
	{ { 40, 30 * 60, 4 * HOUR }, { 35, 4 * HOUR, DAY },
	  { 20, DAY, 3 * DAY }, { 5, 3 * DAY, 10 * DAY } },
	{ { 30, 2 * HOUR, DAY }, { 45, DAY, 3 * DAY },
	  { 25, 3 * DAY, 10 * DAY }, { 0, 0, 0 } },
	{ { 40, HOUR, 8 * HOUR }, { 40, 8 * HOUR, 2 * DAY },
	  { 20, 2 * DAY, 7 * DAY }, { 0, 0, 0 } },
};

/* Moves a time at night to the next morning's working hours. */
static int64_t working_hours(struct rng *r, int64_t t)
{
	struct civil c;

	chtime_civil(t, &c);
	if (c.hour >= 8 && c.hour < 21)
		return t;
	if (c.hour >= 21)
		t += DAY;
	chtime_civil(t, &c);
	return chtime_make(c.year, c.month, c.day, 9, 0, 0) +
	       range(r, 0, 2 * HOUR);
}

/* The hour-of-day weights of ticket creation, 0-23. */
static const unsigned hour_weight[24] = { 1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 15,
					  13, 10, 11, 13, 13, 12, 12, 12, 11,
					  10, 7, 4, 2 };

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static uint8_t draw_satisfaction(struct rng *r)
{
	static const unsigned w[5] = { 3, 7, 12, 33, 45 }; /* 1 ... 5 */

	return (uint8_t)(1 + weighted(r, w, 5));
}

static uint8_t sat_style(struct rng *r, uint8_t channel)
{
	unsigned roll = below(r, 1000);

	if (channel == CH_APP)
		return roll < 900 ? 2 : 3;
	if (roll < 900)
		return 0;
	if (roll < 965)
		return 1;
	if (roll < 985)
		return 4;
	return 5;
}

static uint8_t draw_channel(struct rng *r)
{
	static const unsigned w[3] = { 78, 8, 14 };

	return (uint8_t)weighted(r, w, 3);
}

static const char *recorder_of(const struct world *w,
			       const struct gen_ticket *t, struct rng *r)
{
	const struct center *c = &w->centers[t->center];

	if (t->type == TYPE_COMPLAINT &&
	    t->subtype == ARRAY_SIZE(complaint_sub) - 1)
		return c->head;
	if (t->no_butler)
		return c->clerks.names[below(r, (uint32_t)c->clerks.n)];
	return c->butlers.names[t->butler];
}

/* Phase 1: everything but the events that follow the first callback. */
static void draw_ticket(const struct world *w, struct rng *r,
			struct arena *a, int64_t created,
			struct gen_ticket *t)
{
	static const unsigned type_w[TYPE_COUNT] = { 70, 20, 10 };
	const struct center *ce;
	const struct subtype *st;
	struct buf name = BUF_INIT;
	unsigned sub_w[16];
	size_t i;
	unsigned roll;

	memset(t, 0, sizeof(*t));
	t->created = created;
	t->completed = t->cancelled_at = t->rectified = TIME_NONE;
	t->first_at = TIME_NONE;
	t->center = (uint16_t)weighted(r, w->center_weight, NCENTERS);
	ce = &w->centers[t->center];
	t->type = (int8_t)weighted(r, type_w, TYPE_COUNT);
	st = subtypes[t->type].list;
	for (i = 0; i < subtypes[t->type].n; i++)
		sub_w[i] = st[i].weight;
	t->subtype = (uint8_t)weighted(r, sub_w, subtypes[t->type].n);
	t->issue = (uint8_t)below(r, st[t->subtype].issues[2] ? 3 : 2);
	t->suffix = chance(r, 2500) ? (uint8_t)below(r, ARRAY_SIZE(issue_suffix))
				    : 0xFF;
	roll = below(r, 10000);
	if (roll < 100) {
		t->unknown_subtype = 0xFF;      /* empty: 未分类 */
	} else if (roll < 150) {
		t->unknown_subtype = (uint8_t)(1 + below(r,
					ARRAY_SIZE(unknown_subtypes)));
	}
	t->type_alias = chance(r, 400) ? (uint8_t)(1 + below(r, 3)) : 0;
	t->butler = (uint16_t)below(r, (uint32_t)ce->butlers.n);
	t->weak = ce->weak[t->butler];
	t->no_butler = chance(r, 120);
	t->handler_tech = (uint16_t)below(r, (uint32_t)ce->technicians.n);
	/* Complaints are handled by the office, often nobody is named. */
	t->handler_is_staff = t->type == TYPE_COMPLAINT && chance(r, 6000);
	t->self_callback = !t->no_butler && chance(r, 150);
	t->mode = (uint8_t)weighted(r, (const unsigned[]){ 55, 30, 15 }, 3);
	add_name(r, &name, true);
	t->owner = arena_strdup(a, name.s);
	buf_release(&name);
	t->phone = gen_phone(r, a);
	t->unit = gen_unit(r, a, ce->unit_style);

	/* Status: a few cancelled, a few stuck, the rest completed. */
	roll = below(r, 10000);
	if (roll < 300) {
		t->cancelled = true;
		t->cancel_word = (uint8_t)weighted(r,
				(const unsigned[]){ 60, 25, 15 }, 3);
		t->cancelled_at = created + range(r, 10 * 60, 2 * DAY);
		if (chance(r, 1000))
			t->completed = created + range(r, HOUR, DAY);
		if (t->completed != TIME_NONE &&
		    t->cancelled_at < t->completed)
			t->cancelled_at = t->completed + range(r, HOUR, DAY);
		return;
	}
	if (roll < 500) {
		t->stuck = true;
		/* A progress call on a ticket that never completes. */
		if (chance(r, 6000))
			t->first_at = working_hours(r,
				created + range(r, 2 * HOUR, 3 * DAY));
		t->first_sat = draw_satisfaction(r);
		return;
	}
	t->completed = created + draw_span(r, work_span[t->type],
					   ARRAY_SIZE(work_span[t->type]));
	/* Most work is finished in the daytime; emergencies are not. */
	if (chance(r, 8500))
		t->completed = working_hours(r, t->completed);
	{
		/* Coverage per type close to 90/100/100, weaker butlers less. */
		static const unsigned normal[TYPE_COUNT] = { 9600, 9900, 9950 };
		static const unsigned weak[TYPE_COUNT] = { 7600, 9000, 9200 };
		static const struct span delay[] = {
			{ 680, 10 * 60, DAY },
			{ 200, DAY, 2 * DAY },
			{ 108, 2 * DAY, 7 * DAY },
		};

		if (!chance(r, t->weak ? weak[t->type] : normal[t->type]))
			return;
		roll = below(r, 1000);
		if (roll < 12) {
			t->first_at = t->completed + range(r, 5, 59);
			t->special_timing = true;
		} else if (roll < 17) {
			t->first_at = t->completed - range(r, 10 * 60,
							   36 * HOUR);
			t->special_timing = true;
		} else {
			t->first_at = working_hours(r, t->completed +
				draw_span(r, delay, ARRAY_SIZE(delay)));
		}
		t->first_sat = draw_satisfaction(r);
	}
}

static void add_event(struct gen_ticket *t, const struct cb_event *e)
{
	if (t->nev < MAX_EVENTS)
		t->ev[t->nev++] = *e;
}

static void attempt_event(struct rng *r, struct gen_ticket *t, int64_t at,
			  const char *recorder, uint8_t round)
{
	struct cb_event e;

	memset(&e, 0, sizeof(e));
	e.at = at;
	e.kind = EV_ATTEMPT;
	e.recorder = recorder;
	e.channel = CH_PHONE;
	e.attempt_word = (uint8_t)weighted(r,
			(const unsigned[]){ 40, 30, 8, 6, 10, 6 }, 6);
	e.attempt_in_sat = chance(r, 800);
	e.remark = remarks_attempt[below(r, ARRAY_SIZE(remarks_attempt))];
	e.round = round;
	add_event(t, &e);
}

static const char *remark_for(struct rng *r, uint8_t sat)
{
	if (sat >= SAT_SATISFIED || sat == SAT_NONE)
		return remarks_good[below(r, ARRAY_SIZE(remarks_good))];
	if (sat == SAT_NEUTRAL)
		return remarks_neutral[below(r, ARRAY_SIZE(remarks_neutral))];
	return remarks_bad[below(r, ARRAY_SIZE(remarks_bad))];
}

/* Phase 3: attempts, the first callback, the loop and second callback. */
static void draw_events(const struct world *w, struct rng *r,
			struct gen_ticket *t)
{
	const char *recorder = recorder_of(w, t, r);
	struct cb_event e;
	int64_t from;
	int i, n;

	if (t->cancelled)
		return;
	from = t->completed != TIME_NONE ? t->completed : t->created;
	if (t->first_at == TIME_NONE) {
		/* Owed; some of these owners were tried and not reached. */
		if (t->completed != TIME_NONE && chance(r, 4000)) {
			n = 1 + (int)below(r, 3);
			for (i = 0; i < n; i++)
				attempt_event(r, t, working_hours(r, from +
					range(r, 2 * HOUR, 3 * DAY) * (i + 1)),
					recorder, 1);
		}
		return;
	}
	if (!t->special_timing && t->first_at - from > 4 * HOUR) {
		unsigned roll = below(r, 100);

		n = roll < 15 ? 1 : roll < 20 ? 2 : 0;
		for (i = 0; i < n; i++) {
			int64_t at = from + (t->first_at - from) * (i + 1) /
					    (n + 1);
			int64_t day = working_hours(r, at);

			/* Nobody calls at night, unless the callback is
			 * due before morning. */
			attempt_event(r, t, day < t->first_at ? day : at,
				      recorder, 1);
		}
	}
	memset(&e, 0, sizeof(e));
	e.at = t->first_at;
	e.kind = EV_CALLBACK;
	e.recorder = recorder;
	e.channel = draw_channel(r);
	e.sat = t->first_sat;
	e.sat_style = sat_style(r, e.channel);
	e.remark = remark_for(r, e.sat);
	e.round = 1;
	add_event(t, &e);
	if (t->stuck)
		return;
	if (t->first_sat <= SAT_DISSATISFIED ? chance(r, 7000)
					     : chance(r, 100)) {
		static const unsigned w2[5] = { 2, 4, 12, 70, 12 };

		if (t->first_sat <= SAT_DISSATISFIED)
			t->rectified = working_hours(r, t->first_at +
					range(r, 4 * HOUR, 4 * DAY));
		memset(&e, 0, sizeof(e));
		e.at = working_hours(r, (t->rectified != TIME_NONE
					 ? t->rectified : t->first_at) +
				     range(r, HOUR, 2 * DAY));
		e.kind = EV_CALLBACK;
		e.recorder = recorder;
		e.channel = draw_channel(r);
		e.sat = (uint8_t)(1 + weighted(r, w2, 5));
		e.sat_style = sat_style(r, e.channel);
		e.remark = remarks_second[below(r, ARRAY_SIZE(remarks_second))];
		e.round = 2;
		add_event(t, &e);
	}
}

/* Phase 2: a group of 3-4 consecutive tickets whose callbacks one butler
 * records within one minute. Returns whether the group was made. */
static bool make_burst(struct rng *r, struct gen_ticket *t, size_t n)
{
	int64_t latest = TIME_NONE, minute;
	size_t i;
	int64_t secs[4];

	for (i = 0; i < n; i++)
		if (t[i].first_at == TIME_NONE || t[i].special_timing ||
		    t[i].stuck || t[i].no_butler || t[i].burst ||
		    (t[i].type == TYPE_COMPLAINT &&
		     t[i].subtype == ARRAY_SIZE(complaint_sub) - 1))
			return false;
	for (i = 0; i < n; i++) {
		t[i].center = t[0].center;
		t[i].butler = t[0].butler;
		t[i].weak = t[0].weak;
		t[i].burst = true;
		/* Bursts are batch entries in the callback module. */
		t[i].mode = MODE_BOTH;
		if (t[i].completed > latest)
			latest = t[i].completed;
	}
	minute = working_hours(r, latest + range(r, 30 * 60, 20 * HOUR));
	minute -= ((minute % 60) + 60) % 60;
	for (i = 0; i < n; i++)
		secs[i] = range(r, 0, 59);
	qsort(secs, n, sizeof(secs[0]), cmp_int64);
	for (i = 0; i < n; i++)
		t[i].first_at = minute + secs[i];
	return true;
}

/* Draws the batch of tickets created in [start, end). */
static void draw_batch(const struct world *w, struct rng *r,
		       struct batch *b, int64_t start, int64_t end, size_t n,
		       uint64_t *serial, size_t *bursts, uint32_t *day_seq,
		       int64_t *seq_day)
{
	int64_t *created = xcalloc(n ? n : 1, sizeof(*created));
	size_t i, groups;

	arena_init(&b->arena);
	b->t = xcalloc(n ? n : 1, sizeof(*b->t));
	b->n = n;
	b->week_start = start;
	for (i = 0; i < n; i++) {
		int64_t t;

		do {
			int64_t day = range(r, 0, 6);
			int64_t hour = (int64_t)weighted(r, hour_weight, 24);

			t = start + day * DAY + hour * HOUR + range(r, 0, 3599);
		} while (t >= end);
		created[i] = t;
	}
	qsort(created, n, sizeof(*created), cmp_int64);
	/* Drawn in creation order, so ticket numbers grow with it. */
	for (i = 0; i < n; i++) {
		draw_ticket(w, r, &b->arena, created[i], &b->t[i]);
		b->t[i].serial = (*serial)++;
	}
	/* Ticket numbers: type prefix, creation date, sequence of the day. */
	for (i = 0; i < n; i++) {
		struct gen_ticket *t = &b->t[i];
		struct civil c;
		int64_t day;

		chtime_civil(t->created, &c);
		day = days_from_civil(c.year, c.month, c.day);
		if (day != seq_day[t->type]) {
			seq_day[t->type] = day;
			day_seq[t->type] = 0;
		}
		snprintf(t->id, sizeof(t->id), "%s%04d%02d%02d%05u",
			 id_prefix[t->type], c.year, c.month, c.day,
			 (unsigned)++day_seq[t->type]);
	}
	groups = n / 100 ? n / 100 : 1;
	for (i = 0; i < groups && n >= 4; i++) {
		size_t size = 3 + below(r, 2);
		size_t at = below(r, (uint32_t)(n - size + 1));

		if (make_burst(r, &b->t[at], size))
			(*bursts)++;
	}
	for (i = 0; i < n; i++)
		draw_events(w, r, &b->t[i]);
	free(created);
}

static void batch_release(struct batch *b)
{
	arena_release(&b->arena);
	free(b->t);
	memset(b, 0, sizeof(*b));
}

/* ---- writing --------------------------------------------------------- */

enum ticket_col {
	TC_ID, TC_CENTER, TC_UNIT, TC_OWNER, TC_PHONE, TC_TYPE, TC_SUBTYPE,
	TC_CONTENT, TC_BUTLER, TC_HANDLER, TC_STATUS, TC_CREATED, TC_COMPLETED,
	TC_UPDATED, TC_CB_TIME, TC_CB_CHANNEL, TC_CB_SAT, TC_CB_RESULT,
	TC_CB_RECORDER, TC_CB_REMARK, TC_RECTIFIED, TC_CB2_TIME, TC_CB2_SAT,
	TC_COUNT
};

static const char *const ticket_header[TC_COUNT] = {
	"工单编号", "服务中心", "楼栋房号", "业主姓名", "联系电话", "工单类型",
	"工单子类", "内容",     "责任人",   "处理人",   "工单状态", "创建时间",
	"完成时间", "更新时间", "回访时间", "回访方式", "满意度",   "回访结果",
	"回访人",   "回访备注", "整改完成时间", "二次回访时间", "二次满意度",
};

enum callback_col {
	KC_ID, KC_ROUND, KC_TIME, KC_CHANNEL, KC_SAT, KC_RESULT, KC_RECORDER,
	KC_REMARK, KC_COUNT
};

static const char *const callback_header[KC_COUNT] = {
	"工单编号", "回访轮次", "回访时间", "回访方式", "满意度", "回访结果",
	"回访人",   "回访备注",
};

#define MAX_COLS TC_COUNT

/* The fields of one row: texts in one buffer, by offset. */
struct row {
	struct buf text;
	size_t off[MAX_COLS], len[MAX_COLS];
	size_t n;
};

static void row_reset(struct row *w)
{
	buf_reset(&w->text);
	w->n = 0;
}

static void row_begin(struct row *w)
{
	w->off[w->n] = w->text.len;
}

static void row_end(struct row *w)
{
	w->len[w->n] = w->text.len - w->off[w->n];
	w->n++;
}

static void row_adds(struct row *w, const char *s)
{
	row_begin(w);
	buf_adds(&w->text, s);
	row_end(w);
}

enum time_style { TS_DASH, TS_SLASH, TS_EXCEL, TS_WIDE, TS_ISO };

static void add2(struct buf *b, int v)
{
	buf_addch(b, '0' + v / 10);
	buf_addch(b, '0' + v % 10);
}

static void add_time_text(struct buf *b, int64_t t, enum time_style style)
{
	struct civil c;
	char text[CHTIME_BUF], *p;

	chtime_civil(t, &c);
	switch (style) {
	case TS_EXCEL: {
		int64_t local = t + CHINA_OFFSET;
		int64_t days = local / DAY, sec = local % DAY;
		/* Ten decimals pin the second: 1e-10 day is 8.64 us. */
		int64_t frac = (sec * 10000000000ll + DAY / 2) / DAY;

		buf_addf(b, "%lld.%010lld", (long long)(days + 25569),
			 (long long)frac);
		return;
	}
	case TS_SLASH:
		buf_addf(b, "%d/%d/%d", c.year, c.month, c.day);
		buf_addch(b, ' ');
		buf_addf(b, "%d:", c.hour);
		add2(b, c.minute);
		buf_addch(b, ':');
		add2(b, c.second);
		return;
	default:
		break;
	}
	if (style == TS_ISO)
		chtime_format_iso(t, text);
	else
		chtime_format(t, text);
	if (style != TS_WIDE) {
		buf_adds(b, text);
		return;
	}
	/* Full-width digits and punctuation, as some forms save them. */
	for (p = text; *p; p++) {
		unsigned cp = *p == ' ' ? 0x3000
					: 0xFF00u + (unsigned char)*p - 0x20;

		buf_addch(b, (char)(0xE0 | (cp >> 12)));
		buf_addch(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		buf_addch(b, (char)(0x80 | (cp & 0x3F)));
	}
}

static void row_time(struct row *w, int64_t t, enum time_style style)
{
	row_begin(w);
	if (t != TIME_NONE)
		add_time_text(&w->text, t, style);
	row_end(w);
}

static void add_satisfaction(struct buf *b, const struct cb_event *e)
{
	static const char *const alias[6] = { "", "非常不满意", "不满意",
					      "一般", "较满意", "很满意" };

	if (e->kind == EV_ATTEMPT) {
		if (e->attempt_in_sat)
			buf_adds(b, attempt_words[e->attempt_word]);
		return;
	}
	switch (e->sat_style) {
	case 0:
		buf_adds(b, satisfaction_name[e->sat]);
		break;
	case 1:
		buf_adds(b, alias[e->sat]);
		break;
	case 2:
		buf_addch(b, '0' + e->sat);
		break;
	case 3:
		/* A full-width star digit, U+FF11-U+FF15. */
		buf_add(b, "\xEF\xBC", 2);
		buf_addch(b, (char)(0x90 + e->sat));
		break;
	case 4:
		buf_adds(b, unrated_texts[e->sat % ARRAY_SIZE(unrated_texts)]);
		break;
	default:
		break;
	}
}

static void add_result(struct buf *b, const struct cb_event *e)
{
	if (e->kind == EV_ATTEMPT) {
		if (!e->attempt_in_sat)
			buf_adds(b, attempt_words[e->attempt_word]);
		return;
	}
	buf_adds(b, e->round == 1 ? "已回访" : "已复访");
}

/* Everything the writer needs across weeks. */
struct writer {
	const struct gen_opts *o;
	const struct world *w;
	struct gen_stats *st;
	struct rng bad;              /* the bad-row stream */
	uint64_t bad_threshold;      /* per good row, in 2^32 units */
	unsigned bad_turn[2];        /* next reject kind, per file kind */
	iconv_t cd;                  /* UTF-8 -> GB18030, or (iconv_t)-1 */
	struct row row;
	struct buf line, conv;
	struct buf *err;
};

static int to_gb18030(struct writer *wr, const char *s, size_t len,
		      struct buf *out)
{
	char *in = (char *)s;
	size_t inleft = len;

	buf_grow(out, len * 2 + 8);
	while (inleft) {
		char *o = out->s + out->len;
		size_t oleft = out->cap - out->len - 1;
		size_t before = oleft;

		if (iconv(wr->cd, &in, &inleft, &o, &oleft) == (size_t)-1 &&
		    errno != E2BIG) {
			buf_addf(wr->err, "cannot convert to GB18030: %s",
				 strerror(errno));
			return -1;
		}
		buf_setlen(out, out->len + (before - oleft));
		if (inleft)
			buf_grow(out, inleft * 2 + 8);
	}
	return 0;
}

/*
 * Assembles fields into wr->line as one CSV record; skip is a field to
 * leave out (or -1), bad_field a field to prefix with the byte 0xFF (or
 * -1), extra a field to append (or NULL).
 */
static int assemble(struct writer *wr, const struct row *w, int skip,
		    int bad_field, const char *extra)
{
	size_t i;
	bool first = true;

	buf_reset(&wr->line);
	for (i = 0; i < w->n; i++) {
		const char *s = w->text.s + w->off[i];
		size_t len = w->len[i];

		if ((int)i == skip)
			continue;
		if (!first)
			buf_addch(&wr->line, ',');
		first = false;
		if (wr->o->encoding == GEN_GB18030) {
			buf_reset(&wr->conv);
			if (to_gb18030(wr, s, len, &wr->conv) < 0)
				return -1;
			s = wr->conv.s;
			len = wr->conv.len;
		}
		if ((int)i == bad_field) {
			/* 0xFF starts no character in UTF-8 nor GB18030. */
			struct buf tmp = BUF_INIT;

			buf_addch(&tmp, (char)0xFF);
			buf_add(&tmp, s, len);
			csv_add_plain_field(&wr->line, tmp.s, tmp.len);
			buf_release(&tmp);
		} else {
			csv_add_plain_field(&wr->line, s, len);
		}
	}
	if (extra) {
		buf_addch(&wr->line, ',');
		csv_add_plain_field(&wr->line, extra, strlen(extra));
	}
	buf_adds(&wr->line, wr->o->crlf ? "\r\n" : "\n");
	return 0;
}

static int emit(struct writer *wr, struct outfile *of)
{
	if (outfile_write(of, wr->line.s, wr->line.len) < 0) {
		buf_addf(wr->err, "%s: %s", of->path, strerror(errno));
		return -1;
	}
	wr->st->bytes += wr->line.len;
	return 0;
}

static int write_header(struct writer *wr, struct outfile *of,
			const char *const *names, size_t n)
{
	size_t i;

	row_reset(&wr->row);
	for (i = 0; i < n; i++)
		row_adds(&wr->row, names[i]);
	buf_reset(&wr->line);
	if (wr->o->bom && wr->o->encoding == GEN_UTF8) {
		if (outfile_write(of, "\xEF\xBB\xBF", 3) < 0) {
			buf_addf(wr->err, "%s: %s", of->path, strerror(errno));
			return -1;
		}
		wr->st->bytes += 3;
	}
	if (assemble(wr, &wr->row, -1, -1, NULL) < 0)
		return -1;
	return emit(wr, of);
}

/*
 * After a good row: maybe a bad copy of it, of the next reject kind in
 * turn. is_callbacks selects the callback export's kinds.
 */
static int maybe_bad_row(struct writer *wr, struct outfile *of,
			 bool is_callbacks, size_t *rows)
{
	static const uint8_t ticket_kinds[] = {
		REJECT_FIELD_COUNT, REJECT_BAD_ENCODING,
		REJECT_MISSING_TICKET_ID, REJECT_UNKNOWN_TYPE,
		REJECT_BAD_TIMESTAMP,
	};
	static const uint8_t callback_kinds[] = {
		REJECT_FIELD_COUNT, REJECT_BAD_ENCODING,
		REJECT_MISSING_TICKET_ID, REJECT_NO_CALLBACK_TIME,
		REJECT_BAD_TIMESTAMP,
	};
	static const char *const bad_times[] = {
		"2026-11-31 10:00:00", "2026-02-29", "2026-11-20 25:10",
		"昨天下午", "20261120",
	};
	static const char *const bad_ids[] = { "", "  ", "\xE3\x80\x80" };
	static const char *const bad_types[] = { "咨询类", "", "其他" };
	struct row bad;
	unsigned turn;
	uint8_t kind;
	int skip = -1, bad_field = -1, ret;
	const char *extra = NULL;
	size_t col;

	if (!wr->bad_threshold ||
	    (rng_next(&wr->bad) >> 32) >= wr->bad_threshold)
		return 0;
	turn = wr->bad_turn[is_callbacks]++;
	kind = is_callbacks ? callback_kinds[turn % 5] : ticket_kinds[turn % 5];
	memset(&bad, 0, sizeof(bad));
	buf_init(&bad.text);
	/* Copy the good row, then spoil one thing. */
	for (col = 0; col < wr->row.n; col++) {
		row_begin(&bad);
		buf_add(&bad.text, wr->row.text.s + wr->row.off[col],
			wr->row.len[col]);
		row_end(&bad);
	}
#define REPLACE(c, s)                                               \
	do {                                                        \
		bad.off[c] = bad.text.len;                          \
		buf_adds(&bad.text, s);                             \
		bad.len[c] = bad.text.len - bad.off[c];             \
	} while (0)
	switch (kind) {
	case REJECT_FIELD_COUNT:
		if (turn / 5 % 2)
			extra = "多余的一列";
		else
			skip = (int)bad.n - 1;
		break;
	case REJECT_BAD_ENCODING:
		bad_field = is_callbacks ? KC_REMARK : TC_CONTENT;
		break;
	case REJECT_MISSING_TICKET_ID:
		REPLACE(0, bad_ids[turn / 5 % ARRAY_SIZE(bad_ids)]);
		break;
	case REJECT_UNKNOWN_TYPE:
		REPLACE(TC_TYPE, bad_types[turn / 5 % ARRAY_SIZE(bad_types)]);
		break;
	case REJECT_NO_CALLBACK_TIME:
		REPLACE(KC_TIME, "");
		break;
	default:
		REPLACE(is_callbacks ? KC_TIME : TC_CREATED,
			bad_times[turn / 5 % ARRAY_SIZE(bad_times)]);
		break;
	}
#undef REPLACE
	ret = assemble(wr, &bad, skip, bad_field, extra);
	buf_release(&bad.text);
	if (ret < 0 || emit(wr, of) < 0)
		return -1;
	wr->st->bad_rows[kind]++;
	(*rows)++;
	return 0;
}

/* The week's layout of a timestamp value: mostly one style per file. */
static enum time_style value_style(const struct writer *wr, int file_style,
				   uint64_t serial, int col, int64_t week)
{
	uint64_t h = mix(wr->o->seed ^ (uint64_t)week,
			 serial * 64 + (uint64_t)col) % 10000;

	if (h < 30)
		return TS_EXCEL;
	if (h < 50)
		return TS_WIDE;
	if (h < 70)
		return TS_ISO;
	return (enum time_style)file_style;
}

static const char *const cancel_words[] = { "已取消", "作废", "取消" };

/* The ticket's row in its state at instant s. */
static void ticket_row(struct writer *wr, const struct gen_ticket *t,
		       int64_t s, int file_style, int64_t week)
{
	const struct center *ce = &wr->w->centers[t->center];
	const struct subtype *st = &subtypes[t->type].list[t->subtype];
	struct row *w = &wr->row;
	const struct cb_event *first = NULL, *second = NULL, *last_try = NULL;
	int64_t updated = t->created;
	bool done = t->completed != TIME_NONE && t->completed <= s;
	bool called, closed;
	size_t i;

#define STYLE(col) value_style(wr, file_style, t->serial, col, week)
	for (i = 0; i < t->nev; i++) {
		const struct cb_event *e = &t->ev[i];

		if (e->at > s)
			continue;
		if (e->at > updated)
			updated = e->at;
		if (e->kind == EV_ATTEMPT) {
			if (!first)
				last_try = e;
		} else if (!first) {
			first = e;
		} else if (!second) {
			second = e;
		}
	}
	if (done && t->completed > updated)
		updated = t->completed;
	if (t->cancelled_at != TIME_NONE && t->cancelled_at <= s &&
	    t->cancelled_at > updated)
		updated = t->cancelled_at;
	if (t->rectified != TIME_NONE && t->rectified <= s &&
	    t->rectified > updated)
		updated = t->rectified;
	called = first != NULL;
	closed = second != NULL;
	/* Callbacks kept in the callback module only leave these empty. */
	if (t->mode == MODE_EXPORT)
		first = second = last_try = NULL;
	if (!first)
		first = last_try;

	row_reset(w);
	row_adds(w, t->id);
	row_adds(w, ce->name);
	row_adds(w, t->unit);
	row_adds(w, t->owner);
	row_adds(w, t->phone);
	row_adds(w, t->type_alias ? type_alias[t->type][t->type_alias - 1]
				  : type_text[t->type]);
	if (t->unknown_subtype == 0xFF)
		row_adds(w, "");
	else if (t->unknown_subtype)
		row_adds(w, unknown_subtypes[t->unknown_subtype - 1]);
	else
		row_adds(w, st->name);
	row_begin(w);
	buf_adds(&w->text, st->issues[t->issue]);
	if (t->suffix != 0xFF)
		buf_adds(&w->text, issue_suffix[t->suffix]);
	row_end(w);
	row_adds(w, t->no_butler ? "" : ce->butlers.names[t->butler]);
	if (t->self_callback)
		row_adds(w, ce->butlers.names[t->butler]);
	else if (t->handler_is_staff)
		row_adds(w, (t->serial & 1) ? "" : ce->clerks.names[0]);
	else
		/* Modulo: a burst may have moved the ticket to a centre
		 * with fewer technicians. */
		row_adds(w, ce->technicians.names[t->handler_tech %
						  ce->technicians.n]);
	if (t->cancelled_at != TIME_NONE && t->cancelled_at <= s)
		row_adds(w, cancel_words[t->cancel_word]);
	else if (done && closed)
		row_adds(w, "已关闭");
	else if (done && called)
		row_adds(w, "已回访");
	else if (done)
		row_adds(w, "已完成");
	else if (s - t->created > HOUR)
		row_adds(w, "处理中");
	else
		row_adds(w, "待处理");
	row_time(w, t->created, STYLE(TC_CREATED));
	row_time(w, done ? t->completed : TIME_NONE, STYLE(TC_COMPLETED));
	row_time(w, updated, (enum time_style)file_style);
	if (first) {
		row_time(w, first->at, STYLE(TC_CB_TIME));
		row_adds(w, channel_text[first->channel]);
		row_begin(w);
		add_satisfaction(&w->text, first);
		row_end(w);
		row_begin(w);
		add_result(&w->text, first);
		row_end(w);
		row_adds(w, first->recorder);
		row_adds(w, first->remark);
	} else {
		for (i = 0; i < 6; i++)
			row_adds(w, "");
	}
	row_time(w, t->rectified != TIME_NONE && t->rectified <= s
			    ? t->rectified : TIME_NONE,
		 (enum time_style)file_style);
	if (second) {
		row_time(w, second->at, STYLE(TC_CB2_TIME));
		row_begin(w);
		add_satisfaction(&w->text, second);
		row_end(w);
	} else {
		row_adds(w, "");
		row_adds(w, "");
	}
#undef STYLE
}

static void callback_row(struct writer *wr, const struct gen_ticket *t,
			 const struct cb_event *e)
{
	struct row *w = &wr->row;
	char round[8];

	row_reset(w);
	row_adds(w, t->id);
	snprintf(round, sizeof(round), "%u", (unsigned)e->round);
	row_adds(w, round);
	row_time(w, e->at, TS_DASH);
	row_adds(w, channel_text[e->channel]);
	row_begin(w);
	add_satisfaction(&w->text, e);
	row_end(w);
	row_begin(w);
	add_result(&w->text, e);
	row_end(w);
	row_adds(w, e->recorder);
	row_adds(w, e->remark);
}

static bool in_week(int64_t t, int64_t from, int64_t to)
{
	return t != TIME_NONE && t >= from && t < to;
}

static bool changes_in(const struct gen_ticket *t, int64_t from, int64_t to)
{
	size_t i;

	if (in_week(t->created, from, to) || in_week(t->completed, from, to) ||
	    in_week(t->cancelled_at, from, to) ||
	    in_week(t->rectified, from, to))
		return true;
	for (i = 0; i < t->nev; i++)
		if (in_week(t->ev[i].at, from, to))
			return true;
	return false;
}

struct cb_ref {
	int64_t at;
	uint64_t serial;
	const struct gen_ticket *t;
	const struct cb_event *e;
};

static int cmp_cb_ref(const void *a, const void *b)
{
	const struct cb_ref *x = a, *y = b;

	if (x->at != y->at)
		return (x->at > y->at) - (x->at < y->at);
	if (x->serial != y->serial)
		return (x->serial > y->serial) - (x->serial < y->serial);
	return (x->e > y->e) - (x->e < y->e);
}

/* Writes week k's ticket export and appends its callbacks. */
static int write_week(struct writer *wr, const char *dir,
		      struct batch *window, size_t nwindow, int64_t from,
		      int64_t to, struct iso_week week, int file_style,
		      struct outfile *cbf)
{
	struct outfile of;
	struct buf path = BUF_INIT;
	char wname[16];
	struct cb_ref *refs = NULL;
	size_t nrefs = 0, alloc = 0, b, i, j;
	int ret = -1;

	chtime_format_week(week, wname);
	buf_addf(&path, "%s/tickets-%s.csv", dir, wname);
	if (outfile_open(&of, path.s, wr->err) < 0)
		goto out;
	if (write_header(wr, &of, ticket_header, TC_COUNT) < 0)
		goto fail;
	for (b = 0; b < nwindow; b++)
		for (i = 0; i < window[b].n; i++) {
			const struct gen_ticket *t = &window[b].t[i];

			if (!changes_in(t, from, to))
				continue;
			ticket_row(wr, t, to - 1, file_style, from);
			if (assemble(wr, &wr->row, -1, -1, NULL) < 0 ||
			    emit(wr, &of) < 0)
				goto fail;
			wr->st->ticket_rows++;
			if (maybe_bad_row(wr, &of, false,
					  &wr->st->ticket_rows) < 0)
				goto fail;
			if (t->mode == MODE_INLINE)
				continue;
			for (j = 0; j < t->nev; j++) {
				if (!in_week(t->ev[j].at, from, to))
					continue;
				ALLOC_GROW(refs, nrefs + 1, alloc);
				refs[nrefs].at = t->ev[j].at;
				refs[nrefs].serial = t->serial;
				refs[nrefs].t = t;
				refs[nrefs].e = &t->ev[j];
				nrefs++;
			}
		}
	if (outfile_commit(&of, wr->err) < 0)
		goto out;
	wr->st->files++;
	qsort(refs, nrefs, sizeof(*refs), cmp_cb_ref);
	for (i = 0; i < nrefs; i++) {
		callback_row(wr, refs[i].t, refs[i].e);
		if (assemble(wr, &wr->row, -1, -1, NULL) < 0 ||
		    emit(wr, cbf) < 0)
			goto out;
		wr->st->callback_rows++;
		if (maybe_bad_row(wr, cbf, true, &wr->st->callback_rows) < 0)
			goto out;
	}
	ret = 0;
	goto out;
fail:
	outfile_rollback(&of);
out:
	free(refs);
	buf_release(&path);
	return ret;
}

void gen_opts_init(struct gen_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->weeks = 9;
	o->tickets_per_week = 400;
	o->end_week.year = 2026;
	o->end_week.week = 48;
	o->encoding = GEN_UTF8;
}

uint64_t gen_seed_from_text(const char *text)
{
	uint64_t v = 0, h = 0xCBF29CE484222325ull;
	const char *p;

	for (p = text; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			break;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*text && !*p)
		return v;
	for (p = text; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001B3ull;
	}
	return h;
}

int64_t gen_export_time(struct iso_week end_week)
{
	return chtime_week_start(end_week) + 3 * DAY + 8 * HOUR;
}

int gen_write(const struct gen_opts *o, const char *dir,
	      struct gen_stats *stats, struct buf *err)
{
	struct gen_stats local;
	struct writer wr;
	struct world world;
	struct batch window[WINDOW];
	struct rng r;
	struct outfile cbf;
	struct buf path = BUF_INIT;
	struct iso_week first_week, week;
	int64_t cutoff = gen_export_time(o->end_week);
	uint64_t serial = 0;
	uint32_t day_seq[TYPE_COUNT] = { 0 };
	int64_t seq_day[TYPE_COUNT] = { -1, -1, -1 };
	size_t k, i;
	bool cb_open = false;
	int ret = -1;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	memset(&wr, 0, sizeof(wr));
	memset(window, 0, sizeof(window));
	world_init(&world, o->seed);
	wr.cd = (iconv_t)-1;
	if (o->weeks < 1 || o->weeks > 520 || o->tickets_per_week < 1 ||
	    o->tickets_per_week > 10000000 || o->bad_rows_ppm > 500000) {
		buf_addf(err, "%s: options out of range", dir);
		goto out;
	}
	if (o->encoding == GEN_GB18030) {
		wr.cd = iconv_open("GB18030", "UTF-8");
		if (wr.cd == (iconv_t)-1) {
			buf_addf(err, "%s: no GB18030 converter: %s", dir,
				 strerror(errno));
			goto out;
		}
	}
	if (mkdir_p(dir, err) < 0)
		goto out;
	wr.o = o;
	wr.w = &world;
	wr.st = stats;
	wr.err = err;
	buf_init(&wr.row.text);
	buf_init(&wr.line);
	buf_init(&wr.conv);
	rng_seed(&wr.bad, o->seed, 99);
	/* A bad row after a good one with p = R / (1 - R): R of all rows. */
	wr.bad_threshold = ((uint64_t)o->bad_rows_ppm << 32) /
			   (1000000u - o->bad_rows_ppm);
	rng_seed(&r, o->seed, 2);

	buf_addf(&path, "%s/callbacks.csv", dir);
	if (outfile_open(&cbf, path.s, err) < 0)
		goto out;
	cb_open = true;
	if (write_header(&wr, &cbf, callback_header, KC_COUNT) < 0)
		goto out;

	first_week = chtime_week_add(o->end_week, -(int)(o->weeks - 1));
	for (k = 0; k < o->weeks; k++) {
		struct batch *b = &window[k % WINDOW];
		int64_t from, to, end;
		size_t n, nwin = k + 1 < WINDOW ? k + 1 : WINDOW;
		struct batch ordered[WINDOW];

		week = chtime_week_add(first_week, (int)k);
		from = chtime_week_start(week);
		to = from + SECONDS_PER_WEEK;
		end = to < cutoff ? to : cutoff;
		n = o->tickets_per_week;
		if (end < to)
			n = (size_t)((uint64_t)n * (uint64_t)(end - from) /
				     SECONDS_PER_WEEK);
		if (b->t)
			batch_release(b);
		draw_batch(&world, &r, b, from, end, n, &serial,
			   &stats->bursts, day_seq, seq_day);
		stats->tickets += n;
		for (i = 0; i < n; i++)
			stats->by_type[b->t[i].type]++;
		/* Oldest batch first, so rows follow ticket numbers. */
		for (i = 0; i < nwin; i++)
			ordered[i] = window[(k + 1 + WINDOW - nwin + i) % WINDOW];
		if (write_week(&wr, dir, ordered, nwin, from, end, week,
			       (k % 5 == 3) ? TS_SLASH : TS_DASH, &cbf) < 0)
			goto out;
	}
	cb_open = false;
	if (outfile_commit(&cbf, err) < 0)
		goto out;
	stats->files++;
	ret = 0;
out:
	if (cb_open)
		outfile_rollback(&cbf);
	for (k = 0; k < WINDOW; k++)
		if (window[k].t)
			batch_release(&window[k]);
	if (wr.cd != (iconv_t)-1)
		iconv_close(wr.cd);
	buf_release(&wr.row.text);
	buf_release(&wr.line);
	buf_release(&wr.conv);
	buf_release(&path);
	arena_release(&world.arena);
	return ret;
}
