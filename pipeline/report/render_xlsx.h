/*
 * render_xlsx.h - the week's Excel workbooks, beside its CSVs and PDFs.
 *
 *   render_xlsx_week(&view, cfg, week_dir, &diag);
 *
 * Like the other renderers it computes nothing: it reads the week's view
 * model (render.h: metrics.json and samples.json as parsed trees owned
 * by the caller) and writes, through xlsxout.h, into week_dir (which
 * exists):
 *
 *   抽查表-<level>.xlsx   one per sampling level: a 说明 sheet (the level,
 *                         its size rule and every stratum's N and n), a
 *                         sheet per service centre with the sampled
 *                         tickets, why each was chosen, and the auditor's
 *                         columns (是否真实回访 and 复核满意度 as drop-down
 *                         lists), and a hidden sheet 样本标识 holding the
 *                         sample's identity (week, level, seed, ticket,
 *                         key) so that a returned workbook can be checked;
 *   周指标.xlsx           the week's figures by type, sub-type, centre,
 *                         centre × type and butler, one flat table per
 *                         sheet (to filter and pivot);
 *   回访工作单-<centre>.xlsx  the butlers' worklist: for each centre with
 *                         owed callbacks or open dissatisfaction loops, a
 *                         sheet per butler listing them (owed first, by
 *                         due time).
 *
 * Ticket numbers are text, times real dates; see xlsxout.h for the rest.
 * Returns 0, or -1 with the cause reported to d (the path named).
 */
#ifndef HUIFANG_RENDER_XLSX_H
#define HUIFANG_RENDER_XLSX_H

#include "model/config.h"
#include "report/render.h"
#include "util/diag.h"

int render_xlsx_week(const struct week_view *v, const struct config *cfg,
		     const char *week_dir, struct diag *d);

/*
 * The live worklists (stages/worklist.h) as one workbook per service
 * centre, 回访工作清单-<centre>.xlsx in dir (which exists), for the
 * butlers themselves: a sheet per butler (its name made valid and unique
 * within Excel's 31 characters by xlsxout; no butler is 未指定), his
 * rows in the order he works them: the owed callbacks by due time (the
 * overdue first, 事项 已超时), the open dissatisfaction loops, then the
 * 无法联系 tickets. Owner and phone are masked for WORKLIST_FOR_BUTLER
 * (worklists.masking); a workbook showing either unmasked is written with
 * cfg->audit_file_mode. Two centres whose file names come out alike get
 * "-2", "-3" in byte order of their names. The documents' time is the
 * as-of. 0, or -1 with the cause reported to d.
 */
struct worklist;
int render_xlsx_worklists(const struct worklist *wl,
			  const struct config *cfg, const char *dir,
			  struct diag *d);

#endif
