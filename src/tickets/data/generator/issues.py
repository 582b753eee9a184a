"""Issues: the product × category taxonomy, with the wording and the fix of each issue.

An issue is what really went wrong. It decides the ticket's product, category (hence queue),
priority mix, how hard it is to fix, the words customers use and the KB article that solves it.
The two planted issues (an emerging one and one without a KB article) join only when anomalies
are planted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IssueSpec:
    issue_id: str
    product: str
    category: str
    error_code: str
    weight: float  # share of its product's volume (relative)
    priority: tuple[float, float, float, float]  # critical, high, medium, low
    complexity: float  # resolution work × this
    reopen_factor: float
    shorts: tuple[str, ...]  # subject fragments
    symptoms: tuple[str, ...]  # clauses that follow "our <product> ..."
    details: tuple[str, ...]  # extra sentences customers add
    kb_title: str  # empty: no KB article exists (a KB gap)
    kb_steps: tuple[str, ...]
    fixes: tuple[str, ...]  # what the agent did, for resolution notes

    @property
    def has_kb(self) -> bool:
        return bool(self.kb_title)


def issue(
    issue_id: str,
    product: str,
    category: str,
    error_code: str,
    *,
    weight: float = 1.0,
    priority: tuple[float, float, float, float] = (0.05, 0.2, 0.5, 0.25),
    complexity: float = 1.0,
    reopen: float = 1.0,
    shorts: tuple[str, ...],
    symptoms: tuple[str, ...],
    details: tuple[str, ...],
    kb: str,
    steps: tuple[str, ...],
    fixes: tuple[str, ...],
) -> IssueSpec:
    return IssueSpec(
        issue_id,
        product,
        category,
        error_code,
        weight,
        priority,
        complexity,
        reopen,
        shorts,
        symptoms,
        details,
        kb,
        steps,
        fixes,
    )


EMERGING_ISSUE = issue(
    "cloudsync-journal-loop",
    "CloudSync Drive",
    "Data Sync",
    "E4711",
    priority=(0.15, 0.45, 0.3, 0.1),
    complexity=1.4,
    reopen=1.5,
    shorts=(
        "sync loop with error E4711",
        "index journal corrupted after update",
        "endless re-sync, journal corrupted",
    ),
    symptoms=(
        "is stuck in a sync loop and shows error E4711 'index journal corrupted'",
        "re-uploads the same folders over and over since the 5.3 update, error E4711",
        "reports 'index journal corrupted' (E4711) and never finishes syncing",
    ),
    details=(
        "The journal corrupted message comes back a few minutes after every restart.",
        "It started right after the automatic 5.3 update.",
        "Our bandwidth is maxed out because of the sync loop.",
    ),
    kb="CloudSync Drive: error E4711, index journal corrupted after the 5.3 update",
    steps=(
        "Quit CloudSync Drive from the tray icon.",
        "Rename the folder .cloudsync/journal to journal.bak.",
        "Start CloudSync Drive with the --rebuild-index flag.",
        "Wait until the index rebuild finishes before editing files.",
        "Install hotfix 5.3.1 when it is offered.",
    ),
    fixes=(
        "rebuilt the local index journal and installed hotfix 5.3.1",
        "moved the corrupted journal aside and rebuilt the index",
    ),
)

KB_GAP_ISSUE = issue(
    "securevpn-split-tunnel-crash",
    "SecureVPN",
    "Security",
    "V-3090",
    priority=(0.1, 0.4, 0.4, 0.1),
    complexity=2.2,
    reopen=2.5,
    shorts=(
        "client crashes with split tunnelling",
        "crash V-3090 when split tunnel is on",
        "VPN app quits on connect (split tunnel)",
    ),
    symptoms=(
        "client crashes with error V-3090 as soon as split tunnelling is enabled",
        "app quits on connect when split tunnel rules are configured (V-3090)",
        "crashes on macOS 15 whenever split tunnelling is switched on",
    ),
    details=(
        "Turning split tunnelling off stops the crash but then all traffic goes over the VPN.",
        "The crash report mentions the network extension.",
    ),
    kb="",
    steps=(),
    fixes=(
        "collected crash logs and escalated to engineering; suggested disabling split tunnelling",
        "applied the workaround of full tunnel mode until engineering ships a fix",
    ),
)
