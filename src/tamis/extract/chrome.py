"""A precision gate on the blocks ``auto`` adds: short interface lines are not main content.

The block model adds what trafilatura missed, and on pages it never saw the blocks it adds
wrongly are short lines of the site's furniture: a comment system's prompts and notices
("Kommentare schreiben", "Pingback von ...", "Comments are closed"), calls to action (a
newsletter prompt, "Read more", "Share this"), a publisher's trust or legal line ("The Thomson
Reuters Trust Principles", "All rights reserved"). Such a line says what the interface does,
not what the page is about, and the words that say it are few and shared across sites and
languages; a sentence of an article that uses one of them also holds words of its own. So a
candidate block of at most :data:`GATE_WORDS` words is not added when at least
:data:`GATE_SHARE` of its content words (function words aside) are interface words, or when it
starts with a comment system's notice word ("Pingback", "Trackback"). A rule that held back
every short block holding a link was measured too and is off: it cost listings and collections
their item titles.

The word list is written by hand from what interface text says, in the languages WCXB, AEB and
trafilatura's test pages hold most (English, German, French, Spanish, Italian, Dutch,
Portuguese); the numbers were chosen on the WCXB site folds, each fold's setting on the other
four (bench/extract_gate.py, bench/results/extract.md). "standards" and the notice words were
added after reading the blocks ``auto`` wrongly kept on trafilatura's real-world test pages,
which therefore count as tuned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: words that say what the interface does: comment systems, calls to action, sharing,
#: navigation, accounts, legal and trust notices (lowercase; ``norm`` writes blocks so)
INTERFACE_WORDS = frozenset(
    """
    comment comments commented commenting reply replies replied respond responses pingback
    pingbacks trackback trackbacks closed disabled moderation moderated awaiting leave post
    posted write required fields field marked cancel submit send
    subscribe subscribed subscribers subscription unsubscribe newsletter newsletters signup sign
    login logout log register registration account inbox email mail notify notifications alert
    alerts updates follow followers like likes share shares shared sharing tweet retweet pin
    whatsapp facebook twitter linkedin instagram youtube telegram pinterest reddit rss feed
    print download read more continue click tap here view see show hide load open close back
    top next previous prev skip menu home search results related recommended popular trending
    latest tags tagged tag categories category filed archive archives permalink link links
    advertisement advertising sponsored ad ads promoted partner add cart basket checkout
    wishlist buy shop order
    copyright rights reserved privacy policy policies terms conditions cookie cookies
    consent settings preferences legal notice disclaimer imprint trust principles standards
    accessibility
    sitemap contact contacts faq help support feedback report
    kommentar kommentare kommentieren antwort antworten antwortet geschlossen abbrechen senden
    schreiben verfasst warenkorb kaufen abonnieren abonniert anmelden abmelden registrieren
    einloggen konto
    teilen drucken weiterlesen mehr lesen zurück weiter startseite suche suchen menü
    schlagwörter schlagworte kategorie kategorien archiv werbung anzeige datenschutz
    datenschutzerklärung impressum nutzungsbedingungen rechte vorbehalten
    commentaire commentaires répondre réponse réponses fermés fermé envoyer abonner laisser
    laissez écrire ajouter panier
    abonnez inscrivez inscription connexion connecter partager imprimer lire suite accueil
    recherche catégorie catégories archives publicité confidentialité mentions légales droits
    réservés
    comentario comentarios responder respuesta respuestas cerrados enviar suscribirse deja
    añadir carrito
    suscríbete registrarse iniciar sesión compartir imprimir leer más inicio buscar categoría
    categorías publicidad privacidad aviso derechos reservados
    commento commenti rispondi risposta chiusi invia iscriviti accedi condividi stampa leggi
    altro cerca categoria pubblicità diritti riservati
    reactie reacties reageer reageren gesloten verstuur abonneer inloggen delen lees meer
    zoeken categorie advertentie rechten voorbehouden
    comentários responda resposta fechados assine entrar compartilhar partilhar ler mais
    pesquisar publicidade direitos reservados
    """.split()
)

#: words that carry no subject of their own (articles, pronouns, prepositions, auxiliaries):
#: they neither make a line interface text nor keep it from being one
FUNCTION_WORDS = frozenset(
    """
    a an the and or but of to in on at by for from with without as is are was were be been
    it its this that these those our your you we us my me i he she they them his her their
    up out about into over via per no not all any s t
    der die das den dem des ein eine einen einem einer und oder von zu zum zur im in am an auf
    mit für ist sind war wurde werden sie ihr ihre wir uns unser unsere du dein es nicht bei
    alle
    le la les un une des du de et ou à au aux en sur pour par avec est sont vous votre nous
    l d
    el los las y o del al en con por para es son su sus tu nuestro nuestra
    il lo gli i e di da con per su è sono tuo tua nostro
    het een en of van voor op met is zijn je jouw uw ons onze
    os as um uma e ou do da dos das no na em com por para é são seu sua nosso nossa
    """.split()
)

#: a short block that starts with one of these is a comment system's notice ("Pingback: the
#: title of the page that linked here"), whatever the title's words
NOTICE_WORDS = frozenset({"pingback", "trackback"})

#: a block longer than this is a sentence or a paragraph, never furniture by its words alone
GATE_WORDS = 12
#: share of a short block's content words that must be interface words to keep it out
GATE_SHARE = 0.5
#: a block of at most this many words that holds a link is a link, not a sentence
GATE_LINK_WORDS = 0


@dataclass(frozen=True, slots=True)
class ChromeGate:
    """Which candidate blocks are interface text (``max_words`` and ``share`` as
    :data:`GATE_WORDS` and :data:`GATE_SHARE`; a block of at most ``link_words`` words that
    holds a link is interface text too, 0 turns that off)."""

    max_words: int = GATE_WORDS
    share: float = GATE_SHARE
    link_words: int = GATE_LINK_WORDS

    def blocks(self, norm: str, links: float) -> bool:
        """Whether a block (its :func:`~tamis.extract.blocks.norm` text and links per word)
        is interface text that ``auto`` does not add."""
        words = norm.split()
        if not words or len(words) > self.max_words:
            return False
        if links > 0 and len(words) <= self.link_words:
            return True  # a link of a few words and nothing else: a link, not a sentence
        if words[0] in NOTICE_WORDS:
            return True  # a comment system's notice that another page links here
        content = [w for w in words if w not in FUNCTION_WORDS and not _NUMBER.fullmatch(w)]
        if not content:
            return False
        hits = sum(w in INTERFACE_WORDS for w in content)
        return hits >= self.share * len(content)


_NUMBER = re.compile(r"\d+")

#: the gate ``auto`` runs with
CHROME_GATE = ChromeGate()
