# Reads pdftotext -bbox output; prints each pair of words whose boxes
# overlap by more than tol points both ways, and each word that is two
# figures glued together (a percent sign followed by a digit), and each
# pair on one line less than gap points apart: separately drawn texts
# that touch read as one ("100.0%100.0%"); pdftotext splits a run of text
# only at a space, which is wider.
function flush(   i, j, ox, oy) {
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++) {
			oy = (y1[i] < y1[j] ? y1[i] : y1[j]) - (y0[i] > y0[j] ? y0[i] : y0[j])
			if (oy > tol && ((x0[j] >= x1[i] && x0[j] - x1[i] < gap) ||
			    (x0[i] >= x1[j] && x0[i] - x1[j] < gap))) {
				printf "%s page %d: '%s' touches '%s'\n", file, page, w[i], w[j]
				continue
			}
			if (x0[j] >= x1[i] || x0[i] >= x1[j])
				continue;
			ox = (x1[i] < x1[j] ? x1[i] : x1[j]) - (x0[i] > x0[j] ? x0[i] : x0[j])
			oy = (y1[i] < y1[j] ? y1[i] : y1[j]) - (y0[i] > y0[j] ? y0[i] : y0[j])
			if (ox > tol && oy > tol)
				printf "%s page %d: '%s' overlaps '%s'\n", file, page, w[i], w[j]
		}
	n = 0
}
/<page / { flush(); page++ }
/<word / {
	n++
	match($0, /xMin="[0-9.]+"/); x0[n] = substr($0, RSTART + 6, RLENGTH - 7) + 0
	match($0, /yMin="[0-9.]+"/); y0[n] = substr($0, RSTART + 6, RLENGTH - 7) + 0
	match($0, /xMax="[0-9.]+"/); x1[n] = substr($0, RSTART + 6, RLENGTH - 7) + 0
	match($0, /yMax="[0-9.]+"/); y1[n] = substr($0, RSTART + 6, RLENGTH - 7) + 0
	s = $0; sub(/.*">/, "", s); sub(/<\/word>.*/, "", s); w[n] = s
	if (s ~ /%[0-9]/)
		printf "%s page %d: '%s' is two figures run together\n", file, page, s
}
END { flush() }
