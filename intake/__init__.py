"""The patient's episode: intake, triage outcome, advice and the one-week follow-up."""
