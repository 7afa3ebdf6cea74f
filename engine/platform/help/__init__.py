"""In-app help: topics staff write as Markdown files, read once at start-up."""
