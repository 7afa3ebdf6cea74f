"""The certificate pages: issuing, PDFs, revocation, verification, educators."""
