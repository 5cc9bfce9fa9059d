"""``url_filter``: datatrove's URLFilter decisions on real and crafted URLs, lists from files,
records without a URL, and the packaged block list's exact membership."""

from __future__ import annotations

import json
import random
import tarfile
import tempfile

import orjson
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tamis.document import Document
from tamis.urls.blocklist import BlockedSet, write_blocked_set
from tamis.urls.lists import DATA, default_words
from tests.helpers import require, tamis

DATATROVE_REASONS = {
    "domain": "domain",
    "subdomain": "subdomain",
    "url": "url",
    "hard_blacklisted": "word",
    "soft_blacklisted": "soft_words",
    "blacklisted_subword": "subword",
}


def _datatrove_lists():
    from datatrove.utils._import_utils import ASSETS_PATH

    with tarfile.open(f"{ASSETS_PATH}/url_filterblacklistsv0_3_0.tar.gz") as tar:
        names = {m.name.rsplit("/", 1)[-1]: m for m in tar.getmembers() if m.isfile()}
        domains = tar.extractfile(names["domains"]).read().decode().split("\n")
        urls = tar.extractfile(names["urls"]).read().decode().split("\n")
    return [d for d in domains if d], [u for u in urls if u]


def _real_urls(shared_data, n=400):
    from tamis.classify.train import read_texts  # noqa: F401  (readers are registered on import)
    from tamis.io.base import ReadOptions, reader_for

    urls = []
    for path in sorted((shared_data / "warc").iterdir()):
        reader = reader_for(str(path))
        if reader is None:
            continue
        for item in reader.read(str(path), ReadOptions()):
            url = getattr(item, "meta", {}).get("url")
            if url:
                urls.append(url)
    import zstandard

    with zstandard.open(shared_data / "text" / "imdb-reviews.jsonl.zst", "rt") as fh:
        for i, line in enumerate(fh):
            if i % 500 == 0:
                urls.append(json.loads(line)["url"])
    rng = random.Random(3)
    return rng.sample(urls, min(n, len(urls)))


def url_cases(shared_data) -> list[str]:
    """Real page URLs, listed domains and hosts, word-built URLs and look-alikes."""
    rng = random.Random(7)
    domains, listed_urls = _datatrove_lists()
    picked = rng.sample(domains, 150)
    cases = _real_urls(shared_data)
    cases += [f"https://{d}/" for d in picked[:50]]
    cases += [f"http://www.{d}/page.html" for d in picked[50:80]]
    cases += [f"https://cdn.{d}/a?b=c" for d in picked[80:100]]
    cases += [f"https://{d}x.org/" for d in picked[100:120]]  # look-alikes
    cases += [f"https://example.org/{d}" for d in picked[120:135]]  # domain in the path
    cases += [f"https://{d.upper()}/" for d in picked[135:150]]  # case differs
    cases += rng.sample(listed_urls, 10) + [f"http://{u}" for u in rng.sample(listed_urls, 10)]
    words = sorted(default_words("banned_words"))
    soft = sorted(default_words("soft_banned_words"))
    subs = sorted(default_words("banned_subwords"))
    cases += [f"https://news.example.com/{w}-story" for w in rng.sample(words, 20)]
    cases += [f"https://news.example.com/{w.upper()}/x" for w in rng.sample(words, 5)]
    cases += [f"https://a.example.com/{w}x/y" for w in rng.sample(words, 10)]
    cases += [
        f"https://shop.example.net/{a}/{b}" for a, b in zip(soft[:15], soft[15:30], strict=True)
    ]
    cases += [f"https://shop.example.net/{a}-item" for a in soft[30:40]]
    cases += [f"https://blog.example.com/x{s}y.html" for s in rng.sample(subs, 20)]
    cases += ["http://192.168.1.1/index", "http://localhost:8080/", "not a url", "https://", "é"]
    return cases


@pytest.fixture(scope="module")
def cases(shared_data):
    require("datatrove")
    return url_cases(shared_data)


def _docs(urls):
    return [
        Document(id=str(i), text="x", source={"path": "p", "index": i}, meta={"url": u})
        for i, u in enumerate(urls)
    ]


def test_same_decisions_and_reasons_as_datatrove(cases):
    require("tldextract")
    from datatrove.data import Document as DtDocument
    from datatrove.pipeline.filters import URLFilter

    from tamis.stages.base import build_stages

    dt = URLFilter()
    (stage,) = build_stages([("url_filter", None)])
    docs = _docs(cases)
    stage.process_batch(docs)
    reasons = set()
    for doc, url in zip(docs, cases, strict=True):
        got = dt.filter(DtDocument(text="x", id="x", metadata={"url": url}))
        want = "kept" if got is True else DATATROVE_REASONS[got[1]]
        have = "kept" if doc.kept else doc.verdict.reason
        assert have == want, url
        reasons.add(have)
    assert reasons == {"kept", "domain", "subdomain", "url", "word", "soft_words", "subword"}


def test_verdict_names_the_matching_entry():
    from tamis.stages.base import build_stages

    (stage,) = build_stages([("url_filter", None)])
    docs = _docs(["https://www.pornhub.com/x", "https://shop.example.net/sexy/babes/"])
    stage.process_batch(docs)
    assert docs[0].verdict.details == {"url": "https://www.pornhub.com/x", "match": "pornhub.com"}
    assert docs[1].verdict.reason == "soft_words"
    assert docs[1].verdict.details["match"] == "babes,sexy"


