#!/usr/bin/env python3
"""Follows every link of a static site from the outside (issue 19).

usage: site_links.py SITE_DIR

Parses every .html file under SITE_DIR, and for every href and src checks
that it is relative, stays inside SITE_DIR once resolved (no '..' out of
it, no symlink), and names a file that exists; a '#fragment' must name an
id of its target page. Then every section's index page (each index.html:
a week's, the live worklists') must be reachable from the home page by
following links, as a reader finds them (the live worklists were once
linked from no page of the site); a page inside a section may be a link
target only (a name-collision choice page). Prints one line per problem
and exits 1 if any; else prints how many pages and links it followed.
"""
import html.parser
import os
import sys
import urllib.parse


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id" and v:
                self.ids.add(v)
            if k in ("href", "src") and v is not None:
                self.links.append((tag, k, v))


def parse(path):
    p = Links()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def main():
    root = os.path.realpath(sys.argv[1])
    pages, bad, followed, edges = {}, [], 0, {}
    for d, _, files in os.walk(root):
        for n in files:
            if n.endswith(".html"):
                pages[os.path.join(d, n)] = parse(os.path.join(d, n))
    if not pages:
        print("no pages under %s" % root)
        return 1
    for page, p in sorted(pages.items()):
        rel = os.path.relpath(page, root)
        for tag, attr, url in p.links:
            followed += 1
            u = urllib.parse.urlsplit(url)
            if u.scheme or u.netloc or url.startswith("/"):
                if u.scheme != "data":
                    bad.append("%s: %s=%r leaves the site" % (rel, attr, url))
                continue
            target = page
            if u.path:
                target = os.path.normpath(os.path.join(
                    os.path.dirname(page), urllib.parse.unquote(u.path)))
            if os.path.commonpath([root, target]) != root:
                bad.append("%s: %r points outside the site" % (rel, url))
                continue
            if os.path.islink(target) or not os.path.isfile(target):
                bad.append("%s: %r: no such file" % (rel, url))
                continue
            edges.setdefault(page, set()).add(target)
            if u.fragment:
                t = pages.get(target)
                if t is None or urllib.parse.unquote(u.fragment) not in t.ids:
                    bad.append("%s: %r: no such anchor" % (rel, url))
    home = os.path.join(root, "index.html")
    seen, todo = {home}, [home]
    while todo:
        for t in edges.get(todo.pop(), ()):
            if t in pages and t not in seen:
                seen.add(t)
                todo.append(t)
    for page in sorted(set(pages) - seen):
        if os.path.basename(page) != "index.html":
            continue
        bad.append("%s: no link leads to it from index.html" %
                   os.path.relpath(page, root))
    for b in bad:
        print(b)
    print("%d pages, %d links followed, %d broken" %
          (len(pages), followed, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
