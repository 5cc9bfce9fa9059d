"""Finding personal data in text: e-mail addresses, phone numbers, IP addresses, payment cards
and IBANs, each as a (start, end, kind) span.

Every kind has a cheap candidate regex and a validator. The validators are where precision
comes from: cards must pass Luhn and start with a real issuer prefix, at a length that issuer
uses, and stand in no column of non-card codes; IBANs must have their country's length and
account format, check digits 02 to 98 and pass the ISO 7064 mod-97 check, IP addresses must
parse and an IPv4 address needs evidence of an address beside it (a bare dotted quad is a
version far more often), and phone numbers must have a phone's shape (an international prefix, a trunk 0, a
bracketed area code, or the North American 3-3-4 grouping) and not a date's, a price's, a
version's or an ISBN's.
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple

from tamis.pii.calling_codes import assigned_code
from tamis.pii.glued import (
    AREA_CODE_OPENS,
    GLUED_ADDRESS_AFTER,
    GLUED_WORD_AFTER,
    is_tld,
    tld_length,
)
from tamis.pii.layout import block_lines, in_code, in_table, line_bounds

EMAIL = "EMAIL"
PHONE = "PHONE"
IP = "IP"
CARD = "CARD"
IBAN = "IBAN"
KINDS = (EMAIL, PHONE, IP, CARD, IBAN)

# --- e-mail ----------------------------------------------------------------------------------

# The local part and the domain take letters of the scripts that write words apart: Latin with
# diacritics ("danglüe@email.com"), Greek, Cyrillic and Hebrew ("ιωάννης@εεττ.gr",
# "Фью@почта.рф", RFC 6531), and the address starts after a letter of a script written without
# spaces ("邮箱abc@example.cn": text glued before it). A digit glued
# after the top-level domain ends it only when that is a real one, and a dash only after a
# capitalised word glued on ("a@b.comE-mail:", see ``email_span``).
_LATIN = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
    "\u0386\u0388-\u03ce\u1f00-\u1ffc\u0400-\u04ff\u05d0-\u05ea"
)
_UNICODE_TLD = "\u0386\u0388-\u03ce\u0400-\u04ff\u05d0-\u05ea"
_EMAIL = re.compile(
    rf"(?<![{_LATIN}0-9_.%+$-])[{_LATIN}0-9](?:[{_LATIN}0-9._%+-]{{0,63}}[{_LATIN}0-9_%+-])?"
    rf"@(?:[{_LATIN}0-9](?:[{_LATIN}0-9-]{{0,61}}[{_LATIN}0-9])?\.)+"
    rf"(?:[A-Za-z]{{2,24}}|xn--[a-z0-9]{{2,59}}|[{_UNICODE_TLD}]{{2,24}})"
    r"(?:(?![\w-]|\.[A-Za-z0-9])|(?=\d|-[a-z]))"
)
# "logo@2x.png" and "icon@3x.webp" are retina image names, not addresses; "getty@tty1.service"
# and "name@string.suffix" are systemd unit names ("journald@NAMESPACE.conf" a configuration
# file of one); "en@quot.po", "sr@latin.po" are translation files of a locale with an "@"
# modifier.
_FILE_SUFFIX = frozenset(
    "png jpg jpeg gif svg webp bmp ico css js json pdf mp4 zip "
    "service socket target timer mount automount slice scope swap suffix conf po pot header".split()
)


# "git@github.com:FooCo/FooBar.git", "user@host:~/file": a path on the host after a colon.
_REMOTE_PATH = re.compile(r":[\w~/.-]")
# "https://apt:secret@example.org/": a URL's user and password before its host.
_URL_USER = re.compile(r"://[^\s/@]*:\Z")
# ":secret@example.org/v1": a URL's password (or port) and host with its path, the scheme and
# user cut off (as tests of a client's URL handling write them); "mailto:" is a mailbox.
_URL_PASSWORD_BEFORE = re.compile(r"(?<!mailto):\Z", re.I)
# Where the token an address is part of starts: a match that begins after a "=" inside a
# longer token ("<CAKsf...0d=pXtC...@mail.gmail.com>") is the tail of a message's identifier.
_TOKEN_START = re.compile(r"[^\s<>\"'(),;]*\Z")
# A list of names joined by commas with no space ("chacha20-poly1305@openssh.com,aes128-ctr,"
# or one a line), as configuration and protocol documents write algorithm and extension names.
_NAME_LIST = re.compile(r"[\w.@+%-]+(?:,(?:[ \t]*\n[ \t]*)?[\w.@+%-]+)+")


def _in_identifier_list(text: str, start: int, end: int) -> bool:
    """Whether the address is a member of a list of three names or more of which one is no
    address and holds a dash or a digit ("aes128-ctr"): a list of identifiers in the
    ``name@domain`` form (SSH algorithm names), not of mailboxes."""
    if not (text.startswith(",", end) or text[max(0, start - 40) : start].rstrip().endswith(",")):
        return False  # a member of no list: the common case, decided without the scan below
    for m in _NAME_LIST.finditer(text, max(0, start - 1500), min(len(text), end + 1500)):
        if m.start() <= start and end <= m.end():
            members = re.split(r",\s*", m.group())
            return len(members) >= 3 and any(
                "@" not in x and ("-" in x or any(c.isdigit() for c in x)) for x in members
            )
        if m.start() > start:
            break
    return False


# A part of a local part that names a cipher, a hash, a key exchange or a key type
# ("aes256-gcm", "hmac-sha2-256-etm", "curve25519-sha256", "sntrup761x25519-sha512",
# "ssh-ed25519-cert-v01"): the name@domain form is then a protocol's algorithm or extension
# name (SSH writes its own in a domain its authors own), not a mailbox.
_ALGORITHM_PART = re.compile(
    r"(?:sha\d*|md5|hmac|aes\d*|chacha20|poly1305|curve\d+|x25519|x448|ed25519|ed448|ecdsa|"
    r"nistp\d+|sntrup\d+\w*|mlkem\d+\w*|umac|etm|gcm|ctr|cbc|v0\d)"
)


def _names_an_algorithm(local: str) -> bool:
    """Whether the local part is two parts or more joined by dashes, one of which names an
    algorithm: a person's or a list's name has none of these parts."""
    parts = local.lower().split("-")
    return len(parts) >= 2 and any(_ALGORITHM_PART.fullmatch(p) for p in parts)


# "Message-ID: <...@host>", "Content-ID: <...>", "In-Reply-To: <...>", "with ESMTP id <...>": a
# message's identifier in the name@domain form, not a mailbox.
_MESSAGE_ID_BEFORE = re.compile(
    r"(?:message-id|content-id|in-reply-to|references|\b(?:e?smtp\w*|lmtp) id)[ \t]*:?[ \t]*<\Z",
    re.I,
)


# Message identifiers elsewhere than after their own header: a line of them in a folded
# "References:" header, the id of an NNTP response ("220 3000237 <45223423@example.com>"), a
# name that says so ("message_id, <...>").
_IDS_LINE = re.compile(r"[ \t]*(?:<[^<>\s]+>[ \t,]*)*\Z")
_IDS_HEADER = re.compile(
    r"[ \t]*(?:references|in-reply-to)[ \t]*:[ \t]*(?:<[^<>\s]+>[ \t,]*)*\Z", re.I
)
_IDS_HEADER_REACH = 30  # lines
_NNTP_RESPONSE = re.compile(r"(?:^|[\"'b])\d{3}[ \t]+\d+[ \t]+\Z")
_ID_NAME_BEFORE = re.compile(r"(?:message|msg)[-_ ]?id\w*\W{0,6}\Z", re.I)
# Glued after a token of figures and a colon ("2014-08-22:514B5D8A.6040705@host", "...:90305:
# 17843586-40@host"), as a list of credits or a parser's test writes a message's identifier.
# (not a parameter's value before a property's: vCard's "EMAIL;PREF=1:jane@example.com")
_AFTER_A_NUMBER = re.compile(r"(?<![\w=])\d[\d.:-]*:\Z")
# A timestamp's run of digits in the local part ("eric-2B8B56.18091515092010@news.example.fr").
_LONG_DIGIT_RUN = re.compile(r"\d{12}")


# The host Gmail writes its message identifiers under ("<AANLkTin...@mail.gmail.com>",
# "<CA+...@mail.gmail.com>"): no mailbox is there (Gmail's are under gmail.com).
_MESSAGE_ID_HOSTS = ("@mail.gmail.com",)
# A line that names a message's identifier ("eq_('4FEEF9B3.7060508@example.net',
# message.message_id)", "msgId", make_header('Message-ID', '<...>'), a header's own line with
# text glued before the identifier: "Message-ID:\n <ईमेलfromMessage@wők.com>").
_ID_NAME_ON_LINE = re.compile(r"(?:message|msg)(?:_?id\b|-id['\":])", re.I)


def _is_message_identifier(text: str, start: int, local: str) -> bool:
    """Whether the name@domain at ``start`` is a message's identifier, not a mailbox: a run of
    twelve digits or more in its local part, glued after figures and a colon ("...:90305:
    17843586-40@host"), or in angle brackets as a message identifier stands (see above)."""
    if _LONG_DIGIT_RUN.search(local) or _AFTER_A_NUMBER.search(text, max(0, start - 30), start):
        return True
    if text.startswith(_MESSAGE_ID_HOSTS, start + len(local)):
        return True
    line_start, line_end = text.rfind("\n", 0, start) + 1, text.find("\n", start)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    if _ID_NAME_ON_LINE.search(line):
        return True
    if text[start - 1 : start] != "<":
        return False
    if _ID_NAME_BEFORE.search(text, max(0, start - 30), start - 1):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start : start - 1]
    if _NNTP_RESPONSE.search(before):
        return True
    for _ in range(_IDS_HEADER_REACH):
        if _IDS_HEADER.match(before):
            return True
        if not _IDS_LINE.match(before) or line_start == 0:
            return False
        end = line_start - 1
        line_start = text.rfind("\n", 0, end) + 1
        before = text[line_start:end]
        if not before.strip():
            return False  # a blank line: the header ended before
    return False


# A list's address as a whole segment of a URL's path, a bug tracker's or a mail archive's
# ("bugs.debian.org/debian-gcc@lists.debian.org", "mail-archive.com/groff@gnu.org/msg01378"):
# no digit in its local part, as message identifiers have ("/r/20200101.1234@host"), and not
# right after "//" (a URL's user: "git+https://isaacs@github.com").
_LIST_IN_PATH = re.compile(r"[^/]/[^\d@/]+@[^@\s/]+(?:[/\s>)\]'\"`]|\Z)")

# Where a word glued after a top-level domain starts: a capital after a small letter, or a
# capital and a small letter after capitals ("comCustomer", "worldEnglish", "DENewsletter",
# "deSMTP"), two letters of the domain at least before it. Top-level domains are written in one
# case; text run together (blocks extracted with no space between them) is not.
_GLUED_WORD = re.compile(r"(?<=[a-z]{2})[A-Z]|(?<=[A-Z]{2})[A-Z](?=[a-z])")
# A bracketed note of words glued after an address ("bits@midohio.net(new e-mail)",
# "jane@example.com(work)"), not a call's arguments ("@app.route('/')"): the domain before it
# must then end in a real top-level domain.
_NOTE_AFTER = re.compile(r"\([^\W\d_][\w-]*(?:[ \t]+[\w-]+)*\)")
# Digits, separators and a bracket that open a local part: a number the address is glued to
# ("+1 609 632 0350info@damcogroup.com", "555-123-4567jane@example.com").
_DIGITS_OPEN = re.compile(r"[\d().-]*\d(?=[^\W\d_])")

