"""Applications: start, save, submit, decide, and the moves' actions; the applicant's pages."""
