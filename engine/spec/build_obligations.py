"""Build the `obligations:` of a workflow file into frozen ObligationSpecs, checking every
name they use: the report form and its reconciled questions, the group and date
questions of the workflow's form, and the reminder email templates."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from engine.spec.model import (
    Due,
    EachItem,
    FieldSpec,
    FormSpec,
    ObligationSpec,
    Periods,
    Reconcile,
    Reminders,
)
from engine.spec.suggest import did_you_mean
from engine.spec.yaml_source import JsonPath, Source


class Report(Protocol):
    """Reports a problem at a path (or at its key); the workflow builder's error()."""

    def __call__(self, path: JsonPath, message: str, *, at_key: bool = False) -> None:
        """Record one problem."""


# Checks that an email template exists, reporting it at a path when it does not.
CheckTemplate = Callable[[str, JsonPath], None]


def build_obligations(
    source: Source,
    raw: Mapping[str, Any],
    form: FormSpec | None,
    forms: Mapping[str, FormSpec | None],
    report: Report,
    template: CheckTemplate,
) -> dict[str, ObligationSpec]:
    """Return each obligation by name; report every problem on the way."""
    built = {}
    for name, body in raw.items():
        path: JsonPath = ("obligations", name)
        if body["form"] not in forms:
            report(
                (*path, "form"),
                f"there is no form '{body['form']}'{did_you_mean(body['form'], forms)}",
            )
        if "for_each" not in body and "every" not in body:
            report(
                path,
                f"the obligation '{name}' needs 'for_each:' or 'every:' (or both)",
                at_key=True,
            )
        each = _each(body.get("for_each"), (*path, "for_each"), form, report)
        periods = _periods(body.get("every"), (*path, "every"), form, report)
        reminders = _reminders(body.get("reminders", {}), (*path, "reminders"), report, template)
        reconcile = _reconcile(
            body.get("reconcile"), (*path, "reconcile"), forms.get(body["form"]), report
        )
        business = "business_days" in body["due"]
        built[name] = ObligationSpec(
            name=name,
            label=body["label"],
            form=body["form"],
            due=Due(body["due"]["business_days" if business else "days"], business),
            each_item=each,
            periods=periods,
            reminders=reminders,
            reconcile=reconcile,
            where=source.key_at(path),
        )
    return built


def _each(
    raw: Mapping[str, Any] | None, path: JsonPath, form: FormSpec | None, report: Report
) -> EachItem | None:
    if raw is None or form is None:
        return None
    group = _top(form, raw["group"], (*path, "group"), report)
    if group is None:
        return None
    if not group.is_group or group.repeat is None:
        report((*path, "group"), f"'{group.id}' is not a repeating group of questions")
        return None
    _inner(group, raw["date"], ("date",), (*path, "date"), report)
    if "label" in raw:
        _inner(group, raw["label"], ("text",), (*path, "label"), report)
    return EachItem(raw["group"], raw["date"], raw.get("label"))


def _periods(
    raw: Mapping[str, Any] | None, path: JsonPath, form: FormSpec | None, report: Report
) -> Periods | None:
    if raw is None or form is None:
        return None
    for key in ("from", "until"):
        if key in raw:
            spec = _top(form, raw[key], (*path, key), report)
            if spec is not None and spec.type != "date":
                report((*path, key), f"'{spec.id}' is a {spec.type} question, not a date")
    return Periods(raw["months"], raw["from"], raw.get("until"))


def _reconcile(
    raw: Mapping[str, Any] | None, path: JsonPath, form: FormSpec | None, report: Report
) -> Reconcile | None:
    if raw is None or form is None:
        return None
    for key, types in (("field", ("whole_number",)), ("reason", ("long_text", "text"))):
        spec = _top(form, raw[key], (*path, key), report)
        if spec is not None and spec.type not in types:
            report(
                (*path, key), f"'{spec.id}' is a {spec.type} question, not a {' or '.join(types)}"
            )
    return Reconcile(raw["field"], raw["reason"])


def _reminders(
    raw: Mapping[str, Any], path: JsonPath, report: Report, template: CheckTemplate
) -> Reminders:
    for key in ("before", "on_due", "overdue"):
        if key in raw:
            template(raw[key], (*path, key))
    if raw.get("days_before") and "before" not in raw:
        report(path, "'days_before' needs a 'before' email template to send on those days")
    return Reminders(
        days_before=tuple(sorted(raw.get("days_before", ()), reverse=True)),
        before_template=raw.get("before"),
        due_template=raw.get("on_due"),
        overdue_template=raw.get("overdue"),
    )


def _top(form: FormSpec, name: str, path: JsonPath, report: Report) -> FieldSpec | None:
    try:
        return form.field(name)
    except KeyError:
        known = [f.id for f in form.fields()]
        report(path, f"the form '{form.name}' has no question '{name}'{did_you_mean(name, known)}")
        return None


def _inner(
    group: FieldSpec, name: str, types: tuple[str, ...], path: JsonPath, report: Report
) -> None:
    found = next((f for f in group.fields if f.id == name), None)
    if found is None:
        known = [f.id for f in group.fields]
        report(path, f"the group '{group.id}' has no question '{name}'{did_you_mean(name, known)}")
    elif found.type not in types:
        report(path, f"'{name}' is a {found.type} question, not a {' or '.join(types)}")