# The longest local part the pattern allows: no address starts further before its "@".
_LOCAL_MAX = 65


# A URI of a MIME part or a message (RFC 2392: "cid:part1.06090408@example.com",
# "mid:..."): an identifier in the name@domain form, not a mailbox.
_PART_URI_BEFORE = re.compile(r"(?<![\w.+-])(?:cid|mid):\Z", re.I)
# The rest of an escape sequence after a backslash ("\ntest@iana.org", "\x07@iana.org",
# "<\u0338me@example.com" in a string literal): the escape's letters are no local part's.
_ESCAPE_REST = re.compile(r"[nrtfv0]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}")
# Letters of a local part before the backslash: an escaped letter stands inside the local part
# then ("pers\u00f6n@dom.in"), unless they are themselves an escape's; an escaped space or
# control character ends what stands before it ("a\tb@example.com" holds "b@example.com").
_LOCAL_HEAD = re.compile(rf"(?<![{_LATIN}0-9_.%+-])[{_LATIN}0-9][{_LATIN}0-9._%+-]*\Z")
# A label with dashes in its third and fourth places that is no punycode ("yy--0"): IDNA
# (RFC 5891) reserves the form, so no domain has one.
_RESERVED_LABEL = re.compile(r"(?!xn)[^.@]{2}--", re.I)
_ADDRESS_MAX = 254  # RFC 5321: a longer one is a validator's invalid example, no mailbox


def _label_ok(label: str) -> bool:
    """Whether a domain's label can be in one: not of IDNA's reserved form, and a punycode
    label ("xn--4dbrk0ce") that decodes ("xn--0" does not)."""
    if _RESERVED_LABEL.match(label):
        return False
    if label[:4].lower() != "xn--":
        return True
    try:
        label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return False
    return True


def email_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    """The address a match of ``_EMAIL`` holds, or None when it is something else."""
    value = m.group()
    start, end = m.start(), m.end()
    if text[start - 1 : start] == "\\" and (escape := _ESCAPE_REST.match(value)):
        head = _LOCAL_HEAD.search(text, max(0, start - 1 - _LOCAL_MAX), start - 1)
        letter = len(escape.group()) > 1 and chr(int(escape.group()[1:], 16)).isalpha()
        if letter and head and text[head.start() - 1 : head.start()] != "\\":
            value, start = text[head.start() : end], head.start()  # "pers\u00f6n@dom.in"
        else:
            value, start = value[escape.end() :], start + escape.end()
            if not value[:1].isalnum():
                return None  # "\x07@iana.org": the escape was all of the local part
    if _PART_URI_BEFORE.search(text, max(0, start - 5), start):
        return None
    at = value.index("@")
    if len(value) > _ADDRESS_MAX or not all(map(_label_ok, value[at + 1 :].split("."))):
        return None
    if value.rsplit(".", 1)[-1].lower() in _FILE_SUFFIX or ".." in value:
        return None
    if value.endswith(".py") and value.count(".", value.index("@")) == 1:
        return None  # "foo-bär@baz.py": a Python file (Paraguay registers under com.py, org.py)
    if text[max(0, start - 1) : start] == "/" and not _LIST_IN_PATH.match(text, start - 2, end + 1):
        return None  # a URL's path or user ("/r/<message-id>", "://user@host")
    last = value.rsplit(".", 1)[-1]
    if text.startswith("(", end) and not AREA_CODE_OPENS.match(text, end):
        if not (_NOTE_AFTER.match(text, end) and is_tld(last)):
            return None  # "@app.route(" (but "jane@example.com(509) 459-5382": a phone glued)
    if text[end : end + 1].isdigit() and not is_tld(last):
        return None  # "user@host.server1": a name that goes on, no domain
    if text.startswith("-", end) and not _GLUED_WORD.search(last):
        return None  # "a@host.name-part": a name that goes on (but "a@b.comE-mail": glued)
    if _URL_USER.search(text, max(0, start - 80), start) or _in_identifier_list(text, start, end):
        return None
    if text.startswith("/", end) and _URL_PASSWORD_BEFORE.search(text, max(0, start - 7), start):
        return None
    if text[start - 1 : start] == "=":  # glued into a longer token: judged from its start
        start_of_token = _TOKEN_START.search(text, max(0, start - 200), start).start()
        if _MESSAGE_ID_BEFORE.search(text, max(0, start_of_token - 25), start_of_token):
            return None
    if _MESSAGE_ID_BEFORE.search(text, max(0, start - 25), start):
        return None
    if _is_message_identifier(text, start, value[: value.index("@")]):
        return None
    if _names_an_algorithm(value[: value.index("@")]):
        return None
    if _figure_local_part_in_data(text, start, end, value[: value.index("@")]):
        return None
    if _REMOTE_PATH.match(text, end):
        return None  # "git@github.com:FooCo/FooBar.git": an SSH login and a path on the host
    if glued := _GLUED_WORD.search(last):
        end -= len(last) - glued.start()  # "info@example.comCustomer Support": a word glued
    elif not (last.islower() or last.isupper()) and value.count(".", value.index("@")) >= 2:
        end -= len(last) + 1  # "show@no-priors.com.Sarah Guo is": the next sentence glued
    elif last[-1] == "E" and last[:-1].islower() and text.startswith("<gt>", end):
        end -= 1  # "E<lt>aas@oslonett.noE<gt>": Perl POD's escape for ">" glued after
    elif (keep := tld_length(last)) is not None and keep < len(last):
        end -= len(last) - keep  # "info@example.orgfor more": a word glued in the same case
    return _after_a_number(text, start, end), end


def _after_a_number(text: str, start: int, end: int) -> int:
    """Where the address starts when its local part opens with the end of a phone number it is
    glued to ("+1 609 632 0350info@damcogroup.com"): after that number's last digit."""
    digits = _DIGITS_OPEN.match(text, start, end)
    if digits is None:
        return start
    boundary = digits.end()
    line_start = text.rfind("\n", 0, start) + 1
    window = text[max(line_start, start - 40) : boundary]
    if any(e == len(window) for _, e, _ in phones(window)):
        return boundary
    return start


def _figure_local_part_in_data(text: str, start: int, end: int, local: str) -> bool:
    """Whether a local part of figures alone ("45223423@example.com", "6@dom.ain") stands in a
    line of code or a table row: there a message's or a record's number, not a mailbox (in
    prose such addresses are real: "123456789@qq.com")."""
    if any(c.isalpha() for c in local):
        return False
    return in_code(text, start) or in_table(text, start, end)


def emails(text: str, numbers=None) -> list[tuple[int, int, str]]:
    at = text.find("@")
    if at < 0:
        return []
    out = []
    # every match holds an "@", so none starts before the first one's longest local part:
    # scanning from there finds the same matches as scanning from the start
    for m in _EMAIL.finditer(text, max(0, at - _LOCAL_MAX)):
        span = email_span(text, m)
        if span:
            out.append((*span, EMAIL))
    return out


# --- IP addresses ----------------------------------------------------------------------------

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
# (a capitalised word glued after it ends it too: "192.168.1.10Port 22", see ``glued``)
_IPV4 = re.compile(rf"(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?:(?![\w]|\.\d)|{GLUED_WORD_AFTER})")
_IPV6 = re.compile(
    r"(?<![\w:.])(?:(?:[0-9A-Fa-f]{1,4}:){1,7}(?::|(?::[0-9A-Fa-f]{1,4}){1,7}|[0-9A-Fa-f]{1,4})"
    r"|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4})"
    r"(?:%\w+)?(?![\w:])"
)
# An address is kept only with "::" or eight groups, and eight groups hold ":h:" (a group
# between two colons): without either, no match would be kept, so the scan is skipped.
_IPV6_HINT = re.compile(r":[0-9A-Fa-f]{1,4}:")
# "version 1.2.3.4", "build 6.1.7601.1", "chapter 1.2.3.4": dotted numbers that are not hosts;
# also "Standards-Version updated to 4.6.0.1", "New in 1.0.15.5", "since dpkg 1.4.1.17",
# "?v=1.5.1.3", "(>= 1.2.99.2)": a version word a few words before, a comparison, a parameter;
# and a standard's clause: "IEEE 802.11 7.3.1.6", "RFC4291 2.5.5.2", "CDC spec 5.2.3.11"; a
# kernel's version: "linux 2.6.8.1/9", "kernel 2.6.32.71".
_VERSION_BEFORE = re.compile(
    r"(?:(?<!\w)(?:version|ver\.?|release[ds]?|build|v|firmware|update[ds]?|upgrade[ds]?|kb|"
    r"chapter|section|§|figure|fig\.|table|step|rule|article|art\.|clause|para\.?|kapitel|"
    r"abschnitt|new in|changes in|linux|kernel|since(?:\s+[a-z][\w.+-]*)?|spec(?:ification)?s?|"
    r"(?:ieee|iso|iec|rfc|itu-t|ansi|ecma|etsi|3gpp|posix)(?:[ -]?(?:std\.?[ ]?)?[\w./-]*\d[\w.-]*)?)"
    r"(?:\s*[:=]|\s+(?:to|is|of|updated|bumped|increased|raised|changed|set)\b)*"
    r"|[<>]=|(?<!\w)=[<>])\s*\Z",
    re.I,
)
# "43.4.2.2 in the 802.3ad standard", "7.3.2.2 of the specification": a clause a standard names.
_STANDARD_AFTER = re.compile(
    r"[ \t]+(?:in|of)[ \t]+(?:the[ \t]+)?(?:[\w.-]+[ \t]+){0,2}(?:standard|spec(?:ification)?)\b",
    re.I,
)
# "1.2.99.4-2", "4.1.4.2+svn3283", "1.8.0.121-0.b13", "0.9.3.4~rc1": a version's revision or
# pre-release glued after it (an address range "10.0.0.1-10.0.0.9" is not this).
# (no "\A": it is used with ``match(text, pos)``, where "\A" matches only at the text's start)
_VERSION_AFTER = re.compile(r"[-+~](?!\d{1,3}\.\d{1,3}\.\d{1,3}\.\d)[0-9A-Za-z]")
# "gettext-0.19.8.1", "openjdk-1.8.0.121": a product's name and its version joined by a dash.
_PRODUCT_DASH = re.compile(r"(?<![\w.-])[A-Za-z][\w.+]*-\Z")
# "openresty/1.9.7.1", "Mozilla/5.0": a product and its version, as User-Agent and Server
# headers write them (a URL's "//" is not this).
_PRODUCT_SLASH = re.compile(r"(?<![/:])\b[A-Za-z][\w.+-]*/\Z")
# What an address sits beside in prose, configuration and logs.
_NETWORK_WORDS = re.compile(
    r"\b(?:ips?|ipv4|ip-?address(?:es)?|address(?:es)?|addr|inet|servers?|hosts?|hostname|"
    r"ping(?:s|ed|ing)?|gateways?|dns|resolvers?|routers?|routing|route|proxy|proxies|subnets?|"
    r"netmask|mask|nameservers?|interfaces?|bind|listen(?:s|ing)?|connect(?:s|ed|ing|ion|ions)?|"
    r"ports?|peers?|clients?|firewall|lan|wan|vpn|ssh|telnet|traceroute|nslookup|whois|dhcp|"
    r"nat|tcp|udp|icmp|localhost|loopback|network|endpoints?|node|cidr|blocked|banned|"
    r"requests?|login|logged|visitor|spam|mx|smtp|forward|(?:un)?ban(?:s|ned)?)\b",
    re.I,
)
# A port, a CIDR prefix, a URL or mail-header bracket, a web-server log line around it.
_NETWORK_AFTER = re.compile(r"\A(?::\d|/\d{1,2}\b|\]| - - \[|#\d)")
_NETWORK_BEFORE = re.compile(r"(?:://|\[|@|=|\bhttps?:/ ?)\Z")
# The token before a version in a product's name: letters with a digit ("FF2", "IE7"), a
# capitalised word that does not open a sentence ("Flash Player", "Kaspersky Anti-Virus"), or a
# short number after a capitalised word ("Virtual Pool 3").
_PRODUCT_BEFORE = re.compile(
    r"(?:\b[A-Za-z][A-Za-z+-]*\d[\w+-]*"
    r"|(?<=[\w,;)] )[A-Z][\w+-]*"
    r"|\b[A-Z][\w+-]* \d{1,4})"
    r"(?:[ \t]*[:\-–][ \t]*|[ \t]+)\Z"
)
# The rest of a heading line after its section number: a title that opens with a capital, a
# quote or a bracket ("General (XTS) interface.", "'O_NOFOLLOW'", "‘gettext’ Invocation"), to
# the end of its line.
_HEADING_TITLE = re.compile(r"[ \t]+[A-Z'\"‘“`(\[][^\n]{0,80}(?:\n|\Z)")
# A heading's title in a comment, which may open with a small letter ("aMACFramesReceived").
# (its first word holds a capital: a host's name after an address in a comment has none)
_COMMENT_TITLE = re.compile(r"[ \t]+(?=[^\s]*[A-Z])[A-Za-z'\"‘“`(\[][^\n]{0,80}(?:\n|\Z)")
# What may stand before a heading's number on its line: indentation, Markdown's "#", the markers
# of a comment ("/*", " *", "//", "#", ";", "--").
_COMMENT_MARKS = " \t#*/;-"
_MARKDOWN_HEADING = re.compile(r"#{1,6}[ \t]+")
# What closes a heading: a blank line, an underline or the end of the text.
_HEADING_CLOSE = re.compile(r"[ \t]*(?:\n|\Z)|[=\-*.~]{3,}(?:\n|\Z)")
# How far an outline's neighbouring heading is looked for.
_OUTLINE_REACH = 4000
# Dotted numbers of three or more parts, and the next or previous member of a list.
_DOTTED = re.compile(r"(?<![\w.])\d+(?:\.\d+){2,}(?![\w]|\.\d)")
_LIST_SEP = r"(?:,[ \t]*|[ \t]+(?:and|or|to|through|-|–)[ \t]+|[ \t]*/[ \t]*)"
_LIST_NEXT = re.compile(rf"{_LIST_SEP}(\d+(?:\.\d+)+)(?![\w]|\.\d)")
_LIST_PREVIOUS = re.compile(rf"(?<![\w.])(\d+(?:\.\d+)+){_LIST_SEP}\Z")


