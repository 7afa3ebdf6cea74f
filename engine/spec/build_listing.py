"""Build the `listing:` of a workflow file into a frozen ListingSpec, checking every name it
uses: the page's content file, the states, and each question with the type it must have."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.spec.build_obligations import Report
from engine.spec.model import (
    PROVIDER_ORGANIZATION,
    FieldSpec,
    FormSpec,
    ListingContact,
    ListingDates,
    ListingSelfPaced,
    ListingSpec,
    StateSpec,
)
from engine.spec.suggest import did_you_mean
from engine.spec.yaml_source import JsonPath, Source, display_name

# Where each public page's heading and introduction are written, by page name.
PAGES_FOLDER = "listings"
PAGE_SUFFIX = ".md"
_TEXT = ("text", "long_text")
_NUMBER = ("decimal", "whole_number")
_PATH: JsonPath = ("listing",)


def page_file(template_dir: Path, page: str) -> Path:
    """Return the content file of a listing page: templates/listings/<page>.md."""
    return template_dir / PAGES_FOLDER / f"{page}{PAGE_SUFFIX}"


def build_listing(
    source: Source,
    raw: Mapping[str, Any] | None,
    form: FormSpec | None,
    states: Mapping[str, StateSpec],
    organization: str | None,
    template_dir: Path | None,
    report: Report,
) -> ListingSpec | None:
    """Return the listing (None without one, or when its form is missing); report problems."""
    if raw is None:
        return None
    if template_dir is not None:
        _check_page(raw["page"], template_dir, report)
    for i, state in enumerate(raw["states"]):
        if state not in states:
            report(
                (*_PATH, "states", i), f"there is no state '{state}'{did_you_mean(state, states)}"
            )
    provider = raw["provider"]
    if provider == PROVIDER_ORGANIZATION and organization is None:
        report(
            (*_PATH, "provider"),
            "'provider: organization' needs the workflow key 'organization: member' (or "
            "chosen), so that applications have an organization to show",
        )
    if form is None:  # the form is missing or broken; that is reported already
        return None
    top = _TopQuestions(form, report)
    top.check(raw["title"], ("text",), "title")
    if isinstance(provider, Mapping):
        top.check(provider["field"], ("text",), "provider", "field")
        provider = provider["field"]
    for key, types in (
        ("description", _TEXT),
        ("format", ("choice",)),
        ("location", _TEXT),
        ("link", ("url",)),
    ):
        if key in raw:
            top.check(raw[key], types, key)
    return ListingSpec(
        page=raw["page"],
        states=tuple(raw["states"]),
        title=raw["title"],
        provider=provider,
        description=raw.get("description"),
        format=raw.get("format"),
        dates=_dates(raw.get("dates"), top),
        self_paced=_self_paced(raw.get("self_paced"), top),
        location=raw.get("location"),
        link=raw.get("link"),
        contact=_contact(raw.get("contact"), top),
        where=source.key_at(_PATH),
    )


def _check_page(page: str, template_dir: Path, report: Report) -> None:
    wanted = page_file(template_dir, page)
    if wanted.is_file():
        return
    known = sorted(p.stem for p in wanted.parent.glob(f"*{PAGE_SUFFIX}"))
    report(
        (*_PATH, "page"),
        f"there is no listing page '{page}' (looked for {display_name(wanted)}, which gives "
        f"the page its heading and introduction){did_you_mean(page, known)}",
    )


class _TopQuestions:
    """Looks questions up in the workflow's form and checks their types, reporting each slip."""

    def __init__(self, form: FormSpec, report: Report) -> None:
        self.form = form
        self.report = report

    def check(self, name: str, types: tuple[str, ...], *path: str | int) -> FieldSpec | None:
        """Return the top-level question `name` if it exists with one of these types."""
        at: JsonPath = (*_PATH, *path)
        try:
            found = self.form.field(name)
        except KeyError:
            known = [f.id for f in self.form.fields()]
            self.report(
                at,
                f"the form '{self.form.name}' has no question '{name}'{did_you_mean(name, known)}",
            )
            return None
        return found if _has_type(found, types, at, self.report) else None

    def inner(self, group: FieldSpec, name: str, types: tuple[str, ...], *path: str | int) -> None:
        """Check that a question inside a group exists with one of these types."""
        at: JsonPath = (*_PATH, *path)
        found = next((f for f in group.fields if f.id == name), None)
        if found is None:
            known = [f.id for f in group.fields]
            self.report(
                at, f"the group '{group.id}' has no question '{name}'{did_you_mean(name, known)}"
            )
        else:
            _has_type(found, types, at, self.report)


def _has_type(found: FieldSpec, types: tuple[str, ...], at: JsonPath, report: Report) -> bool:
    if found.type in types:
        return True
    wanted = " or ".join(types)
    report(at, f"'{found.id}' is a {found.type} question; a listing needs a {wanted} one here")
    return False


def _dates(raw: Mapping[str, Any] | None, top: _TopQuestions) -> ListingDates | None:
    if raw is None:
        return None
    group = top.check(raw["group"], ("group",), "dates", "group")
    if group is not None and group.repeat is None:
        top.report((*_PATH, "dates", "group"), f"'{group.id}' is not a repeating group")
    if group is not None:
        top.inner(group, raw["date"], ("date",), "dates", "date")
        for key, types in (
            ("times", ("text",)),
            ("starts", ("time",)),
            ("ends", ("time",)),
            ("units", _NUMBER),
        ):
            if key in raw:
                top.inner(group, raw[key], types, "dates", key)
    if "times" in raw and ("starts" in raw or "ends" in raw):
        top.report(
            (*_PATH, "dates", "times"),
            "give the times as one text question ('times') or as time questions "
            "('starts' and 'ends'), not both",
        )
    return ListingDates(
        raw["group"],
        raw["date"],
        raw.get("units"),
        raw.get("times"),
        raw.get("starts"),
        raw.get("ends"),
    )


def _self_paced(raw: Mapping[str, Any] | None, top: _TopQuestions) -> ListingSelfPaced | None:
    if raw is None:
        return None
    top.check(raw["from"], ("date",), "self_paced", "from")
    if "until" in raw:
        top.check(raw["until"], ("date",), "self_paced", "until")
    if "units" in raw:
        top.check(raw["units"], _NUMBER, "self_paced", "units")
    return ListingSelfPaced(raw["from"], raw.get("until"), raw.get("units"))


def _contact(raw: Mapping[str, Any] | None, top: _TopQuestions) -> ListingContact | None:
    if raw is None:
        return None
    for key, types in (("name", ("text",)), ("email", ("email",)), ("phone", ("phone",))):
        if key in raw:
            top.check(raw[key], types, "contact", key)
    return ListingContact(raw.get("name"), raw.get("email"), raw.get("phone"))
