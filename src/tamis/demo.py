"""A demo corpus that tamis generates itself, deterministically, showing the damage of real scrapes.

Every text is composed here from templates and word lists written for this module (no copied
text), then damaged the way content farms and scrapers damage news: mojibake (lossy too),
the title printed twice, site boilerplate lines, a site tag injected mid-sentence, truncated
endings, spun near-duplicate copies, e-mail addresses and phone numbers, other languages, junk
pages, and a few broken records and a truncated file. The same seed always gives the same bytes.
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import orjson
import zstandard

SITES = [
    ("dailyherald-news.com", "Daily Herald Summary News"),
    ("brightwire.net", "Brightwire Summary News"),
    ("metro-ledger.org", "Metro Ledger Online"),
    ("coastalpost.co.uk", "Coastal Post Digest"),
    ("valleytimes.info", "Valley Times Briefing"),
    ("northstar-report.com", "Northstar Report"),
]

# content farms that inject their name into most articles, as the seed article's site does
TAGGING_SITES = {"brightwire.net", "metro-ledger.org"}

PEOPLE = [
    "Maria Delgado",
    "Tomas Reiner",
    "Aisha Karimi",
    "Jonathan Price",
    "Helena Varga",
    "Samuel Okafor",
    "Ingrid Holm",
    "Rafael Moreno",
    "Lena Fischer",
    "David Chen",
    "Priya Natarajan",
    "Oliver Grant",
    "Nadia Petrova",
    "Marcus Bell",
    "Yuki Tanaka",
]
ROLES = [
    "the finance minister",
    "the city's mayor",
    "a senior economist",
    "the company's chief executive",
    "the head of the regional council",
    "a spokesperson for the ministry",
    "the union leader",
    "an independent analyst",
    "the committee chair",
    "a professor of public policy",
]
PLACES = [
    "Lisbon",
    "the northern province",
    "Rotterdam",
    "the capital",
    "Nairobi",
    "the coastal region",
    "Montreal",
    "the river valley",
    "Krakow",
    "the industrial district",
    "Osaka",
    "the border towns",
]
TOPICS = {
    "economy": [
        "inflation",
        "interest rates",
        "the housing market",
        "wage growth",
        "the trade deficit",
        "energy prices",
        "small businesses",
        "the national budget",
        "consumer spending",
    ],
    "politics": [
        "the new coalition",
        "the election reform",
        "the regional referendum",
        "the opposition",
        "the parliamentary inquiry",
        "the foreign policy review",
        "the draft constitution",
    ],
    "science": [
        "the research team",
        "the new vaccine trial",
        "the climate model",
        "the deep-sea survey",
        "the satellite launch",
        "the genome study",
        "the fusion experiment",
    ],
    "sport": [
        "the national team",
        "the league final",
        "the marathon",
        "the transfer window",
        "the youth academy",
        "the championship race",
        "the stadium project",
    ],
    "weather": [
        "the storm",
        "the heatwave",
        "the flood defences",
        "the drought",
        "the early frost",
        "the wildfire season",
        "the river levels",
    ],
}
VERBS = [
    "warned about",
    "praised",
    "criticised",
    "defended",
    "questioned",
    "welcomed",
    "announced plans for",
    "called for a review of",
    "raised concerns over",
    "expressed cautious optimism about",
]
TIMES = [
    "on Monday",
    "on Tuesday",
    "late on Wednesday",
    "on Thursday morning",
    "on Friday",
    "over the weekend",
    "earlier this month",
    "last week",
    "in a statement",
    "at a press conference",
]
CONNECTORS = [
    "However,",
    "Meanwhile,",
    "In addition,",
    "At the same time,",
    "According to officials,",
    "By contrast,",
    "For now,",
    "As a result,",
    "Even so,",
    "In recent weeks,",
]
ADJ = [
    "significant",
    "modest",
    "unexpected",
    "long-awaited",
    "controversial",
    "gradual",
    "sharp",
    "temporary",
    "lasting",
    "widespread",
]
NOUNS = [
    "changes",
    "measures",
    "results",
    "delays",
    "improvements",
    "costs",
    "protests",
    "talks",
    "investments",
    "reforms",
]

SUBJECTS = [
    "{person}",
    "{person}, {role},",
    "{Role}",
    "Officials in {place}",
    "Residents of {place}",
    "Local business owners",
    "Several lawmakers",
    "A group of {n} scientists",
    "The regional council",
    "Union representatives",
    "Hospital managers",
    "Two senior advisers",
    "Critics of the plan",
    "Supporters of the measure",
    "Farmers near {place}",
    "Transport operators",
    "Young voters",
    "The central bank",
    "Environmental campaigners",
    "The city's planning office",
]
VERBS2 = [
    "warned about",
    "praised",
    "criticised",
    "defended",
    "questioned",
    "welcomed",
    "rejected",
    "called for changes to",
    "raised doubts over",
    "pushed back against",
    "asked for details on",
    "cautiously backed",
    "spoke out against",
    "promised to review",
    "demanded a vote on",
    "expressed support for",
    "sharply attacked",
    "quietly dropped their opposition to",
]
OBJECTS = [
    "{topic}",
    "the {adj} {nouns} linked to {topic}",
    "plans to overhaul {topic}",
    "a proposal on {topic}",
    "the handling of {topic}",
    "new rules covering {topic}",
    "the latest figures on {topic}",
    "a deal over {topic}",
    "spending on {topic}",
    "the timetable for {topic}",
    "{adj} {nouns} in {place}",
]
ADVERBIALS = [
    "{time}",
    "{time} in {place}",
    "during a visit to {place}",
    "after weeks of debate",
    "in an interview {time}",
    "despite growing pressure",
    "ahead of the vote",
    "{time2}",
    "at a meeting in {place}",
    "for the second time this year",
    "",
    "",
    "",
]
QUOTES = [
    "we cannot ignore what is happening",
    "this is only the beginning",
    "people deserve answers",
    "the numbers speak for themselves",
    "nobody wanted it to end like this",
    "we will keep working until it is fixed",
    "the decision was taken too quickly",
    "it is a good day for {place}",
    "families are paying the price",
    "there is still time to act",
]
SAID = ["said", "told reporters", "wrote in a statement", "added", "insisted", "warned", "noted"]


def _sentence(rng: random.Random, topic: str, values: dict) -> str:
    """Composed from short parts, so no long phrase recurs across documents."""
    kind = rng.random()
    if kind < 0.18:
        quote = rng.choice(QUOTES).format(**values)
        s = f"“{quote[0].upper()}{quote[1:]},” {values['person']} {rng.choice(SAID)}."
    else:
        subject = rng.choice(SUBJECTS).format(**values)
        connector = rng.choice(CONNECTORS) if rng.random() < 0.25 else ""
        if connector and not subject.startswith(values["person"]):
            subject = subject[0].lower() + subject[1:]
        parts = [
            connector,
            subject,
            rng.choice(VERBS2),
            rng.choice(OBJECTS).format(**values),
            rng.choice(ADVERBIALS).format(**values),
        ]
        s = " ".join(p for p in parts if p) + "."
    return s[0].upper() + s[1:]


GERMAN = [
    "Die Regierung hat am Montag neue Maßnahmen für den Wohnungsmarkt angekündigt.",
    "Nach Angaben der Behörden sind die Preise für Energie in den letzten Wochen gestiegen.",
    "Viele Familien in der Region machen sich Sorgen über die Zukunft ihrer Arbeitsplätze.",
    "Der Bürgermeister sagte, man werde die Vorschläge sorgfältig prüfen.",
    "Kritiker halten die geplanten Reformen für unzureichend und fordern mehr Unterstützung.",
    "Die Ergebnisse der Studie sollen im Herbst veröffentlicht werden.",
]
FRENCH = [
    "Le gouvernement a présenté mardi un nouveau plan pour soutenir les petites entreprises.",
    "Selon les chiffres publiés cette semaine, le chômage a légèrement reculé dans la région.",
    "Les habitants du quartier ont exprimé leur inquiétude face à la hausse des loyers.",
    "Le maire a déclaré qu’il était prêt à ouvrir le dialogue avec les syndicats.",
    "Les scientifiques estiment que les résultats de l’étude sont encourageants.",
    "La décision devrait être confirmée lors du prochain conseil municipal.",
]
SPANISH = [
    "El ministro anunció el lunes una reforma del sistema de pensiones.",
    "Según los expertos, los precios de la vivienda seguirán subiendo este año.",
    "Los vecinos del barrio pidieron más inversiones en transporte público.",
    "La empresa aseguró que mantendrá todos los puestos de trabajo en la ciudad.",
    "El informe señala que la sequía ha afectado gravemente a los agricultores.",
    "Las autoridades recomendaron a la población evitar los desplazamientos innecesarios.",
]

BOILERPLATE = [
    "Comments are closed.",
    "Share this article",
    "Subscribe to our newsletter for the latest updates.",
    "We use cookies to improve your experience. By continuing you accept our cookie policy.",
    "Read more: {site} top stories",
    "Advertisement",
    "© 2021 {site}. All rights reserved.",
    "Follow us on Twitter and Facebook",
]

# cp1252 mojibake of UTF-8 punctuation, as scrapers produce it (and its lossy variants).
MOJIBAKE = {
    "’": ["â€™", "â€TM"],
    "‘": ["â€˜", "â€"],
    "“": ["â€œ", "â€"],
    "”": ["â€\x9d", "â€"],
    "—": ["â€”"],
    "é": ["Ã©"],
}


def _article(rng: random.Random) -> tuple[str, list[str], str]:
    topic = rng.choice(sorted(TOPICS))
    subject = rng.choice(TOPICS[topic])
    title = f"{rng.choice(PEOPLE)} {rng.choice(VERBS)} {subject} in {rng.choice(PLACES)}"
    paragraphs = []
    for _ in range(rng.randint(3, 7)):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            person = rng.choice(PEOPLE)
            role = rng.choice(ROLES)
            values = {
                "person": person,
                "role": role,
                "Role": role[0].upper() + role[1:],
                "topic": rng.choice(TOPICS[topic]),
                "time": rng.choice(TIMES),
                "time2": rng.choice(["next week", "in the coming days", "before the summer"]),
                "adj": rng.choice(ADJ),
                "nouns": rng.choice(NOUNS),
                "place": rng.choice(PLACES),
                "n": rng.choice(["12", "40", "85", "150", "320", "1,200", "2,500"]),
            }
            sentences.append(_sentence(rng, topic, values))
        paragraphs.append(" ".join(sentences))
    return title, paragraphs, topic


def _mojibake(text: str, rng: random.Random, lossy: bool) -> str:
    out = []
    for ch in text:
        if ch in MOJIBAKE:
            variants = MOJIBAKE[ch]
            out.append(variants[-1] if lossy and len(variants) > 1 else variants[0])
        else:
            out.append(ch)
    return "".join(out)


def _spin(text: str, rng: random.Random) -> str:
    """A machine-paraphrased copy: a few words swapped for near-synonyms."""
    swaps = {
        "said": "stated",
        "warned": "cautioned",
        "criticised": "condemned",
        "found": "discovered",
        "expect": "anticipate",
        "believe": "think",
        "concern": "worry",
        "residents": "locals",
        "officials": "authorities",
        "plans": "proposals",
        "published": "released",
    }
    words = text.split(" ")
    for i, w in enumerate(words):
        key = w.lower().strip(".,“”")
        if key in swaps and rng.random() < 0.5:
            words[i] = w.replace(key, swaps[key])
    return " ".join(words)


def _contact_line(rng: random.Random, site: str) -> str:
    user = rng.choice(["newsdesk", "editor", "tips", "press", "info"])
    phone = rng.choice(
        [
            "+44 20 7946 0958",
            "(212) 555-0147",
            "+33 1 42 68 53 00",
            "+49 30 901820",
            "020 7946 0321",
        ]
    )
    return f"Contact the newsroom at {user}@{site} or call {phone}."


def _junk(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return "\n".join(
            f"Home | News | Sport | Weather | Page {i}" for i in range(rng.randint(3, 12))
        )
    if kind == 1:
        words = rng.sample(sorted({w for ws in TOPICS.values() for w in ws}), 8)
        return " ".join(words * rng.randint(5, 20))
    if kind == 2:
        return "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * rng.randint(2, 6)
    return rng.choice(["Click here", "404 Not Found", "Loading...", "Subscribe"])


def _foreign(rng: random.Random) -> str:
    sentences = rng.sample(rng.choice([GERMAN, FRENCH, SPANISH]), 6)
    return " ".join(sentences[:3]) + "\n\n" + " ".join(sentences[3:])


def make_documents(n: int, seed: int = 7) -> list[dict]:
    """The demo records, in order; about 1 in 12 is a spun copy of an earlier article."""
    rng = random.Random(seed)
    docs: list[dict] = []
    originals: list[tuple[str, list[str], str]] = []
    for i in range(n):
        domain, tag = SITES[rng.randrange(len(SITES))]
        url = f"https://{domain}/{2021 + i % 3}/{i:05d}"
        roll = rng.random()
        if roll < 0.06:
            docs.append({"id": f"demo-{i:05d}", "text": _junk(rng), "url": url, "lang_hint": "en"})
            continue
        if roll < 0.14:
            docs.append(
                {"id": f"demo-{i:05d}", "text": _foreign(rng), "url": url, "lang_hint": "xx"}
            )
            continue
        if roll < 0.22 and originals:
            title, paragraphs, _ = originals[rng.randrange(len(originals))]
            paragraphs = [_spin(p, rng) for p in paragraphs]
        else:
            title, paragraphs, _ = _article(rng)
            originals.append((title, paragraphs, domain))
        paragraphs = list(paragraphs)
        if domain in TAGGING_SITES and rng.random() < 0.7:
            k = rng.randrange(len(paragraphs))
            paragraphs[k] = paragraphs[k].rstrip(".") + f".”{tag}”."
        if rng.random() < 0.25:
            paragraphs.append(_contact_line(rng, domain))
        lines = [title]
        if rng.random() < 0.35:
            lines += ["", title]
        lines += [""] + "\n\n".join(paragraphs).split("\n")
        if rng.random() < 0.3:
            last = lines[-1].split(" ")
            lines[-1] = " ".join(last[: max(3, len(last) * 2 // 3)])
        for b in rng.sample(BOILERPLATE, rng.randint(0, 3)):
            lines += ["", b.format(site=domain)]
        text = "\n".join(lines)
        if rng.random() < 0.15:
            lossy = rng.random() < 0.5
            head, _, body = text.partition("\n")
            text = (
                _mojibake(head, rng, lossy)
                + "\n"
                + (_mojibake(body, rng, lossy) if rng.random() < 0.3 else body)
            )
        docs.append({"id": f"demo-{i:05d}", "text": text, "url": url, "site": domain})
    return docs


def write_demo_corpus(dest: Path, n: int = 2400, seed: int = 7) -> list[Path]:
    """Write the corpus as 3 JSONL.zst files, one plain JSONL with broken lines, one cut gzip."""
    dest.mkdir(parents=True, exist_ok=True)
    docs = make_documents(n, seed)
    parts = [docs[i::3] for i in range(3)]
    paths = []
    cctx = zstandard.ZstdCompressor(level=3)
    for k, part in enumerate(parts):
        p = dest / f"news-{k:02d}.jsonl.zst"
        p.write_bytes(cctx.compress(b"".join(orjson.dumps(d) + b"\n" for d in part[:-20])))
        paths.append(p)
    broken = dest / "news-broken.jsonl"
    lines = [orjson.dumps(d) for d in parts[0][-20:]]
    lines.insert(3, b'{"id": "broken-1", "text": "an unterminated record')
    lines.insert(7, b'{"id": "broken-2", "text": 42}')
    lines.insert(11, b'{"id": "broken-3", "text": "bad bytes \xff\xfe here"}')
    lines.insert(15, b'["not", "an", "object"]')
    broken.write_bytes(b"\n".join(lines) + b"\n")
    paths.append(broken)
    cut = dest / "news-cut.jsonl.gz"
    data = gzip.compress(
        b"".join(orjson.dumps(d) + b"\n" for d in parts[1][-20:] + parts[2][-20:]), mtime=0
    )
    cut.write_bytes(data[: len(data) * 2 // 3])
    paths.append(cut)
    return paths
