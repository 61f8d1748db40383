"""The month aicost prices: 730 hours (8,760 hours a year / 12), as the clouds' calculators do.

Every stage that turns a rate into a monthly amount (hours, days, weeks) uses these.
"""

from __future__ import annotations

from decimal import Decimal

#: Hours in the month aicost prices.
HOURS_PER_MONTH = Decimal(730)
#: Days in that month (about 30.42).
DAYS_PER_MONTH = HOURS_PER_MONTH / Decimal(24)
#: Weeks in that month (about 4.35).
WEEKS_PER_MONTH = DAYS_PER_MONTH / Decimal(7)
#: The year a calendar-dependent schedule is counted on (a 365-day year, 8,760 hours: the
#: month above is its twelfth): scheduled scaling, and CronJobs that name a day of the month.
REFERENCE_YEAR = 2026
