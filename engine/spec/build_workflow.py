"""Turn a workflow file that passed the meta-schema into a frozen WorkflowSpec, linking its
names: the forms it uses, its states, email templates, and guard conditions (with the
workflow form's fields in scope); then check that every state can be reached and left."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from engine.spec.action_kinds import ACTION_KINDS
from engine.spec.build_certificates import build_certificates
from engine.spec.build_form import form_scope, parse_located
from engine.spec.build_listing import build_listing
from engine.spec.build_obligations import build_obligations
from engine.spec.build_upgrade import build_upgrade
from engine.spec.conditions import Scope
from engine.spec.errors import DefinitionError
from engine.spec.model import (
    ActionSpec,
    Due,
    FormSpec,
    Guard,
    ObligationSpec,
    Option,
    StartSpec,
    StateSpec,
    TransitionSpec,
    WorkflowSpec,
)
from engine.spec.suggest import did_you_mean
from engine.spec.yaml_source import JsonPath, Source, display_name

_NO_ORGANIZATION = (
    "{what} needs the workflow key 'organization: member' or 'organization: chosen', "
    "to know which organization the application is about"
)


@dataclass(frozen=True)
class WorkflowBuild:
    """A built workflow (None when it has problems) and its problems."""

    spec: WorkflowSpec | None
    errors: list[DefinitionError]


def build_workflow(
    source: Source, forms: Mapping[str, FormSpec | None], template_dir: Path | None
) -> WorkflowBuild:
    """Build a WorkflowSpec from a workflow file that passed the meta-schema.

    `forms` maps each known form name to its spec, or to None when that form exists but
    could not be built (its own problems are reported with it, not repeated here).
    `template_dir` None builds a stored version without looking for the files it names
    (templates, pages, layouts): they were there when it was published.
    """
    return _WorkflowBuilder(source, forms, template_dir).build()


class _WorkflowBuilder:
    """States first (transitions name them), then transitions, then the whole flow."""

    def __init__(
        self, source: Source, forms: Mapping[str, FormSpec | None], template_dir: Path | None
    ) -> None:
        self.source = source
        self.data: Mapping[str, Any] = source.data
        self.forms = forms
        self.template_dir = template_dir
        self.errors: list[DefinitionError] = []
        self.states: dict[str, StateSpec] = {}
        self.obligations: dict[str, ObligationSpec] = {}
        self.state_problems = False
        self.form: FormSpec | None = None

    def build(self) -> WorkflowBuild:
        """Build the spec, collecting every problem on the way."""
        self.states = {
            name: self._state(name, raw, ("states", name))
            for name, raw in self.data["states"].items()
        }
        form = self.form = self._form(self.data["form"], ("form",))
        self.obligations = build_obligations(
            self.source,
            self.data.get("obligations", {}),
            form,
            self.forms,
            self.error,
            self.check_template,
        )
        scope = (
            Scope(
                MappingProxyType(form_scope(form.fields())),
                obligations=frozenset(self.obligations),
            )
            if form
            else None
        )
        self._state_name(self.data["initial"], ("initial",))
        transitions = tuple(
            self._transition(raw, ("transitions", i), scope)
            for i, raw in enumerate(self.data["transitions"])
        )
        self._check_triggers(transitions)
        start = self._start(self.data.get("start", {}))
        listing = build_listing(
            self.source,
            self.data.get("listing"),
            form,
            self.states,
            self.data.get("organization"),
            self.template_dir,
            self.error,
        )
        certificates = build_certificates(
            self.data.get("certificates"),
            listing,
            self.states,
            self.data.get("organization"),
            self.template_dir,
            self.error,
        )
        upgrade = build_upgrade(
            self.data.get("upgrade"),
            form,
            self.states,
            self.source.key_at(("upgrade",)) if "upgrade" in self.data else None,
            self.error,
        )
        if not self.state_problems:
            self._check_flow(transitions)
        if self.errors:
            return WorkflowBuild(None, self.errors)
        spec = WorkflowSpec(
            name=self.data["workflow"],
            title=self.data["title"],
            form=self.data["form"],
            initial=self.data["initial"],
            states=MappingProxyType(self.states),
            transitions=transitions,
            version=self.source.version,
            source=self.source.text,
            description=self.data.get("description"),
            retention_years=self.data.get("retention", {}).get("years"),
            organization=self.data.get("organization"),
            obligations=MappingProxyType(self.obligations),
            start=start,
            listing=listing,
            certificates=certificates,
            upgrade=upgrade,
            where=self.source.at(()),
        )
        return WorkflowBuild(spec, self.errors)

    def _start(self, raw: Mapping[str, Any]) -> StartSpec:
        check = bool(raw.get("check_similar_organizations", False))
        join = raw.get("ask_to_join")
        if join is not None and not check:
            self.error(
                ("start", "ask_to_join"),
                "'ask_to_join' needs 'check_similar_organizations: true' beside it",
                at_key=True,
            )
        # Whether `ask_to_join` names a workflow is checked by the loader, which sees them all.
        return StartSpec(check, join)

    def error(self, path: JsonPath, message: str, *, at_key: bool = False) -> None:
        """Record a problem at the value (or the key) at this path."""
        make = self.source.key_error if at_key else self.source.error
        self.errors.append(make(path, message))

    def _state(self, name: str, raw: Mapping[str, Any], path: JsonPath) -> StateSpec:
        due = None
        if "due" in raw:
            business = "business_days" in raw["due"]
            due = Due(raw["due"]["business_days" if business else "days"], business)
        return StateSpec(
            id=name,
            label=raw["label"],
            description=raw.get("description"),
            editable=raw.get("editable", False),
            final=raw.get("final", False),
            due=due,
            where=self.source.key_at(path),
        )

    def _form(self, name: str, path: JsonPath) -> FormSpec | None:
        """Return the named form's spec; report it when there is no such form."""
        if name not in self.forms:
            self.error(path, f"there is no form '{name}'{did_you_mean(name, self.forms)}")
        return self.forms.get(name)

    def _state_name(self, name: str, path: JsonPath) -> bool:
        """Tell whether a state exists; report it when it does not."""
        if name in self.states:
            return True
        self.state_problems = True
        self.error(path, f"there is no state '{name}'{did_you_mean(name, self.states)}")
        return False

    def _transition(
        self, raw: Mapping[str, Any], path: JsonPath, scope: Scope | None
    ) -> TransitionSpec:
        sources = _as_tuple(raw["from"])
        for i, name in enumerate(sources):
            at = (*path, "from", i) if isinstance(raw["from"], list) else (*path, "from")
            if self._state_name(name, at) and self.states[name].final:
                self.error(at, f"'{name}' is a final state, so no transition can leave it")
        self._state_name(raw["to"], (*path, "to"))
        if "form" in raw and self._form(raw["form"], (*path, "form")) is not None:
            if raw["form"] != self.data["form"]:
                # Answers are kept for the workflow's own form only; another form would
                # never be filled in, so its check could never pass or fail honestly.
                self.error(
                    (*path, "form"),
                    f"a transition can only check the workflow's own form "
                    f"'{self.data['form']}', not '{raw['form']}'",
                )
        trigger = raw["trigger"]
        self._check_manager_role(raw["by"], (*path, "by"))
        if "system" in _as_tuple(raw["by"]) and raw.get("comment") == "required":
            self.error(
                (*path, "comment"),
                "the system writes no comments, so a move 'by: system' cannot require one",
            )
        if "system" in _as_tuple(raw["by"]) and "reasons" in raw:
            self.error(
                (*path, "reasons"),
                "the system chooses no reasons, so a move 'by: system' cannot ask for one",
                at_key=True,
            )
        return TransitionSpec(
            trigger=trigger,
            label=raw.get("label", trigger.replace("_", " ").capitalize()),
            sources=sources,
            dest=raw["to"],
            roles=_as_tuple(raw["by"]),
            form=raw.get("form"),
            guards=self._guards(raw, path, scope),
            comment=raw.get("comment", "none"),
            reasons=tuple(Option(str(k), str(v)) for k, v in raw.get("reasons", {}).items()),
            actions=tuple(
                self._action(action, (*path, "actions", i))
                for i, action in enumerate(raw.get("actions", []))
            ),
            where=self.source.at(path),
        )

    def _guards(
        self, raw: Mapping[str, Any], path: JsonPath, scope: Scope | None
    ) -> tuple[Guard, ...]:
        if "guard" not in raw:
            return ()
        listed = isinstance(raw["guard"], list)
        guards = []
        for i, guard in enumerate(raw["guard"] if listed else [raw["guard"]]):
            at = (*path, "guard", i) if listed else (*path, "guard")
            if scope is None:  # the form is missing or broken; that is reported already
                continue
            when = parse_located(self.source, guard["when"], (*at, "when"), scope, self.errors)
            if when is not None:
                override = _as_tuple(guard.get("override", []))
                if override and "system" in _as_tuple(raw["by"]):
                    # The worker never waits for anyone: nobody would see the refusal.
                    self.error(
                        (*at, "override"),
                        "a move 'by: system' happens on its own when its guards hold, "
                        "so nobody can override them; remove 'override'",
                        at_key=True,
                    )
                guards.append(Guard(when, guard["message"], self.source.at(at), override))
        return tuple(guards)

    def _action(self, raw: Mapping[str, Any], path: JsonPath) -> ActionSpec:
        name = next(iter(raw))
        kind = ACTION_KINDS.get(name)
        details = None
        if kind is None:
            self.error(
                (*path, name),
                f"an action starts with what it does ({', '.join(ACTION_KINDS)}), "
                f"not with '{name}'",
                at_key=True,
            )
        else:
            for key in kind.needs:
                if key not in raw:
                    self.error(path, f"a '{name}' action needs a '{key}'")
            details = kind.build(raw, path, self)
        return ActionSpec(name, MappingProxyType(dict(raw)), self.source.at(path), details)

    def _check_manager_role(self, by: str | list[str], path: JsonPath) -> None:
        roles = _as_tuple(by)
        for i, role in enumerate(roles):
            if role == "manager":
                at = (*path, i) if isinstance(by, list) else path
                self.needs_organization(at, "the role 'manager'")

    def needs_organization(self, path: JsonPath, what: str, *, at_key: bool = False) -> None:
        """Report `what` when the workflow says nothing of organizations."""
        if "organization" not in self.data:
            self.error(path, _NO_ORGANIZATION.format(what=what), at_key=at_key)

    def check_template(self, name: str, path: JsonPath) -> None:
        """Report an email template that does not exist."""
        if self.template_dir is None:
            return
        folder = self.template_dir / "emails"
        if (folder / f"{name}.txt").is_file():
            return
        known = sorted(p.stem for p in folder.glob("*.txt"))
        self.error(
            path,
            f"there is no email template '{name}' "
            f"(looked for {display_name(folder / f'{name}.txt')})"
            f"{did_you_mean(name, known)}",
        )

    def _check_triggers(self, transitions: tuple[TransitionSpec, ...]) -> None:
        first: dict[tuple[str, str], int] = {}
        for i, transition in enumerate(transitions):
            for state in transition.sources:
                key = (transition.trigger, state)
                if key in first:
                    line = self.source.at(("transitions", first[key], "trigger")).line
                    self.error(
                        ("transitions", i, "trigger"),
                        f"the trigger '{transition.trigger}' already leaves the state "
                        f"'{state}' (line {line}); a trigger may leave a state only once",
                    )
                first.setdefault(key, i)

    def _check_flow(self, transitions: tuple[TransitionSpec, ...]) -> None:
        """Every state can be reached from the initial one, and every state but the final
        ones can be left: otherwise applications get stuck or a state is dead text."""
        leaving = {state for t in transitions for state in t.sources}
        reached = {self.data["initial"]}
        frontier = [self.data["initial"]]
        while frontier:
            state = frontier.pop()
            for t in transitions:
                if state in t.sources and t.dest not in reached:
                    reached.add(t.dest)
                    frontier.append(t.dest)
        for name, state in self.states.items():
            if name not in reached:
                self.error(
                    ("states", name),
                    f"no transition leads to the state '{name}' from the initial state "
                    f"'{self.data['initial']}'",
                    at_key=True,
                )
            elif not state.final and name not in leaving:
                self.error(
                    ("states", name),
                    f"no transition leaves the state '{name}', so applications would stay "
                    "in it for ever; add one, or mark the state 'final: true'",
                    at_key=True,
                )


def _as_tuple(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)
