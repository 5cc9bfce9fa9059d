"""Maintained lists of site-furniture lines, per language, matched only as whole lines.

Each entry is a regular expression that must match an entire line once the line's edges are
trimmed of bullets, separators and closing punctuation (see :data:`EDGE`). Matching whole lines,
never substrings, is what lets an article *about* cookies or comments keep its sentences: "We use
cookies" is only removed when that line is a consent notice, not when it opens a recipe.

Add a language by adding a key; the stage option ``languages`` selects which lists run.
Patterns are written lower-case and matched case-insensitively.
"""

from __future__ import annotations

import re
from functools import lru_cache

# What may surround a furniture line: bullets, separators, arrows, quotes, trailing dots.
EDGE = r"[ \t\-–—•·*|>»›<«‹:.!…()\[\]\"'“”„«»↑→←]*"

#: A year or year range, used by copyright lines in every language.
_YEAR = r"(?:(?:19|20)\d\d(?:\s*[-–—/]\s*(?:19|20)?\d\d)?)"
#: A short owner name after a copyright mark: a few words, no sentence inside.
_OWNER = r"[^\n!?]{0,80}?"

PATTERNS: dict[str, list[str]] = {
    "en": [
        r"comments? (?:are|is) (?:now )?(?:closed|disabled|off)(?: for this (?:post|article|entry))?",
        r"comments (?:closed|disabled|off)",
        r"(?:leave|post|add|write|submit) (?:a |your )?(?:comment|reply)(?: below)?",
        r"no (?:comments|responses|replies)(?: yet)?|\d+ (?:comments?|responses?|replies)",
        r"be the first to (?:comment|review(?: this)?)",
        r"you must be logged in to (?:post|leave) a comment",
        r"(?:log ?in|sign ?in|register) to (?:post |leave )?(?:a )?(?:comment|reply)s?",
        r"(?:share|email|print|tweet) (?:this|the) (?:article|post|story|page|entry)",
        r"share this(?: on (?:facebook|twitter|linkedin|whatsapp|pinterest|reddit))?",
        r"share(?: on)? (?:facebook|twitter|linkedin|whatsapp|pinterest|reddit|e-?mail)",
        r"click to (?:share|email|print) (?:this )?(?:on|to|by)? ?[a-z ]{0,20}(?:\(opens in new window\))?",
        r"(?:share|tweet|pin it|print|e-?mail|whatsapp|facebook|twitter|linkedin|reddit|pinterest)(?:\s*[|/·•]?\s*(?:share|tweet|pin it|print|e-?mail|whatsapp|facebook|twitter|linkedin|reddit|pinterest))*",
        r"follow us(?: on (?:facebook|twitter|instagram|linkedin|youtube|social media|telegram)(?:(?:,| and| or) (?:facebook|twitter|instagram|linkedin|youtube))*)?",
        r"like us on facebook",
        r"(?:subscribe|sign up)(?: now| today| for free)?(?: to| for)? (?:our|the)? ?(?:newsletter|mailing list|updates|channel|feed)s?",
        r"subscribe(?: now| today)?",
        r"(?:this (?:web)?site|we|our (?:web)?site) uses? cookies\b[^\n]{0,400}?(?:experience|browsing|consent|accept|agree|opt[- ]out|settings|policy|learn more|more info|find out more|continu)[^\n]{0,300}",
        r"(?:by (?:continuing|using) (?:to (?:use|browse) )?(?:this|our) (?:web)?site)[^\n]{0,200}cookies[^\n]{0,200}",
        r"(?:accept|allow|reject|decline|manage)(?: all)? cookies(?: and (?:continue|close))?",
        r"cookie (?:settings|preferences|policy|consent)",
        r"(?:privacy policy|terms (?:of|and) (?:use|service|conditions)|cookie policy|contact us|about us|sitemap|site map|imprint|disclaimer|accessibility)(?:\s*[|/·•,]?\s*(?:privacy policy|terms (?:of|and) (?:use|service|conditions)|cookie policy|contact(?: us)?|about(?: us)?|sitemap|site map|imprint|disclaimer|accessibility|advertise(?: with us)?|careers|help))*",
        r"(?:read|see|show|load|view) (?:more|all|full (?:article|story))(?: (?:comments|stories|articles|news|posts|reviews|photos))?",
        r"(?:continue|keep) reading(?: (?:the )?(?:main story|article|below))?",
        r"click here(?: to (?:read|see|view|learn|find out) more)?",
        r"(?:read|see) (?:next|the full (?:article|story))",
        r"advertisements?|advertising|sponsored(?: content| links?| post)?|ad(?:vert)?|report this ad|ads by [a-z]+|story continues (?:below|after) (?:this )?(?:advertisement|ad)",
        r"skip to (?:main )?(?:content|navigation|footer)",
        r"(?:back|return|go) to top",
        r"(?:previous|next|older|newer) (?:article|post|story|entry|page)s?",
        r"related (?:articles|posts|stories|news|content|links)",
        r"(?:you (?:may|might) also like|recommended for you|trending now|most (?:read|popular|viewed)|more (?:from|on) this (?:site|topic)|more stories)",
        r"(?:all rights reserved)",
    ],
    "de": [
        r"(?:die )?kommentare sind (?:geschlossen|deaktiviert)",
        r"kommentar(?:e)? (?:schreiben|hinterlassen|verfassen)",
        r"(?:keine|\d+) kommentare?",
        r"(?:artikel|beitrag|seite) (?:teilen|drucken|versenden|empfehlen)",
        r"(?:auf|bei) (?:facebook|twitter|whatsapp|linkedin|xing) teilen",
        r"teilen",
        r"folgen sie uns(?: auf (?:facebook|twitter|instagram|linkedin|youtube))?",
        r"(?:jetzt |kostenlos )?(?:newsletter )?(?:abonnieren|bestellen)(?: sie (?:unseren )?newsletter)?",
        r"(?:diese (?:website|webseite|seite)|wir) (?:verwendet|verwenden|nutzt|nutzen) cookies\b[^\n]{0,600}",
        r"cookies? (?:akzeptieren|ablehnen|einstellungen)|alle cookies akzeptieren",
        r"(?:datenschutz(?:erklärung|hinweise?)?|impressum|agb|kontakt|nutzungsbedingungen|barrierefreiheit)(?:\s*[|/·•,]?\s*(?:datenschutz(?:erklärung|hinweise?)?|impressum|agb|kontakt|nutzungsbedingungen|barrierefreiheit|mediadaten|über uns))*",
        r"(?:weiterlesen|mehr lesen|mehr erfahren|mehr dazu|alle artikel|mehr zum thema|lesen sie auch|auch interessant)",
        r"anzeige|werbung|gesponsert",
        r"(?:zum|direkt zum) (?:inhalt|hauptinhalt) springen|zum inhalt",
        r"nach oben(?: scrollen)?",
        r"alle rechte vorbehalten",
    ],
    "fr": [
        r"les commentaires sont (?:fermés|clos|désactivés)",
        r"(?:laisser|écrire|ajouter|poster) un commentaire",
        r"(?:aucun|\d+) commentaires?",
        r"partager(?: cet article| sur (?:facebook|twitter|linkedin|whatsapp))?",
        r"suivez[- ]nous(?: sur (?:facebook|twitter|instagram|linkedin|youtube))?",
        r"(?:abonnez[- ]vous|inscrivez[- ]vous|s'abonner|s’abonner)(?: (?:à|a) (?:notre|la) newsletter)?",
        r"(?:ce site|nous) (?:utilise|utilisons) des cookies\b[^\n]{0,600}",
        r"(?:accepter|refuser|gérer)(?: tous)? les cookies",
        r"(?:politique de confidentialité|mentions légales|conditions générales(?: d'utilisation)?|nous contacter|plan du site)(?:\s*[|/·•,]?\s*(?:politique de confidentialité|mentions légales|conditions générales(?: d'utilisation)?|contact|nous contacter|plan du site|qui sommes-nous))*",
        r"(?:lire la suite|en savoir plus|lire aussi|à lire aussi|voir aussi|voir plus|continuer la lecture)",
        r"publicité|sponsorisé",
        r"aller au contenu(?: principal)?|passer au contenu",
        r"retour en haut(?: de la page)?",
        r"tous droits réservés",
    ],
    "es": [
        r"(?:los )?comentarios (?:están )?cerrados",
        r"(?:deja|dejar|escribe|añade|publica) (?:un |tu )?comentario",
        r"(?:sin|\d+) comentarios?",
        r"compartir(?: (?:este artículo|esta noticia|en (?:facebook|twitter|linkedin|whatsapp)))?",
        r"síguenos(?: en (?:facebook|twitter|instagram|linkedin|youtube))?",
        r"suscríbete(?: (?:a|al) (?:nuestro )?(?:boletín|newsletter))?",
        r"(?:este sitio(?: web)?|esta web|utilizamos|usamos) (?:utiliza |usa )?cookies\b[^\n]{0,600}",
        r"(?:aceptar|rechazar|configurar)(?: todas)?(?: las)? cookies",
        r"(?:política de privacidad|aviso legal|política de cookies|términos y condiciones|contacto)(?:\s*[|/·•,]?\s*(?:política de privacidad|aviso legal|política de cookies|términos y condiciones|contacto|quiénes somos))*",
        r"(?:leer más|seguir leyendo|ver más|lee también|te puede interesar)",
        r"publicidad|patrocinado",
        r"(?:ir|saltar) al contenido(?: principal)?",
        r"volver arriba",
        r"todos los derechos reservados",
    ],
    "pt": [
        r"(?:os )?comentários (?:estão )?(?:fechados|encerrados)",
        r"(?:deixe|deixar|escreva) (?:um |seu |o seu )?comentário",
        r"(?:sem|\d+) comentários?",
        r"(?:compartilhar|partilhar|compartilhe)(?: (?:este artigo|esta notícia|no (?:facebook|twitter|whatsapp)))?",
        r"siga[- ]nos(?: no (?:facebook|twitter|instagram|linkedin|youtube))?",
        r"(?:assine|inscreva[- ]se)(?: (?:a|na) (?:nossa )?newsletter)?",
        r"(?:este (?:site|sítio)|nós|utilizamos|usamos) (?:usa |utiliza )?cookies\b[^\n]{0,600}",
        r"(?:aceitar|rejeitar|gerir|gerenciar)(?: todos)?(?: os)? cookies",
        r"(?:política de privacidade|termos de uso|termos e condições|fale conosco|contacto|contato)(?:\s*[|/·•,]?\s*(?:política de privacidade|termos de uso|termos e condições|fale conosco|contacto|contato|quem somos))*",
        r"(?:leia mais|ler mais|continue lendo|continuar a ler|saiba mais|leia também|veja também)",
        r"publicidade|patrocinado",
        r"(?:ir|saltar) para o conteúdo(?: principal)?",
        r"voltar ao topo",
        r"todos os direitos reservados",
    ],
    "it": [
        r"(?:i )?commenti sono chiusi|commenti chiusi",
        r"(?:lascia|scrivi|aggiungi) un commento",
        r"(?:nessun|\d+) comment[oi]",
        r"condividi(?: (?:questo articolo|su (?:facebook|twitter|whatsapp|linkedin)))?",
        r"seguici(?: su (?:facebook|twitter|instagram|linkedin|youtube))?",
        r"iscriviti(?: alla (?:nostra )?newsletter)?",
        r"(?:questo sito(?: web)?|utilizziamo|usiamo) (?:utilizza |usa )?(?:i )?cookie\b[^\n]{0,600}",
        r"(?:accetta|rifiuta|gestisci)(?: tutti)?(?: i)? cookie",
        r"(?:privacy policy|informativa (?:sulla )?privacy|cookie policy|note legali|termini (?:e condizioni|di (?:uso|utilizzo))|contatti|chi siamo)(?:\s*[|/·•,]?\s*(?:privacy policy|informativa (?:sulla )?privacy|cookie policy|note legali|termini (?:e condizioni|di (?:uso|utilizzo))|contatti|chi siamo))*",
        r"(?:leggi (?:di )?più|continua a leggere|leggi anche|leggi tutto|scopri di più)",
        r"pubblicità|sponsorizzato",
        r"vai al contenuto(?: principale)?",
        r"torna (?:su|in alto|all'inizio)",
        r"tutti i diritti riservati",
    ],
    "ru": [
        r"комментарии (?:закрыты|отключены)",
        r"(?:оставить|оставьте|написать|добавить) комментарий",
        r"(?:нет|\d+) комментари(?:ев|я|й)",
        r"поделиться(?: в (?:facebook|vk|вконтакте|twitter|telegram|одноклассниках))?",
        r"(?:подписывайтесь|подпишитесь)(?: на (?:нас|наш канал|рассылку|новости)(?: в (?:telegram|телеграм|vk|вконтакте|дзен|facebook))?)?",
        r"(?:этот сайт|мы) (?:использует|используем)(?: файлы)? cookies?\b[^\n]{0,600}",
        r"(?:принять|отклонить)(?: все)?(?: файлы)? cookies?",
        r"(?:политика конфиденциальности|пользовательское соглашение|контакты|о (?:нас|проекте)|карта сайта)(?:\s*[|/·•,]?\s*(?:политика конфиденциальности|пользовательское соглашение|контакты|о (?:нас|проекте)|карта сайта|реклама))*",
        r"(?:читать (?:далее|дальше|ещё|еще|полностью)|подробнее|читайте также|смотрите также)",
        r"реклама|на правах рекламы",
        r"перейти к (?:содержимому|содержанию)",
        r"наверх",
        r"все права защищены",
    ],
}

