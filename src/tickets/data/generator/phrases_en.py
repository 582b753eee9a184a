"""English building blocks of ticket text: frames around the issue wording, per tone.

Frames use ``{product}``, ``{short}``, ``{symptom}``, ``{code}``, ``{version}``, ``{fix}``,
``{kb}`` and ``{title}`` placeholders. Sentence parts end with a space, paragraph parts start
with a blank line; empty strings make a part optional (and vary the length).
"""

from __future__ import annotations

SUBJECT_FRAMES: tuple[str, ...] = (
    "{product}: {short}",
    "{short}",
    "{short} ({product})",
    "Problem with {product} - {short}",
    "Help needed: {short}",
    "{product} - {short}",
    "Re: {short}",
)
ANGRY_SUBJECT_FRAMES: tuple[str, ...] = (
    "URGENT!!! {short}",
    "Still broken: {short}",
    "Unacceptable - {product} {short}",
)

GREETINGS: tuple[str, ...] = (
    "Hi,\n\n", "Hello,\n\n", "Hi team,\n\n", "Dear Support,\n\n", "Hello support,\n\n",
    "Good morning,\n\n", "",
)  # fmt: skip
PHONE_PREFIXES: tuple[str, ...] = ("Phone call. Caller says: ", "Customer called in: ")

OPENINGS: dict[str, tuple[str, ...]] = {
    "polite": (
        "I hope you are well. ",
        "Thanks in advance for your help with this. ",
        "I'd really appreciate your help. ",
    ),
    "neutral": ("", "", "Reaching out about an issue. ", "Quick question. "),
    "frustrated": (
        "This is getting really frustrating. ",
        "I have already restarted everything twice and it still does not work. ",
        "We have been fighting with this for days now. ",
    ),
    "angry": (
        "This is absolutely unacceptable. ",
        "I am furious, this is the third time I write about this and nobody helped! ",
        "Terrible service. We are losing money every hour this stays broken. ",
        "I am extremely disappointed and angry with your product. ",
    ),
}

CORE_FRAMES: tuple[str, ...] = (
    "Our {product} {symptom}. ",
    "Since this morning our {product} {symptom}. ",
    "We have a problem: the {product} {symptom}. ",
    "For a few days now the {product} {symptom}. ",
    "My {product} {symptom} and I need help. ",
    "The {product} at our office {symptom}. ",
)

GENERIC_DETAILS: tuple[str, ...] = (
    "", "", "", "We already restarted everything. ", "This affects the whole team. ",
    "It worked fine until last week. ", "We tried the steps from the FAQ without luck. ",
    "Screenshots are attached. ", "About 20 users are affected. ",
)  # fmt: skip

ERROR_FRAMES: tuple[str, ...] = (
    "", "Error code: {code}. ", "The screen shows {code}. ", "We get error {code}. ",
    "Log says {code}. ",
)  # fmt: skip
VERSION_FRAMES: tuple[str, ...] = (
    "", "", "We are on version {version}. ", "Running {version}. ",
    "Firmware/app version: {version}. ",
)  # fmt: skip

CLOSINGS: dict[str, tuple[str, ...]] = {
    "polite": ("\n\nThanks so much in advance!", "\n\nMany thanks for your help.", "\n\nCheers!"),
    "neutral": ("\n\nThanks.", "\n\nPlease advise.", "\n\nLet me know what you need.", ""),
    "frustrated": ("\n\nPlease fix this soon.", "\n\nI need a solution today."),
    "angry": (
        "\n\nFix this NOW or we will cancel our contract.",
        "\n\nI expect a call from a manager today.",
        "\n\nWorst support experience ever.",
    ),
}

SIGN_OFFS: tuple[str, ...] = ("Best regards", "Kind regards", "Thanks", "Regards", "Best")

RESOLUTION_FRAMES: tuple[str, ...] = (
    "Resolved: {fix}. Steps from [{kb}] ({title}). Customer confirmed the fix.",
    "Followed [{kb}]: {fix}. Closing the ticket.",
    "Issue fixed - {fix}, as described in [{kb}].",
    "Applied the fix from [{kb}] ({title}): {fix}. Verified with the customer.",
)
GAP_RESOLUTION_FRAMES: tuple[str, ...] = (
    "No KB article covers this yet: {fix}.",
    "Escalated to engineering - {fix}. No documented fix available.",
)