# A mail relay's name and the bracket its address stands in, as a Received header writes it
# ("from relay.example.net (192.0.2.7) by", "by mx.example.org ([10.1.2.3])").
_MAIL_HOST_BEFORE = re.compile(r"\b(?:from|by)[ \t]+[\w-]+(?:\.[\w-]+)+\s*\(\[?\Z", re.I)


def _version_pair(text: str, start: int, end: int) -> bool:
    """Whether the number is one of a pair of the same dotted number joined by a slash
    ("(8.16.0.20/8.16.0.20)", sendmail's version and its configuration's in a Received header):
    an address and its mask or prefix differ."""
    value = text[start:end]
    return text.startswith("/" + value, end) or text.endswith(value + "/", 0, start)


def _is_version(text: str, start: int, end: int) -> bool:
    """Whether the IPv4-shaped ``text[start:end]`` is a software version, not an address.

    A version word a few words before it ("version", "build", "Standards-Version updated to",
    "New in"), a ``product/`` or ``product-`` token right before it, a revision glued after it
    ("-2", "+svn"), or a first part 0 (no address but 0.0.0.0 starts so) settles it. Else an
    address shows itself by what sits beside it on its line (server, host, IP, ping, a port, a
    URL, a log line): then it stays an address. Without that, a single-digit first part with a
    product name before it ("Nero 7 Premium 7.9.6.0") or with two small parts ("2.0.0.6",
    "1.2.99.4", a section "5.1.3.1"), or other dotted version numbers near it make it a version.
    What is left is an address only on positive evidence of one (``_address_evidence``): a
    bare dotted quad on the web is a version, a section or an identifier far more often.
    """
    before = text[max(0, start - 40) : start]
    parts = text[start:end].split(".")
    if (
        _VERSION_BEFORE.search(before)
        or (_PRODUCT_SLASH.search(before) and len(parts[0]) <= 2)
        or _PRODUCT_DASH.search(before)
        or _VERSION_AFTER.match(text, end)
        or (parts[0] == "0" and parts != ["0", "0", "0", "0"])
        or _STANDARD_AFTER.match(text, end)
        or _version_pair(text, start, end)
    ):
        return True
    if all(len(p) <= 2 for p in parts) and _is_heading(text, start, end, parts):
        return True
    if _named_a_version_before(text, start, end):
        return True
    # the words before it in its paragraph: a wrapped line goes on the sentence of the last one
    line_before = text[max(0, start - 120) : start]
    line_before = line_before[line_before.rfind("\n\n") + 1 :]
    after = text[end : end + 30]
    line_after = after.split("\n", 1)[0]
    if not _prefix_in_use(text[start:end], after):
        return True  # "PP 1.1.1.1/2": a tree's path
    if (
        _NETWORK_AFTER.match(after)
        or _NETWORK_BEFORE.search(before)
        or _NETWORK_WORDS.search(line_before)
        or _NETWORK_WORDS.search(line_after)
        or _NETWORK_WORDS_ABROAD.search(line_before)
        or _NETWORK_WORDS_ABROAD.search(line_after)
        or _beside_an_ipv6_address(text, start, end)
        or _MAIL_HOST_BEFORE.search(text, max(0, start - 120), start)
    ):
        return False
    if _in_code_about_versions(text, start, end):
        return True  # "  $V2 = version->new(100/9);\n  print $V2;  # yields 11.111.111.100"
    single = len(parts[0]) == 1 and parts[0] != "0"
    # versions and section numbers have small parts ("1.2.99.4", "5.5.1.1"); of random
    # addresses, about one in sixty has two of its last three parts below 20, and of those one
    # in twenty-five a single-digit first part
    small = sum(len(p) == 1 or (len(p) == 2 and p < "20") for p in parts[1:])
    product = _PRODUCT_BEFORE.search(before[before.rfind("\n") + 1 :])
    if single and (small >= 2 or product):
        return True
    if product and small >= 2 and len(parts[0]) == 2:
        return True  # "Norton AntiVirus 2008 15.0.0.58": a product's build, its parts small
    # a version series: a four-part number no address can be ("7.0.5730.11") on either side,
    # or a list whose next or previous member is no address ("7.0.0.1, 7.0.1 and 7.1")
    for m in _DOTTED.finditer(text, max(0, start - 100), end + 100):
        if m.start() != start and m.group().count(".") >= 3 and not _valid_ipv4(m.group()):
            return True
    m = _LIST_NEXT.match(text, end)
    if m and not _valid_ipv4(m.group(1)):
        return True
    m = _LIST_PREVIOUS.search(text, max(0, start - 30), start)
    if m and not _valid_ipv4(m.group(1)):
        return True
    return not _address_evidence(text, start, end, parts)


# --- positive evidence of an address: what a version-shaped quad needs when nothing above
# settled it --
#
# On the web a bare dotted quad shaped as versions and sections are (a single-digit first part
# and small parts, or every part below 30) is a version, a section number or an identifier far
# more often than an address; each new family of such numbers cannot be listed one by one. An
# address of that shape is written where addresses are spoken of, so one with none of the signs
# below is left alone. A quad of another shape, as random addresses nearly all are, stays an
# address.

# Network words of other languages than English, and words written with no space around them
# in Chinese, Japanese and Korean ("服务器IP", "IPアドレス").
_NETWORK_WORDS_ABROAD = re.compile(
    r"\b(?:adresse[ns]?|adres(?:y|i|a)?|adresa|dirección|direccion|direcciones|indirizzo|"
    r"indirizzi|endereço|endereco|serveur|serveurs|servidor(?:es)?|serwer\w*|rechner|"
    r"passerelle|routeur|enrutador|roteador|réseau|netzwerk|sieć|connexion|conexión|conexão|"
    r"verbindung|bloqué|gesperrt|bloqueado|сервер\w*|адрес\w*|хост\w*|шлюз\w*|айпи)\b"
    r"|(?<![A-Za-z])IP(?![A-Za-z])|地址|服务器|伺服器|主机|网关|アドレス|サーバ|ホスト|주소|서버|호스트",
    re.I,
)
# How far around the number network words are looked for, within its paragraph: its sentence
# or line and the neighbouring lines of a listing or a log.
_EVIDENCE_REACH = 200
# A log line's shape: a time of day, an HTTP request, a firewall's or a mail log's fields.
_LOG_LINE = re.compile(
    r"\b\d{1,2}:\d{2}:\d{2}\b|\[\d{1,2}/\w{3}/\d{4}|\"(?:GET|POST|HEAD|PUT|DELETE|OPTIONS) /|"
    r"\b(?:src|dst|srcip|dstip|client|remote_addr|rhost|from|to)=",
    re.I,
)
# A hosts file's line: the address first (a comment's mark may stand before it), then one to
# three host names in small letters ("10.0.0.1 myhost", "# 127.0.1.1 box.lan box").
_HOSTS_LINE = re.compile(r"[ \t]+[a-z][a-z0-9.-]*(?:[ \t]+[a-z][a-z0-9.-]*){0,2}[ \t]*(?:\n|\Z)")
# The networks RFC 5737 reserves for examples in documentation.
_DOCUMENTATION_NETWORKS = frozenset(("192.0.2", "198.51.100", "203.0.113"))


def _beside_an_ipv6_address(text: str, start: int, end: int) -> bool:
    """Whether an IPv6 address stands on the line of the number or the next or previous one
    (a list of servers: "'8.8.8.8',\n  '2001:4860:4860::8888'"): a list of addresses."""
    line_start, line_end = line_bounds(text, start)
    lo = line_bounds(text, line_start - 1)[0] if line_start else 0
    hi = line_bounds(text, line_end + 1)[1] if line_end < len(text) else line_end
    return "::" in text[lo:hi] and bool(ipv6_addresses(text[lo:hi]))


def _version_shape(parts: list[str]) -> bool:
    """A version's or a section's shape: a single-digit first part and two small parts after
    it ("2.0.0.6", "1.2.99.4", "5.1.3.1"), or every part below 30 ("14.28.16.9")."""
    small = sum(len(p) == 1 or (len(p) == 2 and p < "20") for p in parts[1:])
    return (len(parts[0]) == 1 and small >= 2) or all(int(p) < 30 for p in parts)