#: Copyright lines are language-neutral: a mark, an optional year and owner, optionally the
#: "all rights reserved" phrase of any listed language.
_RIGHTS = (
    r"(?:all rights reserved|alle rechte vorbehalten|tous droits réservés|"
    r"todos los derechos reservados|todos os direitos reservados|tutti i diritti riservati|"
    r"все права защищены)"
)
COPYRIGHT = (
    r"(?:copyright\s*)?(?:©|&copy;)\s*(?:"
    + _YEAR
    + r")?"
    + _OWNER
    + r"(?:[.,]?\s*"
    + _RIGHTS
    + r")?"
    r"|(?:copyright\s*)?\(c\)\s*" + _YEAR + _OWNER + r"(?:[.,]?\s*" + _RIGHTS + r")?"
    r"|copyright\s+(?:by\s+)?" + _YEAR + _OWNER + r"(?:[.,]?\s*" + _RIGHTS + r")?"
    r"|copyright\b" + _OWNER + r"[.,]?\s*" + _RIGHTS
)

#: Navigation crumbs: three or more short items joined by a crumb separator, or "Home ›/» ...".
_ITEM = r"[^\s»›>\n](?:[^»›>\n]{0,38}[^\s»›>\n])?"
CRUMB = (
    r"(?:home|startseite|accueil|inicio|início|home page|главная)\s*[»›>/|]\s*[^\n]{0,150}"
    r"|" + _ITEM + r"(?:\s*[»›]\s*" + _ITEM + r"){2,}"
    r"|" + _ITEM + r"(?:\s+>\s+" + _ITEM + r"){2,}"
)


