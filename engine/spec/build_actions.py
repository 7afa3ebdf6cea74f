"""Typed settings of the actions that read answers (create_organization, grant_membership),
with every question they name checked against the workflow's form."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from engine.spec.model import FieldSpec, FormSpec, NewOrganization, PeopleGroup, PersonFields
from engine.spec.suggest import did_you_mean
from engine.spec.yaml_source import JsonPath

Report = Callable[[JsonPath, str], None]


def person_fields(
    raw: Mapping[str, Any], path: JsonPath, form: FormSpec | None, report: Report
) -> PersonFields:
    """Build a person's name and email questions; report any the form does not have."""
    if form is not None:
        _check(form.fields(), f"the form '{form.name}'", raw, path, report)
    return PersonFields(name=raw["name"], email=raw["email"])


def new_organization(
    raw: Mapping[str, Any], path: JsonPath, form: FormSpec | None, report: Report
) -> NewOrganization:
    """Build how an organization is made from the answers; report unknown questions."""
    manager = person_fields(raw["manager"], (*path, "manager"), form, report)
    users = None
    if "users" in raw:
        users = _people_group(raw["users"], (*path, "users"), form, report)
    if form is not None:
        keys = {key: raw[key] for key in ("name", "email", "phone", "website") if key in raw}
        _check(form.fields(), f"the form '{form.name}'", keys, path, report)
    return NewOrganization(
        name=raw["name"],
        prefix=raw["number"]["prefix"],
        digits=raw["number"]["digits"],
        manager=manager,
        email=raw.get("email"),
        phone=raw.get("phone"),
        website=raw.get("website"),
        users=users,
    )


def _people_group(
    raw: Mapping[str, Any], path: JsonPath, form: FormSpec | None, report: Report
) -> PeopleGroup:
    person = PersonFields(name=raw["name"], email=raw["email"])
    group = raw["group"]
    if form is None:
        return PeopleGroup(group, person)
    found = {f.id: f for f in form.fields()}.get(group)
    if found is None:
        groups = [f.id for f in form.fields() if f.is_group]
        report(
            (*path, "group"),
            f"there is no group '{group}' in the form '{form.name}'{did_you_mean(group, groups)}",
        )
    elif not found.is_group:
        report((*path, "group"), f"'{group}' is one question, not a group of questions")
    else:
        items = {"name": raw["name"], "email": raw["email"]}
        _check(found.fields, f"the group '{group}'", items, path, report)
    return PeopleGroup(group, person)


def _check(
    fields: Iterable[FieldSpec],
    where: str,
    keys: Mapping[str, str],
    path: JsonPath,
    report: Report,
) -> None:
    """Each key names a single question of `fields`; `email` names an email question."""
    known = {f.id: f for f in fields}
    for key, name in keys.items():
        at = (*path, key)
        spec = known.get(name)
        if spec is None:
            singles = [f for f, s in known.items() if not s.is_group]
            report(at, f"there is no question '{name}' in {where}{did_you_mean(name, singles)}")
        elif spec.is_group:
            report(at, f"'{name}' is a group of questions; name one question here")
        elif key == "email" and spec.type != "email":
            report(
                at,
                f"'{name}' is a {spec.type} question; an email address must come from a "
                "question of type email",
            )