def _address_shape(parts: list[str]) -> bool:
    """A shape versions rarely have: a private, loopback, link-local range, a netmask or the
    unspecified address ("192.168.1.10", "172.20.0.3", "10.0.0.1", "127.0.0.1", "169.254.3.9",
    "255.255.255.0", "0.0.0.0"), a network reserved for documentation ("192.0.2.1"),
    or two parts of three digits ("66.249.66.1" has one; "203.0.113.195" two): version and
    section numbers keep their parts small."""
    a, b = int(parts[0]), int(parts[1])
    if (a, b) in ((192, 168), (169, 254)) or (a == 172 and 16 <= b <= 31) or a == 127:
        return True
    if ".".join(parts[:3]) in _DOCUMENTATION_NETWORKS:
        return True
    if a in (10, 255) or parts == ["0", "0", "0", "0"]:
        return True
    return sum(len(p) == 3 for p in parts) >= 2


def _address_evidence(text: str, start: int, end: int, parts: list[str]) -> bool:
    """Whether the dotted quad is an address: its own shape is not a version's, or something
    beside it shows one (a network word in its sentence, line or neighbouring lines in any of
    several languages, an address's shape, a log line, a hosts file's line)."""
    if _address_shape(parts):
        return True
    lo = max(0, start - _EVIDENCE_REACH)
    hi = min(len(text), end + _EVIDENCE_REACH)
    paragraph = text.rfind("\n\n", lo, start)
    lo = lo if paragraph < 0 else paragraph + 2
    paragraph = text.find("\n\n", end, hi)
    hi = hi if paragraph < 0 else paragraph
    if _NETWORK_WORDS.search(text, lo, hi) or _NETWORK_WORDS_ABROAD.search(text, lo, hi):
        return True
    line_start, line_end = line_bounds(text, start)
    if _LOG_LINE.search(text, line_start, line_end):
        return True
    if not text[line_start:start].strip(_COMMENT_MARKS) and _HOSTS_LINE.match(text, end):
        return True
    # a quad that is not shaped as versions and sections are is an address, as random
    # addresses nearly always are: only a version's shape needs evidence of an address
    return not _version_shape(parts)


# Code about versions: a version word in an indented block of code (an example in a manual),
# with no network word in it, makes a dotted number in the block a version.
_VERSION_WORD = re.compile(r"\bversions?\b|\$VERSION\b|\bv-strings?\b", re.I)
_CODE_SIGN = re.compile(r"[$;={}]|->|\(\)")
_CODE_LINES_BEFORE = 2


def _prefix_in_use(value: str, after: str) -> bool:
    """Whether a slash number after the address, if any, may be a CIDR prefix or a mask: any
    but a prefix of one to seven bits on an address with host bits set, which no network is
    written as ("PP 1.1.1.1/2" is a profiler tree's path; "0.0.0.0/0", "240.0.0.0/4",
    "10.0.0.1/0.255.255.255" are networks and masks)."""
    m = re.match(r"/(\d{1,2})(?![\d.])", after)
    if m is None or not 1 <= int(m.group(1)) <= 7:
        return True
    network = ipaddress.ip_network(f"{value}/{m.group(1)}", strict=False)
    return network.network_address == ipaddress.ip_address(value)