#: The words CRUMB's home-link branch opens with (its other branches need "»", "›" or ">").
_HOME_WORDS = ("home", "startseite", "accueil", "inicio", "início", "главная")

#: The characters EDGE allows around a furniture line, for ``str.strip``.
EDGE_CHARS = " \t-–—•·*|>»›<«‹:.!…()[]\"'“”„«»↑→←"


#: the bucket key of patterns that can start with ``\\d``: besides the ASCII digits, which get
#: their own keys, ``\\d`` matches every Unicode decimal digit (hundreds of characters), and a
#: line that starts with any of those meets the patterns filed here
ANY_DIGIT = "\\d"


def _first_chars(parsed) -> set[str] | None:
    """Characters a parsed regex can start with (``ANY_DIGIT`` standing for the non-ASCII
    decimal digits), or None when that cannot be bounded."""
    from re import _constants as c  # the stdlib's own parser output, read-only

    found: set[str] = set()
    for op, arg in parsed:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] == 0:
            inner = _first_chars(arg[2])  # optional: it or whatever follows may come first
            if inner is None:
                return None
            found |= inner
            continue
        if op is c.LITERAL:
            return found | {chr(arg)}
        if op is c.IN:
            for kind, value in arg:
                if kind is c.LITERAL:
                    found.add(chr(value))
                elif kind is c.RANGE and value[1] - value[0] < 512:
                    found.update(chr(v) for v in range(value[0], value[1] + 1))
                elif kind is c.CATEGORY and value is c.CATEGORY_DIGIT:
                    found.update("0123456789")
                    found.add(ANY_DIGIT)
                else:
                    return None
            return found
        if op is c.SUBPATTERN:
            inner = _first_chars(arg[-1])
            return None if inner is None else found | inner
        if op is c.BRANCH:
            for branch in arg[1]:
                inner = _first_chars(branch)
                if inner is None:
                    return None
                found |= inner
            return found
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            inner = _first_chars(arg[2])
            return None if inner is None else found | inner
        return None
    return None  # everything was optional: the pattern may match an empty prefix


