"""The layouts of the tabs postme writes, one module each: :mod:`~postme.tabs.weekly`,
:mod:`~postme.tabs.by_program` (both planned by :mod:`~postme.tabs.report`),
:mod:`~postme.tabs.findings`, :mod:`~postme.tabs.metrics` and :mod:`~postme.tabs.rollup`.

Each turns results into rows and plans them into a :class:`~postme.stores.base.WritePlan`
with :func:`~postme.stores.upsert.plan_upsert` / :func:`~postme.stores.upsert.plan_replace`.
Nothing here reads or writes a store.
"""
