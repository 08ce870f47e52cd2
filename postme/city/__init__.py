"""Many accounts: a city or district health office runs every Puskesmas's weekly job and
writes one roll-up (README "City office").

:mod:`~postme.city.run` runs the accounts (:func:`run_city`, :class:`CityOptions`),
:mod:`~postme.city.pacing` keeps them inside Google's quota and Instagram's patience,
:mod:`~postme.city.rollup` writes the roll-up tab laid out by :mod:`postme.tabs.rollup`.
"""

from postme.city.pacing import InstagramGate, PacerStats, QuotaPacer, peak_in_window
from postme.city.results import AccountResult, CityResult, RollupResult, Status
from postme.city.rollup import write_rollup
from postme.city.run import CityOptions, account_configs, default_source, run_accounts, run_city

__all__ = [
    "AccountResult",
    "CityOptions",
    "CityResult",
    "InstagramGate",
    "PacerStats",
    "QuotaPacer",
    "RollupResult",
    "Status",
    "account_configs",
    "default_source",
    "peak_in_window",
    "run_accounts",
    "run_city",
    "write_rollup",
]