class LineMatcher:
    """Says whether a line is furniture, and which kind, without trying every pattern.

    Lines are lower-cased and their edge characters stripped once; the patterns are bucketed by
    the character they can start with, so a line only meets the few that could match it (one big
    case-insensitive alternation is ten times slower on newswire text).
    """

    def __init__(self, languages: list[str] | tuple[str, ...]) -> None:
        import re._parser as sre_parse

        unknown = [lang for lang in languages if lang not in PATTERNS]
        if unknown:
            raise ValueError(f"no boilerplate list for {unknown}; have {sorted(PATTERNS)}")
        alternatives = [("boilerplate", p) for lang in languages for p in PATTERNS[lang]]
        buckets: dict[str, list[tuple[str, str]]] = {}
        anywhere: list[tuple[str, str]] = []
        for kind, pattern in alternatives:
            pattern = _spaces(pattern)
            first = _first_chars(sre_parse.parse(pattern))
            if first is None:
                anywhere.append((kind, pattern))
            else:
                for ch in first:
                    buckets.setdefault(ch, []).append((kind, pattern))
        self._any = self._compile(anywhere)
        self._buckets = {ch: self._compile(alts + anywhere) for ch, alts in buckets.items()}
        # copyright and crumb lines have no fixed first letter but always carry a marker
        self._copyright = re.compile("(?:" + _spaces(COPYRIGHT) + ")" + EDGE)
        self._crumb = re.compile("(?:" + _spaces(CRUMB) + ")" + EDGE)

    @staticmethod
    def _compile(alternatives: list[tuple[str, str]]) -> re.Pattern[str] | None:
        if not alternatives:
            return None
        groups = "|".join(f"(?P<{kind}{i}>{p})" for i, (kind, p) in enumerate(alternatives))
        return re.compile("(?:" + groups + ")" + EDGE)

    def kind(self, line: str) -> str | None:
        core = line.lstrip(EDGE_CHARS).lower()
        if not core:
            return None
        if ("©" in core or "copyright" in core or "(c)" in core or "&copy" in core) and (
            self._copyright.fullmatch(core)
        ):
            return "copyright"
        # a crumb has "»", "›" or ">" between its items, or opens with a home link
        if ("»" in core or "›" in core or ">" in core or core.startswith(_HOME_WORDS)) and (
            self._crumb.fullmatch(core)
        ):
            return "crumb"
        first = core[0]
        if first.isdecimal() and not first.isascii():
            first = ANY_DIGIT
        pattern = self._buckets.get(first, self._any)
        if pattern is None:
            return None
        m = pattern.fullmatch(core)
        if m is None:
            return None
        return m.lastgroup.rstrip("0123456789")