def test_lists_from_files_and_run_accounting(tmp_path, capsys):
    block = tmp_path / "block.txt"
    block.write_text("# our own\nbad-site.com\n\nspam.example.org\n")
    allow = tmp_path / "allow.txt"
    allow.write_text("pornhub.com\n")
    words = tmp_path / "words.txt"
    words.write_text("Casino\n")
    corpus = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "text": "t", "url": "https://bad-site.com/x"},
        {"id": "b", "text": "t", "url": "https://spam.example.org/"},
        {"id": "c", "text": "t", "url": "https://www.pornhub.com/"},
        {"id": "d", "text": "t", "url": "https://games.example.com/casino-night"},
        {"id": "e", "text": "t"},
        {"id": "f", "text": "t", "url": "https://fine.example.com/page"},
        {
            "id": "g",
            "text": "t",
            "url": "http://10.0.0.1/",
        },  # no domain: a blank line must not block it
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cfg = tmp_path / "p.yaml"
    opts = {
        "extra_domains": [str(block)],
        "allow_domains": [str(allow)],
        "extra_banned_words": [str(words)],
    }
    cfg.write_text(yaml.safe_dump({"stages": [{"url_filter": opts}]}))
    out = tmp_path / "out"
    assert tamis("clean", corpus, "-o", out, "--config", cfg, "--quiet", "--workers", "1") == 0
    stats = orjson.loads((out / "stats.json").read_bytes())["stages"]["url_filter"]
    assert stats["reasons"] == {"domain": 1, "subdomain": 1, "word": 1}
    assert stats["passed"] == {"no_url": 1}
    assert tamis("verify", out) == 0
    cfg.write_text(yaml.safe_dump({"stages": [{"url_filter": {"allow_urls": ["nope.txt"]}}]}))
    assert tamis("clean", corpus, "-o", tmp_path / "o2", "--config", cfg, "--quiet") == 2
    assert "stages[0].url_filter.allow_urls[0]: no such file" in capsys.readouterr().err


def test_annotate_keeps_and_stores_reason(tmp_path):
    from tamis.config import parse_stage_item
    from tamis.stages.base import build_stages

    (stage,) = build_stages([parse_stage_item({"url_filter": {"mode": "annotate"}}, "t")])
    docs = _docs(["https://www.pornhub.com/x", "https://fine.example/"])
    stage.process_batch(docs)
    assert all(d.kept for d in docs)
    assert docs[0].signals["url_filter"] == {"reason": "domain", "match": "pornhub.com"}
    assert "url_filter" not in docs[1].signals


def test_packaged_domains_are_exactly_datatroves():
    require("datatrove")
    domains, _ = _datatrove_lists()
    packed = BlockedSet(DATA / "ut1_domains.bin")
    assert len(packed) == len(set(domains))
    listed = set(domains)
    rng = random.Random(1)
    for d in rng.sample(domains, 3000):
        assert d in packed
        for near in (d + "x", "x" + d, d[:-1], "www." + d):
            assert (near in packed) == (near in listed), near


@settings(deadline=None, max_examples=60)
@given(
    st.sets(st.text(st.characters(blacklist_characters="\n"), max_size=12), max_size=300),
    st.lists(st.text(max_size=12), max_size=50),
)
def test_blocked_set_membership_is_exact(keys, probes):
    encoded = {k.encode("utf-8", "surrogatepass") for k in keys}
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/set.bin"
        write_blocked_set(encoded, path, block_lines=7, level=3)
        s = BlockedSet(path)
        assert len(s) == len(encoded)
        for k in list(encoded) + [p.encode("utf-8", "surrogatepass") for p in probes]:
            assert s.contains_bytes(k) == (k in encoded)


# URL-like text where hosts, userinfo, ports, brackets, dots and spaces meet
_URLISH = st.tuples(
    st.sampled_from(("", "http://", "https://", "//", "ftp://u:p@")),
    st.text(alphabet=st.sampled_from(list("abcXY09.-:/@[]?#% \t\u3002é_")), max_size=40),
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_URLISH)
def test_host_parts_cached_by_host_equal_the_url_reading(url):
    """The host cache answers what tldextract answers for the URL itself."""
    require("tldextract")
    from tamis.urls.check import _split, host_parts

    assert host_parts(url) == _split(url)


@settings(max_examples=400, deadline=None)
@given(_URLISH)
def test_site_domain_cached_by_host_equals_the_url_reading(url):
    """The boilerplate stage's site of a URL is the same through its host cache."""
    from tamis.clean.sitekey import _domain_of, registered_domain

    full = url if "://" in url else "http://" + url
    try:
        expected = _domain_of(full)
    except ValueError:
        with pytest.raises(ValueError):
            registered_domain(url)
        return
    assert registered_domain(url) == expected


def test_checker_answers_the_same_twice_and_past_its_memory(shared_data, monkeypatch):
    """The per-URL memory and the sub-word prefilter change no answer, even once cleared."""
    require("tldextract")
    import tamis.urls.check as check
    from tamis.urls.lists import build_lists

    urls = _real_urls(shared_data, 200)
    subs = sorted(default_words("banned_subwords"))
    urls += [f"https://blog.example.com/x{s}y.html" for s in subs[:40]]
    urls += [f"https://example.org/{w}" for w in sorted(default_words("banned_words"))[:20]]
    fresh = [check.UrlChecker(build_lists(True))._check(u) for u in urls]
    assert any(f and f[0] == "subword" for f in fresh) and fresh.count(None) > 100
    monkeypatch.setattr(check, "_SEEN_MAX", 7)
    checker = check.UrlChecker(build_lists(True))
    assert [checker.check(u) for u in urls + urls] == fresh + fresh