def _in_code_about_versions(text: str, start: int, end: int) -> bool:
    """Whether the number stands in an indented line of code, and that line or one of the two
    before it, indented too, names a version ("$VERSION", "version->new(...)"). Prose that
    speaks of versions ("the mobile version of the site") is no such block: an address in it is
    still an address."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    lines = [text[line_start : len(text) if line_end < 0 else line_end]]
    for _ in range(_CODE_LINES_BEFORE):
        if line_start == 0:
            break
        previous = text.rfind("\n", 0, line_start - 1) + 1
        lines.append(text[previous : line_start - 1])
        line_start = previous
    block = [line for line in lines if line.startswith(("  ", "\t"))]
    if len(block) != len(lines) or not any(_CODE_SIGN.search(line) for line in block):
        return False
    joined = "\n".join(block)
    return bool(_VERSION_WORD.search(joined)) and not _NETWORK_WORDS.search(joined)


# How far back the same dotted number is looked for after a version word.
_SAME_NUMBER_REACH = 200


def _named_a_version_before(text: str, start: int, end: int) -> bool:
    """Whether the same dotted number stands a little before, after a version word: "after
    [version 3.6.23.1] ([dateof:3.6.23.1], ...": the number again, the same version."""
    value = text[start:end]
    at = text.rfind(value, max(0, start - _SAME_NUMBER_REACH), start)
    while at >= 0:
        if _VERSION_BEFORE.search(text, max(0, at - 40), at):
            return True
        at = text.rfind(value, max(0, start - _SAME_NUMBER_REACH), at)
    return False


def _is_heading(text: str, start: int, end: int, parts: list[str]) -> bool:
    """Whether the dotted number opens a heading of an outline: at the start of its line (after
    indentation, Markdown's "#" or a comment's marker), a title after it, and then a blank line
    or an underline ("\n\n12.4.2.1 Sub-Cultures\n\n", "2.1.3.1 Scope\n-----\n") when a blank
    line opens it, a Markdown heading ("### 2.1.3.1 Scope"), or else a number with a
    neighbouring heading of the same outline within reach: its parent ("11.2.2 ...") or a
    sibling ("11.2.2.2 ...") opening another line ("/* 30.3.3.3 aFramesTransmitted */" and
    "/* 30.3.3.4 aFramesReceived */" in a C header). In a comment the title may open with a
    small letter, but its first word holds a capital. Only numbers of small parts come
    here: of addresses, about one in forty has no part above 99, and of those few open a line
    with a title after them."""
    line_start = text.rfind("\n", 0, start) + 1
    prefix = text[line_start:start]
    if prefix.strip(_COMMENT_MARKS):
        return False
    comment = bool(prefix.strip(" \t")) and not _MARKDOWN_HEADING.fullmatch(prefix)
    title = (_COMMENT_TITLE if comment else _HEADING_TITLE).match(text, end)
    if title is None:
        return False
    if _MARKDOWN_HEADING.fullmatch(prefix):
        return True
    opens_block = line_start < 2 or text[line_start - 2] == "\n"
    if not comment and opens_block and _HEADING_CLOSE.match(text, title.end()):
        return True
    parent = re.escape(".".join(parts[:3]))
    opening = "[A-Za-z'\"‘“`(\\[]" if comment else "[A-Z'\"‘“`(\\[]"
    outline = re.compile(rf"(?:^|\n)[{_COMMENT_MARKS}]*{parent}(?:\.\d{{1,2}})?[ \t]+{opening}")
    lo, hi = max(0, start - _OUTLINE_REACH), min(len(text), end + _OUTLINE_REACH)
    return any(m.end() < line_start or m.start() > end for m in outline.finditer(text, lo, hi))


def _valid_ipv4(value: str) -> bool:
    parts = value.split(".")
    return len(parts) == 4 and all(len(p) <= 3 and int(p) <= 255 for p in parts)


def _in_table_of_versions(text: str, start: int, end: int) -> bool:
    """Whether the number is a field of a table (a row of figures, or columns lined up with
    a neighbouring line's) whose block holds a dotted number no address can be ("2.4.1",
    "7.0.5730.11") and no network word: a table of versions or figures."""
    if not in_table(text, start, end):
        return False
    block = block_lines(text, start)
    if any(_NETWORK_WORDS.search(line) for line in block):
        return False
    return any(not _valid_ipv4(m.group()) for line in block for m in _DOTTED.finditer(line))


def ip_addresses(text: str, numbers=None) -> list[tuple[int, int, str]]:
    out = []
    if "." in text:
        for m in _scan(_IPV4, text, numbers):
            if _is_version(text, m.start(), m.end()):
                continue
            if _in_table_of_versions(text, m.start(), m.end()):
                continue
            out.append((m.start(), m.end(), IP))
    if "::" in text or (text.count(":") >= 7 and _IPV6_HINT.search(text)):
        out.extend(ipv6_addresses(text))
    return out


# The first group of the IPv6 prefixes in use: global unicast (2000::/3), unique local
# (fc00::/7), link-local (fe80::/10), multicast (ff00::/8).
_ROUTABLE = re.compile(r"[23][0-9a-fA-F]{3}:|f[c-f][0-9a-fA-F]{2}:", re.I)


# Words beside the loopback "::1" that make it an address and not a figure or a slice.
_IPV6_WORDS = re.compile(r"inet_pton|inet6|af_inet6|ipv6", re.I)


def _loopback_in_context(text: str, start: int, end: int) -> bool:
    """Whether "::1" is the loopback address: in the brackets of a URL or a host and port
    ("[::1]:22", "http://[::1]/"), not of a slice ("x[::1]"), or beside a network word on its
    line ("localhost", "host", "bind", "AF_INET6")."""
    if text[start - 1 : start] == "[" and text.startswith("]", end):
        return start < 2 or not (text[start - 2].isalnum() or text[start - 2] in "_)]")
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return bool(_NETWORK_WORDS.search(line) or _IPV6_WORDS.search(line))


def _network_prefix(text: str, start: int, value: str) -> bool:
    """Whether a lone group and "::" is a network of a prefix in use ("fc00::", "fe80::/10",
    "2001::"), the address it opens, and not a slice of code ("x[2000::]")."""
    if not (value.endswith("::") and len(value) == 6 and _ROUTABLE.match(value)):
        return False
    return text[start - 1 : start] != "[" or start < 2 or not (text[start - 2].isalnum())


def ipv6_addresses(text: str) -> list[tuple[int, int, str]]:
    """Every IPv6 address of ``text`` that is kept: with "::" or all eight groups, a digit, and
    valid as an address (a scope id after "%" is allowed); the loopback "::1" alone only where
    its line or brackets show an address."""
    out = []
    for m in _IPV6.finditer(text):
        value = m.group().split("%", 1)[0]
        groups = [g for g in value.split(":") if g]
        if value == "::1" and _loopback_in_context(text, m.start(), m.end()):
            out.append((m.start(), m.end(), IP))
            continue
        if not any(c.isdigit() for c in value):
            continue
        if len(groups) < 2 and not _network_prefix(text, m.start(), value):
            continue
        if text[m.end() : m.end() + 1] == "." and text[m.end() + 1 : m.end() + 2].isalnum():
            continue  # "3ffe::127.0.1", "3ffe::1.net": a piece of a longer, malformed form
        if "::" not in value and (len(groups) != 8 or all(len(g) <= 2 for g in groups)):
            continue  # eight groups of one or two digits are bytes ("f9:2a:c2:77:29:f9:5c:00")
        if len(groups) <= 2 and not value.startswith("::") and not _ROUTABLE.match(value):
            continue  # "fh 800::800", "12::30": a short "::" form without a prefix in use
        try:
            ipaddress.IPv6Address(value)
        except ValueError:
            continue
        out.append((m.start(), m.end(), IP))
    return out


# --- payment cards ---------------------------------------------------------------------------

_CARD = re.compile(
    r"(?<![\w.,-])(?:\d{4}([ -]?)\d{4}\1\d{4}(?:\1\d{1,7})?|\d{4}([ -]?)\d{6}\2\d{4,5}"
    r"|\d{4}([ -]?)\d{5}\3\d{6})(?![\w]|[.,-]\d)"
)
# Maestro as the card type registries define it (creditcards-types, credit-card-type): 50,
# 56 to 59, and 6 where no other network is (60, 63, 66, 67: "6016 6070 9505 8666",
# "6759 6498 2643 8453"), twelve to nineteen digits ("5018 0000 0009").
_MAESTRO = r"5[06-9]|6[0367]"
_UATP = r"1"  # UATP, the airlines' card: prefix 1, fifteen digits, grouped 4-5-6
# The numbers that are also the shapes of ids, taken only where the text names a card (UATP's
# also where grouped 4-5-6): a 12-digit Maestro, Maestro's ranges that few issue and ids open
# with as often (59, 66, and 60 outside Discover, Hipercard and Forbrugsforeningen), and a
# 15-digit number opening with 1.
_NEEDS_CARD_WORD = re.compile(
    rf"(?:{_MAESTRO})\d{{10}}|(?:59|66|60(?!11|6282|0722))\d+|(?:{_UATP})\d{{14}}"
)

# Issuer prefixes (IIN ranges) of the networks in use: Visa, Mastercard, Amex, Discover,
# Diners, JCB, UnionPay, Maestro, Hipercard (606282), UATP (1), Troy (9792). A number that passes Luhn but
# starts elsewhere is an id.
_ISSUER = re.compile(
    r"4|5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720)|3[47]|6(?:011|5|4[4-9]|2)|3(?:0[0-5]|[68])|35"
    rf"|{_MAESTRO}|606282|220[0-4]|600722|1|9792"
)


# The lengths each network issues (a prefix not named here: 13 to 19).
_NETWORK_LENGTHS = (
    (re.compile(r"4"), (13, 16, 19)),  # Visa
    (re.compile(r"5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720)"), (16,)),  # Mastercard
    (re.compile(r"3[47]"), (15,)),  # American Express
    (re.compile(r"6(?:011|5|4[4-9])|35|62"), (16, 17, 18, 19)),  # Discover, JCB, UnionPay
    (re.compile(r"3(?:0[0-5]|[68])"), (14, 15, 16, 17, 18, 19)),  # Diners
    (re.compile(r"606282"), (13, 16, 19)),  # Hipercard
    (re.compile(r"220[0-4]"), (16, 17, 18, 19)),  # Mir
    (re.compile(r"600722"), (16,)),  # Forbrugsforeningen
    (re.compile(_MAESTRO), tuple(range(12, 20))),  # Maestro
    (re.compile(_UATP), (15,)),  # UATP
    (re.compile(r"9792"), (16,)),  # Troy
)


def card_number_ok(digits: str) -> bool:
    """Whether the digits can be a card: an issuer prefix, a length that issuer uses, Luhn."""
    if not 12 <= len(digits) <= 19 or len(set(digits)) < 2 or not _ISSUER.match(digits):
        return False
    for prefix, lengths in _NETWORK_LENGTHS:
        if prefix.match(digits):
            if len(digits) not in lengths:
                return False
            break
    else:
        if len(digits) < 13:
            return False
    return luhn_ok(digits)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# A grouped number whose groups of four go on, with the same separator, before or after it: a
# row of figures ("quanta 2650 1514 1514 1514 1514 1514"), not a card.
# Groups of four hexadecimal digits count too: a row of Unicode code points ("6662\n6718 6879
# 6887 6890 689C 686D") holds digit-only groups that pass Luhn by chance.
_GROUP_BEFORE = re.compile(r"(?<![0-9A-F])[0-9A-F]{4}[ -]\Z")
_GROUP_AFTER = re.compile(r"[ -][0-9A-F]{4}(?![0-9A-F])")


def cards(text: str, numbers=None) -> list[tuple[int, int, str]]:
    out = []
    for m in _scan(_CARD, text, numbers):
        sep = m.group(1) or m.group(2) or m.group(3)
        if sep and (
            _GROUP_BEFORE.search(text, max(0, m.start() - 6), m.start())
            and text[m.start() - 1] == sep
            or _GROUP_AFTER.match(text, m.end())
            and text[m.end()] == sep
        ):
            continue
        digits = re.sub(r"\D", "", m.group())
        if not card_number_ok(digits):
            continue
        if not sep and _in_list_of_figures(text, m.start(), m.end()):
            continue
        if not sep and len(digits) > _COMPACT_CARD_MAX and not _names_a_card(text, m.start()):
            continue
        if (
            _NEEDS_CARD_WORD.fullmatch(digits)
            and not m.group(3)
            and not _names_a_card(text, m.start())
        ):
            continue
        if _among_hex_codes(text, m.start()):
            continue
        if _in_column_of_codes(text, m.start(), m.end()) and not _names_a_card(text, m.start()):
            continue
        if _figure_in_data(text, m.start(), m.end(), _CARD_WORDS):
            continue
        out.append((m.start(), m.end(), CARD))
    return out


# The longest card number written without groups that is taken without a card word: cards of
# 17 to 19 digits are few, while ids of 18 or 19 digits are common on the web (fingerprints,
# snowflake ids, nanosecond timestamps: "x_commoncrawl_URLFP:4753179099582819535").
_COMPACT_CARD_MAX = 16


def _names_a_card(text: str, pos: int) -> bool:
    return any(_CARD_WORDS.search(line) for line in block_lines(text, pos))


# Words that name a card or its network on a table's row or head, and the names code gives a
# card's number ("creditcard.parse(", "cardNumber(", "card_number", "CreditCardNumbers").
_CARD_WORDS = re.compile(
    r"\b(?:cards?|visa|master\s?card|amex|american express|discover|diners|jcb|maestro|"
    r"unionpay|mir|uatp|credit|debit|cc|pan|kreditkarte|carte|tarjeta|luhn)\b"
    r"|(?-i:(?<=[a-z])Card(?![a-z]))"
    r"|(?<![A-Za-z])(?:[Cc]redit|CREDIT)?_?(?:[Cc]ard|CARD)(?:_?(?:[Nn]umber|NUMBER)s?|s)?"
    r"(?![a-z])",
    re.I,
)


def _figure_in_data(text: str, start: int, end: int, words: re.Pattern[str]) -> bool:
    """Whether the number ``text[start:end]`` stands in a table row or a line of code whose block
    names no value of its kind (``words``): a field or a literal there, not a personal value."""
    if not (in_table(text, start, end) or in_code(text, start)):
        return False
    return not any(words.search(line) for line in block_lines(text, start))


# A code of four to six hexadecimal digits with both a digit and a capital letter in it
# ("613A", "9B45", "227B4"): a code point or a byte value, which no text about a payment holds.
_HEX_CODE = re.compile(r"(?<![\w])(?=[0-9A-F]*[A-F])(?=[0-9A-F]*\d)[0-9A-F]{4,6}(?![\w])")
_HEX_REACH, _HEX_CODES_MIN = 150, 3


def _among_hex_codes(text: str, start: int) -> bool:
    """Whether the number stands among hexadecimal codes (three or more within reach): a row of
    a code-point or byte table whose digit-only codes pass Luhn by chance."""
    lo, hi = max(0, start - _HEX_REACH), min(len(text), start + _HEX_REACH)
    return len(_HEX_CODE.findall(text, lo, hi)) >= _HEX_CODES_MIN


# The list items on either side of a number ("[-678966196, 573763426263223372, -820489388]").
_ITEM_BEFORE = re.compile(r"[-+]?(\d{5,}),[ \t]*\Z")
_ITEM_AFTER = re.compile(r",[ \t]*[-+]?(\d{5,})(?![\d.])")


def _in_list_of_figures(text: str, start: int, end: int) -> bool:
    """Whether the number is an item of a comma-separated list of figures, a neighbour of
    which is no card (a list of hash values or ids in code); a list of cards passes."""
    before = _ITEM_BEFORE.search(text, max(0, start - 25), start)
    after = _ITEM_AFTER.match(text, end)
    return any(m and not card_number_ok(m.group(1)) for m in (before, after))


# How far around a card to look for the other numbers of its table.
_COLUMN_REACH = 300


def _in_column_of_codes(text: str, start: int, end: int) -> bool:
    """Whether the number stands among two or more other distinct numbers of a card's shape,
    most of which are no card: a table of codes or ids (a collation table's stroke codes, one a
    line), where one in ten passes Luhn by chance. A list of real cards passes the check
    throughout, and a card beside one order number has too few neighbours to be judged so.
    (Asked only where the block names no card: a card validator's tests list the numbers it
    must refuse beside the test cards it must accept.)"""
    own = re.sub(r"\D", "", text[start:end])
    others = {
        re.sub(r"\D", "", m.group())
        for m in _CARD.finditer(text, max(0, start - _COLUMN_REACH), end + _COLUMN_REACH)
    } - {own}  # (the same number again is no more evidence either way)
    if len(others) < 2:
        return False
    # (a number of the ranges that need a card word is none here, where no card is named)
    cards_among = sum(card_number_ok(o) and not _NEEDS_CARD_WORD.fullmatch(o) for o in others)
    return cards_among * 2 < len(others)


# --- IBAN ------------------------------------------------------------------------------------

# The account part (BBAN) of each country's IBAN, from the SWIFT IBAN registry: runs of digits
# (n), capital letters (a) or either (c). A string that passes mod-97 with a letter where the
# country has digits is no IBAN ("GB12 BARC 2020 1530 093A 59").
IBAN_BBAN = {
    "AD": "8n12c", "AE": "19n", "AL": "8n16c", "AT": "16n", "AZ": "4a20c", "BA": "16n",
    "BE": "12n", "BG": "4a6n8c", "BH": "4a14c", "BR": "23n1a1c", "BY": "4c4n16c", "CH": "5n12c",
    "CR": "18n", "CY": "8n16c", "CZ": "20n", "DE": "18n", "DK": "14n", "DO": "4c20n", "EE": "16n",
    "EG": "25n", "ES": "20n", "FI": "14n", "FO": "14n", "FR": "10n11c2n", "GB": "4a14n",
    "GE": "2a16n", "GI": "4a15c", "GL": "14n", "GR": "7n16c", "GT": "24c", "HR": "17n",
    "HU": "24n", "IE": "4a14n", "IL": "19n", "IQ": "4a15n", "IS": "22n", "IT": "1a10n12c",
    "JO": "4a4n18c", "KW": "4a22c", "KZ": "3n13c", "LB": "4n20c", "LC": "4a24c", "LI": "5n12c",
    "LT": "16n", "LU": "3n13c", "LV": "4a13c", "MC": "10n11c2n", "MD": "20c", "ME": "18n",
    "MK": "3n10c2n", "MR": "23n", "MT": "4a5n18c", "MU": "4a19n3a", "NL": "4a10n", "NO": "11n",
    "PK": "4a16c", "PL": "24n", "PS": "4a21c", "PT": "21n", "QA": "4a21c", "RO": "4a16c",
    "RS": "18n", "SA": "2n18c", "SC": "4a20n3a", "SE": "20n", "SI": "15n", "SK": "20n",
    "SM": "1a10n12c", "ST": "21n", "SV": "4a20n", "TL": "19n", "TN": "20n", "TR": "6n16c",
    "UA": "6n19c", "VA": "18n", "VG": "4a16n", "XK": "16n",
}  # fmt: skip
_BBAN_CLASS = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}
_BBAN_PATTERN = {
    country: re.compile(
        "".join(f"{_BBAN_CLASS[kind]}{{{n}}}" for n, kind in re.findall(r"(\d+)([nac])", bban))
    )
    for country, bban in IBAN_BBAN.items()
}
IBAN_LENGTHS = {
    country: 4 + sum(int(n) for n in re.findall(r"\d+", bban))
    for country, bban in IBAN_BBAN.items()
}


