"""Cron schedules of ``retrain --loop``, with next-run times worked out on a calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from tickets.cli import compose_config
from tickets.lifecycle.schedule import Cron, CronError, next_job
from tickets.lifecycle.settings import LifecycleSettings, LockSettings
from tickets.tasks.retrain import run_loop


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def test_weekly_retrain_runs_next_monday_at_three():
    # 2024-05-01 is a Wednesday; the next Monday is 2024-05-06
    assert Cron.parse("0 3 * * 1").next_after(at("2024-05-01T12:00")) == at("2024-05-06T03:00")


def test_a_matching_minute_is_strictly_after_the_given_moment():
    assert Cron.parse("0 3 * * 1").next_after(at("2024-05-06T03:00")) == at("2024-05-13T03:00")


def test_hourly_drift_runs_at_the_next_full_hour():
    assert Cron.parse("0 * * * *").next_after(at("2024-05-01T12:00:30")) == at("2024-05-01T13:00")


def test_steps_ranges_and_lists():
    cron = Cron.parse("*/15 9-17 * * 1-5")
    assert cron.minutes == {0, 15, 30, 45} and cron.hours == set(range(9, 18))
    # Friday 17:50 → Monday 09:00
    assert cron.next_after(at("2024-05-03T17:50")) == at("2024-05-06T09:00")
    assert Cron.parse("5,35 * * * *").next_after(at("2024-05-01T10:06")) == at("2024-05-01T10:35")


def test_sunday_is_0_or_7_and_restricted_day_fields_match_either():
    assert Cron.parse("0 0 * * 7").weekdays == {0}
    # the 1st of the month or any Friday: after Wed 2024-05-01 12:00 → Fri 2024-05-03
    assert Cron.parse("0 0 1 * 5").next_after(at("2024-05-01T12:00")) == at("2024-05-03T00:00")


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("0 3 * *", "expected 5 fields"),
        ("61 * * * *", "0-59"),
        ("0 3 * * mon", "not a number"),
        ("*/0 * * * *", "0-59"),
    ],
)
def test_bad_expressions_say_which_field(expression, problem):
    with pytest.raises(CronError, match=problem):
        Cron.parse(expression)


def test_impossible_date_is_reported():
    with pytest.raises(CronError, match="never matches"):
        Cron.parse("0 0 30 2 *").next_after(at("2024-01-01T00:00"))


def test_next_job_picks_the_earliest_schedule():
    schedules = {"retrain": Cron.parse("0 3 * * 1"), "drift": Cron.parse("0 * * * *")}
    assert next_job(schedules, at("2024-05-06T01:10")) == ("drift", at("2024-05-06T02:00"))
    # at 03:00 both match; the first listed wins
    assert next_job(schedules, at("2024-05-06T02:59")) == ("retrain", at("2024-05-06T03:00"))


def test_configured_schedules_parse():
    schedule = compose_config([]).lifecycle.schedule
    for expression in schedule.values():
        Cron.parse(str(expression))


def test_loop_sleeps_until_each_job_and_runs_it_under_the_lock(tmp_path):
    now = [at("2024-05-06T01:30")]
    ran: list[tuple[str, dt.datetime]] = []

    def sleep(seconds: float) -> None:
        now[0] += dt.timedelta(seconds=seconds)

    def job(name: str) -> int:
        ran.append((name, now[0]))
        return 0

    settings = LifecycleSettings(output_dir=tmp_path, lock=LockSettings(tmp_path / "run.lock"))
    schedules = {"retrain": Cron.parse("0 3 * * 1"), "drift": Cron.parse("0 * * * *")}
    assert run_loop(settings, schedules, job, clock=lambda: now[0], sleep=sleep, max_jobs=3) == 0
    # 02:00 drift, then 03:00 where both match: retrain is listed first, then drift at 04:00
    assert ran == [
        ("drift", at("2024-05-06T02:00")),
        ("retrain", at("2024-05-06T03:00")),
        ("drift", at("2024-05-06T04:00")),
    ]
