"""Documents made from stored data: certificate PDFs drawn from a layout."""