def bban_kinds(country: str) -> str:
    """The kind of each character of ``country``'s account part, one letter each ("nnnnaac...")."""
    return "".join(kind * int(n) for n, kind in re.findall(r"(\d+)([nac])", IBAN_BBAN[country]))


# Country and check digits (together, or apart as some banks print them: "NO 02 1503 7577
# 003"), then the account part in any grouping (print's groups of four, a bank's own, none):
# single spaces, dashes or dots anywhere ("ES15-0049-1806-9121-1186-9374", "NO07.8380.08.06006"),
# since the checksum, not the grouping, is what tells an IBAN. The longest IBAN has 30
# characters after its first four, the shortest 11.
_IBAN = re.compile(r"(?<![\w])[A-Z]{2} ?\d{2}(?:[ .-]?[A-Z0-9]){11,30}(?![\w])")
_IBAN_SEPARATORS = re.compile(r"[ .-]")


# Lowercase IBANs ("be71 0961 2345 6769"), as people type them: the country's account format
# read in lowercase, single spaces, dashes or dots anywhere, and the match ends where the
# country's length ends (not glued to a letter or to more digits), so that a following word is
# never read into it. Every group after the country's code holds a digit: words are no group.
_IBAN_LOWER = {
    country: re.compile(
        rf"{country.lower()} ?\d\d"
        + "".join(
            f"(?:[ .-]?{_BBAN_CLASS[kind].lower()}){{{n}}}"
            for n, kind in re.findall(r"(\d+)([nac])", bban)
        )
        + r"(?![\w]|[ .-]\d)"
    )
    for country, bban in IBAN_BBAN.items()
}


def _lowercase_iban(text: str, at: int) -> re.Match[str] | None:
    """The lowercase IBAN starting at ``at``, or None. A group with no digit must stand where
    the country's format has letters only (a British bank's "west"): where it allows letters
    or digits, a word could fill it."""
    country = text[at : at + 2].upper()
    m = _IBAN_LOWER[country].match(text, at)
    if m is None:
        return None
    kinds = "aann" + bban_kinds(country)
    pos = 0
    for group in _IBAN_SEPARATORS.split(m.group()):
        if not any(c.isdigit() for c in group) and set(kinds[pos : pos + len(group)]) != {"a"}:
            return None
        pos += len(group)
    return m if iban_ok(m.group().upper()) else None


def iban_ok(value: str) -> bool:
    compact = _IBAN_SEPARATORS.sub("", value)
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    if not "02" <= compact[2:4] <= "98" or not _BBAN_PATTERN[compact[:2]].fullmatch(compact[4:]):
        return False  # ISO 7064 check digits run from 02 to 98; the account part has its format
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def ibans(text: str, numbers: NumberScan | None = None) -> list[tuple[int, int, str]]:
    out = []
    # Every match starts where the hint matches, and hint matches cannot overlap (two capitals,
    # a space or none, then two digits), so trying the pattern at each hint right of the last
    # match's end finds what a scan of the whole text finds, without running its look-behind at
    # every character.
    hints = (numbers or scan_numbers(text)).iban_hints
    last_end = 0
    for at in hints:
        if at < last_end:
            continue
        if text[at] >= "a":
            m = _lowercase_iban(text, at)
            if m is not None:
                last_end = m.end()
                out.append((m.start(), m.end(), IBAN))
            continue
        m = _IBAN.match(text, at)
        if m is None:
            continue
        last_end = m.end()
        value = m.group()
        # the greedy match may have taken a following word's first group: try shorter ends
        while value and not iban_ok(value):
            cuts = list(_IBAN_SEPARATORS.finditer(value))
            if cuts:
                value = value[: cuts[-1].start()]
                continue
            # a word glued after a compact IBAN ("NL45RABO0105881341EUR": its currency)
            n = IBAN_LENGTHS.get(value[:2], 0)
            value = value[:n] if len(value) > n and value[n:].isalpha() else ""
        if value:
            out.append((m.start(), m.start() + len(value), IBAN))
    return out


# --- phone numbers ---------------------------------------------------------------------------

# A run of digits with phone separators, optionally opened by + or 00 and a bracketed area code;
# a dash between spaces separates too ("+45 - 31226543", "+370 - 7 - 223510"). Its digit groups
# are possessive: with a separator that may be empty, a long run of digits could otherwise be
# cut into groups in every way, each tried ("BR31 0000...0000A0" took 0.1 s).
#
# Text glued on either side ends a number too (see ``glued``): a bracketed area code after a
# word ("meganr@spokesman.com(509) 459-5382"), a capitalised word or an address's local part
# after the last digit ("Fax: 03-5613699E-mail:", "+1 609 632 0350info@damcogroup.com").
# (a "+" glued after a word opens a number only with the groups of one: "Fax+44 20 7946 0958",
# not "n+10000000"; ``_phone_ok`` then asks for an assigned calling code as for any other)
_PHONE_START = (
    rf"(?:(?<![\w+/.,$€£¥-])|(?<=[^\W\d_])(?={AREA_CODE_OPENS.pattern}|\+\d{{1,3}}[ .-]\d))"
    r"(?<!\d:)"
)
# An extension glued on ends the number too: "(212) 555-1234x89" (see ``_EXTENSION``).
_PHONE_GLUED_END = rf"|{GLUED_WORD_AFTER}|{GLUED_ADDRESS_AFTER}|(?=[xX]\d{{1,6}}(?![\w]))"
# A space may follow the "+" after a word or a comma, colon or bracket and one space ("Ireland,
# + 353 1 234 5678", as press releases print it; not a list's "+ " bullet, a sum's "3 + 20" or
# a quoted "+ 00 64"), and an area code may stand apart from the number by a spaced slash
# ("+49 (0) 40 / 210 98 76 54", "0 93 82 / 12 34 56") as by a spaced dash: two phones joined so
# are split again in ``phones``.
_PLUS_SPACE = r"(?:(?<=[^\W\d_] )|(?<=[,:;(] ))\+ (?=\d)"
_PHONE = re.compile(
    rf"{_PHONE_START}(?:\+|{_PLUS_SPACE}|00)?\(?\d{{1,5}}+\)?(?: ?\(0\))?"
    rf"(?:(?:[ \t.\-/]{{0,2}}|[ \t][-/][ \t])\(?\d{{1,8}}+\)?){{1,6}}"
    rf"(?:(?![\w/]|[.,:]\d|-\d){_PHONE_GLUED_END})"
    rf"|{_PHONE_START}\+\d{{7,15}}(?:(?![\w/]|[.,:]\d){_PHONE_GLUED_END})"
)
# How far past a region of digits a match's lookahead reads: an address's local part glued on.
_PHONE_LOOKAHEAD = 70
_NANP = re.compile(r"(?:1[ .-])?\(?[2-9]\d{2}\)?([ .-]?)\d{3}([ .-])\d{4}")
_NANP_PAREN = re.compile(r"\([2-9]\d{2}\) ?\d{3}[ .-]?\d{4}")
# Russia's and Kazakhstan's trunk 8, a bracketed area code and the subscriber's groups
# ("8 (800) 555-35-35", "8 (423) 202-25-11"): eleven digits in a shape no code has.
_TRUNK_EIGHT = re.compile(r"8 ?\(\d{3}\) ?\d{3}[ -]\d{2}[ -]\d{2}")
_TRUNK = re.compile(r"\(?0\d{1,4}\)?(?:[ /-]\d{2,8}){1,4}")
_DATE_SHAPE = re.compile(
    r"(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4})|(?:(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d)"
)
# A calendar date inside the digits ("04-26-2011 10:11") makes it a timestamp, whatever follows.
_DATE_INSIDE = re.compile(
    r"(?<!\d)(?:(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|[12]\d|3[01])[./-](?:19|20)\d\d"
    r"|(?:19|20)\d\d[./-](?:0?[1-9]|1[0-2])[./-](?:0?[1-9]|[12]\d|3[01]))(?!\d)"
)
# (a phone word inside a compound counts: "Kundentelefon", "Service-Hotline", "Notrufnummer";
# so does German's "call us", "rufen Sie uns an"; a table's bar may stand between the word's
# cell and the number's: "| Telefon: | 034651/23456 |")
_PHONE_CONTEXT = re.compile(
    r"\b(?:tel|tél|phone|telephone|téléphone|telefon|telefono|teléfono|fax|mobile?|mob|cell|call|ring|"
    r"whatsapp|contact|tlf|тел|телефон|handy|portable|celular|\w*(?:telefon|hotline|rufnummer)\w*|"
    r"rufen[ \t]+sie[ \t]+(?:uns|mich)[ \t]+an|anrufen)\b"
    r"[\"']?\.?[:=]?\s*(?:\w+\s*){0,2}[:.=]?\s*(?:\|\s*)?"
    r"[\"']?\Z",  # (a key and its quoted value: "phone": "2133734253", phone: '2133734253')
    re.I,
)
# Words after which digits are a code whatever their shape: "ISBN 0-201-53082-1", "doi:",
# "version", "pp. 1234-1250", and the radio bands of a handset ("GSM 900/1800", "LTE band 20").
_NOT_PHONE_BEFORE = re.compile(
    r"(?<!\w)(?:isbn(?:-1[03])?|issn|doi|version|ver|v|pp?\.|gsm|umts|w?cdma|lte|bands?)"
    r"\s*:?\s*\Z",
    re.I,
)
# A reference's word right before the digits ("No. 4711/2005", "Order #12345678", "Ref: 0123
# 456789", "ID 2024 556677", "Nº 0055/2005"): the number of a letter, an order or a record, not
# a phone, unless a phone word comes before the reference word ("Tel. No. 02 123 4567").
_REFERENCE_BEFORE = re.compile(
    r"(?<!\w)(?:no\.|nr\.?|n[º°]\.?|№|#|ref\.?|reference|id|order|invoice|case|ticket|serial|"
    r"s/n|sku|model|patent|circular|az\.)(?:[ \t]*(?:no\.?|nr\.?|number|#))?[ \t]*:?[ \t]*\Z",
    re.I,
)
# A "#" that opens its line, then a space: a comment (shell, Python, YAML), not "Order #".
_COMMENT_HASH = re.compile(r"(?:\A|\n)[ \t]*#[ \t]+\Z")
_MONEY_AFTER = re.compile(
    r"\A[ \t]*(?:€|\$|£|eur|usd|dlrs|dollars|euros?|pct|%|mln|billion|tonnes)", re.I
)
# A unit after the digits makes them a measure: "900/1800 MHz", "5000 mAh", "1024 x 768 px".
_UNIT_AFTER = re.compile(
    r"\A[ \t]*(?:[kMG]?Hz|mAh|kWh|dpi|rpm|[kMG]?bps|[kMGT]i?B|px|mm|cm|km|kg|ms|nm|bands?)\b",
    re.I,
)
# Two groups joined by a slash, the second of four digits or fewer: the number and year of a
# circular or a case ("0055/2005"), the serial of an official letter ("04002/1257"); a phone
# written with a slash has its subscriber number after it ("0621/1234567", "83/371-401").
_SLASH_REFERENCE = re.compile(r"\(?\d+\)?/\d{1,4}")
# A signed decimal ("Decimal('+35236450.6')"): one dot, digits on both sides, nothing else.
_SIGNED_DECIMAL = re.compile(r"\+\d+\.\d+")
# A phone as EPP and the whois records of every generic registry write it (RFC 5733): "+", the
# country code, a dot, the subscriber's digits ("Tech Phone: +1.6502530000", "admin_phone":
# "+1.6502530000"); the shape of a signed decimal, so taken only after a phone word on its line.
_EPP_PHONE = re.compile(r"\+\d{1,3}\.\d{4,14}")
# "contact:" before a bare run of digits: a registry's contact handle or an account's number
# ("contact: 50037928906" in nic.ar's records), not a phone unless a phone word says so.
_CONTACT_ONLY = re.compile(r"\bcontact\b[\"']?\.?:?\s*[\"']?\Z", re.I)


