/*
 * rejects.c - writing output/rejects.csv (see rejects.h).
 *
 * The reject's original fields are kept by ingest as one CSV line already
 * escaped and neutralised, so they are appended as they are: the file then
 * has as many columns as the widest row, which Excel and every CSV reader
 * accept.
 */
#include <stdint.h>
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

/* The file of a reject, its name's invalid bytes shown as \xNN. */
static void add_file_name(struct buf *out, const struct ticket_set *set,
			  uint32_t file, struct buf *name)
{
	const char *s = file < set->nfiles ? set->files[file].name : "";

	buf_reset(name);
	text_escape_invalid(name, s, strlen(s));
	csv_add_field(out, name->s, name->len);
}

void rejects_format(const struct ticket_set *set, bool masked,
		    struct buf *out)
{
	static const char *const header[] = { "文件", "行", "列", "代码",
					      "原因", "说明", "原始字段" };
	struct buf name = BUF_INIT;
	uint32_t last_file = UINT32_MAX;
	size_t i;

	buf_adds(out, CSV_BOM);
	csv_add_row(out, header, sizeof(header) / sizeof(header[0]));
	for (i = 0; i < set->nrejects; i++) {
		const struct reject *r = &set->rejects[i];
		const struct input_file *f = r->file < set->nfiles ?
					     &set->files[r->file] : NULL;
		const char *fields;
		char num[24];

		/*
		 * Before a file's first reject, its header's names, so that
		 * the original fields line up under their column names.
		 */
		if (r->file != last_file && f && f->header) {
			add_file_name(out, set, r->file, &name);
			buf_adds(out, ",,,,");
			csv_add_field(out, REJECTS_HEADER_ROW,
				      strlen(REJECTS_HEADER_ROW));
			buf_adds(out, ",,");
			buf_adds(out, f->header);
			buf_adds(out, "\r\n");
		}
		last_file = r->file;
		add_file_name(out, set, r->file, &name);
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
