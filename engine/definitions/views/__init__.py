"""The definitions pages: workflows, editor, versions."""
