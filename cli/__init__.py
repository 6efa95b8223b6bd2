"""The `dispute-triage` command: sits on top of `training` and `service`, which never import each other."""
