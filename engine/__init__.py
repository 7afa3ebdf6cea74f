"""A form-workflow engine driven by declarative YAML."""
