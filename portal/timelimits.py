"""Statutory time limits: when an electronically sent decision is deemed received, and the last
day of a period counted from it.

- Electronic notification (Act on Electronic Services 13/2003 § 19, also Administrative Procedure
  Act 434/2003 § 59): a decision sent electronically is deemed received on the **third day after
  it was sent**, unless shown otherwise. That day is not moved off a weekend or a holiday: the
  Act says nothing of it, and the Act on the Calculation of Statutory Time Limits concerns only
  the last day of a period.
- Act on the Calculation of Statutory Time Limits (150/1930): the day of the event is not counted
  (§ 2); when the last day is a Saturday, a Sunday, a public holiday, Independence Day, May Day,
  Christmas Eve or Midsummer Eve, the act may be done on the next working day (§ 5). The
  holidays come from the ``holidays`` library (its Finnish calendar has all of those days).

Pure functions of dates: nothing here reads the clock or the database.
"""

from __future__ import annotations

import datetime
from functools import cache

import holidays

NOTIFICATION_DAYS = 3
# A decision sent as an ordinary letter is deemed received on the seventh day (434/2003 § 59).
POSTAL_NOTIFICATION_DAYS = 7
REVIEW_PERIOD_DAYS = 14
# A decision on a request for review is appealed to the administrative court within 30 days
# (Act on Administrative Court Procedure 808/2019 § 13).
APPEAL_PERIOD_DAYS = 30


@cache
def _finnish_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Finland(years=year))


def is_working_day(day: datetime.date) -> bool:
    """Not a Saturday, a Sunday or a day on which 150/1930 § 5 lets a time limit pass over."""
    return day.weekday() < 5 and day not in _finnish_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def deemed_notified(sent_on: datetime.date) -> datetime.date:
    """The day a decision sent electronically on ``sent_on`` is deemed received (13/2003 § 19):
    the third day after sending, whatever day of the week or holiday that is."""
    return sent_on + datetime.timedelta(days=NOTIFICATION_DAYS)


def deemed_notified_by_post(posted_on: datetime.date) -> datetime.date:
    """The day a decision posted as a letter on ``posted_on`` is deemed received (434/2003 § 59):
    the seventh day after posting, unless shown otherwise."""
    return posted_on + datetime.timedelta(days=POSTAL_NOTIFICATION_DAYS)


def last_day(start: datetime.date, days: int) -> datetime.date:
    """The last day of a period of ``days`` days from the event on ``start`` (not counted), moved
    to the next working day when it falls on a weekend or holiday (150/1930 §§ 2 and 5)."""
    return next_working_day(start + datetime.timedelta(days=days))


def review_deadline(notified_on: datetime.date) -> datetime.date:
    """The last day for a request for review: 14 days after the notification day (434/2003 § 49 c)."""
    return last_day(notified_on, REVIEW_PERIOD_DAYS)


def appeal_deadline(notified_on: datetime.date) -> datetime.date:
    """The last day for an appeal to the administrative court: 30 days after the notification day."""
    return last_day(notified_on, APPEAL_PERIOD_DAYS)
