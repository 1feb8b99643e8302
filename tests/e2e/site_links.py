#!/usr/bin/env python3
"""Follows every link of a static site from the outside (issue 19).

usage: site_links.py SITE_DIR

Parses every .html file under SITE_DIR, and for every href and src checks
that it is relative, stays inside SITE_DIR once resolved (no '..' out of
it, no symlink), and names a file that exists; a '#fragment' must name an
id of its target page. Prints one line per broken link and exits 1 if any;
else prints how many pages and links it followed.
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
    pages, bad, followed = {}, [], 0
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
            elif os.path.islink(target) or not os.path.isfile(target):
                bad.append("%s: %r: no such file" % (rel, url))
            elif u.fragment:
                t = pages.get(target)
                if t is None or urllib.parse.unquote(u.fragment) not in t.ids:
                    bad.append("%s: %r: no such anchor" % (rel, url))
    for b in bad:
        print(b)
    print("%d pages, %d links followed, %d broken" %
          (len(pages), followed, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
