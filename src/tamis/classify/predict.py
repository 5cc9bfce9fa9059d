"""fastText's supervised prediction, computed with numpy from the model file itself.

The binding predicts one text at a time in C++: it reads the text through a stream, looks every
word up, adds one row of the input matrix per word and word n-gram, and only then moves on to
the next text; and it first loads the whole model into memory. Here the model file is
memory-mapped (opening it reads its dictionary, not its matrices, and worker processes share
its pages), a whole batch is tokenised at once (:mod:`tamis.classify.tokens`), each distinct
word is hashed and looked up once per run (:mod:`tamis.classify.memo`), its word n-grams are
computed as arrays, and the output layer runs for every text together.

Every step is fastText's own, in the same float32 arithmetic and the same order, so the scores
are the binding's bit for bit (tests/test_classifier.py and bench/bench_classifier.py check it):

* a text is read up to its end, where fastText's line ends with the end-of-sentence token
  ``</s>``; a ``</s>`` written in the text ends the line there (``Dictionary::getLine``);
* a word is in the vocabulary (it has a row), unknown (no row, but its hash takes part in the
  word n-grams), or a label (``__label__`` prefix: skipped);
* word n-grams: the words' hashes, stored as int32 and widened to uint64, combined as
  ``h * 116049371 + next``, modulo the bucket count;
* the hidden vector is the rows added one after another, in float32, then scaled by
  ``1 / count``; the output is one sequential float32 dot product per label, then softmax, or
  fastText's sigmoid table for one-vs-all and negative-sampling models;
* a score is what the binding returns: ``exp(log(p + 1e-5))`` in fastText's float types, the
  last ``exp`` being the C library's ``expf``.

Models this does not cover (quantised ``.ftz``, hierarchical softmax, character n-grams, other
format versions) are left to the binding: :func:`open_model` returns None for them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np

from tamis.classify.memo import WordMemo
from tamis.classify.model import read_header
from tamis.classify.tokens import PAD, Vocabulary, fasttext_hash, hashes, padded, same_bytes, spans

EOS = b"</s>"
LABEL = b"__label__"
NGRAM_MULTIPLIER = np.uint64(116049371)
LOSS_HS, LOSS_NS, LOSS_SOFTMAX, LOSS_OVA = 1, 2, 3, 4
MODEL_SUPERVISED = 3
SIGMOID_TABLE_SIZE, MAX_SIGMOID = 512, 8
#: rows gathered at once for one text (about 26 MB at dimension 100)
GATHER_ROWS = 1 << 16
#: texts of up to this many rows are added position by position, all at once
SHORT_ROWS = 256

_EOS_HASH = fasttext_hash(EOS)


class NumpyModel:
    """A supervised fastText model (``.bin``) predicting with numpy; see the module docstring.

    ``supported`` is False for a model this does not cover (predict with the binding then).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        head = read_header(path)
        mm = head.mm
        self.dim, self.word_ngrams, self.loss, model = head.args[0], *head.args[5:8]
        self.bucket, maxn = head.args[8], head.args[10]
        if head.version == 11 and model == MODEL_SUPERVISED:
            maxn = 0  # fastText's rule for old supervised models
        self.nwords, self.nlabels = head.nwords, head.nlabels
        self.labels = head.labels
        pos = head.end
        quant = mm[pos] if pos < len(mm) else 1
        self.supported = (
            head.version in (11, 12)
            and model == MODEL_SUPERVISED
            and self.loss in (LOSS_SOFTMAX, LOSS_OVA, LOSS_NS)
            and maxn <= 0
            and head.prune <= 0
            and not quant
        )
        if not self.supported:
            return
        rows, cols = struct.unpack_from("<qq", mm, pos + 1)
        pos += 17
        # the rows as bytes: the matrix starts wherever the dictionary ends, so its floats are
        # seldom aligned, and numpy copies a whole unaligned array before gathering from it;
        # gathered rows are a new (aligned) array, viewed as floats
        self._rows = np.frombuffer(mm, dtype=np.uint8, count=rows * cols * 4, offset=pos)
        self._rows = self._rows.reshape(rows, cols * 4)
        pos += 4 * rows * cols
        qout = mm[pos]
        orows, ocols = struct.unpack_from("<qq", mm, pos + 1)
        pos += 17
        if qout or cols != self.dim or rows != self.nwords + self.bucket:
            self.supported = False
            return
        if (orows, ocols) != (self.nlabels, cols):
            self.supported = False
            return
        wo = np.frombuffer(mm, dtype=np.float32, count=orows * ocols, offset=pos)
        self.output = np.ascontiguousarray(wo.reshape(orows, ocols).T)  # (dim, labels)
        self._sigmoid = _sigmoid_table() if self.loss != LOSS_SOFTMAX else None
        data, starts, ends = head.words, head.starts, head.ends
        self._is_word = data[ends + 9] == 0  # entry type: 0 word, 1 label
        self.vocab = Vocabulary(data, starts, ends - starts)
        eos = padded(np.frombuffer(EOS, dtype=np.uint8))
        at, n = np.zeros(1, dtype=np.int64), np.full(1, len(EOS), dtype=np.int64)
        self._eos = int(self.vocab.lookup(eos, at, n)[0])
        self.memo = WordMemo(self._resolve)

    # ---- what fastText adds up for each text

    def _input_ids(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The rows fastText adds for each text, in its order (the text's words, then its word
        n-grams), all texts one after another, and how many each text has."""
        n = len(texts)
        joined = "\n".join(texts)
        if joined.count("\n") != n - 1:  # fastText reads a text's first line only
            joined = "\n".join(t.split("\n", 1)[0] for t in texts)
        raw = (joined + "\n").encode("utf-8") + bytes(PAD)  # NULs: separators, as padding
        buf = np.frombuffer(raw, dtype=np.uint8)
        starts, ends = spans(buf)  # each text's words, then its line break
        lens = ends - starts
        rows, h, word = self.memo.lookup(buf, starts, lens)
        eos = np.flatnonzero(buf[starts] == 10)  # a line break reads as </s>
        text = np.zeros(len(starts), dtype=np.int64)
        text[eos[:-1] + 1] = 1
        np.cumsum(text, out=text)
        if EOS.decode() in joined:  # a </s> in a text ends its line there
            end = (lens == len(EOS)) & _has_prefix(buf, starts, lens, EOS)
            end[eos] = True
            before = np.cumsum(end) - end  # line ends before each word
            first = np.concatenate([[0], eos[:-1] + 1])  # each text's first word
            keep = before == before[first][text]
            rows, h, word, text = rows[keep], h[keep], word[keep], text[keep]
        has_row = rows >= 0
        gram_ids, gram_text = self._ngrams(h[word], text[word])
        # each text's word rows, then its n-gram rows, each put where it goes
        word_text = text[has_row]
        n_words = np.bincount(word_text, minlength=n)
        n_grams = np.bincount(gram_text, minlength=n)
        ids = np.empty(len(word_text) + len(gram_text), dtype=np.int64)
        ids[np.arange(len(word_text)) + (np.cumsum(n_grams) - n_grams)[word_text]] = rows[has_row]
        ids[np.arange(len(gram_text)) + np.cumsum(n_words)[gram_text]] = gram_ids
        return ids, n_words + n_grams

    def _resolve(
        self, buf: np.ndarray, starts: np.ndarray, lens: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per word (:class:`tamis.classify.memo.WordMemo`): its row of the input matrix (-1:
        none), its hash widened for the n-grams, whether it is a word (a label of the model,
        or an unknown word looking like one, is not); a line break reads as ``</s>``."""
        h = hashes(buf, starts, lens)
        vid = self.vocab.lookup(buf, starts, lens)
        unknown = np.flatnonzero(vid < 0)
        word = self._is_word[vid]
        word[unknown] = ~_has_prefix(buf, starts[unknown], lens[unknown], LABEL)
        eos = np.flatnonzero(buf[starts] == 10)
        vid[eos], h[eos], word[eos] = self._eos, _EOS_HASH, True
        rows = np.where((vid >= 0) & (vid < self.nwords), vid, -1)
        return rows, _widened(h), word

    def _ngrams(self, h: np.ndarray, text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the word n-grams (2 to wordNgrams words) in fastText's order: by first word,
        then by length. ``h``: the words' hashes as uint64; ``text``: the text of each."""
        n, m = self.word_ngrams, len(h)
        if n <= 1 or m < 2:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        bucket = np.uint64(self.bucket)
        acc = h.copy()
        grams = np.empty((m, n - 1), dtype=np.uint64)
        valid = np.zeros((m, n - 1), dtype=bool)
        for s in range(1, n):
            nxt = np.zeros(m, dtype=np.uint64)
            nxt[: m - s] = h[s:]
            acc = acc * NGRAM_MULTIPLIER + nxt
            grams[:, s - 1] = acc % bucket
            valid[: m - s, s - 1] = text[: m - s] == text[s:]
        valid = valid.ravel()
        rows = grams.ravel()[valid].astype(np.int64) + self.nwords
        return rows, np.repeat(text, n - 1)[valid]

    # ---- prediction

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """Rows of the input matrix (float32, shape ``(len(ids), dim)``)."""
        return np.take(self._rows, ids, axis=0).view(np.float32)

    def _hidden(self, ids: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Per text, its rows added one after another in float32, then times ``1 / count``.

        Texts of up to ``SHORT_ROWS`` rows (paragraphs, sentences, short documents) are added
        all together, position by position (:meth:`_add_by_position`); a longer text gathers its
        rows on its own (``np.add.reduce`` along the first axis adds row after row; ``reduceat``
        does not), so they are still in cache when added."""
        hidden = np.zeros((len(counts), self.dim), dtype=np.float32)
        ends = np.cumsum(counts)
        starts = ends - counts
        short = np.flatnonzero((counts > 0) & (counts <= SHORT_ROWS))
        if len(short):
            hidden[short] = self._add_by_position(ids, starts[short], counts[short])
        reduce, rows = np.add.reduce, self.rows
        for t in np.flatnonzero(counts > SHORT_ROWS).tolist():
            a, b = int(starts[t]), int(ends[t])
            if b - a > GATHER_ROWS:  # a long text in pieces, each added to the sum so far
                acc = hidden[t : t + 1]
                for lo in range(a, b, GATHER_ROWS):
                    part = rows(ids[lo : min(lo + GATHER_ROWS, b)])
                    acc = reduce(np.concatenate([acc, part]), axis=0, keepdims=True)
                hidden[t] = acc[0]
            else:
                hidden[t] = reduce(rows(ids[a:b]), axis=0)
        hidden *= (1.0 / np.maximum(counts, 1)).astype(np.float32)[:, None]
        return hidden

    def _add_by_position(
        self, ids: np.ndarray, starts: np.ndarray, counts: np.ndarray
    ) -> np.ndarray:
        """The sums of the rows ``ids[starts[i]:starts[i] + counts[i]]`` (counts >= 1), each
        added in order from zero as fastText adds them: at step k the k-th row of every text
        still that long is added to its sum, one gather and one addition for all of them."""
        order = np.argsort(-counts, kind="stable")  # longest first: the texts still going are
        at, c = starts[order], counts[order]  # a prefix
        longer = len(c) - np.cumsum(np.bincount(c, minlength=int(c[0]) + 1))
        acc = np.zeros((len(c), self.dim), dtype=np.float32)
        for k in range(int(c[0])):
            a = int(longer[k])
            acc[:a] += self.rows(ids[at[:a] + k])
        out = np.empty_like(acc)
        out[order] = acc
        return out

    def _output(self, hidden: np.ndarray) -> np.ndarray:
        """Probabilities per label: a sequential float32 dot product per label, then softmax
        (its ``exp`` in double, as fastText calls it) or the sigmoid table."""
        by_dim = np.ascontiguousarray(hidden.T)  # each dimension's values in a contiguous row
        weights = self.output[:, :, None]  # (dim, labels, 1)
        acc = np.zeros((self.nlabels, len(hidden)), dtype=np.float32)
        for j in range(self.dim):
            acc += weights[j] * by_dim[j]
        out = np.ascontiguousarray(acc.T)
        if self._sigmoid is None:
            e = np.exp((out - out.max(axis=1, keepdims=True)).astype(np.float64))
            e = e.astype(np.float32)
            z = np.zeros(len(e), dtype=np.float32)
            for k in range(self.nlabels):
                z += e[:, k]
            return e / z[:, None]
        at = (out + np.float32(MAX_SIGMOID)) * np.float32(SIGMOID_TABLE_SIZE)
        at = (at / np.float32(MAX_SIGMOID) / np.float32(2)).astype(np.int64)
        probs = self._sigmoid[np.clip(at, 0, SIGMOID_TABLE_SIZE)]
        probs[out < -MAX_SIGMOID] = 0
        probs[out > MAX_SIGMOID] = 1
        return probs

    def predict(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(scores, scored): per text, every label's score as the binding returns it (float32,
        in the model's label order), and whether fastText scores the text at all (one without
        any word or n-gram row gets no prediction)."""
        if not texts:
            return np.zeros((0, self.nlabels), dtype=np.float32), np.zeros(0, dtype=bool)
        ids, counts = self._input_ids(texts)
        probs = self._output(self._hidden(ids, counts))
        log = np.log(probs.astype(np.float64) + 1e-5).astype(np.float32)
        return _expf(log), counts > 0


def _has_prefix(buf: np.ndarray, starts: np.ndarray, lens: np.ndarray, prefix: bytes) -> np.ndarray:
    """Whether each word of ``buf`` starts with ``prefix``."""
    out = lens >= len(prefix)
    at = np.flatnonzero(out)
    other = np.frombuffer(prefix, dtype=np.uint8)
    out[at] = same_bytes(
        buf, starts[at], other, np.zeros(len(at), dtype=np.int64), np.full(len(at), len(prefix))
    )
    return out


def _widened(h: np.ndarray) -> np.ndarray:
    """32-bit hashes as fastText's n-gram arithmetic takes them: stored in an int32, then
    converted to uint64 (so sign-extended)."""
    return h.view(np.int32).astype(np.int64).view(np.uint64)


@lru_cache(maxsize=1)
def _libm_expf():
    """The C library's ``expf`` (what the binding's ``std::exp`` on a float calls), or None."""
    name = ctypes.util.find_library("m")
    try:
        fn = ctypes.CDLL(name).expf if name else None
    except (OSError, AttributeError):
        return None
    if fn is not None:
        fn.argtypes, fn.restype = [ctypes.c_float], ctypes.c_float
    return fn


def _expf(x: np.ndarray) -> np.ndarray:
    """float32 ``exp`` as the C library computes it. Its result is the double ``exp`` rounded
    to float32 but for rare values, so each distinct value goes through ``expf`` itself (a
    batch holds few: most scores repeat); without a C library, the rounded double."""
    expf = _libm_expf()
    if expf is None:
        return np.exp(x.astype(np.float64)).astype(np.float32)
    values, inverse = np.unique(x, return_inverse=True)
    out = np.array([expf(v) for v in values.tolist()], dtype=np.float32)
    return out[inverse].reshape(x.shape)


def _sigmoid_table() -> np.ndarray:
    """fastText's ``t_sigmoid_``: ``1 / (1 + std::exp(-x))`` for x every 1/32 over [-8, 8]."""
    i = np.arange(SIGMOID_TABLE_SIZE + 1, dtype=np.float32)
    x = (i * np.float32(2 * MAX_SIGMOID)) / np.float32(SIGMOID_TABLE_SIZE) - np.float32(MAX_SIGMOID)
    return (1.0 / (1.0 + _expf(-x).astype(np.float64))).astype(np.float32)


@lru_cache(maxsize=4)
def _open(path: str, size: int, mtime: float) -> NumpyModel | None:
    model = NumpyModel(path)
    return model if model.supported else None


def open_model(path: str | Path) -> NumpyModel | None:
    """The model at ``path`` for numpy prediction, opened once per process (again if the file
    changes); None when it is not one this module covers."""
    p = Path(path).resolve()
    st = p.stat()
    return _open(str(p), st.st_size, st.st_mtime)