_ZIP_PLUS_FOUR = re.compile(r"\d{5}-\d{4}")
# Nine digits in three groups of three after a 0 ("046-454-286", "046 454 286"): how a Canadian
# Social Insurance Number or an Australian Tax File Number is printed, and a phone in Thailand
# or Armenia ("075-357-755"): a string literal of its own in a block that names no phone is a
# field's value.
# (An international call's prefix, "00" or North America's "011", opens a phone being dialled:
# "011 244 280" is the start of a number to Angola.)
_THREE_BY_THREE = re.compile(r"0(?!0|11)\d\d([ -])\d{3}\1\d{3}")
# The head of an account number right before the digits: a country's code and check digits,
# and groups of its bank code ("NL02 ABNA ", "NL91-", "MU17 BOMM "). The digits go on an IBAN
# that failed its check (a typo, a validator's invalid example), not a phone.
_IBAN_HEAD_BEFORE = re.compile(
    r"(?<![\w])([A-Z]{2})(?:\d\d[ .-]?|[ ]?\d\d[ .-]?(?:[A-Z0-9]{4}[ .-]?)+)\Z"
)


def _trunk_grouping_ok(value: str) -> bool:
    """A national number's groups as people write them: the subscriber part does not open
    with 0 ("012 013 023 123" is a list), and a group of one or two digits is not followed by
    one of six or more ("01 24 2007104" is a code; "(023) 80 593755" needs a "Tel." before it)."""
    groups = re.findall(r"\d+", value)
    if len(groups) >= 2 and groups[1].startswith("0"):
        return False
    return not any(
        len(a) <= 2 and len(b) >= 6 for a, b in zip(groups[1:], groups[2:], strict=False)
    )


# ISO 6709 coordinates as the tz database writes them: latitude ±DDMM[SS], longitude
# ±DDDMM[SS] ("+5546-12014", "+375711-0864541"), minutes and seconds below 60, in a column of a
# tab-separated table (a phone may have the shape: "+4930-12345").
_COORDINATES = re.compile(r"[+-](\d\d)([0-5]\d)([0-5]\d)?[+-](\d{3})([0-5]\d)([0-5]\d)?")
# A signed number right after an assignment with spaces or an opening bracket ("a = +4294967296",
# not a form's "From=+15017122661"): a literal in code, not a dialled number, unless a phone
# word comes before it.
_LITERAL_BEFORE = re.compile(r"(?:[ \t]=|\[)[ \t]*\Z")
# Unicode code points after a decomposition's tag or "U+" ("<fraction> 0031 2044 0034").
_CODE_POINTS_BEFORE = re.compile(r"(?:<[a-z]+>|U\+)[ \t]*\Z", re.I)


def _coordinates(value: str) -> bool:
    m = _COORDINATES.fullmatch(value)
    return bool(m and int(m.group(1)) <= 90 and int(m.group(4)) <= 180) and (
        (m.group(3) is None) == (m.group(6) is None)
    )


def _phone_ok(value: str, before: str, after: str) -> bool:
    digits = re.sub(r"\D", "", value)
    n = len(digits)
    if n < 7 or n > 15 or len(set(digits)) < 3:
        return False
    if (_coordinates(value) and (before.endswith("\t") or after.startswith("\t"))) or (
        _CODE_POINTS_BEFORE.search(before)
    ):
        return False
    if value[0] == "+" and value[1:].isdigit() and _LITERAL_BEFORE.search(before):
        if not _PHONE_CONTEXT.search(before):
            return False
    if _NOT_PHONE_BEFORE.search(before) or _MONEY_AFTER.match(after) or _DATE_INSIDE.search(value):
        return False
    if _EPP_PHONE.fullmatch(value) and _PHONE_WORDS.search(before[before.rfind("\n") + 1 :]):
        return 8 <= n <= 15 and assigned_code(digits)
    if _UNIT_AFTER.match(after) or _SIGNED_DECIMAL.fullmatch(value):
        return False
    # (a reference word and its "number", "#", colon fit in the last 24 characters)
    reference = _REFERENCE_BEFORE.search(before, max(0, len(before) - 24))
    if reference and _COMMENT_HASH.search(before):
        reference = None  # "    # +52 800 123 4567": a comment's mark, not a number's "#"
    if reference and not _PHONE_CONTEXT.search(before, 0, reference.start()):
        return False
    if "/" in value and _SLASH_REFERENCE.fullmatch(value) and not _PHONE_CONTEXT.search(before):
        return False
    if (head := _IBAN_HEAD_BEFORE.search(before)) and head.group(1) in IBAN_LENGTHS:
        return False
    if value.startswith("00") and not value.isdigit():
        # a dialled international prefix: a country code (never 0) after it, and the groups a
        # phone has ("005 (40081.000.0" is a job id, "00 0 -2 00 0" a table of figures)
        # (eight digits after the prefix at least: "0052 0303" is two Unicode code points)
        if digits[2] == "0" or "." in value or not assigned_code(digits[2:]):
            return False
        return 10 <= n <= 15 and not _DATE_SHAPE.fullmatch(value)
    if value.startswith("+"):
        # international: a country code and a subscriber number, any common grouping ("00"
        # alone before ten digits is more often an ISBN-10 or an id than a dialled prefix)
        # (only an assigned country code opens one: "+000000120" is a format's example,
        # "+9991112223333" a parser's example of a code that does not exist)
        return 8 <= n <= 15 and assigned_code(digits) and not _DATE_SHAPE.fullmatch(value)
    if _NANP_PAREN.fullmatch(value) or _TRUNK_EIGHT.fullmatch(value):
        return True
    m = _NANP.fullmatch(value)
    if m and m.group(1) == m.group(2):
        return n == 10 or (n == 11 and digits[0] == "1")
    if _DATE_SHAPE.fullmatch(value) or "." in value:
        return False
    context = bool(_PHONE_CONTEXT.search(before))
    if context and value.isdigit() and _CONTACT_ONLY.search(before):
        return False  # "contact: 50037928906": a handle, no phone's grouping and no phone word
    if _TRUNK.fullmatch(value) and 9 <= n <= 12:
        if context:
            return True
        if _ZIP_PLUS_FOUR.fullmatch(value):
            return False  # "NJ 07932-0971": a ZIP+4 code unless the text says phone
        return _trunk_grouping_ok(value)
    # any other grouping only when the text says it is a phone number
    return context and 7 <= n <= 13


# A digit group glued to a word right after a match: the number went on past where the
# pattern had to stop ("Tel: 0871 527 8800Whether you are ...").
_NUMBER_GOES_ON = re.compile(r"[ .\-/]?\d{3,}[^\W\d_]")
# Where a failed phone match is tried again: after a sentence end or a line break inside it
# ("since 2004. 805.748.1706", "2. 430-459-2623" hold a phone after the first figure).
_RESTART = re.compile(r"[.,;:!?] +|\n")


def _in_url(text: str, start: int) -> bool:
    """Whether ``start`` is inside a URL ("https://example.org/?p=0123456789",
    "www.example.org/item=0221-2005-17"): digits there are a page's or a record's identifier."""
    window = text[max(0, start - 300) : start]
    token = window[max(window.rfind(" "), window.rfind("\n"), window.rfind("\t")) + 1 :]
    return "://" in token or token.lower().startswith("www.")


def _phone_span(text: str, m: re.Match[str]) -> tuple[int, int] | None:
    if _in_url(text, m.start()):
        return None
    value = m.group().rstrip(" .-/")
    if value.endswith(")") and value.count(")") > value.count("("):
        value = value[:-1]  # "(Phone: 202/358-1547)": the bracket closes the text's aside
    if value[:1] not in "+0":
        nanp = _NANP.match(value)
        # a 3-3-4 number in its own marks, not spaces ("959 997 1028 1040" is a list)
        if (
            nanp
            and value[nanp.end() : nanp.end() + 1] == " "
            and (nanp.group(2) != " " or "(" in nanp.group())
        ):
            value = nanp.group()  # "603-878-2256 180 Massachusetts Ave.": a street number
            ok = _phone_ok(value, *_around(text, m, value))
            return (m.start(), m.start() + len(value)) if ok else None
    before, after = _around(text, m, value)
    if _NUMBER_GOES_ON.match(after):
        return None  # "Tel: 0871 527 8800Whether": the match stopped inside a longer number
    return (m.start(), m.start() + len(value)) if _phone_ok(value, before, after) else None


# An extension written after a phone ("x123", " x 22", " ext. 12", ", Ext: 4021",
# " extension 7", ";ext=1234" in a tel URI): part of the number to dial, so kept with it. An
# "x" alone needs the digits glued or one space before them; the words may stand apart.
_EXTENSION = re.compile(
    r"(?:[ \t]?[xX][ \t]?|,?[ \t]*(?i:ext|extn|extension)\.?:?[ \t]*|;ext=)"
    r"\d{1,6}(?![\w]|[.,-]\d)"
)


# Two phones on one line joined by a spaced dash or slash ("Tel.: 971 123 456 - 971 654 321",
# "Tel. 0171 2345678 / 0160 8765432"): one match too long for a phone, tried again part by part.
_SPACED_SEPARATOR = re.compile(r"[ \t][-/][ \t]")


def _joined_phones(text: str, m: re.Match[str]) -> list[tuple[int, int]]:
    """The phones of a failed match cut at its spaced dashes and slashes, each part judged with
    the words before the first (the line's "Tel.:" names them all)."""
    value = m.group().rstrip(" .-/")
    cuts = [c.span() for c in _SPACED_SEPARATOR.finditer(value)]
    if not cuts or _in_url(text, m.start()):
        return []
    before = text[max(0, m.start() - 40) : m.start()]
    out = []
    for a, b in zip([0] + [e for _, e in cuts], [s for s, _ in cuts] + [len(value)], strict=True):
        start, end = m.start() + a, m.start() + b
        if not _phone_ok(value[a:b], before, text[end : end + 12]):
            continue
        if _in_hex_dump(text, start) or _ambiguous_phone_in_data(text, start, end):
            continue
        out.append((start, end))
    return out


def _with_extension(text: str, end: int) -> int:
    """Where a phone that ends at ``end`` ends with the extension written after it."""
    m = _EXTENSION.match(text, end)
    return m.end() if m else end


