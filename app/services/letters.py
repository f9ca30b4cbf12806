"""The words of the service's e-mails, plain text, each a (subject, body) pair. Short, in GOV.UK
Notify's manner: what happened, the one thing to do, and what to do if it was not you."""

SERVICE = "Bright Futures case study search"
ROLES = {
    "council": "submit case studies for {council} and follow them through moderation",
    "moderator": "review councils' case studies, publish them and invite people",
    "admin": "review and publish case studies and manage everyone's accounts",
}


def sign_in(link: str, minutes: int) -> tuple[str, str]:
    body = f"""Use this link to sign in to {SERVICE}:

{link}

The link works once, within {minutes} minutes. Open it, then press "Sign in".

If you did not ask to sign in, you can ignore this email: nobody can sign in without the link.
"""
    return f"Sign in to {SERVICE}", body


def invitation(link: str, role: str, council: str | None, hours: int, base: str) -> tuple[str, str]:
    may = ROLES[role].format(council=council or "your council")
    body = f"""You have been given an account on {SERVICE}, so that you can {may}.

Use this link to sign in for the first time:

{link}

The link works once, within {hours} hours. After that, sign in at {base}/sign-in with this email
address and we will send you a new link.

If you were not expecting this, you can ignore this email.
"""
    return f"You have an account on {SERVICE}", body


# What a council's people are told when one of their submissions changes state, and what to do.
_STATE_NEWS = {
    "submitted": (
        "We have received {title}",
        '{council} submitted a case study, "{title}". The campaign team will review it '
        "and we will email you when they have decided.",
    ),
    "amended": (
        "We have received the changes to {title}",
        '{council} changed the case study "{title}". The campaign team will review it '
        "again and we will email you when they have decided.",
    ),
    "changes_requested": (
        "Changes requested to {title}",
        'The campaign team has asked for changes to "{title}" before it can be published:'
        "\n\n{message}\n\nChange the case study, or withdraw it, from its page:",
    ),
    "published": (
        "{title} is published",
        'The campaign team has published "{title}". Practitioners can now find it in search.',
    ),
    "rejected": (
        "{title} will not be published",
        'The campaign team has decided not to publish "{title}":\n\n{message}',
    ),
    "unpublished": (
        "{title} has been unpublished",
        'The campaign team has taken "{title}" out of search, and asks for changes:'
        "\n\n{message}\n\nChange the case study, or withdraw it, from its page:",
    ),
    "amendment_proposed": (
        "We have received the changes to {title}",
        '{council} proposed changes to the published case study "{title}". The published '
        "version stays on the site while the campaign team reviews them, and we will email you "
        "when they have decided.",
    ),
    "amendment_amended": (
        "We have received the changes to {title}",
        '{council} changed its amendment to "{title}". The published version stays on the '
        "site while the campaign team reviews the amendment again.",
    ),
    "amendment_changes_requested": (
        "Changes requested to your amendment of {title}",
        'The campaign team has asked for changes to your amendment of "{title}" before it can '
        "be published:\n\n{message}\n\nThe published version stays on the site meanwhile. "
        "Change the amendment, or withdraw it, from the case study's page:",
    ),
    "amendment_published": (
        "The changes to {title} are published",
        'The campaign team has published your changes to "{title}". Practitioners now see '
        "the updated case study.",
    ),
    "amendment_rejected": (
        "The changes to {title} will not be published",
        'The campaign team has decided not to publish your changes to "{title}":\n\n{message}'
        "\n\nThe published version stays on the site as it was.",
    ),
}
NEWS = frozenset(_STATE_NEWS)


def state_changed(
    action: str, title: str, council: str, message: str | None, link: str
) -> tuple[str, str]:
    subject, news = _STATE_NEWS[action]
    short = title if len(title) <= 80 else title[:79] + "…"
    said = news.format(title=title, council=council, message=message or "")
    body = f"""{said}

{link}

You are getting this email because you submit case studies for {council} on {SERVICE}.
"""
    return subject.format(title=short), body


def review_reminder(
    title: str, checked: str, page: str, still: str, update: str, days: int, bundled: bool
) -> tuple[str, str]:
    whose = "the campaign's collection" if bundled else "your council's case studies"
    when = f"was last checked {checked}" if checked else "has no date of its last check"
    who = "A moderator" if bundled else "Your council"
    body = f"""This case study from {whose} {when}:

{title}
{page}

Is this still current? Practitioners rely on it describing the work as it is now.

If it still describes the work as it is, open this link and press "Still current":

{still}

If something has changed, open this link and press "Needs an update":

{update}

{who} can then amend the case study. The published version stays on the site until a
moderator publishes the update.

The links work for {days} days. If nobody answers, we will ask again in a year.
"""
    return f"Is this still current? {title}"[:200], body
