"""The gate: which findings fail the run, from enforcement, waivers and the command line.

Each finding is decided on its own; the run fails when any finding fails. The first step
that applies decides, in this order (Checkov's documented precedence for ``--hard-fail-on``
and ``--soft-fail-on``, with the policy's enforcement levels on top):

1. a finding covered by a valid waiver does not fail (``waived``);
2. ``enforcement: hard`` fails: no command-line option softens it;
3. ``--fail-on RULE`` (an id, type or glob naming the finding's rule) fails;
4. ``--soft-fail-on RULE`` does not fail;
5. ``--fail-on SEVERITY`` fails findings of that severity or worse;
6. ``--soft-fail-on SEVERITY`` does not fail findings of that severity or milder;
7. otherwise: with ``--soft-fail``, or with ``--fail-on`` given and no ``--soft-fail-on``
   (everything ``--fail-on`` does not name is a soft failure, as in Checkov), the finding
   does not fail; else its enforcement decides: ``soft`` fails, ``advisory`` reports.

With no options, step 7 is the policy alone, so a first-release policy gates exactly as
before (``error`` is ``soft``; ``warning`` and ``info`` are ``advisory``).

A value of ``--fail-on``/``--soft-fail-on`` that is neither a severity nor matches a rule
in the policy is a usage error, never silently ignored (the Checkov complaint).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aicost.core.errors import UsageError
from aicost.policy.finding import Finding
from aicost.policy.globs import address_match
from aicost.policy.schema import Enforcement, Severity

SEVERITIES = {s.value: s for s in Severity}


@dataclass(frozen=True)
class Gate:
    soft_fail: bool = False
    fail_on_rules: tuple[str, ...] = ()
    fail_on_severity: Severity | None = None
    soft_fail_on_rules: tuple[str, ...] = ()
    soft_fail_on_severity: Severity | None = None

    @property
    def fail_on_given(self) -> bool:
        return bool(self.fail_on_rules) or self.fail_on_severity is not None

    @property
    def soft_fail_on_given(self) -> bool:
        return bool(self.soft_fail_on_rules) or self.soft_fail_on_severity is not None

    @classmethod
    def parse(
        cls,
        *,
        fail_on: Sequence[str] = (),
        soft_fail_on: Sequence[str] = (),
        soft_fail: bool = False,
        rules: Iterable[tuple[str, str]] = (),
    ) -> Gate:
        """Parse option values (comma-separated, repeatable) against the policy's rules.

        *rules* are the policy's (id, type) pairs.
        """
        known = list(rules)
        fail_rules, fail_severity = _split("--fail-on", fail_on, known, strictest=True)
        soft_rules, soft_severity = _split("--soft-fail-on", soft_fail_on, known, strictest=False)
        return cls(
            soft_fail=soft_fail,
            fail_on_rules=fail_rules,
            fail_on_severity=fail_severity,
            soft_fail_on_rules=soft_rules,
            soft_fail_on_severity=soft_severity,
        )

    def decide(
        self, finding: Finding, enforcement: Enforcement, *, waived: bool | None = None
    ) -> tuple[bool, str]:
        """Whether *finding* fails the gate, and the step that decided it.

        *waived* overrides ``finding.waived`` (the engine decides before it builds the
        finding with its waiver).
        """
        return self.decide_rule(
            finding.rule,
            finding.type,
            finding.severity,
            enforcement,
            waived=finding.waived if waived is None else waived,
        )

    def decide_rule(
        self,
        rule: str,
        rule_type: str,
        severity: Severity,
        enforcement: Enforcement,
        *,
        waived: bool,
    ) -> tuple[bool, str]:
        """:meth:`decide` for a finding of rule *rule* (id) and *rule_type*: the decision
        depends on nothing else, so the engine makes it once per rule and severity."""
        if waived:
            return False, "waived"
        if enforcement is Enforcement.HARD:
            return True, "hard enforcement"
        for pattern in self.fail_on_rules:
            if _names(rule, rule_type, pattern):
                return True, f"--fail-on {pattern}"
        for pattern in self.soft_fail_on_rules:
            if _names(rule, rule_type, pattern):
                return False, f"--soft-fail-on {pattern}"
        rank = severity.rank
        if self.fail_on_severity is not None and rank <= self.fail_on_severity.rank:
            return True, f"--fail-on {self.fail_on_severity.value}"
        if self.soft_fail_on_severity is not None and rank >= self.soft_fail_on_severity.rank:
            return False, f"--soft-fail-on {self.soft_fail_on_severity.value}"
        if self.soft_fail:
            return False, "--soft-fail"
        if self.fail_on_given and not self.soft_fail_on_given:
            return False, "not named by --fail-on"
        if enforcement is Enforcement.SOFT:
            return True, "soft enforcement"
        return False, "advisory"

    def describe(self) -> list[str]:
        parts: list[str] = []
        if self.soft_fail:
            parts.append("--soft-fail")
        named = [*self.fail_on_rules]
        if self.fail_on_severity is not None:
            named.append(self.fail_on_severity.value)
        if named:
            parts.append(f"--fail-on {','.join(named)}")
        soft = [*self.soft_fail_on_rules]
        if self.soft_fail_on_severity is not None:
            soft.append(self.soft_fail_on_severity.value)
        if soft:
            parts.append(f"--soft-fail-on {','.join(soft)}")
        return parts


def _names(rule: str, rule_type: str, pattern: str) -> bool:
    return address_match(rule, pattern) or address_match(rule_type, pattern)


def _split(
    option: str, values: Sequence[str], rules: list[tuple[str, str]], *, strictest: bool
) -> tuple[tuple[str, ...], Severity | None]:
    names: list[str] = []
    severity: Severity | None = None
    for raw in values:
        for item in raw.split(","):
            value = item.strip()
            if not value:
                continue
            found = SEVERITIES.get(value.lower())
            if found is not None:
                # As Checkov: given several, --fail-on uses the mildest (more fails) and
                # --soft-fail-on the most serious (more is soft).
                if severity is None:
                    severity = found
                elif strictest:
                    severity = found if found.rank > severity.rank else severity
                else:
                    severity = found if found.rank < severity.rank else severity
                continue
            if not any(
                address_match(rule_id, value) or address_match(rule_type, value)
                for rule_id, rule_type in rules
            ):
                candidates = sorted({r for pair in rules for r in pair})
                close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise UsageError(
                    f"{option} {value}: not a severity ({', '.join(SEVERITIES)}) and no rule in "
                    f"the policy has that id or type{hint}"
                )
            names.append(value)
    return tuple(names), severity
