/*
 * rejects.c - writing output/rejects.csv (see rejects.h).
 *
 * The reject's original fields are kept by ingest as one CSV line already
 * escaped and neutralised, so they are appended as they are: the file then
 * has as many columns as the widest row, which Excel and every CSV reader
 * accept.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

void rejects_format(const struct ticket_set *set, bool masked,
		    struct buf *out)
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
		const char *fields;
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
		fields = masked && r->masked ? r->masked : r->original;
		if (fields && *fields) {
			buf_addch(out, ',');
			buf_adds(out, fields);
		}
		buf_adds(out, "\r\n");
	}
	buf_release(&name);
}

int rejects_write(const struct ticket_set *set, const char *dir,
		  struct buf *err)
{
	struct buf out = BUF_INIT, path = BUF_INIT;
	struct outfile of;
	int ret = -1;

	rejects_format(set, true, &out);
	buf_addf(&path, "%s/%s", dir, REJECTS_FILE);
	if (outfile_write_all(path.s, out.s, out.len, err) < 0)
		goto out;
	/*
	 * The originals, for the administrator who must see what a row
	 * really held: readable by the owner alone, whatever the umask.
	 */
	buf_reset(&out);
	rejects_format(set, false, &out);
	buf_reset(&path);
	buf_addf(&path, "%s/%s", dir, REJECTS_ORIGINAL_FILE);
	if (outfile_open(&of, path.s, err) < 0)
		goto out;
	if (fchmod(fileno(of.fp), 0600) < 0) {
		buf_addf(err, "%s: %s", path.s, strerror(errno));
		outfile_rollback(&of);
		goto out;
	}
	outfile_write(&of, out.s, out.len);
	if (outfile_commit(&of, err) < 0)
		goto out;
	ret = 0;
out:
	buf_release(&out);
	buf_release(&path);
	return ret;
}
