"""Load form and workflow files into frozen specs, or report every problem in all of them.

Each file goes through: parse (positions kept) -> meta-schema -> build and link. A file
that fails one stage is not taken further, but every other file still is, and its name is
remembered so that files referring to it do not report it as missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from engine.spec.build_form import build_form
from engine.spec.build_workflow import build_workflow
from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.messages import schema_errors
from engine.spec.model import FormSpec, WorkflowSpec
from engine.spec.suggest import did_you_mean
from engine.spec.yaml_source import Source, parse_source, read_source

KINDS = ("form", "workflow")
_SUFFIXES = (".yaml", ".yml")
_NEITHER = (
    "this file is neither a form nor a workflow: it should start with 'form: <id>' or "
    "'workflow: <id>'"
)


@dataclass(frozen=True)
class Definitions:
    """Every form and workflow, by name, as loaded together."""

    forms: Mapping[str, FormSpec] = field(default_factory=lambda: MappingProxyType({}))
    workflows: Mapping[str, WorkflowSpec] = field(default_factory=lambda: MappingProxyType({}))


def load_definitions(
    form_paths: Iterable[Path], workflow_paths: Iterable[Path], template_dir: Path
) -> Definitions:
    """Load forms and workflows together; raise DefinitionsInvalid listing every problem."""
    definitions, errors = _check([*form_paths, *workflow_paths], template_dir)
    if errors:
        raise DefinitionsInvalid(errors)
    return definitions


def lint(paths: list[Path], template_dir: Path) -> list[DefinitionError]:
    """Check definition files and folders together; return every problem, sorted."""
    return sorted(_check(definition_files(paths), template_dir)[1])


def lint_deep(paths: list[Path], template_dir: Path) -> list[DefinitionError]:
    """Check definitions like lint, then, if they load, check how they work together."""
    from engine.spec.deep_lint import deep_lint  # deep_lint builds on this module

    definitions, errors = _check(definition_files(paths), template_dir)
    return sorted(errors) if errors else deep_lint(definitions)


def definition_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their YAML files: their own, and those of forms/ and workflows/."""
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        for folder in (path, path / "forms", path / "workflows"):
            if folder.is_dir():
                files.extend(
                    sorted(p for p in folder.iterdir() if p.suffix in _SUFFIXES and p.is_file())
                )
    return list(dict.fromkeys(files))


def load_texts(texts: Iterable[tuple[str, str]], template_dir: Path | None) -> Definitions:
    """Load definitions from (file name, text) pairs, e.g. versions kept in the database.

    With template_dir None, the files they name (email templates, listing pages,
    certificate layouts) are not looked for: a version published long ago still loads
    when one was renamed since, and `lint` reports that (pinned_problems).
    """
    # A stored version is loaded alone: the workflows it links to are judged at publishing.
    definitions, errors = _check(list(texts), template_dir, across_workflows=False)
    if errors:
        raise DefinitionsInvalid(errors)
    return definitions


def _check(
    paths: list[Path] | list[tuple[str, str]],
    template_dir: Path | None,
    *,
    across_workflows: bool = True,
) -> tuple[Definitions, list[DefinitionError]]:
    errors: list[DefinitionError] = []
    shaped = _shaped_sources(paths, errors)
    # A form with problems still lends its fields to the guards of its workflows, and one
    # that failed its meta-schema is at least known to exist (None).
    forms: dict[str, FormSpec | None] = dict.fromkeys(shaped.names["form"])
    good_forms: dict[str, FormSpec] = {}
    for source, first in shaped.sources["form"]:
        form = build_form(source)
        errors.extend(form.errors)
        if first:
            forms[source.data["form"]] = form.spec
        if first and form.spec is not None and not form.errors:
            good_forms[form.spec.name] = form.spec
    good_workflows: dict[str, WorkflowSpec] = {}
    built: list[tuple[Source, WorkflowSpec]] = []
    for source, first in shaped.sources["workflow"]:
        workflow = build_workflow(source, forms, template_dir)
        errors.extend(workflow.errors)
        if workflow.spec is not None:
            built.append((source, workflow.spec))
        if first and workflow.spec is not None:
            good_workflows[workflow.spec.name] = workflow.spec
    if across_workflows:
        errors.extend(_check_ask_to_join(built, good_workflows))
    definitions = Definitions(MappingProxyType(good_forms), MappingProxyType(good_workflows))
    return definitions, errors


def _check_ask_to_join(
    built: list[tuple[Source, WorkflowSpec]], workflows: Mapping[str, WorkflowSpec]
) -> list[DefinitionError]:
    """Each `start: ask_to_join` names a workflow about a chosen organization."""
    errors = []
    for source, spec in built:
        join = spec.start.ask_to_join
        if join is None:
            continue
        target = workflows.get(join)
        if target is None:
            message = (
                f"'ask_to_join' names the workflow '{join}', which does not exist"
                f"{did_you_mean(join, workflows)}"
            )
        elif target.organization != "chosen":
            message = f"the workflow '{join}' of 'ask_to_join' needs 'organization: chosen'"
        else:
            continue
        errors.append(source.error(("start", "ask_to_join"), message))
    return errors


@dataclass
class _Shaped:
    """Files that parsed and passed their meta-schema, by kind, each with whether it is the
    first to use its name (a second one is still checked, but the first one counts); and
    every name defined, including by files with problems."""

    sources: dict[str, list[tuple[Source, bool]]]
    names: dict[str, dict[str, str]]


def _shaped_sources(
    paths: list[Path] | list[tuple[str, str]], errors: list[DefinitionError]
) -> _Shaped:
    """Parse each file (or named text), tell its kind and check it against its meta-schema."""
    shaped = _Shaped({kind: [] for kind in KINDS}, {kind: {} for kind in KINDS})
    for path in paths:
        try:
            if isinstance(path, tuple):
                source = parse_source(path[1].encode("utf-8"), path[0])
            else:
                source = read_source(path)
        except DefinitionsInvalid as exc:
            errors.extend(exc.errors)
            continue
        kind = _kind(source)
        if kind is None:
            errors.append(source.error((), _NEITHER))
            continue
        name, names = source.data[kind], shaped.names[kind]
        first = not isinstance(name, str) or name not in names
        if not first:
            message = f"the {kind} '{name}' is already defined in {names[name]}"
            errors.append(source.error((kind,), message))
        elif isinstance(name, str):
            names[name] = source.file
        problems = schema_errors(kind, source)
        errors.extend(problems)
        if not problems:
            shaped.sources[kind].append((source, first))
    return shaped


def _kind(source: Source) -> str | None:
    """Tell a file's kind by its top key; a workflow also names a form, so it wins."""
    if not isinstance(source.data, dict):
        return None
    return next((kind for kind in reversed(KINDS) if kind in source.data), None)
