"""Actual AI spend from FOCUS billing exports: showback, KPIs, snapshots for budgets.

Imports only aicost's ground floor (see :mod:`aicost.spend.ground`).
"""
