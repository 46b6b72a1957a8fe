#!/usr/bin/env python3
"""Makes bench/quality/lectures/*.json from Debian's packaged manuals (see ../README.md).

Usage: make_lectures.py DOC_ROOT lectures.json OUT_DIR
where DOC_ROOT is /usr/share/doc of the unpacked packages debian-faq, maint-guide and maint-guide-ja
(apt-get download ...; dpkg -x PACKAGE.deb DIR). Only the prose of <p> elements is kept (no code
blocks, tables or footnote numbers). Each sentence becomes one segment, a very long sentence one
segment per clause, timed at a speaking rate: English 150 words a minute, Japanese 7.5 characters
a second, with 0.3 s between segments. A lecture ends at the first paragraph that reaches its size
(words for English, characters for Japanese).
"""
import json
import os
import re
import sys
from html.parser import HTMLParser

PAUSE = 0.3


class Paragraphs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = self.skip = 0
        self.buffer, self.paragraphs = [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("pre", "table", "sup"):
            self.skip += 1
        if tag == "p":
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("pre", "table", "sup"):
            self.skip -= 1
        if tag == "p":
            self.depth -= 1
            if self.depth == 0:
                self.paragraphs.append(re.sub(r"\s+", " ", "".join(self.buffer)).strip())
                self.buffer = []

    def handle_data(self, data):
        if self.depth > 0 and self.skip == 0:
            self.buffer.append(data)


def english_sentences(paragraph):
    out = []
    for part in re.split(r'(?<=[.!?])\s+(?=[A-Z"(\[])', paragraph):
        if out and re.search(r"(e\.g\.|i\.e\.|etc\.|vs\.|Mr\.|Dr\.|cf\.)$", out[-1]):
            out[-1] += " " + part
        else:
            out.append(part)
    return out


def japanese_sentences(paragraph):
    return [s.strip() for s in re.findall(r"[^。！？]+[。！？]?", paragraph) if s.strip()]


def clauses(sentence, english):
    """A sentence longer than ~16 s of speech is cut after commas into clauses."""
    size = (lambda s: len(s.split())) if english else len
    if size(sentence) <= (40 if english else 80):
        return [sentence]
    parts = re.split(r"(?<=[,;:])\s+", sentence) if english else re.findall(r"[^、]+、?", sentence)
    out, current = [], ""
    for part in parts:
        joined = (current + " " + part).strip() if english else current + part
        if current and size(joined) > (30 if english else 60):
            out.append(current)
            current = part
        else:
            current = joined
    return out + ([current] if current else [])


def lecture(root, key, title, language, path, size):
    english = language == "en"
    parser = Paragraphs()
    with open(os.path.join(root, path), encoding="utf-8") as html:
        parser.feed(html.read())
    segments, clock, total = [], 0.0, 0
    for paragraph in (p for p in parser.paragraphs if len(p) >= (40 if english else 20)):
        for sentence in english_sentences(paragraph) if english else japanese_sentences(paragraph):
            for text in (c.strip() for c in clauses(sentence, english)):
                if not text:
                    continue
                units = len(text.split()) if english else len(text)
                duration = units * 60 / 150 if english else units / 7.5
                segments.append({"start": round(clock, 2), "end": round(clock + duration, 2), "text": text})
                clock += duration + PAUSE
                total += units
        if total >= size:
            break
    source = path.split("/")[0] + "/" + os.path.basename(path)
    return {"key": key, "title": title, "language": language, "source": source, "segments": segments}


def main(root, spec, out):
    os.makedirs(out, exist_ok=True)
    with open(spec, encoding="utf-8") as f:
        lectures = json.load(f)
    for key, title, language, path, size in lectures:
        made = lecture(root, key, title, language, path, size)
        with open(os.path.join(out, key + ".json"), "w", encoding="utf-8") as f:
            json.dump(made, f, ensure_ascii=False, indent=0)
        print(f"{key}: {len(made['segments'])} segments, {made['segments'][-1]['end'] / 60:.1f} min")


if __name__ == "__main__":
    main(*sys.argv[1:4])
