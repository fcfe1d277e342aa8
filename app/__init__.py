"""The molt GitHub App: everything with I/O (CLI, webhook server, GitHub access, jobs)."""
