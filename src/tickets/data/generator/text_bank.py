"""Build every phrase pool once per run, from the taxonomy and the phrase modules.

Pool keys (row → group) are plain integer arithmetic over language, issue, product, tone,
channel style and typo flags; ``text.render_text`` computes them per ticket.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tickets.data.generator import phrases_en as en
from tickets.data.generator import phrases_intl as intl
from tickets.data.generator.canonical import LANGUAGES, TONES
from tickets.data.generator.catalog import PRODUCTS
from tickets.data.generator.issues import IssueSpec
from tickets.data.generator.names import COMPANIES, FIRST_NAMES, JOB_TITLES, LAST_NAMES
from tickets.data.generator.pools import Pool, sentence, with_typo
from tickets.data.generator.world import World

STYLES = ("written", "chat", "phone")  # email and web are written
SIGNATURES_PER_LANGUAGE = 120
FOREIGN = LANGUAGES[1:]


@dataclass(frozen=True)
class TextBank:
    subject: Pool  # ((language × issue) × typo) × angry
    greeting: Pool  # language × style
    opening: Pool  # language × tone
    core: Pool  # (language × issue) × typo
    detail: Pool  # issue (English), then one empty group
    generic_detail: Pool  # English, empty
    error: Pool  # language × issue
    version: Pool  # language × product
    closing: Pool  # language × tone, then one empty group
    signature: Pool  # language, then one empty group
    resolution: Pool  # issue
    issue_count: int
    issue_product: np.ndarray
    typo_rate: float
    lowercase_rate: float

    @classmethod
    def build(cls, world: World) -> TextBank:
        rng = np.random.default_rng(np.random.SeedSequence(world.settings.seed, spawn_key=(4,)))
        issues = world.taxonomy.issues
        return cls(
            subject=Pool.from_groups(_subjects(issues, rng)),
            greeting=Pool.from_groups(_greetings()),
            opening=Pool.from_groups(_openings()),
            core=Pool.from_groups(_cores(issues, rng)),
            detail=Pool.from_groups(
                [[sentence(d) for d in s.details] + ["", ""] for s in issues] + [[""]]
            ),
            generic_detail=Pool.from_groups([list(en.GENERIC_DETAILS), [""]]),
            error=Pool.from_groups(_errors(issues)),
            version=Pool.from_groups(_versions()),
            closing=Pool.from_groups(_closings()),
            signature=Pool.from_groups(_signatures(rng)),
            resolution=Pool.from_groups(_resolutions(issues, world.taxonomy.kb_ids)),
            issue_count=len(issues),
            issue_product=world.taxonomy.issue_product.astype(np.int64),
            typo_rate=world.settings.text_style.typo_rate,
            lowercase_rate=world.settings.text_style.lowercase_rate,
        )


def _subjects(issues: tuple[IssueSpec, ...], rng: np.random.Generator) -> list[list[str]]:
    groups = []
    for language in LANGUAGES:
        for spec in issues:
            for typo in (False, True):
                for angry in (False, True):
                    groups.append(_subject_group(spec, language, typo, angry, rng))
    return groups


def _subject_group(
    spec: IssueSpec, language: str, typo: bool, angry: bool, rng: np.random.Generator
) -> list[str]:
    if language != "en":
        short = intl.CATEGORY_PHRASES[language][spec.category][0]
        frames = intl.SUBJECT_FRAMES[language]
        return [f.format(product=spec.product, short=short, code=spec.error_code) for f in frames]
    frames = en.ANGRY_SUBJECT_FRAMES if angry else en.SUBJECT_FRAMES
    subjects = [f.format(product=spec.product, short=s) for f in frames for s in spec.shorts]
    return [with_typo(s, rng) for s in subjects] if typo else subjects


def _cores(issues: tuple[IssueSpec, ...], rng: np.random.Generator) -> list[list[str]]:
    groups = []
    for language in LANGUAGES:
        for spec in issues:
            if language != "en":
                body = intl.CATEGORY_PHRASES[language][spec.category][1]
                group = [sentence(body.format(product=spec.product))]
                groups += [group, group]
                continue
            cores = [
                sentence(f.format(product=spec.product, symptom=s))
                for f in en.CORE_FRAMES
                for s in spec.symptoms
            ]
            groups += [cores, [with_typo(c, rng) for c in cores]]
    return groups


def _greetings() -> list[list[str]]:
    groups = [list(en.GREETINGS), [""], [sentence(p) for p in en.PHONE_PREFIXES]]
    for language in FOREIGN:
        groups += [list(intl.GREETINGS[language]), [""]]
        groups.append([sentence(p) for p in intl.PHONE_PREFIXES[language]])
    return groups


def _openings() -> list[list[str]]:
    groups = [[sentence(o) for o in en.OPENINGS[tone]] for tone in TONES]
    return groups + [[""] for _ in FOREIGN for _ in TONES]


def _errors(issues: tuple[IssueSpec, ...]) -> list[list[str]]:
    groups = []
    for language in LANGUAGES:
        frames = en.ERROR_FRAMES if language == "en" else intl.ERROR_FRAMES[language]
        groups += [[sentence(f.format(code=s.error_code)) for f in frames] for s in issues]
    return groups


def _versions() -> list[list[str]]:
    groups = []
    for language in LANGUAGES:
        frames = en.VERSION_FRAMES if language == "en" else intl.VERSION_FRAMES[language]
        for product in PRODUCTS:
            groups.append([sentence(f.format(version=v)) for f in frames for v in product.versions])
    return groups


def _closings() -> list[list[str]]:
    groups = [list(en.CLOSINGS[tone]) for tone in TONES]
    for language in FOREIGN:
        groups += [list(intl.CLOSINGS[language]) for _ in TONES]
    return [*groups, [""]]


def _signatures(rng: np.random.Generator) -> list[list[str]]:
    groups = []
    for language in LANGUAGES:
        offs = en.SIGN_OFFS if language == "en" else intl.SIGN_OFFS[language]
        group = []
        for _ in range(SIGNATURES_PER_LANGUAGE):
            first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
            name = f"{first} {LAST_NAMES[rng.integers(len(LAST_NAMES))]}"
            text = f"\n\n{offs[rng.integers(len(offs))]},\n{name}"
            if rng.random() < 0.6:
                title, company = (
                    JOB_TITLES[rng.integers(len(JOB_TITLES))],
                    COMPANIES[rng.integers(len(COMPANIES))],
                )
                text += f"\n{title}, {company}"
            group.append(text)
        groups.append(group)
    return [*groups, [""]]


def _resolutions(issues: tuple[IssueSpec, ...], kb_ids: tuple[str, ...]) -> list[list[str]]:
    groups = []
    for spec, kb in zip(issues, kb_ids, strict=True):
        if kb:
            groups.append(
                [
                    f.format(fix=fix, kb=kb, title=spec.kb_title)
                    for f in en.RESOLUTION_FRAMES
                    for fix in spec.fixes
                ]
            )
        else:
            frames = en.GAP_RESOLUTION_FRAMES
            groups.append([f.format(fix=fix) for f in frames for fix in spec.fixes])
    return groups
