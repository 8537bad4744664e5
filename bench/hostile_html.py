#!/usr/bin/env python3
"""Writes HTML pages of a given size: one ordinary page and hostile shapes that make HTML
parsers do super-linear work (deep nesting, unclosed and misnested formatting elements that
run the adoption agency or reconstruct the active formatting elements, unclosed tables, tags
with very many attributes). Used by bench/hostile_html.sh; every page is generated, none copied.

    python3 bench/hostile_html.py OUT_DIR [--size BYTES] [--only SHAPE,...]
"""
import argparse
import os

WORDS = ("أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية، وقال الوزير إن "
         "البرنامج يشمل قروضا ميسرة وتدريبا على أساليب الري الحديثة خلال العامين المقبلين.")


def repeat_to(size, head, unit, tail=""):
    """head + unit repeated + tail, about `size` bytes (whole units)."""
    n = max(1, (size - len(head.encode()) - len(tail.encode())) // len(unit.encode()))
    return head + unit * n + tail


def ordinary(size):
    # A long listing page: header, navigation, then article blocks at a usual depth (~12).
    head = ("<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\">"
            "<title>أخبار اليوم | موقع الأخبار</title><meta property=\"og:title\" content=\"أخبار اليوم\">"
            "</head><body><header class=\"site-header\"><nav class=\"menu\"><ul>"
            + "".join(f"<li><a href=\"/section/{i}\">قسم {i}</a></li>" for i in range(12))
            + "</ul></nav></header><main><div class=\"container\"><div class=\"row\"><div class=\"col-8\">")
    unit = ("<article class=\"post\"><div class=\"post-inner\"><header><h2 class=\"title\"><a href=\"/n/1\">"
            "عنوان الخبر</a></h2><div class=\"meta\"><span class=\"date\">2024-03-05</span> · "
            "<span class=\"author\">المحرر</span></div></header><div class=\"post-body\">"
            f"<p>{WORDS} <b>{WORDS[:40]}</b> {WORDS}</p><p>{WORDS} <a href=\"/x\">رابط</a> {WORDS}</p>"
            "<ul class=\"tags\"><li><a href=\"/t/1\">وسم</a></li><li><a href=\"/t/2\">وسم آخر</a></li></ul>"
            "</div></div></article>\n")
    tail = "</div></div></div></main><footer class=\"site-footer\"><p>جميع الحقوق محفوظة</p></footer></body></html>"
    return repeat_to(size, head, unit, tail)


def prefix():
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>صفحة</title></head><body>"


def shapes(size):
    half = size // 2
    yield "ordinary", ordinary(size)
    # A second control: nothing hostile, but one tiny paragraph every 8 bytes, as dense in
    # elements as the densest hostile shapes.
    yield "control-dense-p", repeat_to(size, prefix(), "</p><p>x")
    # Deep nesting of ordinary containers, never closed / closed at the end.
    yield "deep-div", repeat_to(size, prefix(), "<div>", "نص")
    n = (half - 200) // 6
    yield "deep-div-closed", prefix() + "<div>" * n + "نص" + "</div>" * n
    yield "deep-ul-li", repeat_to(size, prefix(), "<ul><li>", "نص")
    # Unclosed <table><tr><td>: each cell opens a new nested table.
    yield "deep-table", repeat_to(size, prefix(), "<table><tr><td>", "نص")
    # Text directly in unclosed tables: foster parenting.
    yield "table-text", repeat_to(size, prefix(), "<table>x")
    # Unclosed <a>: every new <a> runs the adoption agency against the previous one.
    yield "unclosed-a", repeat_to(size, prefix(), "<a href=\"/x\">رابط ")
    # Unclosed <b> (formatting elements nest without limit).
    yield "unclosed-b", repeat_to(size, prefix(), "<b>", "نص")
    # <b> and <i> interleaved then closed in the wrong order (lexbor issue 340's shape).
    def opened(tag, total):
        parts, n = [], 0
        while n < total:
            parts.append(f"<{tag} {len(parts)}>")
            n += len(parts[-1])
        return "".join(parts)
    third = size // 3
    yield "misnested-b-i", prefix() + opened("b", third) + opened("i", third) + "x</b>" * (third // 5)
    # Distinct formatting elements left open in a paragraph, then reconstructed in every later one.
    fmt = "".join(f"<b id=\"{i}\">" for i in range(200))
    yield "reconstruct", repeat_to(size, prefix() + "<p>" + fmt + "x", "</p><p>x")
    # Unclosed <p> (closed implicitly by the next: cheap, a control).
    yield "unclosed-p", repeat_to(size, prefix(), "<p>نص ")
    # One tag with very many attributes, and many tags with many attributes.
    attrs = "".join(f" a{i}=\"1\"" for i in range(size // 10))
    yield "many-attributes", (prefix() + "<div" + attrs)[: size - 20] + ">نص</div>"
    unit = "<p" + "".join(f" a{i}=1" for i in range(300)) + ">نص</p>"
    yield "many-attributes-tags", repeat_to(size, prefix(), unit)
    # At the depth limit and kept there: every later tag is checked against a full stack.
    yield "at-depth-limit", repeat_to(size, prefix() + "<div>" * 2000, "<div></div><p>x</p>")
    # Foreign content: nested <svg><g>.
    yield "deep-svg", repeat_to(size, prefix() + "<svg>", "<g>", "نص")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--size", type=int, default=16_000_000)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    os.makedirs(args.out, exist_ok=True)
    for name, html in shapes(args.size):
        if only and name not in only:
            continue
        with open(os.path.join(args.out, f"{name}.html"), "w", encoding="utf-8") as f:
            f.write(html)


if __name__ == "__main__":
    main()
