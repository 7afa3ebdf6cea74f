"""Web plumbing every feature's views share: security, filters, form fields, errors."""
