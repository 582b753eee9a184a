"""The evaluation gate: plain metric dicts in, a decision with every check and number out.

A categoriser challenger passes when, against the champion on the same fixed holdout, it
- beats the champion's macro-F1 by ``min_macro_f1_gain``;
- lets no class's F1 fall by more than ``max_class_f1_drop`` (classes with enough support);
- is not worse on the most recent window than ``max_recent_macro_f1_drop`` allows;
- keeps single-ticket p95 latency under ``max_latency_p95_ms`` and ``max_latency_ratio`` × the
  champion's;
- is calibrated: ECE under ``max_ece`` and at most ``max_ece_increase`` above the champion's.
Without a champion the comparisons are skipped (recorded as such) and the absolute limits
decide. The satisfaction driver model passes on holdout R² (absolute and against its champion).

Score dicts hold ``n``, ``macro_f1``, ``per_class_f1``, ``support``, ``ece`` (see
``tickets.lifecycle.evaluation.ModelScore.as_dict``); an entry dict holds ``version``,
``holdout``, ``recent`` (or None) and ``latency_p95_ms``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tickets.lifecycle.settings import DriverGate, GateThresholds


@dataclass
class GateCheck:
    name: str
    passed: bool
    value: float | None
    limit: float | None
    detail: str


@dataclass
class GateDecision:
    component: str  # e.g. categorizer:category, drivers
    passed: bool
    checks: list[GateCheck]
    champion: dict[str, Any] | None
    challenger: dict[str, Any]

    @property
    def failed_checks(self) -> list[GateCheck]:
        return [c for c in self.checks if not c.passed]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check(
    name: str, passed: bool, value: float | None, limit: float | None, detail: str
) -> GateCheck:
    return GateCheck(name, bool(passed), _round(value), _round(limit), detail)


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def gate_categoriser(
    component: str,
    champion: dict[str, Any] | None,
    challenger: dict[str, Any],
    limits: GateThresholds,
) -> GateDecision:
    checks = [
        *_comparisons(champion, challenger, limits),
        *_absolute_limits(champion, challenger, limits),
    ]
    return GateDecision(component, all(c.passed for c in checks), checks, champion, challenger)


def _comparisons(
    champion: dict[str, Any] | None, challenger: dict[str, Any], limits: GateThresholds
) -> list[GateCheck]:
    if champion is None:
        return [
            _check(
                "macro_f1_gain",
                True,
                None,
                limits.min_macro_f1_gain,
                "no champion yet: the first model is judged on the absolute limits",
            )
        ]
    new, old = challenger["holdout"], champion["holdout"]
    gain = new["macro_f1"] - old["macro_f1"]
    checks = [
        _check(
            "macro_f1_gain",
            gain >= limits.min_macro_f1_gain,
            gain,
            limits.min_macro_f1_gain,
            f"holdout macro-F1 {old['macro_f1']:.4f} → {new['macro_f1']:.4f} "
            f"(n={new['n']}; needs +{limits.min_macro_f1_gain})",
        ),
        _class_drop(old, new, limits),
    ]
    recent_new, recent_old = challenger.get("recent"), champion.get("recent")
    if recent_new and recent_old and recent_new.get("n"):
        drop = recent_old["macro_f1"] - recent_new["macro_f1"]
        checks.append(
            _check(
                "recent_macro_f1",
                drop <= limits.max_recent_macro_f1_drop + 1e-12,
                -drop,
                -limits.max_recent_macro_f1_drop,
                f"recent-window macro-F1 {recent_old['macro_f1']:.4f} → "
                f"{recent_new['macro_f1']:.4f} (n={recent_new['n']})",
            )
        )
    else:
        checks.append(
            _check(
                "recent_macro_f1",
                True,
                None,
                None,
                "no labelled tickets in the recent window: not compared",
            )
        )
    return checks


def _class_drop(old: dict[str, Any], new: dict[str, Any], limits: GateThresholds) -> GateCheck:
    """The class whose F1 fell furthest beyond its allowance: ``max_class_f1_drop``, or what one
    misfiled ticket of that class costs when that is more (1 / (2n - 1) for n holdout tickets:
    in a class of 8, a single error moves F1 from 1.0 to 0.93), which no gate can tell from
    noise."""
    support = old.get("support", {})
    falls = {
        label: (f1 - new.get("per_class_f1", {}).get(label, 0.0), _allowance(n, limits))
        for label, f1 in old.get("per_class_f1", {}).items()
        if (n := support.get(label, 0)) >= limits.min_class_support
    }
    if not falls:
        return _check(
            "class_f1_drop",
            True,
            None,
            limits.max_class_f1_drop,
            f"no class has {limits.min_class_support}+ holdout tickets",
        )
    worst = max(falls, key=lambda label: falls[label][0] - falls[label][1])
    value, allowed = falls[worst]
    return _check(
        "class_f1_drop",
        value <= allowed + 1e-12,
        value,
        round(allowed, 4),
        f"largest per-class F1 fall against its allowance: {worst!r} "
        f"{old['per_class_f1'][worst]:.4f} → {new.get('per_class_f1', {}).get(worst, 0.0):.4f} "
        f"(n={support[worst]}, allowed {allowed:.4f})",
    )


def _allowance(support: int, limits: GateThresholds) -> float:
    return max(limits.max_class_f1_drop, 1.0 / (2 * support - 1))


def _absolute_limits(
    champion: dict[str, Any] | None, challenger: dict[str, Any], limits: GateThresholds
) -> list[GateCheck]:
    p95 = float(challenger["latency_p95_ms"])
    ece = float(challenger["holdout"]["ece"])
    checks = [
        _check(
            "latency_p95_ms",
            p95 <= limits.max_latency_p95_ms,
            p95,
            limits.max_latency_p95_ms,
            f"single-ticket p95 latency {p95:.1f} ms",
        ),
        _check(
            "ece",
            ece <= limits.max_ece,
            ece,
            limits.max_ece,
            f"holdout expected calibration error {ece:.4f}",
        ),
    ]
    if champion is not None and limits.max_latency_ratio is not None:
        base = max(float(champion["latency_p95_ms"]), 1e-6)
        ratio = p95 / base
        checks.append(
            _check(
                "latency_ratio",
                ratio <= limits.max_latency_ratio,
                ratio,
                limits.max_latency_ratio,
                f"p95 {base:.1f} ms → {p95:.1f} ms",
            )
        )
    if champion is not None and limits.max_ece_increase is not None:
        rise = ece - float(champion["holdout"]["ece"])
        checks.append(
            _check(
                "ece_increase",
                rise <= limits.max_ece_increase + 1e-12,
                rise,
                limits.max_ece_increase,
                f"ECE {champion['holdout']['ece']:.4f} → {ece:.4f}",
            )
        )
    return checks


def gate_drivers(
    champion: dict[str, Any] | None, challenger: dict[str, Any], limits: DriverGate
) -> GateDecision:
    """Driver model metrics: ``holdout_r2``, ``holdout_mae``, ``baseline_mae`` (+ fingerprint)."""
    r2 = float(challenger["holdout_r2"])
    checks = [
        _check(
            "holdout_r2",
            r2 >= limits.min_r2,
            r2,
            limits.min_r2,
            f"holdout R² {r2:.4f}, MAE {challenger['holdout_mae']:.3f} vs "
            f"predicting the mean {challenger['baseline_mae']:.3f}",
        )
    ]
    if champion is not None:
        same = champion.get("data_fingerprint") == challenger.get("data_fingerprint")
        checks.append(
            _check(
                "new_data",
                not same,
                None,
                None,
                "trained on the same warehouse content as the champion"
                if same
                else "trained on new data",
            )
        )
        drop = float(champion["holdout_r2"]) - r2
        checks.append(
            _check(
                "r2_drop",
                drop <= limits.max_r2_drop,
                drop,
                limits.max_r2_drop,
                f"holdout R² {champion['holdout_r2']:.4f} → {r2:.4f}",
            )
        )
    return GateDecision("drivers", all(c.passed for c in checks), checks, champion, challenger)


@dataclass
class GateReport:
    run_id: str
    created_at: str
    dry_run: bool
    forced: bool
    decisions: list[GateDecision] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
