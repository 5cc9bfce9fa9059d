"""Tokenizers from a local file, and how each document's ids are framed.

Two kinds of file are read, and nothing is ever downloaded:

* a Hugging Face ``tokenizer.json`` (the ``tokenizers`` library): a document's ids are exactly
  ``Tokenizer.encode(text).ids``, so the tokenizer's own post-processor (a Llama BOS, say) is
  kept as its authors meant it;
* a tiktoken ``.tiktoken`` ranks file, named after the encoding it holds
  (``cl100k_base.tiktoken``, ...): the pattern and special tokens are tiktoken's own for that
  name; a document's ids are ``encode_ordinary(text)`` (special-token text is plain text).

``--bos`` is put before and ``--eos`` after every document. The end-of-text token is added by
default: the tokenizer's own (``<|endoftext|>``, ``</s>``, ...) when it has one of the usual
names, else the run asks for ``--eos``. The tokenizer is identified by the SHA-256 of its file.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tamis.config import ConfigError

#: end-of-text tokens, by how often tokenizers use them; the first one present is the default
EOS_CANDIDATES = (
    "<|endoftext|>",
    "</s>",
    "<|end_of_text|>",
    "<eos>",
    "<|im_end|>",
    "[SEP]",
    "<|eot_id|>",
)

TIKTOKEN_NAMES = ("r50k_base", "p50k_base", "p50k_edit", "cl100k_base", "o200k_base")


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


class HFTokenizer:
    """A ``tokenizers`` tokenizer.json."""

    kind = "huggingface"

    def __init__(self, path: str) -> None:
        try:
            from tokenizers import Tokenizer
        except ImportError:
            raise ConfigError(
                "tokenizer: reading a tokenizer.json needs the 'tokenizers' package; "
                "install it with: pip install 'tamis[tokenize]'"
            ) from None
        try:
            self._tok = Tokenizer.from_file(path)
        except Exception as exc:
            raise ConfigError(
                f"tokenizer: {path} is not a Hugging Face tokenizer.json ({exc})"
            ) from None
        added = self._tok.get_added_tokens_decoder()
        self.vocab_size = max(
            self._tok.get_vocab_size(with_added_tokens=True), *(i + 1 for i in added)
        )
        # encode_batch_fast gives the same ids without computing offsets (tokenizers >= 0.21)
        self._batch = getattr(self._tok, "encode_batch_fast", self._tok.encode_batch)

    def token_id(self, token: str) -> int | None:
        return self._tok.token_to_id(token)

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self._batch(texts)]

    def encode(self, text: str) -> list[int]:
        return self._tok.encode(text).ids

    def decode_batch(self, ids: list[list[int]]) -> list[str]:
        return self._tok.decode_batch(ids, skip_special_tokens=False)


class TiktokenTokenizer:
    """A tiktoken ranks file, with the pattern and special tokens of the encoding it names."""

    kind = "tiktoken"

    def __init__(self, path: str) -> None:
        try:
            import tiktoken
            import tiktoken_ext.openai_public as public
        except ImportError:
            raise ConfigError(
                "tokenizer: reading a .tiktoken file needs the 'tiktoken' package; "
                "install it with: pip install tiktoken"
            ) from None
        name = Path(path).name.removesuffix(".tiktoken")
        if name not in TIKTOKEN_NAMES:
            raise ConfigError(
                f"tokenizer: {path}: a .tiktoken file must be named after its encoding, to know "
                f"its pattern and special tokens; one of: {', '.join(TIKTOKEN_NAMES)}"
            )
        ranks = read_tiktoken_ranks(path)
        # tiktoken's constructor for the name gives its pattern and special tokens; its loader
        # is pointed at the user's file, so that nothing is fetched
        loader = public.load_tiktoken_bpe
        public.load_tiktoken_bpe = lambda *_a, **_k: ranks
        try:
            params = getattr(public, name)()
        finally:
            public.load_tiktoken_bpe = loader
        params.pop("explicit_n_vocab", None)  # the user's file may be a cut-down vocabulary
        self._enc = tiktoken.Encoding(**params)
        self._special = dict(params["special_tokens"])
        self.vocab_size = self._enc.max_token_value + 1

    def token_id(self, token: str) -> int | None:
        if token in self._special:
            return self._special[token]
        try:
            return self._enc.encode_single_token(token.encode("utf-8"))
        except KeyError:
            return None

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        encode = self._enc.encode_ordinary
        return [encode(t) for t in texts]

    def encode(self, text: str) -> list[int]:
        return self._enc.encode_ordinary(text)

    def decode_batch(self, ids: list[list[int]]) -> list[str]:
        return [self._enc.decode_bytes(x).decode("utf-8", "replace") for x in ids]


def read_tiktoken_ranks(path: str) -> dict[bytes, int]:
    """``base64-token rank`` lines (tiktoken's own loader would cache the file by its path)."""
    ranks: dict[bytes, int] = {}
    with open(path, "rb") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                token, rank = line.split()
                ranks[base64.b64decode(token, validate=True)] = int(rank)
            except ValueError:
                raise ConfigError(
                    f"tokenizer: {path}, line {n}: not a tiktoken 'base64-token rank' line"
                ) from None
    return ranks


def open_tokenizer(path: str) -> HFTokenizer | TiktokenTokenizer:
    if not os.path.isfile(path):
        raise ConfigError(
            f"tokenizer: {path}: no such file (give a local tokenizer.json or .tiktoken file; "
            "nothing is downloaded)"
        )
    if path.endswith(".tiktoken"):
        return TiktokenTokenizer(path)
    return HFTokenizer(path)


@dataclass(frozen=True)
class Framing:
    """What surrounds every document's ids, resolved against one tokenizer."""

    bos: str | None
    bos_id: int | None
    eos: str | None
    eos_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "bos": None if self.bos is None else {"token": self.bos, "id": self.bos_id},
            "eos": None if self.eos is None else {"token": self.eos, "id": self.eos_id},
        }


def resolve_framing(
    tok: HFTokenizer | TiktokenTokenizer, eos: str | None, bos: str | None
) -> Framing:
    """``eos`` None means the tokenizer's own end-of-text token; ``""`` means none."""
    if eos is None:
        found = [c for c in EOS_CANDIDATES if tok.token_id(c) is not None]
        if not found:
            raise ConfigError(
                "eos: the tokenizer has none of the usual end-of-text tokens "
                f"({', '.join(EOS_CANDIDATES)}); name it with --eos TOKEN, or pass --eos '' "
                "to add none"
            )
        eos = found[0]
    framing: dict[str, Any] = {}
    for key, token in (("eos", eos), ("bos", bos)):
        if not token:
            framing[key], framing[key + "_id"] = None, None
            continue
        tid = tok.token_id(token)
        if tid is None:
            raise ConfigError(f"{key}: the tokenizer has no token {token!r}; name one it has")
        framing[key], framing[key + "_id"] = token, tid
    return Framing(**framing)


def token_dtype(vocab_size: int, fmt: str) -> str:
    """The smallest dtype each format reads that holds every id of the vocabulary.

    uint16 while every id is below 65,536; above, Megatron's int32, and the unsigned 32-bit
    type that datatrove and dolma read.
    """
    if vocab_size <= 1 << 16:
        return "uint16"
    return "int32" if fmt == "megatron" else "uint32"
