#!/usr/bin/env python3
"""A language edition as a reader sees it: renders the spec to PDF (at its own size, and at
a 600 x 400 phone size), extracts the text with pdftotext (poppler-utils) and checks that
every name of the edition's list is there (at full size) and that no English base-map,
legend, scale or credit word is (at either size).
usage: check_edition.py BIN DATA OUTDIR SPEC fa|ru"""
import os
import re
import subprocess
import sys

# what a reader of each edition must find (spaces, letter spacing and bidi marks removed;
# Persian names with the ligature lam-alef or hamza above are left out: pdftotext gives
# their letters in another order, and so are river names set along their curves)
NAMES = {
    "fa": ["ایران در تاجیکستان", "تاجیکستان", "افغانستان", "ازبکستان", "چین", "پاکستان",
           "بدخشان", "تخار", "پامیر", "هندوکش", "روسیه", "ترکیه", "کابل", "ترمذ", "دوشنبه",
           "سمرقند", "عشقآباد", "مشهد", "۲۰۰کیلومتر", "پایگاهنظامیروسیه", "مرزموردمناقشه",
           "مرزها", "NaturalEarth"],
    "ru": ["Иран открыл завод", "Таджикистан", "Афганистан", "Узбекистан", "Китай", "Туркмения",
           "Бадахшан", "Тахар", "Памир", "Гиндукуш", "Россия", "Турция", "Кабул", "Термез",
           "Душанбе", "Самарканд", "Ашхабад", "Исламабад", "200км",
           "Российскаявоеннаябаза", "Спорнаяграница", "Базоваякарта", "Границы", "NaturalEarth"],
}
# English a reader must not find: base-map names, legend and scale words, credit prefixes
ENGLISH = ["Tajikistan", "Afghanistan", "Uzbekistan", "Turkmenistan", "Kyrgyzstan", "China",
           "Pakistan", "India", "Iran", "Turkey", "Russia", "Dushanbe", "Kabul", "Termez",
           "Samarqand", "Ashgabat", "Islamabad", "Badakhshan", "Takhar", "Pamir", "HinduKush",
           "AmuDarya", "Panj", "Indus", "Himalaya", "km", "Basemap", "Boundaries", "Map:",
           "Factory", "Militarybase", "Disputed", "Approximate", "Scalevaries", "border",
           "province", "Ababil", "Kulob", "Bokhtar"]

BIDI = re.compile("[\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\\s]")


def pdf_text(bin_, data, outdir, spec, lang, extra, tag):
    pdf = os.path.join(outdir, f"edition-{lang}{tag}.pdf")
    subprocess.run([bin_, "render", spec, "--data", data, "-q", "-o", pdf] + extra, check=True)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], check=True,
                         capture_output=True).stdout.decode("utf-8")
    return BIDI.sub("", out)


def main(bin_, data, outdir, spec, lang):
    problems = []
    full = pdf_text(bin_, data, outdir, spec, lang, [], "")
    phone = pdf_text(bin_, data, outdir, spec, lang, ["--width", "600", "--height", "400"],
                     "-600")
    # capitals (letter-spaced country names) count: compare in lower case
    for name in NAMES[lang]:
        if BIDI.sub("", name).lower() not in full.lower():
            problems.append(f"{name!r} is not in the {lang} edition's PDF text")
    for size, text in (("1200 px", full), ("600 px", phone)):
        # the program's and the data's own names may stay in Latin letters
        low = text.lower().replace("bordermap", "").replace("naturalearth", "")
        for word in ENGLISH:
            if word.lower() in low:
                i = low.index(word.lower())
                problems.append(f"English {word!r} in the {lang} edition at {size}: "
                                f"...{low[max(0, i - 20):i + 20]}...")
    for p in problems:
        print(p)
    print(f"{spec} ({lang}): {len(NAMES[lang])} names checked, {len(ENGLISH)} English words "
          f"looked for at two sizes; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
