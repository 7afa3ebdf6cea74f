"""Certificates: issuing by form and roster, batches, PDFs, verification, educators' pages."""