@lru_cache(maxsize=8)
def line_matcher(languages: tuple[str, ...]) -> LineMatcher:
    """One :class:`LineMatcher` per list of languages and process: building one compiles a few
    hundred patterns (about half a second), which every clean stage would otherwise repeat."""
    return LineMatcher(languages)


def _spaces(pattern: str) -> str:
    """A furniture line never spans a line break: spaces in the lists mean spaces or tabs."""
    return pattern.replace(r"\s*", r"[ \t]*").replace(r"\s+", r"[ \t]+")


def _split_top(pattern: str) -> list[str]:
    """Split a regex at its top-level ``|`` (outside groups and classes)."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def compile_patterns(languages: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """One regex whose case-insensitive ``fullmatch`` on a whole line says it is furniture
    (the reference form of :class:`LineMatcher`, used by tests to check the buckets)."""
    unknown = [lang for lang in languages if lang not in PATTERNS]
    if unknown:
        raise ValueError(f"no boilerplate list for {unknown}; have {sorted(PATTERNS)}")
    alternatives = [p for lang in languages for p in PATTERNS[lang]]
    named = (
        "(?P<boilerplate>" + "|".join(alternatives) + ")"
        "|(?P<copyright>" + COPYRIGHT + ")"
        "|(?P<crumb>" + CRUMB + ")"
    )
    # a furniture line never spans a line break: spaces in the lists mean spaces or tabs
    named = named.replace(r"\s*", r"[ \t]*").replace(r"\s+", r"[ \t]+")
    return re.compile(EDGE + "(?:" + named + ")" + EDGE, re.IGNORECASE)