def _around(text: str, m: re.Match[str], value: str) -> tuple[str, str]:
    start = m.start()
    return text[max(0, start - 40) : start], text[start + len(value) : start + len(value) + 12]


# Bytes written as pairs of hex digits: a line holding a run of six pairs or more, one of a
# digit and a letter or the padding byte "ff" ("0030  ff ff ff ff 0a 00 25 00 27 00") is a hex
# dump, and its
# "00 25 00 27 00" no phone. (Two-letter words such as "de" or "be" are hex pairs too, and may
# follow a phone's pairs: "Fax 05 04 40 55 75 de ...", so a pair of letters alone is no sign.)
_HEX_RUN = re.compile(r"(?<![\w])(?:[0-9a-fA-F]{2}[ \t]+){5,}[0-9a-fA-F]{2}(?![\w])")


_PHONE_MAX_DIGITS = 15  # E.164

# A phone's shape no table field or code literal has by chance: a bracketed area code
# ("(301) 373-9600"), the North American 3-3-4 in dashes or dots ("301-373-9600"), a "+" and a
# country code apart from two groups or more ("+44 20 7946 0958", "+44 (0)20 7946 0958"), a
# trunk 0 and an area code apart from two groups or more, the first not opening with 0
# ("030 1234 5678"; a timetable's "0815 0930 1045" is no such shape).
_UNAMBIGUOUS_PHONE = re.compile(
    r"(?:\+\d{1,3}[ .-])?\(\d{2,5}\)[ .-]?\d[\d .-]*"
    r"|(?:1[ .-])?[2-9]\d\d([.-])\d{3}\1\d{4}"
    r"|\+\d{1,3}[ .-]?(?:\(0\)[ .-]?)?\d{1,8}(?:[ .-]\d{1,8})+"
    r"|0\d{1,4}([ /-])[1-9]\d{1,4}(?:\2\d{2,5}){1,3}"
)
# A number in E.164's compact form, quoted or a form field's value in code: an API's phone.
_E164 = re.compile(r"\+[1-9]\d{7,14}")
_QUOTED = ("'", '"', "=")
# Words that name a phone on a table's row or head; parts of words count too ("Telefon",
# "called"): when in doubt a phone is kept.
_PHONE_WORDS = re.compile(r"tel|phone|fax|mobil|cell|contact|call|whatsapp|handy|portable", re.I)


def _ambiguous_phone_in_data(text: str, start: int, end: int) -> bool:
    """Whether the phone-shaped number stands in a table row or a line of code, has no
    phone's unambiguous shape, and no line of its block names a phone: a field or a literal
    (tz coordinates "+4230+00131", a column of ids), not a number to dial."""
    value = text[start:end]
    if _THREE_BY_THREE.fullmatch(value) and _quoted(text, start, end):
        return not any(_PHONE_WORDS.search(line) for line in block_lines(text, start))
    if _UNAMBIGUOUS_PHONE.fullmatch(value):
        return False
    if _E164.fullmatch(value) and (
        text[start - 1 : start] in _QUOTED or text[end : end + 1] in "'\""
    ):
        return False  # "from: '+15017122661'", "To=+15558675310": a string to dial, in code
    return _figure_in_data(text, start, end, _PHONE_WORDS)


def _quoted(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a string literal of its own ("'046-454-286'")."""
    return text[start - 1 : start] in _QUOTED[:2] and text[end : end + 1] in _QUOTED[:2]


def _in_hex_dump(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    for m in _HEX_RUN.finditer(text, line_start, len(text) if line_end < 0 else line_end):
        pairs = m.group().lower().split()
        if "ff" in pairs or any(not p.isdigit() and not p.isalpha() for p in pairs):
            return True
        if len(pairs) > _PHONE_MAX_DIGITS // 2:
            return True  # more digits in pairs than a phone has: printed bytes ("66 00 68 00 ...")
    return False


def phones(text: str, numbers=None) -> list[tuple[int, int, str]]:
    out = []
    regions = [(0, len(text))] if numbers is None else numbers.regions
    for lo, hi in regions:
        pos = lo
        while True:
            m = _PHONE.search(text, pos, min(len(text), hi + _PHONE_LOOKAHEAD))
            if m is None or m.start() >= hi:
                break
            span = _phone_span(text, m)
            if span and (_in_hex_dump(text, span[0]) or _ambiguous_phone_in_data(text, *span)):
                span = None
            if span:
                span = (span[0], _with_extension(text, span[1]))
                out.append((*span, PHONE))
                pos = span[1]  # a match cut back to its phone may hold the next one after it
                continue
            if joined := _joined_phones(text, m):
                out.extend((start, _with_extension(text, end), PHONE) for start, end in joined)
                pos = out[-1][1]
                continue
            again = _RESTART.search(text, m.start() + 1, m.end())
            pos = again.end() if again else m.end()
    return out


# Every phone, card and IPv4 address holds a run of digits and separators of at least seven
# characters; scanning for those runs first (a pattern that starts with a digit is searched by
# the regex engine's fast path) and running the detailed patterns only around them is what
# keeps PII detection cheap on number-heavy text such as newswire tables.
#
# The same scan finds where an IBAN may start (two capitals, a space or none, then two digits),
# so the text is read once for both. Its first branch matches a run of at least seven
# characters: a run that is shorter fails whole, since a match starting later in the run would
# only be shorter, so the long matches are exactly the long runs. Its other branches match the
# first digit of "XX12" or "XX 12", where no long run starts (the capital before it, or before
# its space, is part of no run, so the scan always reaches that digit). A lowercase IBAN
# ("be71 0961 ...", "gb82 west 1234 ...", "nl91abna0417164300") holds a long run that starts
# at its check digits or a few characters after them: it is looked for back from the long runs
# only, so that "in 20 days" and "at 10 am" cost nothing.
_NUMBERS_PATTERN = r"\d(?:[\d \t\-./()]{5,}\d|(?<=[A-Z][A-Z]\d)(?=\d)|(?<=[A-Z][A-Z] \d)(?=\d))"
_NUMBERS = re.compile(_NUMBERS_PATTERN)
# On ASCII text a Unicode digit is an ASCII digit. The scan for a pattern that opens with a
# class tests the class at every character (several nanoseconds each); one that opens with a
# literal jumps from one occurrence to the next. So ASCII text is read as bytes with every digit
# turned into "0" (one table lookup per byte) and scanned for the same pattern written with "0"
# for a digit: the same spans, in about half the time on newswire text.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NUMBERS_ZERO = re.compile(_NUMBERS_PATTERN.replace(r"\d", "0").encode("ascii"))
_BEFORE, _AFTER = 8, 4  # room for "+", "00", "(" before a run and the lookaheads after it


class NumberScan(NamedTuple):
    regions: list[tuple[int, int]]  # where phones, cards and IPv4 addresses may be
    iban_hints: list[int]  # where an IBAN may start, in text order


def _iban_hint_at(text: str, digit: int) -> int | None:
    """Where "XX12" or "XX 12" (two ASCII capitals, a space or none, two digits) starts when
    its first digit is at ``digit``, or None."""
    if not text[digit + 1 : digit + 2].isdecimal():  # the regex's \d: a Unicode decimal digit
        return None
    at = digit - 3 if text[digit - 1 : digit] == " " else digit - 2
    return at if at >= 0 and _country_at(text, at) else None


# A lowercase IBAN's start a few letters and digits before a long run of digits ("gb82 west ",
# "nl91abna", "ro49 aaaa 1b"): its country's code, the check digits, then single separators.
_LOWERCASE_REACH = 16
_LOWERCASE_IBAN_BEFORE = re.compile(r"(?<![\w])[a-z]{2} ?\d\d[ .-]?(?:[a-z0-9][ .-]?){1,8}\Z")


def _lowercase_iban_before(text: str, run: int) -> int | None:
    """Where the lowercase IBAN that the long run of digits at ``run`` goes on starts, or None."""
    pos = max(0, run - _LOWERCASE_REACH)
    while (m := _LOWERCASE_IBAN_BEFORE.search(text, pos, run)) is not None:
        if _country_at(text, m.start()):
            return m.start()
        pos = m.start() + 1  # a later start may be the country ("fe80 nl91abna0417...")
    return None


def _country_at(text: str, at: int) -> bool:
    """Whether an IBAN may start at ``at``: two ASCII capitals, or a word of two lowercase
    letters that is an IBAN country's code."""
    pair = text[at : at + 2]
    if "A" <= pair[:1] <= "Z" and "A" <= pair[1:] <= "Z":
        return True
    if not ("a" <= pair[:1] <= "z" and "a" <= pair[1:] <= "z") or pair.upper() not in IBAN_BBAN:
        return False
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_")


def scan_numbers(text: str) -> NumberScan:
    regions: list[tuple[int, int]] = []
    hints: list[int] = []
    if text.isascii():
        found = _NUMBERS_ZERO.finditer(text.encode("ascii").translate(_DIGITS_TO_ZERO))
    else:
        found = _NUMBERS.finditer(text)
    for m in found:
        start, end = m.span()
        if end - start < 7:  # only the IBAN branches match a single digit
            hints.append(start - 3 if text[start - 1] == " " else start - 2)
            continue
        at = _iban_hint_at(text, start)
        # (the letter that must end the part before the run, or stand before its separator)
        if at is None and start and (text[start - 1].isalpha() or text[start - 2].isalpha()):
            at = _lowercase_iban_before(text, start)  # "nl91abna0417...", "gb82 west 1234..."
        if at is not None and not (hints and hints[-1] >= at):
            hints.append(at)
        run = text[start:end]
        digits = len(run) - run.count(" ") - run.count("-") - run.count(".") - run.count("/")
        if digits - run.count("(") - run.count(")") - run.count("\t") < 7 and run.count(".") < 3:
            continue  # too few digits for a phone or card, too few dots for an address
        start, end = max(0, start - _BEFORE), min(len(text), end + _AFTER)
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], end)
        else:
            regions.append((start, end))
    return NumberScan(regions, hints)


def numeric_regions(text: str) -> list[tuple[int, int]]:
    return scan_numbers(text).regions


def _scan(pattern: re.Pattern[str], text: str, numbers: NumberScan | None):
    if numbers is None:
        yield from pattern.finditer(text)
        return
    for start, end in numbers.regions:
        yield from pattern.finditer(text, start, end)


# IBANs before cards: four groups of four inside a grouped IBAN pass Luhn and an issuer prefix
# one time in twenty-five or so, and the IBAN's own mod-97 check is the stronger proof.
DETECTORS = {EMAIL: emails, IP: ip_addresses, IBAN: ibans, CARD: cards, PHONE: phones}


def find_pii(text: str, kinds: tuple[str, ...] = KINDS) -> list[tuple[int, int, str]]:
    """All non-overlapping PII spans, earlier kinds in ``DETECTORS`` order winning overlaps
    (an e-mail's digits are not a phone, a card is not a phone)."""
    spans: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    numbers = scan_numbers(text)
    for kind, detect in DETECTORS.items():
        if kind not in kinds:
            continue
        if kind in (CARD, PHONE) and not numbers.regions:
            continue
        for start, end, k in detect(text, numbers):
            if any(start < e and s < end for s, e in taken):
                continue
            spans.append((start, end, k))
            taken.append((start, end))
    spans.sort()
    return spans
