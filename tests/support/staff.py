"""Staff test users' shared password (the dashboard fixtures sign in with it)."""

PASSWORD = "correct horse battery staple"
