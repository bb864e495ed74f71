"""Codes as people read them in tables and reports, in the interface language.

A kind, a status, a scope, an account's state or a platform is a code in JSON, in CSV and on
the command line, the same in both languages; a table shows its label. English labels are the
codes themselves (what people type), except kinds, whose words domain/vocabulary already has in
both languages; French ones are words that msgu also reads back (`suivi`, `à suivre`).
"""

from __future__ import annotations

from ..i18n import N_, _, language, ngettext

# TRANSLATORS: the labels of codes: relationship statuses, scopes (of a « portée », feminine),
# the states of an account that refresh found, the signals of a recommendation's points and
# the checks of msgu doctor. Keep them short: they fill table columns.
_CODE_LABELS = frozenset((
    N_("candidate"), N_("none"), N_("to-follow"), N_("following"), N_("follows-back"),
    N_("met"), N_("collaborating"), N_("unfollowed"),
    N_("local"), N_("regional"), N_("provincial"), N_("national"), N_("international"),
    N_("ok"), N_("not-found"), N_("suspended"), N_("deactivated"), N_("error"),
    N_("topic"), N_("text"), N_("geography"), N_("kind"), N_("network"), N_("activity"),
    N_("language"), N_("trust"), N_("diversity"), N_("penalty"),
    N_("open"), N_("integrity"), N_("schema"), N_("foreign keys"), N_("search index"),
    N_("journal"), N_("accounts"), N_("topics"), N_("impersonation"),
))


def label(code: str | None) -> str:
    """A status, scope, account state, signal or check in the interface language (an unknown
    code as it is)."""
    if not code:
        return ""
    return _(code) if code in _CODE_LABELS else code


def kind_label(code: str | None) -> str:
    """A kind's label in the interface language (`fire` -> `Sécurité incendie`, `Fire service`)."""
    from ..domain.vocabulary import kind_label as worded

    return worded(code, language()) if code else ""


def platform_label(code: str) -> str:
    """Platforms are proper nouns (Bluesky, X); only a website is a common noun, translated."""
    from ..domain.handles import platform_name

    return _("website") if code == "website" else platform_name(code)


def number(value: float, spec: str) -> str:
    """`value` formatted by `spec` (`.2f`), with the decimal comma in French (`13,61`)."""
    text = format(value, spec)
    return text.replace(".", ",") if language() == "fr" else text


def contact_count(count: int) -> str:
    """`1 contact`, `253 contacts`: a count with its noun, agreed in the interface language."""
    return ngettext("{count} contact", "{count} contacts", count).format(count=count)


def account_count(count: int) -> str:
    return ngettext("{count} account", "{count} accounts", count).format(count=count)
