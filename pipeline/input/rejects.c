/*
 * rejects.c - writing output/rejects.csv (see rejects.h).
 *
 * The reject's original fields are kept by ingest as one CSV line already
 * escaped and neutralised, so they are appended as they are: the file then
 * has as many columns as the widest row, which Excel and every CSV reader
 * accept.
 */
#include <stdio.h>
#include <string.h>

#include "util/csvout.h"
#include "util/outfile.h"
#include "input/rejects.h"
#include "util/textio.h"
#include "util/banned.h"

static const char *const reason_zh[REJECT_REASON_COUNT] = {
	"字段数与表头不符", "编码无效", "字段过长", "缺少工单编号",
	"未知工单类型", "缺少回访时间", "时间无法识别", "记录格式错误",
};

static const char *const reason_en[REJECT_REASON_COUNT] = {
	"wrong field count", "invalid encoding", "field too long",
	"no ticket number", "unknown ticket type", "no callback time",
	"unparseable timestamp", "malformed record",
};

const char *reject_reason_zh(int reason)
{
	return reason >= 0 && reason < REJECT_REASON_COUNT ? reason_zh[reason]
							   : "";
}

const char *reject_reason_en(int reason)
{
	return reason >= 0 && reason < REJECT_REASON_COUNT ? reason_en[reason]
							   : "";
}

void rejects_format(const struct ticket_set *set, struct buf *out)
{
	static const char *const header[] = { "file", "line", "column", "code",
					      "原因", "reason",
					      "original fields" };
	struct buf name = BUF_INIT;
	size_t i;

	buf_adds(out, CSV_BOM);
	csv_add_row(out, header, sizeof(header) / sizeof(header[0]));
	for (i = 0; i < set->nrejects; i++) {
		const struct reject *r = &set->rejects[i];
		const char *file = r->file < set->nfiles ?
				   set->files[r->file].name : "";
		char num[24];

		/* A file name is bytes: invalid ones are shown as \xNN. */
		buf_reset(&name);
		text_escape_invalid(&name, file, strlen(file));
		csv_add_field(out, name.s, name.len);
		buf_addch(out, ',');
		snprintf(num, sizeof(num), "%u", r->line);
		csv_add_field(out, num, strlen(num));
		buf_addch(out, ',');
		snprintf(num, sizeof(num), "%u", r->column);
		csv_add_field(out, num, strlen(num));
		buf_addch(out, ',');
		csv_add_field(out, reject_reason_code[r->reason],
			      strlen(reject_reason_code[r->reason]));
		buf_addch(out, ',');
		csv_add_field(out, reject_reason_zh(r->reason),
			      strlen(reject_reason_zh(r->reason)));
		buf_addch(out, ',');
		csv_add_field(out, r->message, strlen(r->message));
		if (r->original && *r->original) {
			buf_addch(out, ',');
			buf_adds(out, r->original);
		}
		buf_adds(out, "\r\n");
	}
	buf_release(&name);
}

int rejects_write(const struct ticket_set *set, const char *path,
		  struct buf *err)
{
	struct buf out = BUF_INIT;
	int ret;

	rejects_format(set, &out);
	ret = outfile_write_all(path, out.s, out.len, err);
	buf_release(&out);
	return ret;
}
